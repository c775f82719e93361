/**
 * A token ledger (rows of a ModelTable by minute and key, reads kept to go on from) against the plainest model:
 * the calls themselves, filtered by window and key and added up one by one. Reads come in any order, between
 * further calls and prunes, and after a round trip through the ledger's state; sums pass 2^32 (the table widens).
 */
import { describe, expect, it } from 'vitest';
import { StateReader } from '../../../src/core/engine/stateReader.js';
import { TokenLedger } from '../../../src/core/engine/tokenLedger.js';
import { ModelTokens } from '../../../src/core/modelTokens.js';
import { PriceBook } from '../../../src/core/pricing.js';
import { TimeZone } from '../../../src/core/timezone.js';
import type { CallRecord } from '../../../src/core/types.js';
import { calendarSpan, type TimeWindow } from '../../../src/core/window.js';
import { random } from '../../helpers.js';
import { call } from '../records.js';
import { throughFile } from './throughFile.js';

const pricing = PriceBook.embedded();
const tz = new TimeZone('UTC');
const MINUTE = 60_000;
const START = Date.UTC(2026, 10, 24);
const MINUTES = 3 * 24 * 60;
const FEATURES = ['chat', 'search', 'extract', 'classify'];
const MODELS = ['claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-5', 'a-model-without-a-price'];

function randomCalls(next: () => number, count: number): CallRecord[] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  return Array.from({ length: count }, () => {
    // Some calls of one minute, feature and model whose 1-hour cache writes pass 2^32 together: the table widens.
    if (next() < 0.01) return call({ timestampMs: START + 90 * MINUTE + next() * MINUTE, model: 'claude-sonnet-4-5', cacheWriteTokens: 3e9, cacheWrite1hTokens: 3e9 });
    const cacheWrite = Math.floor(next() * 3000);
    return call({
      timestampMs: START + next() * MINUTES * MINUTE,
      feature: pick(FEATURES),
      model: pick(MODELS),
      inputTokens: Math.floor(next() * 5000) + (next() < 0.05 ? 250_000 : 0), // some long-context
      outputTokens: Math.floor(next() * 800),
      cacheReadTokens: Math.floor(next() * 9000),
      cacheWriteTokens: cacheWrite,
      cacheWrite1hTokens: next() < 0.3 ? cacheWrite : 0,
      batch: next() < 0.2,
    });
  });
}

/** What the plainest model says of the calls in `window` (of `feature` when given). */
function expected(calls: readonly CallRecord[], window: TimeWindow, feature?: string): { calls: number; costUsd: number; tokens: unknown } {
  const tokens = new ModelTokens(pricing);
  let count = 0;
  for (const record of calls) {
    const t = record.timestampMs;
    if (t < window.from.ms || t >= window.to.ms || (feature !== undefined && record.feature !== feature)) continue;
    tokens.add(record);
    count++;
  }
  return { calls: count, costUsd: tokens.cost().costUsd, tokens: tokens.toState() };
}

function actual(ledger: TokenLedger, window: TimeWindow, feature?: string): { calls: number; costUsd: number; tokens: unknown } {
  const { calls, tokens } = ledger.sum(window, feature);
  return { calls, costUsd: tokens.cost().costUsd, tokens: tokens.toState() };
}

/** Whole minutes [from, to): a window that never cuts a cell. */
function randomWindow(next: () => number, fromMinute = 0): TimeWindow {
  const a = fromMinute + Math.floor(next() * (MINUTES - fromMinute));
  const b = fromMinute + Math.floor(next() * (MINUTES - fromMinute));
  return calendarSpan(START + Math.min(a, b) * MINUTE, START + (Math.max(a, b) + 1) * MINUTE);
}

describe('TokenLedger', () => {
  it('sums any window, by key and for every key, as the calls themselves do, read in any order between calls and prunes', () => {
    const next = random(21);
    const ledger = new TokenLedger({ bucketing: { unit: 'minute' }, dims: ['feature'], tz, pricing });
    const seen: CallRecord[] = [];
    let prunedBefore = 0;
    for (let round = 0; round < 12; round++) {
      for (const record of randomCalls(next, 400)) {
        if (record.timestampMs < START + prunedBefore * MINUTE) continue; // before the span: not taken
        ledger.add(record);
        seen.push(record);
      }
      // Reads in any order, some repeated, some from the same start to a later or earlier end.
      for (let read = 0; read < 40; read++) {
        const window = randomWindow(next, prunedBefore);
        const feature = next() < 0.3 ? undefined : (FEATURES[Math.floor(next() * FEATURES.length)] as string);
        expect(actual(ledger, window, feature)).toEqual(expected(seen, window, feature));
        const longer = calendarSpan(window.from.ms, Math.min(window.to.ms + Math.floor(next() * 600) * MINUTE, START + MINUTES * MINUTE));
        expect(actual(ledger, longer, feature)).toEqual(expected(seen, longer, feature));
        expect(actual(ledger, window, feature)).toEqual(expected(seen, window, feature));
      }
      if (round % 4 === 3) {
        // The span's start moves on: what is before it is let go.
        prunedBefore += 6 * 60;
        ledger.span.moveFrom(START + prunedBefore * MINUTE, true, 'the start');
        ledger.prune();
      }
    }
    const whole = calendarSpan(START + prunedBefore * MINUTE, START + MINUTES * MINUTE);
    const total = actual(ledger, whole);
    expect(total).toEqual(expected(seen, whole));
    const byKey = FEATURES.reduce((sum, feature) => sum + actual(ledger, whole, feature).calls, 0);
    expect(byKey).toBe(total.calls);
    expect(Object.keys(ledger.unpricedModels())).toEqual(['a-model-without-a-price']);

    // Written out and read back, it answers the same.
    const restored = new TokenLedger({ bucketing: { unit: 'minute' }, dims: ['feature'], tz, pricing });
    restored.restore(throughFile(ledger.toState()), new StateReader('a test state'));
    for (let read = 0; read < 30; read++) {
      const window = randomWindow(next, prunedBefore);
      expect(actual(restored, window)).toEqual(expected(seen, window));
    }
  });
});

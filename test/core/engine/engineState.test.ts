/**
 * The engine's state is plain data: written out after some of the calls, read back by an engine made the same way,
 * and given the rest, it answers as one engine given every call — for every command's parts, at a fixed now and
 * with a moving now (what a run that checkpoints its state and reads on from it needs).
 */
import { describe, expect, it } from 'vitest';
import { AlertParts } from '../../../src/core/alerts/alertParts.js';
import { alertSpans } from '../../../src/core/alerts/alertSpans.js';
import { DEFAULT_CONFIG } from '../../../src/core/alerts/alertConfig.js';
import { evaluateRules } from '../../../src/core/alerts/evaluate.js';
import { Engine, type EngineState, type NowMode } from '../../../src/core/engine/engine.js';
import { Ledger } from '../../../src/core/engine/ledger.js';
import { statsMeasure } from '../../../src/core/engine/measureKinds.js';
import { makeFoldLedgers } from '../../../src/core/foldState.js';
import { PriceBook } from '../../../src/core/pricing.js';
import { dashboardOf, dashboardParts } from '../../../src/core/reports/dashboardReport.js';
import { groupsOf } from '../../../src/core/reports/groups.js';
import { trendLedgers, trendOf } from '../../../src/core/reports/trendReport.js';
import { TimeZone } from '../../../src/core/timezone.js';
import type { CallRecord } from '../../../src/core/types.js';
import { ALL_TIME } from '../../../src/core/window.js';
import { renderStateFile } from '../../../src/render/stateFile.js';
import { random } from '../../helpers.js';
import { call } from '../records.js';
import { throughFile } from './throughFile.js';

const pricing = PriceBook.embedded();
const DAY = 86_400_000;
const END = Date.UTC(2026, 10, 26, 12, 0, 30.25);
const NO_LINES = { files: 0, lines: 0, records: 0, duplicates: 0, noise: 0, skipped: {}, unreadable: [], truncated: [] };

function calls(seed: number, count: number): CallRecord[] {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  return Array.from({ length: count }, () => {
    const error = next() < 0.1 ? pick(['RateLimitError', 'APIConnectionError']) : null;
    return call({
      // Mostly the last hours, some across 9 days.
      timestampMs: END - (next() < 0.5 ? next() * 9 * DAY : next() * 3 * 3_600_000),
      feature: pick(['chat', 'search', 'extract']),
      userId: `user-${Math.floor(next() * 12)}`,
      model: pick(['claude-sonnet-4-5', 'claude-haiku-4-5', 'homegrown']),
      inputTokens: Math.floor(next() * 5000),
      outputTokens: Math.floor(next() * 900),
      cacheReadTokens: Math.floor(next() * 9000),
      latencyMs: next() * 30_000,
      error,
      errorStatus: error === 'RateLimitError' ? 429 : null,
      ratelimitRequestsRemaining: error === 'RateLimitError' ? Math.floor(next() * 10) : null,
    });
  });
}

/** What each command makes of its parts, as text to compare. */
const commands: Record<string, (engine: Engine, tz: TimeZone) => () => unknown> = {
  summary: (engine, tz) => {
    const ledger = engine.part(new Ledger({ bucketing: { unit: 'all' }, dims: ['feature', 'model'], tz, ...statsMeasure(pricing) }), { kind: 'window', window: ALL_TIME });
    return () => {
      const { groups, total } = groupsOf(ledger);
      return { groups: [...groups], total };
    };
  },
  trend: (engine, tz) => {
    const ledgers = trendLedgers(engine, 14, ['user'], tz, pricing);
    return () => {
      const trend = trendOf(ledgers, engine.nowMs, 14, tz, pricing);
      return { ...trend, series: [...trend.series] };
    };
  },
  dashboard: (engine, tz) => {
    const parts = dashboardParts(engine, 3_600_000, tz, pricing);
    return () => dashboardOf(parts, engine.nowMs, 3_600_000, tz, { pricing, limits: new Map(), statesRead: false });
  },
  alerts: (engine, tz) => {
    const parts = new AlertParts(engine, ['feature'], tz, pricing, alertSpans(DEFAULT_CONFIG, tz));
    return () => evaluateRules(parts, DEFAULT_CONFIG, engine.nowMs, tz, pricing);
  },
  fold: (engine, tz) => {
    const ledgers = makeFoldLedgers(tz, pricing);
    for (const ledger of Object.values(ledgers)) engine.part(ledger, { kind: 'all' });
    // The state file a fold writes: its cells in a fixed order.
    return () => [...renderStateFile(ledgers, null, tz.name, NO_LINES, 'a test')].join('');
  },
};

function run(command: string, now: NowMode, tz: TimeZone, records: readonly CallRecord[], state?: unknown): { engine: Engine; report: string } {
  const engine = new Engine(now, END);
  const read = (commands[command] as (engine: Engine, tz: TimeZone) => () => unknown)(engine, tz);
  if (state !== undefined) engine.restore(throughFile(state as EngineState), 'a checkpoint');
  for (const record of records) engine.add(record);
  engine.finish();
  return { engine, report: JSON.stringify(read()) };
}

describe('the engine written out and read back', () => {
  const all = calls(11, 3000);
  const newest = Math.max(...all.map((record) => record.timestampMs));
  const modes: [string, NowMode][] = [
    ['a fixed now', { kind: 'fixed', ms: newest }],
    ['a moving now', { kind: 'moving' }],
  ];
  for (const command of Object.keys(commands)) {
    for (const [name, now] of modes) {
      for (const tz of [new TimeZone('UTC'), new TimeZone('Europe/Berlin')]) {
        it(`${command}, ${name}, ${tz.name}: the calls split anywhere, in time order or not`, () => {
          const whole = run(command, now, tz, all).report;
          const sorted = [...all].sort((a, b) => a.timestampMs - b.timestampMs);
          for (const [order, records] of [['shuffled', all], ['in time order', sorted]] as const) {
            for (const at of [1, 1000, 2500]) {
              const first = new Engine(now, END);
              (commands[command] as (engine: Engine, tz: TimeZone) => () => unknown)(first, tz);
              for (const record of records.slice(0, at)) first.add(record);
              const state = first.toState();
              expect(run(command, now, tz, records.slice(at), state).report, `${order}, split at ${at}`).toBe(whole);
            }
          }
        });
      }
    }
  }

  it('refuses a state of another shape, naming where it is wrong', () => {
    const engine = new Engine({ kind: 'moving' }, END);
    commands['summary']?.(engine, new TimeZone('UTC'));
    expect(() => engine.restore({ newestMs: null, parts: [] }, 'a.checkpoint')).toThrow('a.checkpoint: 0 parts, where 1 are read');
    expect(() => engine.restore({ newestMs: null, parts: [{ cells: [[0, 'chat', { calls: -1 }]] }] }, 'a.checkpoint')).toThrow(/a\.checkpoint\.parts\[0\]\.cells\[0\]/);
  });
});

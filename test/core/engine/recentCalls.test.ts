/** RecentCalls keeps records in columns: what goes in must come out, in time order, whatever the arrival order. */
import { describe, expect, it } from 'vitest';
import { type CallColumns, LATENCY_CALLS, type LatencyCall, RecentCalls, WHOLE_CALLS } from '../../../src/core/engine/recentCalls.js';
import { StateReader } from '../../../src/core/engine/stateReader.js';
import type { CallRecord } from '../../../src/core/types.js';
import type { TimeWindow } from '../../../src/core/window.js';
import { random } from '../../helpers.js';
import { call } from '../records.js';
import { throughFile } from './throughFile.js';

/** (from, to]. */
const between = (from: number, to: number): TimeWindow => ({
  from: { ms: from, included: false, name: 'from' },
  to: { ms: to, included: true, name: 'to' },
});

/** What each set of columns gives back of a call. */
const COLUMN_SETS: [name: string, columns: CallColumns<LatencyCall>, keptOf: (record: LatencyCall) => unknown][] = [
  ['every field', WHOLE_CALLS, (record) => record],
  ['time, feature and latency', LATENCY_CALLS, ({ timestampMs, feature, latencyMs }) => ({ timestampMs, feature, latencyMs })],
];

describe.each(COLUMN_SETS)('RecentCalls keeping %s', (_name, columns, keptOf) => {
  it('returns what it keeps as pushed, nulls included, for the window asked, oldest first and stable on ties, and as restored from its state', () => {
    const next = random(7);
    const recent = new RecentCalls(columns);
    const kept: CallRecord[] = [];
    let dropped = -Infinity;
    for (let i = 0; i < 6000; i++) {
      // Mostly in order, some late by up to a minute, some sharing a millisecond.
      const late = next() < 0.1 ? Math.floor(next() * 60_000) : 0;
      const time = Math.floor((1_000_000 + i * 100 - late) / 1000) * 1000 + (next() < 0.3 ? 0.25 : 0);
      const record = call({
        timestampMs: time,
        userId: `user-${i % 7}`,
        feature: i % 3 === 0 ? 'chat' : 'search',
        model: 'claude-haiku-4-5',
        inputTokens: i,
        outputTokens: i * 2,
        cacheReadTokens: i % 5,
        cacheWriteTokens: i % 11,
        cacheWrite1hTokens: i % 11 > 5 ? 1 : 0,
        latencyMs: next() * 1000,
        stopReason: i % 4 === 0 ? null : 'end_turn',
        error: i % 9 === 0 ? 'RateLimitError' : null,
        errorStatus: i % 9 === 0 ? 429 : null,
        batch: i % 2 === 0,
        ratelimitRequestsRemaining: i % 13 === 0 ? i : null,
        ratelimitTokensRemaining: i % 17 === 0 ? 0 : null,
        ratelimitInputTokensRemaining: null,
        ratelimitOutputTokensRemaining: i % 19 === 0 ? 5 : null,
        // Limits, resets and a reported cost are not kept (ledgers keep them): call() leaves them null.
      });
      // As the engine does: what is before the window's start is not taken.
      if (record.timestampMs > dropped) {
        kept.push(record);
        recent.push({ ...record });
      }
      if (i % 700 === 699) {
        dropped = 1_000_000 + (i - 500) * 100;
        recent.span.moveFrom(dropped, false, 'the start of the window');
        recent.prune();
      }
    }
    const expected = (from: number, to: number): CallRecord[] =>
      kept
        .map((record, order) => ({ record, order }))
        .filter(({ record }) => record.timestampMs > Math.max(from, dropped) && record.timestampMs <= to)
        .sort((a, b) => a.record.timestampMs - b.record.timestampMs || a.order - b.order)
        .map(({ record }) => record);
    const restored = new RecentCalls(columns);
    restored.restore(throughFile(recent.toState()), new StateReader('a test state'));
    const keptIn = (calls: readonly LatencyCall[]): unknown[] => calls.map((record) => keptOf(record));
    for (const [from, to] of [
      [-Infinity, Infinity],
      [1_500_000, 1_550_000],
      [dropped, dropped + 30_000],
    ] as const) {
      expect(keptIn(recent.callsIn(between(from, to)))).toEqual(keptIn(expected(from, to)));
      expect(keptIn(restored.callsIn(between(from, to)))).toEqual(keptIn(expected(from, to)));
    }
    expect(recent.callsIn(between(-Infinity, Infinity)).length).toBeGreaterThan(400);
  });
});

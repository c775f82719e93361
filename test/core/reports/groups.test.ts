/** A summary's groups: a ledger of one bucket, read in report order. */
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../../src/core/engine/ledger.js';
import { type GroupDimension, parseGroupBy } from '../../../src/core/grouping.js';
import { PriceBook } from '../../../src/core/pricing.js';
import { groupsOf } from '../../../src/core/reports/groups.js';
import { StatsAccumulator } from '../../../src/core/stats.js';
import { TimeZone } from '../../../src/core/timezone.js';
import type { CallRecord } from '../../../src/core/types.js';
import { UsageError } from '../../../src/errors.js';
import { call } from '../records.js';

const pricing = PriceBook.embedded();

function ledgerOf(dims: readonly GroupDimension[], tz: string, records: readonly CallRecord[]): Ledger<StatsAccumulator> {
  const ledger = new Ledger({ bucketing: { unit: 'all' }, dims, tz: new TimeZone(tz), newMeasure: () => new StatsAccumulator(pricing) });
  for (const record of records) ledger.add(record);
  return ledger;
}

function keysOf(by: string, tz: string, records: ReturnType<typeof call>[]): unknown[] {
  return [...groupsOf(ledgerOf(parseGroupBy(by), tz, records)).groups].map((group) => [group.key, group.stats.calls]);
}

describe('grouping', () => {
  it('groups by feature by default, biggest first, and totals all groups', () => {
    const snapshot = groupsOf(ledgerOf(['feature'], 'UTC', ['a', 'b', 'b', 'c', 'b', 'a'].map((feature) => call({ feature }))));
    expect([...snapshot.groups].map((g) => [g.key.feature, g.stats.calls])).toEqual([['b', 3], ['a', 2], ['c', 1]]);
    expect(snapshot.total.calls).toBe(6);
  });

  it('combines dimensions, and orders time buckets chronologically', () => {
    const records = [
      call({ feature: 'chat', model: 'm1', timestampMs: Date.UTC(2026, 10, 26, 23, 30) }),
      call({ feature: 'chat', model: 'm2', timestampMs: Date.UTC(2026, 10, 25, 1) }),
      call({ feature: 'chat', model: 'm1', timestampMs: Date.UTC(2026, 10, 26, 0, 10) }),
      call({ feature: 'search', model: 'm1', timestampMs: Date.UTC(2026, 10, 26, 0, 20) }),
    ];
    expect(keysOf('day,feature', 'UTC', records)).toEqual([
      [{ day: '2026-11-25', feature: 'chat' }, 1],
      [{ day: '2026-11-26', feature: 'chat' }, 2],
      [{ day: '2026-11-26', feature: 'search' }, 1],
    ]);
    expect(keysOf('feature,model', 'UTC', records)).toEqual([
      [{ feature: 'chat', model: 'm1' }, 2],
      [{ feature: 'chat', model: 'm2' }, 1],
      [{ feature: 'search', model: 'm1' }, 1],
    ]);
  });

  it('keeps combined keys apart whatever characters labels hold (NUL, separators)', () => {
    const records = [
      call({ feature: 'a\u0000b', model: 'c' }),
      call({ feature: 'a', model: 'b\u0000c' }),
      call({ feature: '1:a', model: 'b' }),
      call({ feature: '1', model: 'a1:b' }),
    ];
    expect(keysOf('feature,model', 'UTC', records)).toEqual(
      expect.arrayContaining([
        [{ feature: 'a\u0000b', model: 'c' }, 1],
        [{ feature: 'a', model: 'b\u0000c' }, 1],
        [{ feature: '1:a', model: 'b' }, 1],
        [{ feature: '1', model: 'a1:b' }, 1],
      ]),
    );
    expect(keysOf('feature,model', 'UTC', records)).toHaveLength(4);
  });

  it('buckets days and hours in --tz, DST included', () => {
    // 23:30 UTC on Nov 26 is already Nov 27 in Berlin (UTC+1).
    expect(keysOf('day', 'Europe/Berlin', [call({ timestampMs: Date.UTC(2026, 10, 26, 23, 30) })])).toEqual([[{ day: '2026-11-27' }, 1]]);
    // New York falls back on 2026-11-01: 01:30 happens twice, as two hours with their own offsets.
    const twice = [Date.UTC(2026, 10, 1, 5, 30), Date.UTC(2026, 10, 1, 6, 30)].map((timestampMs) => call({ timestampMs }));
    expect(keysOf('hour', 'America/New_York', twice)).toEqual([
      [{ hour: '2026-11-01T01:00-04:00' }, 1],
      [{ hour: '2026-11-01T01:00-05:00' }, 1],
    ]);
    // Berlin falls back on 2026-10-25: 02:00+02:00 comes before 02:00+01:00, though it sorts after it as text.
    const berlin = [Date.UTC(2026, 9, 25, 1, 30), Date.UTC(2026, 9, 25, 0, 30)].map((timestampMs) => call({ timestampMs }));
    expect(keysOf('hour', 'Europe/Berlin', berlin)).toEqual([
      [{ hour: '2026-10-25T02:00+02:00' }, 1],
      [{ hour: '2026-10-25T02:00+01:00' }, 1],
    ]);
  });

  it('groups by user and by status', () => {
    const records = [
      call({ userId: 'u1' }),
      call({ userId: 'u2', errorStatus: 429, error: 'RateLimitError' }),
      call({ userId: 'u1', error: 'APIConnectionError' }),
      call({ userId: 'u1', errorStatus: 200 }),
    ];
    expect(keysOf('user', 'UTC', records)).toEqual([[{ user: 'u1' }, 3], [{ user: 'u2' }, 1]]);
    // A 200 is not a failure; ties are ordered by key.
    expect(keysOf('status', 'UTC', records)).toEqual([[{ status: 'ok' }, 2], [{ status: '429' }, 1], [{ status: 'APIConnectionError' }, 1]]);
  });

  it('rejects unknown keys with a suggestion', () => {
    expect(() => parseGroupBy('modle')).toThrow(new UsageError('unknown --by key "modle" — did you mean "model"? (choose from feature, model, user, day, hour, status)'));
    expect(parseGroupBy('feature, model,feature')).toEqual(['feature', 'model']);
  });
});

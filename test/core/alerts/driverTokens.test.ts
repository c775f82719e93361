import { describe, expect, it } from 'vitest';
import { DriverTokens } from '../../../src/core/alerts/driverTokens.js';
import { ModelTokens } from '../../../src/core/modelTokens.js';
import { PriceBook } from '../../../src/core/pricing.js';
import { TimeZone } from '../../../src/core/timezone.js';
import type { CallRecord } from '../../../src/core/types.js';
import { calendarSpan } from '../../../src/core/window.js';
import { random } from '../../helpers.js';
import { call } from '../records.js';

const pricing = PriceBook.embedded();
const tz = new TimeZone('UTC');
const DAY = 86_400_000;
const today = Date.UTC(2026, 10, 26);

/** The token sums of the calls of a scope by one dimension's values, added one call at a time: what DriverTokens must equal. */
function directSums(calls: readonly CallRecord[], scope: string, pick: (record: CallRecord) => string): Map<string, number> {
  const byValue = new Map<string, ModelTokens>();
  for (const record of calls) {
    if (record.feature !== scope) continue;
    let tokens = byValue.get(pick(record));
    if (tokens === undefined) byValue.set(pick(record), (tokens = new ModelTokens(pricing)));
    tokens.add(record);
  }
  return new Map([...byValue].map(([value, tokens]) => [value, tokens.cost().costUsd]));
}

function costsOf(drivers: DriverTokens, scope: string | undefined, dimension: 'feature' | 'user' | 'model'): Map<string, number> {
  return new Map([...(drivers.of(scope).get(dimension) ?? [])].map(([value, tokens]) => [value, tokens.cost().costUsd]));
}

function driversFor(dayStart: number, capacity: number): DriverTokens {
  const drivers = new DriverTokens(['feature'], tz, pricing, capacity);
  drivers.span.window = calendarSpan(dayStart, dayStart + DAY);
  return drivers;
}

describe('DriverTokens', () => {
  const next = random(7);
  const calls = Array.from({ length: 5000 }, (_, i) =>
    call({
      timestampMs: today + i * 1000,
      feature: `feature-${Math.floor(next() * 3)}`,
      userId: `user-${Math.floor(next() * 50)}`,
      model: next() < 0.5 ? 'claude-sonnet-4-5' : 'claude-haiku-4-5',
      inputTokens: Math.floor(next() * 10_000),
      outputTokens: Math.floor(next() * 1000),
      cacheReadTokens: Math.floor(next() * 5000),
      batch: next() < 0.2,
    }),
  );

  it.each([7, 64, 1 << 17])('sums every call of the day whether added when full or when asked (capacity %i)', (capacity) => {
    const drivers = driversFor(today, capacity);
    for (const record of calls) drivers.add(record);
    for (const scope of ['feature-0', 'feature-1', 'feature-2']) {
      expect(costsOf(drivers, scope, 'user')).toEqual(directSums(calls, scope, (record) => record.userId));
      expect(costsOf(drivers, scope, 'model')).toEqual(directSums(calls, scope, (record) => record.model));
    }
    // Every scope together: by feature, each feature's own sums.
    const byFeature = costsOf(drivers, undefined, 'feature');
    for (const scope of ['feature-0', 'feature-1', 'feature-2']) expect(byFeature.get(scope)).toBe([...directSums(calls, scope, () => 'all').values()][0]);
  });

  it('asks in the middle of a day, then goes on adding', () => {
    const drivers = driversFor(today, 100);
    for (const record of calls.slice(0, 2500)) drivers.add(record);
    expect(costsOf(drivers, 'feature-1', 'user')).toEqual(directSums(calls.slice(0, 2500), 'feature-1', (record) => record.userId));
    for (const record of calls.slice(2500)) drivers.add(record);
    expect(costsOf(drivers, 'feature-1', 'user')).toEqual(directSums(calls, 'feature-1', (record) => record.userId));
  });

  it('takes only the calls of its span, and forgets a day when its span moves to the next', () => {
    const drivers = driversFor(today, 1000);
    const tomorrow = calls.slice(0, 100).map((record) => ({ ...record, timestampMs: record.timestampMs + DAY }));
    for (const record of [...calls.slice(0, 1500), ...tomorrow]) drivers.add(record); // 1000 added, 500 noted; tomorrow's left
    expect(costsOf(drivers, 'feature-0', 'user')).toEqual(directSums(calls.slice(0, 1500), 'feature-0', (record) => record.userId));
    drivers.span.window = calendarSpan(today + DAY, today + 2 * DAY);
    drivers.prune();
    expect(drivers.of('feature-0').get('user')?.size).toBe(0);
    for (const record of tomorrow) drivers.add(record);
    expect(costsOf(drivers, 'feature-0', 'user')).toEqual(directSums(tomorrow, 'feature-0', (record) => record.userId));
  });
});

/**
 * What `report`'s page recomputes from when its date-range and feature filters change: sums, never calls, so its
 * size depends on days, hours, features and (for the 429s) ten users — not on how many calls there were.
 *
 * - Per day of the trend and feature: the counts and token sums each summary column divides (errors over calls, cache
 *   reads over the successful calls' prompt tokens, ...), and the cost; a range of whole days summed and divided the
 *   way StatsAccumulator.snapshot divides gives the figures `summary --since DAY --until DAY` gives.
 * - Per UTC hour and feature: calls, failed calls and 429s (the timelines).
 * - Per UTC hour, feature and user: the 429s of the ten users with most of them over the days, the others together.
 *
 * - Per day and feature: the day's p50 and p95 (a percentile is not a sum: the page draws them by day, and shows a
 *   range's only for the report's whole range, from summary).
 */
import { HOUR_MS } from '../durations.js';
import type { Engine } from '../engine/engine.js';
import { Ledger } from '../engine/ledger.js';
import { type CallCount, OutcomeCounts } from '../engine/measure.js';
import { COUNT_MEASURE } from '../engine/measureKinds.js';
import { isRateLimited } from '../callOutcome.js';
import { compareStrings } from '../order.js';
import { formatIsoMicros } from '../timeRange.js';
import type { StatsAccumulator } from '../stats.js';
import type { TimeZone } from '../timezone.js';
import type { ReportAggregates } from './reportRange.js';

/** The users whose 429s are kept apart; the others are summed as one. */
const RATE_LIMITED_USERS = 10;

export interface ReportAggregateLedgers {
  /** UTC hour × feature. */
  readonly hours: Ledger<OutcomeCounts>;
  /** UTC hour × feature × user, of the 429s only. */
  readonly rateLimited: Ledger<CallCount>;
}

/** The ledgers, made in `engine` over the trend's days: today and the `days − 1` days before it. */
export function reportAggregateLedgers(engine: Engine, days: number, tz: TimeZone): ReportAggregateLedgers {
  const span = { kind: 'days', days, tz } as const;
  return {
    hours: engine.part(new Ledger({ bucketing: { unit: 'hour' }, dims: ['feature'], tz, newMeasure: () => new OutcomeCounts() }), span),
    rateLimited: engine.part(new Ledger({ bucketing: { unit: 'hour' }, dims: ['feature', 'user'], tz, keeps: isRateLimited, ...COUNT_MEASURE }), span),
  };
}

/** The aggregates at `nowMs`, from the report's ledgers and the trend's day × feature ledger. */
export function reportAggregatesOf(ledgers: ReportAggregateLedgers, days: Ledger<StatsAccumulator>, dayStartsMs: readonly number[], nowMs: number, tz: TimeZone): ReportAggregates {
  const features = new Index();
  const byDay: number[][] = [];
  const latencyByDay: (number | null)[][] = [];
  for (const { bucket, key, measure } of days.cells()) {
    const day = dayStartsMs.indexOf(bucket);
    if (day < 0) continue;
    const stats = measure.snapshot();
    const prompt = measure.successfulPromptTokens;
    const feature = features.of(days.valuesOf(key)[0] as string);
    byDay.push([day, feature, stats.calls, stats.errors, stats.rateLimited, stats.maxTokensStops, prompt.all, prompt.cacheRead, stats.calls - stats.unpricedCalls, stats.costUsd]);
    latencyByDay.push([day, feature, stats.latencyMs.p50, stats.latencyMs.p95]);
  }
  const firstHourMs = Math.floor((dayStartsMs[0] ?? nowMs) / HOUR_MS) * HOUR_MS;
  const hourOf = (bucket: number): number => Math.round((bucket - firstHourMs) / HOUR_MS);
  const byHour: number[][] = [];
  for (const { bucket, key, measure } of ledgers.hours.cells()) {
    byHour.push([hourOf(bucket), features.of(ledgers.hours.valuesOf(key)[0] as string), measure.calls, measure.errors, measure.rateLimited]);
  }
  const cells = [...ledgers.rateLimited.cells()].map(({ bucket, key, measure }) => {
    const [feature = '', user = ''] = ledgers.rateLimited.valuesOf(key);
    return { hour: hourOf(bucket), feature: features.of(feature), user, count: measure.calls };
  });
  const perUser = new Map<string, number>();
  for (const { user, count } of cells) perUser.set(user, (perUser.get(user) ?? 0) + count);
  const users = [...perUser].sort(([a, x], [b, y]) => y - x || compareStrings(a, b)).slice(0, RATE_LIMITED_USERS).map(([user]) => user);
  const summed = new Map<string, number[]>();
  for (const { hour, feature, user, count } of cells) {
    const row = [hour, feature, users.indexOf(user), 0];
    const at = row.slice(0, 3).join(',');
    const kept = summed.get(at) ?? (summed.set(at, row), row);
    kept[3] = (kept[3] as number) + count;
  }
  /** By hour or day, then feature, then user: indexes all, never null. */
  const byTime = (a: readonly (number | null)[], b: readonly (number | null)[]): number => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number) || (a[2] as number) - (b[2] as number);
  return {
    now: formatIsoMicros(nowMs),
    dayStartsMs,
    days: dayStartsMs.map((start) => tz.dayKey(start)),
    firstHourMs,
    hourCount: Math.floor(nowMs / HOUR_MS) - firstHourMs / HOUR_MS + 1,
    features: features.names,
    users,
    byDay: byDay.sort(byTime),
    latencyByDay: latencyByDay.sort(byTime),
    byHour: byHour.sort(byTime),
    rateLimitedByUser: [...summed.values()].sort(byTime),
  };
}

/** Names numbered in the order they first come. */
class Index {
  readonly names: string[] = [];
  private readonly numbers = new Map<string, number>();

  of(name: string): number {
    let number = this.numbers.get(name);
    if (number === undefined) {
      number = this.names.push(name) - 1;
      this.numbers.set(name, number);
    }
    return number;
  }
}

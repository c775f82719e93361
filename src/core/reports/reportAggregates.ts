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
import { CallCount, type Measure } from '../engine/measure.js';
import type { FoldedTarget } from '../engine/mergeFolded.js';
import { COUNT_MEASURE } from '../engine/measureKinds.js';
import { isFailure, isRateLimited } from '../callOutcome.js';
import type { CallRecord } from '../types.js';
import { compareStrings } from '../order.js';
import { formatIsoMicros } from '../timeRange.js';
import type { StatsAccumulator } from '../stats.js';
import type { TimeZone } from '../timezone.js';
import { DAY_COLUMNS, HOUR_COLUMNS, LATENCY_COLUMNS, RATE_LIMITED, RATE_LIMITED_COLUMNS, type ReportAggregates, rowOf } from './reportRange.js';

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
export function reportAggregatesOf(ledgers: ReportAggregateLedgers, days: Ledger<StatsAccumulator>, dayStartsMs: readonly number[], nowMs: number, tz: TimeZone): Omit<ReportAggregates, 'limitMinutes'> {
  // Features numbered in name order: the same page whether the calls came from logs or from states.
  const names = new Set<string>();
  for (const ledger of [days, ledgers.hours, ledgers.rateLimited]) for (const { key } of ledger.cells()) names.add(ledger.valuesOf(key)[0] as string);
  const features = new NameIndex([...names].sort(compareStrings));
  const byDay: number[][] = [];
  const latencyByDay: (number | null)[][] = [];
  for (const { bucket, key, measure } of days.cells()) {
    const day = dayStartsMs.indexOf(bucket);
    if (day < 0) continue;
    const stats = measure.snapshot();
    const prompt = measure.successfulPromptTokens;
    const feature = features.of(days.valuesOf(key)[0] as string);
    const { calls, errors, rateLimited, maxTokensStops, costUsd } = stats;
    byDay.push(rowOf(DAY_COLUMNS, { day, feature, calls, errors, rateLimited, maxTokensStops, okPromptTokens: prompt.all, okCacheReadTokens: prompt.cacheRead, pricedCalls: calls - stats.unpricedCalls, costUsd }));
    latencyByDay.push(rowOf(LATENCY_COLUMNS, { day, feature, p50Ms: stats.latencyMs.p50, p95Ms: stats.latencyMs.p95 }));
  }
  const firstHourMs = Math.floor((dayStartsMs[0] ?? nowMs) / HOUR_MS) * HOUR_MS;
  const hourOf = (bucket: number): number => Math.round((bucket - firstHourMs) / HOUR_MS);
  const byHour: number[][] = [];
  for (const { bucket, key, measure } of ledgers.hours.cells()) {
    byHour.push(rowOf(HOUR_COLUMNS, { hour: hourOf(bucket), feature: features.of(ledgers.hours.valuesOf(key)[0] as string), calls: measure.calls, errors: measure.errors, rateLimited: measure.rateLimited }));
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
    const row = rowOf<typeof RATE_LIMITED_COLUMNS, number>(RATE_LIMITED_COLUMNS, { hour, feature, user: users.indexOf(user), count: 0 });
    const at = `${hour},${feature},${row[RATE_LIMITED.user]}`;
    const kept = summed.get(at) ?? (summed.set(at, row), row);
    kept[RATE_LIMITED.count] = (kept[RATE_LIMITED.count] as number) + count;
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
/** Names and their numbers. */
class NameIndex {
  private readonly numbers: ReadonlyMap<string, number>;

  constructor(readonly names: readonly string[]) {
    this.numbers = new Map(names.map((name, i) => [name, i]));
  }

  of(name: string): number {
    return this.numbers.get(name) as number;
  }
}

/** How many calls, failed calls and 429s: the hours of `report`'s timelines. */
class OutcomeCounts implements Measure<OutcomeCounts> {
  private readonly count = new CallCount();
  errors = 0;
  rateLimited = 0;

  get calls(): number {
    return this.count.calls;
  }

  get firstCallMs(): number {
    return this.count.firstCallMs;
  }

  get lastCallMs(): number {
    return this.count.lastCallMs;
  }

  add(record: CallRecord): void {
    this.count.add(record);
    if (!isFailure(record)) return;
    this.errors++;
    if (isRateLimited(record)) this.rateLimited++;
  }

  merge(other: OutcomeCounts): void {
    this.note(other.count, other.errors, other.rateLimited);
  }

  /** Calls counted elsewhere (a `.cmstate` group): `count` of them, `errors` failed, `rateLimited` 429s. */
  note(count: CallCount, errors: number, rateLimited: number): void {
    this.count.merge(count);
    this.errors += errors;
    this.rateLimited += rateLimited;
  }

  toState(): { count: unknown; errors: number; rateLimited: number } {
    return { count: this.count.toState(), errors: this.errors, rateLimited: this.rateLimited };
  }
}

/** A ledger of outcome counts' cells from a section of StatsAccumulators. */
export function outcomesInto(ledger: Ledger<OutcomeCounts>): FoldedTarget<StatsAccumulator> {
  return (values, stats, what) => {
    const { errors, rateLimited } = stats.snapshot(false);
    const calls = new CallCount();
    calls.note(stats.calls, stats.firstCallMs, stats.lastCallMs);
    const outcomes = new OutcomeCounts();
    outcomes.note(calls, errors, rateLimited);
    ledger.addFolded(values, outcomes, what);
  };
}

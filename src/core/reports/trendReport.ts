/**
 * `trend --days N`: per calendar day in --tz and per group (feature by default), calls, cost, cost per call, p95,
 * error rate and cache hit rate — and flags for the slow drifts a team misses: cost per call creeping up (context
 * accumulating without pruning) and the cache hit rate falling away. Read from the engine's day ledgers.
 */
import type { Engine } from '../engine/engine.js';
import { Ledger } from '../engine/ledger.js';
import { statsMeasure } from '../engine/measureKinds.js';
import { TREND_METRICS } from '../metrics.js';
import type { GroupDimension } from '../grouping.js';
import { compareStrings } from '../order.js';
import type { PriceBook } from '../pricing.js';
import { StatsAccumulator } from '../stats.js';
import type { TimeZone } from '../timezone.js';

/** Cost per call up by more than this over the period is flagged. */
const COST_PER_CALL_RISE = 0.25;
/** Cache hit rate at or below this share of where it started is flagged. */
const CACHE_HIT_FALL = 0.5;
/** Days compared at each end of the period, at most (pooled, so one odd day does not raise a flag). */
const ENDS_DAYS = 3;

/** A day of a series: its start, its date in --tz, and the trend metrics by id (TREND_METRICS, of the registry). */
export interface TrendDay {
  readonly dayStartMs: number;
  readonly day: string;
  readonly values: Readonly<Record<string, number | null>>;
  /** Calls, and calls of models without a price (not in the cost, never counted as $0 silently). */
  readonly calls: number;
  readonly unpricedCalls: number;
}

export interface TrendFlag {
  readonly kind: 'cost_per_call_rising' | 'cache_hit_rate_falling';
  /** The pooled value over the first and the last days with calls. */
  readonly from: number;
  readonly to: number;
  readonly change: number;
}

export interface TrendSeries {
  readonly key: Readonly<Record<string, string>>;
  readonly days: readonly TrendDay[];
  readonly flags: readonly TrendFlag[];
}

/** The series, most calls first, each made when the iteration reaches it (a trend by user has one per user). */
export interface SeriesList extends Iterable<TrendSeries> {
  readonly size: number;
}

export interface Trend {
  readonly fromMs: number;
  readonly toMs: number;
  readonly days: number;
  readonly groupBy: readonly GroupDimension[];
  readonly series: SeriesList;
  readonly total: TrendSeries;
}

export interface TrendLedgers {
  /** Day × the groups. */
  readonly series: Ledger<StatsAccumulator>;
  /** Day × nothing: the total. */
  readonly total: Ledger<StatsAccumulator>;
}

/** The trend's ledgers, made in `engine`: today and the `days − 1` days before it. */
export function trendLedgers(engine: Engine, days: number, groupBy: readonly GroupDimension[], tz: TimeZone, pricing: PriceBook): TrendLedgers {
  const span = { kind: 'days', days, tz } as const;
  return {
    series: engine.part(new Ledger({ bucketing: { unit: 'day', tz }, dims: groupBy, tz, ...statsMeasure(pricing) }), span),
    total: engine.part(new Ledger({ bucketing: { unit: 'day', tz }, dims: [], tz, ...statsMeasure(pricing) }), span),
  };
}

/** The trend of the `dayCount` days up to `nowMs`. */
export function trendOf(ledgers: TrendLedgers, nowMs: number, dayCount: number, tz: TimeZone, pricing: PriceBook): Trend {
  const dayStarts = trendDayStarts(nowMs, dayCount, tz);
  const groups = new Map<string, { key: Record<string, string>; days: Map<number, StatsAccumulator>; calls: number }>();
  const { series: ledger } = ledgers;
  for (const { bucket, key, measure } of ledger.cells()) {
    let group = groups.get(key);
    if (group === undefined) {
      const values = ledger.valuesOf(key);
      group = { key: Object.fromEntries(ledger.dims.map((dimension, i) => [dimension, values[i] as string])), days: new Map(), calls: 0 };
      groups.set(key, group);
    }
    group.days.set(bucket, measure);
    group.calls += measure.calls;
  }
  const ordered = [...groups.values()]
    .map((group) => ({ group, name: JSON.stringify(group.key) }))
    .sort((a, b) => b.group.calls - a.group.calls || compareStrings(a.name, b.name));
  const series: SeriesList = {
    size: ordered.length,
    *[Symbol.iterator]() {
      for (const { group } of ordered) yield seriesOf(group.key, group.days, dayStarts, tz, pricing);
    },
  };
  const totalDays = new Map<number, StatsAccumulator>();
  for (const { bucket, measure } of ledgers.total.cells()) totalDays.set(bucket, measure);
  return { fromMs: dayStarts[0] as number, toMs: nowMs, days: dayCount, groupBy: ledger.dims, series, total: seriesOf({}, totalDays, dayStarts, tz, pricing) };
}

/** The starts of today and the `dayCount − 1` days before it in `tz`, oldest first. */
export function trendDayStarts(nowMs: number, dayCount: number, tz: TimeZone): number[] {
  const today = tz.startOfDay(nowMs);
  const dayStarts: number[] = [];
  for (let back = dayCount - 1; back >= 0; back--) dayStarts.push(tz.addDays(today, -back));
  return dayStarts;
}

function seriesOf(
  key: Record<string, string>,
  accumulators: ReadonlyMap<number, StatsAccumulator>,
  dayStarts: readonly number[],
  tz: TimeZone,
  pricing: PriceBook,
): TrendSeries {
  const withCalls: StatsAccumulator[] = [];
  const empty = new StatsAccumulator(pricing).snapshot();
  const days = dayStarts.map((dayStartMs): TrendDay => {
    const accumulator = accumulators.get(dayStartMs);
    if (accumulator !== undefined) withCalls.push(accumulator);
    const stats = accumulator?.snapshot() ?? empty;
    const values = Object.fromEntries(TREND_METRICS.map((metric) => [metric.id, metric.value(stats)]));
    return { dayStartMs, day: tz.dayKey(dayStartMs), values, calls: stats.calls, unpricedCalls: stats.unpricedCalls };
  });
  return { key, days, flags: flagsOf(withCalls, pricing) };
}

/**
 * Compares the first and the last days with calls, pooled: three at each end, fewer when the period has fewer
 * than six days with calls (one at each end at least, so two days with calls are needed).
 */
function flagsOf(withCalls: readonly StatsAccumulator[], pricing: PriceBook): TrendFlag[] {
  const ends = Math.min(ENDS_DAYS, Math.floor(withCalls.length / 2));
  if (ends < 1) return [];
  const pool = (part: readonly StatsAccumulator[]) => {
    const pooled = new StatsAccumulator(pricing);
    for (const accumulator of part) pooled.merge(accumulator);
    return pooled.snapshot();
  };
  const first = pool(withCalls.slice(0, ends));
  const last = pool(withCalls.slice(-ends));
  const flags: TrendFlag[] = [];
  if (first.costPerCallUsd !== null && last.costPerCallUsd !== null && first.costPerCallUsd > 0) {
    const change = last.costPerCallUsd / first.costPerCallUsd - 1;
    if (change > COST_PER_CALL_RISE) flags.push({ kind: 'cost_per_call_rising', from: first.costPerCallUsd, to: last.costPerCallUsd, change: round(change) });
  }
  if (first.cacheHitRate !== null && last.cacheHitRate !== null && first.cacheHitRate > 0) {
    const change = last.cacheHitRate / first.cacheHitRate - 1;
    if (last.cacheHitRate <= first.cacheHitRate * CACHE_HIT_FALL) {
      flags.push({ kind: 'cache_hit_rate_falling', from: first.cacheHitRate, to: last.cacheHitRate, change: round(change) });
    }
  }
  return flags;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

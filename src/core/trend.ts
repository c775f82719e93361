/**
 * `trend --days N`: per calendar day in --tz and per group (feature by default), calls, cost, cost per call, p95,
 * error rate and cache hit rate — and flags for the slow drifts a team misses: cost per call creeping up (context
 * accumulating without pruning) and the cache hit rate falling away. Pure: records in, plain data out.
 */
import { type GroupDimension, groupKeyOf, groupValuesOf } from './grouping.js';
import type { PriceBook } from './pricing.js';
import { StatsAccumulator, compareStrings } from './stats.js';
import type { TimeZone } from './timezone.js';
import type { CallRecord } from './types.js';

/** Cost per call up by more than this over the period is flagged. */
export const COST_PER_CALL_RISE = 0.25;
/** Cache hit rate at or below this share of where it started is flagged. */
export const CACHE_HIT_FALL = 0.5;
/** Days compared at each end of the period, at most (pooled, so one odd day does not raise a flag). */
const ENDS_DAYS = 3;

export interface TrendDay {
  readonly dayStartMs: number;
  readonly day: string;
  readonly calls: number;
  readonly costUsd: number;
  readonly costPerCallUsd: number | null;
  readonly p95Ms: number | null;
  readonly errorRate: number | null;
  readonly cacheHitRate: number | null;
  /** Calls of models without a price: not in costUsd, never counted as $0 silently. */
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

export interface Trend {
  readonly fromMs: number;
  readonly toMs: number;
  readonly days: number;
  readonly groupBy: readonly GroupDimension[];
  readonly series: readonly TrendSeries[];
  readonly total: TrendSeries;
}

export class TrendFold {
  private readonly dayStarts: number[] = [];
  /** Per group, an accumulator per day with calls (sparse: a group per user must not cost one per day). */
  private readonly groups = new Map<string, { key: Record<string, string>; days: (StatsAccumulator | undefined)[] }>();
  private readonly total: (StatsAccumulator | undefined)[];

  constructor(
    private readonly nowMs: number,
    private readonly dayCount: number,
    private readonly groupBy: readonly GroupDimension[],
    private readonly tz: TimeZone,
    private readonly pricing: PriceBook,
  ) {
    const today = tz.startOfDay(nowMs);
    for (let back = dayCount - 1; back >= 0; back--) this.dayStarts.push(tz.addDays(today, -back));
    this.total = this.dayStarts.map(() => undefined);
  }

  /** The first instant of the period: older records can be skipped. */
  get fromMs(): number {
    return this.dayStarts[0] as number;
  }

  add(record: CallRecord): void {
    const time = record.timestampMs;
    if (time < this.fromMs || time > this.nowMs) return;
    const day = this.dayIndex(time);
    const key = groupKeyOf(this.groupBy, record, this.tz);
    let group = this.groups.get(key);
    if (group === undefined) {
      group = { key: groupValuesOf(this.groupBy, record, this.tz), days: [] };
      this.groups.set(key, group);
    }
    (group.days[day] ??= new StatsAccumulator(this.pricing)).add(record);
    (this.total[day] ??= new StatsAccumulator(this.pricing)).add(record);
  }

  snapshot(): Trend {
    const series = [...this.groups.values()]
      .map((group) => this.seriesOf(group.key, group.days))
      .sort((a, b) => callsOf(b) - callsOf(a) || compareStrings(JSON.stringify(a.key), JSON.stringify(b.key)));
    return {
      fromMs: this.fromMs,
      toMs: this.nowMs,
      days: this.dayCount,
      groupBy: this.groupBy,
      series,
      total: this.seriesOf({}, this.total),
    };
  }

  private seriesOf(key: Record<string, string>, accumulators: readonly (StatsAccumulator | undefined)[]): TrendSeries {
    const days = this.dayStarts.map((dayStartMs, i): TrendDay => {
      const stats = accumulators[i]?.snapshot();
      return {
        dayStartMs,
        day: this.tz.dayKey(dayStartMs),
        calls: stats?.calls ?? 0,
        costUsd: stats?.costUsd ?? 0,
        costPerCallUsd: stats?.costPerCallUsd ?? null,
        p95Ms: stats?.latencyMs.p95 ?? null,
        errorRate: stats?.errorRate ?? null,
        cacheHitRate: stats?.cacheHitRate ?? null,
        unpricedCalls: stats?.unpricedCalls ?? 0,
      };
    });
    const withCalls = accumulators.filter((accumulator): accumulator is StatsAccumulator => accumulator !== undefined);
    return { key, days, flags: flagsOf(withCalls, this.pricing) };
  }

  private dayIndex(time: number): number {
    let low = 0;
    let high = this.dayStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if ((this.dayStarts[middle] as number) <= time) low = middle;
      else high = middle - 1;
    }
    return low;
  }
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

function callsOf(series: TrendSeries): number {
  return series.days.reduce((sum, day) => sum + day.calls, 0);
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

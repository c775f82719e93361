/**
 * `trend --days N`: per calendar day in --tz and per group (feature by default), calls, cost, cost per call, p95,
 * error rate and cache hit rate — and flags for the slow drifts a team misses: cost per call creeping up (context
 * accumulating without pruning) and the cache hit rate falling away. Pure: records in, plain data out.
 */
import { type GroupDimension, groupKeyOf, groupValuesOf } from './grouping.js';
import type { PriceBook } from './pricing.js';
import { accumulatorIn, StatsAccumulator, compareStrings, unpricedModelsOf } from './stats.js';
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

/**
 * The series, most calls first, each made when the iteration reaches it (a trend by user has one per user). It reads
 * the fold's accumulators: add nothing to the fold once it is snapshotted.
 */
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

interface TrendGroup {
  readonly key: Record<string, string>;
  readonly days: Map<number, StatsAccumulator>;
}

/**
 * Per group, an accumulator per day with calls (sparse: a group per user must not cost one per day). At a fixed
 * now, or following the newest record (`--now latest` in one pass): days that fall out of the period as the newest
 * record moves on are dropped, so the result is what a fold at the final now gives, record for record.
 */
export class TrendFold {
  private dayStarts: number[] = [];
  private readonly groups = new Map<string, TrendGroup>();
  private readonly total = new Map<number, StatsAccumulator>();
  private nowMs: number;

  /** `follow`: the period ends at the newest record, or at `nowMs` when there is none. */
  constructor(
    private readonly fallbackNowMs: number,
    private readonly dayCount: number,
    private readonly groupBy: readonly GroupDimension[],
    private readonly tz: TimeZone,
    private readonly pricing: PriceBook,
    private readonly follow = false,
  ) {
    this.nowMs = follow ? -Infinity : fallbackNowMs;
    if (!follow) this.setPeriod(fallbackNowMs);
  }

  /** The first instant of the period: older records can be skipped (none while following the newest record). */
  get fromMs(): number {
    return this.follow ? -Infinity : (this.dayStarts[0] as number);
  }

  /** The end of the period: --now, or the newest record so far. */
  get toMs(): number {
    return this.nowMs;
  }

  add(record: CallRecord): void {
    const time = record.timestampMs;
    if (time > this.nowMs) {
      if (!this.follow) return;
      this.moveTo(time);
    }
    if (time < (this.dayStarts[0] as number)) return;
    const dayStart = this.dayStarts[this.dayIndex(time)] as number;
    accumulatorIn(this.daysOfGroup(record), dayStart, this.pricing).add(record);
    accumulatorIn(this.total, dayStart, this.pricing).add(record);
  }

  /**
   * Calls counted elsewhere (a .cmstate group), all on the day of `record.timestampMs` and none after --now, whose
   * group is the one of `record` (only its grouped fields are read).
   */
  mergeAccumulator(record: CallRecord, stats: StatsAccumulator): void {
    if (this.dayStarts.length === 0 || record.timestampMs < (this.dayStarts[0] as number)) return;
    const dayStart = this.dayStarts[this.dayIndex(record.timestampMs)] as number;
    accumulatorIn(this.daysOfGroup(record), dayStart, this.pricing).merge(stats);
    accumulatorIn(this.total, dayStart, this.pricing).merge(stats);
  }

  /** The accumulators by day of the record's group (made at its first call). */
  private daysOfGroup(record: CallRecord): Map<number, StatsAccumulator> {
    const key = groupKeyOf(this.groupBy, record, this.tz);
    let group = this.groups.get(key);
    if (group === undefined) {
      group = { key: groupValuesOf(this.groupBy, record, this.tz), days: new Map() };
      this.groups.set(key, group);
    }
    return group.days;
  }

  /** While following the newest record: the newest call of other inputs moves the period as a record would. */
  advanceTo(nowMs: number): void {
    if (this.follow && nowMs > this.nowMs) this.moveTo(nowMs);
  }

  /** The first instant of the period (−Infinity while following and no record came). */
  get periodStartMs(): number {
    return this.dayStarts[0] ?? Number.NEGATIVE_INFINITY;
  }

  /** Calls per model without a price, over the period. */
  unpricedModels(): Record<string, number> {
    return unpricedModelsOf(this.total.values());
  }

  snapshot(): Trend {
    if (this.dayStarts.length === 0) {
      this.nowMs = this.fallbackNowMs; // following, and no record came
      this.setPeriod(this.nowMs);
    }
    const ordered = [...this.groups.values()]
      .map((group) => ({ group, calls: callsOf(group), name: JSON.stringify(group.key) }))
      .sort((a, b) => b.calls - a.calls || compareStrings(a.name, b.name));
    const seriesOf = (group: TrendGroup): TrendSeries => this.seriesOf(group.key, group.days);
    const series: SeriesList = {
      size: ordered.length,
      *[Symbol.iterator]() {
        for (const { group } of ordered) yield seriesOf(group);
      },
    };
    return {
      fromMs: this.dayStarts[0] as number,
      toMs: this.nowMs,
      days: this.dayCount,
      groupBy: this.groupBy,
      series,
      total: this.seriesOf({}, this.total),
    };
  }

  private setPeriod(nowMs: number): void {
    const today = this.tz.startOfDay(nowMs);
    this.dayStarts = [];
    for (let back = this.dayCount - 1; back >= 0; back--) this.dayStarts.push(this.tz.addDays(today, -back));
  }

  /** The newest record moved on: the period ends there; days before its first day are dropped. */
  private moveTo(nowMs: number): void {
    const lastDay = this.dayStarts[this.dayStarts.length - 1];
    this.nowMs = nowMs;
    if (lastDay !== undefined && nowMs < this.tz.addDays(lastDay, 1)) return;
    this.setPeriod(nowMs);
    const first = this.dayStarts[0] as number;
    const prune = (days: Map<number, StatsAccumulator>): void => {
      for (const day of days.keys()) if (day < first) days.delete(day);
    };
    prune(this.total);
    for (const [key, group] of this.groups) {
      prune(group.days);
      if (group.days.size === 0) this.groups.delete(key);
    }
  }

  private seriesOf(key: Record<string, string>, accumulators: ReadonlyMap<number, StatsAccumulator>): TrendSeries {
    const withCalls: StatsAccumulator[] = [];
    const days = this.dayStarts.map((dayStartMs): TrendDay => {
      const accumulator = accumulators.get(dayStartMs);
      if (accumulator !== undefined) withCalls.push(accumulator);
      const stats = accumulator?.snapshot();
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

function callsOf(group: TrendGroup): number {
  let calls = 0;
  for (const accumulator of group.days.values()) calls += accumulator.calls;
  return calls;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/**
 * The month-one answers (PRODUCT.md §4 `dashboard`), folded in one pass at a known --now, in --tz: today's cost vs
 * yesterday's, the slowest feature of the last hour, the 429s of the last 24 hours, the top users of today, and
 * today's error, cache hit and max_tokens rates against the previous 7 days. Pure: records in, plain data out.
 */
import { costOfRecord, type PriceBook, roundUsd } from './pricing.js';
import { projectDay } from './projection.js';
import { type UserUsage, UsersOfDay } from './usersOfDay.js';
import { LatencyDistribution } from './latencyDistribution.js';
import { accumulatorIn, StatsAccumulator, compareStrings, unpricedModelsOf, isRateLimited } from './stats.js';
import type { TimeZone } from './timezone.js';
import type { CallRecord, Stats } from './types.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY_MS = 86_400_000;
/** Fewer calls than this in the slow window: the feature's p95 is shown but not ranked as the slowest. */
export const MIN_CALLS_TO_JUDGE = 20;
const TOP_USERS = 10;
const BASELINE_DAYS = 7;

export interface DashboardOptions {
  /** --now; while following, the fallback when no record comes. */
  readonly nowMs: number;
  /** Follow the newest record (--now latest in one pass). */
  readonly follow?: boolean;
  readonly tz: TimeZone;
  readonly pricing: PriceBook;
  /** The window of the slowest-feature panel (default 1 h). */
  readonly slowWindowMs: number;
}

export type { UserUsage } from './usersOfDay.js';

export interface Dashboard {
  readonly nowMs: number;
  readonly costToday: {
    readonly todayUsd: number;
    readonly yesterdayUsd: number;
    readonly yesterdaySameTimeUsd: number;
    /** Today vs yesterday up to the same time, in percent; null when yesterday had no cost by then. */
    readonly changePct: number | null;
    readonly projectedUsd: number | null;
    readonly unpricedCallsToday: number;
    readonly unpricedModels: Readonly<Record<string, number>>;
  };
  readonly slowestFeature: {
    readonly windowMs: number;
    /** The highest p95 among features with enough calls; null when none has. */
    readonly feature: string | null;
    readonly p95Ms: number | null;
    readonly calls: number;
    readonly ranking: readonly { readonly feature: string; readonly p95Ms: number | null; readonly calls: number; readonly tooFew: boolean }[];
  };
  readonly rateLimits: {
    readonly windowMs: number;
    readonly count: number;
    readonly firstMs: number | null;
    readonly lastMs: number | null;
    readonly byFeature: readonly [string, number][];
    readonly byUser: readonly [string, number][];
    /** 24 hours ending at now, oldest first: the start of each hour and its 429s. */
    readonly byHour: readonly { readonly startMs: number; readonly count: number }[];
  };
  readonly topUsersByTokens: readonly UserUsage[];
  readonly topUsersByCost: readonly UserUsage[];
  readonly rates: {
    readonly today: RateSet;
    /** The previous 7 whole days, pooled: over all their calls (a busy day weighs more than a quiet one). */
    readonly sevenDay: RateSet;
  };
}

export interface RateSet {
  readonly calls: number;
  readonly errorRate: number | null;
  readonly cacheHitRate: number | null;
  readonly maxTokensRate: number | null;
}

/**
 * At a fixed now, or following the newest record (`--now latest` in one pass) — one code path: the state is kept
 * relative to "now" as it moves: an accumulator per day for today and the 7 days before, per minute for today and
 * yesterday ("yesterday by this time" counts yesterday's whole minutes before the same time), today's users, and the calls of the slow window and
 * the 429s of the last 24 hours, dropped as they fall out.
 */
export class DashboardFold {
  private nowMs: number;
  private dayStarts: number[] = [];
  private readonly days = new Map<number, StatsAccumulator>();
  /** Cost per minute of today and yesterday (for "yesterday by this time"). */
  private readonly minuteCosts = new Map<number, number>();
  private tomorrowStart = -Infinity;
  private users = new UsersOfDay();
  private readonly slowCalls = new RecentCalls();
  /** At a fixed now: the slow window's latencies by feature, folded as they come. */
  private readonly slowByFeature = new Map<string, LatencyDistribution>();
  private readonly limitCalls = new RecentCalls();

  constructor(private readonly options: DashboardOptions) {
    this.nowMs = options.follow === true ? -Infinity : options.nowMs;
    if (options.follow !== true) this.setDays(options.nowMs);
  }

  /** The earliest record that matters: older ones can be skipped by the caller (none while following). */
  get fromMs(): number {
    if (this.options.follow === true) return -Infinity;
    return Math.min(this.dayStarts[0] as number, this.nowMs - DAY_MS, this.nowMs - this.options.slowWindowMs);
  }

  add(record: CallRecord): void {
    const time = record.timestampMs;
    if (time > this.nowMs) {
      if (this.options.follow !== true) return;
      this.moveTo(time);
    }
    const { dayStarts } = this;
    if (time >= (dayStarts[0] as number)) {
      let day = dayStarts.length - 1;
      while (time < (dayStarts[day] as number)) day--;
      accumulatorIn(this.days, dayStarts[day] as number, this.options.pricing).add(record);
      if (day >= dayStarts.length - 2) {
        const cost = costOfRecord(this.options.pricing, record);
        const minute = Math.floor(time / MINUTE) * MINUTE;
        if (cost !== null) this.minuteCosts.set(minute, (this.minuteCosts.get(minute) ?? 0) + cost);
        if (day === dayStarts.length - 1) this.addUser(record, cost);
      }
    }
    if (time > this.nowMs - this.options.slowWindowMs) {
      // At a fixed now the window is known: fold the latency; following, keep the call until the window passes it.
      if (this.options.follow === true) this.slowCalls.push(time, record.feature, '', record.latencyMs);
      else latencyOf(this.slowByFeature, record.feature).record(record.latencyMs);
    }
    if (time > this.nowMs - DAY_MS && isRateLimited(record)) this.limitCalls.push(time, record.feature, record.userId, 0);
  }

  /** Calls per unpriced model of today and the 7 days before. */
  unpricedModels(): Record<string, number> {
    return unpricedModelsOf(this.days.values());
  }

  snapshot(): Dashboard {
    if (this.dayStarts.length === 0) {
      this.nowMs = this.options.nowMs; // following, and no record came
      this.setDays(this.nowMs);
    }
    const { nowMs, dayStarts } = this;
    const { tz, pricing } = this.options;
    const todayStart = dayStarts[dayStarts.length - 1] as number;
    const yesterdayStart = dayStarts[dayStarts.length - 2] as number;
    // The same wall-clock time yesterday (23 or 25 hours back across a DST change).
    const yesterdaySameTime = tz.localToUtc(nowMs + tz.offsetMinutesAt(nowMs) * 60_000 - DAY_MS);
    const empty = new StatsAccumulator(pricing);
    const today = (this.days.get(todayStart) ?? empty).snapshot();
    const yesterday = (this.days.get(yesterdayStart) ?? empty).snapshot();
    const baseline = new StatsAccumulator(pricing);
    for (const [day, accumulator] of this.days) if (day < todayStart) baseline.merge(accumulator);
    // Yesterday's whole minutes before the same time of day (as the daily_cost alert counts them), added in order.
    const sameMinute = Math.floor(yesterdaySameTime / MINUTE) * MINUTE;
    const minutes = [...this.minuteCosts.keys()].filter((minute) => minute >= yesterdayStart && minute < Math.min(todayStart, sameMinute));
    const byNowUsd = roundUsd(minutes.sort((a, b) => a - b).reduce((sum, minute) => sum + (this.minuteCosts.get(minute) as number), 0));
    const todayUsd = today.costUsd;
    const dayMs = tz.addDays(todayStart, 1) - todayStart;
    const elapsedMs = nowMs - todayStart;
    let projectedUsd: number | null = null;
    if (today.calls > 0) projectedUsd = projectDay(todayUsd, byNowUsd, yesterday.costUsd, elapsedMs, dayMs);
    const ranking = this.slowRanking();
    const slowest = ranking.find((entry) => !entry.tooFew);
    const users = [...this.users].map((usage) => ({ ...usage, costUsd: roundUsd(usage.costUsd) }));
    const byName = (a: UserUsage, b: UserUsage): number => compareStrings(a.user, b.user);
    return {
      nowMs,
      costToday: {
        todayUsd,
        yesterdayUsd: yesterday.costUsd,
        yesterdaySameTimeUsd: byNowUsd,
        changePct: byNowUsd > 0 ? round(((todayUsd - byNowUsd) / byNowUsd) * 100, 10) : null,
        projectedUsd,
        unpricedCallsToday: today.unpricedCalls,
        unpricedModels: today.unpricedModels,
      },
      slowestFeature: {
        windowMs: this.options.slowWindowMs,
        feature: slowest?.feature ?? null,
        p95Ms: slowest?.p95Ms ?? null,
        calls: slowest?.calls ?? 0,
        ranking,
      },
      rateLimits: this.rateLimits(),
      topUsersByTokens: [...users].sort((a, b) => b.tokens - a.tokens || byName(a, b)).slice(0, TOP_USERS),
      topUsersByCost: [...users].sort((a, b) => b.costUsd - a.costUsd || byName(a, b)).slice(0, TOP_USERS),
      rates: { today: rateSet(today), sevenDay: rateSet(baseline.snapshot()) },
    };
  }

  /** Today and the BASELINE_DAYS before it, in --tz, for `nowMs`. */
  private setDays(nowMs: number): void {
    const { tz } = this.options;
    const today = tz.startOfDay(nowMs);
    this.dayStarts = [];
    for (let back = BASELINE_DAYS; back >= 0; back--) this.dayStarts.push(tz.addDays(today, -back));
    this.tomorrowStart = tz.addDays(today, 1);
  }

  /** The newest record moved on: what fell out of the windows is dropped. */
  private moveTo(nowMs: number): void {
    this.nowMs = nowMs;
    this.slowCalls.dropUpTo(nowMs - this.options.slowWindowMs);
    this.limitCalls.dropUpTo(nowMs - DAY_MS);
    if (nowMs < this.tomorrowStart) return;
    this.setDays(nowMs);
    const first = this.dayStarts[0] as number;
    const yesterday = this.dayStarts[this.dayStarts.length - 2] as number;
    for (const day of this.days.keys()) if (day < first) this.days.delete(day);
    for (const minute of this.minuteCosts.keys()) if (minute < yesterday) this.minuteCosts.delete(minute);
    this.users = new UsersOfDay(); // today's users: a new day
  }

  private slowRanking(): Dashboard['slowestFeature']['ranking'] {
    const byFeature = this.options.follow === true ? new Map<string, LatencyDistribution>() : this.slowByFeature;
    const from = this.nowMs - this.options.slowWindowMs;
    this.slowCalls.forEach((time, feature, _user, latencyMs) => {
      if (time > from) latencyOf(byFeature, feature).record(latencyMs);
    });
    return [...byFeature]
      .map(([feature, latencies]) => ({ feature, p95Ms: latencies.percentileMs(95), calls: latencies.size, tooFew: latencies.size < MIN_CALLS_TO_JUDGE }))
      .sort((a, b) => Number(a.tooFew) - Number(b.tooFew) || (b.p95Ms ?? 0) - (a.p95Ms ?? 0) || compareStrings(a.feature, b.feature));
  }

  private rateLimits(): Dashboard['rateLimits'] {
    const { nowMs } = this;
    const { tz } = this.options;
    // 24 clock hours in --tz, the last one the hour now falls in; the first also takes the minutes of the 24 h
    // window before it.
    const offset = tz.offsetMinutesAt(nowMs) * 60_000;
    const currentHour = Math.floor((nowMs + offset) / HOUR) * HOUR - offset;
    const hourStarts = Array.from({ length: 24 }, (_, i) => currentHour - (23 - i) * HOUR);
    const byHour = new Array<number>(24).fill(0);
    const byFeature = new Map<string, number>();
    const byUser = new Map<string, number>();
    let count = 0;
    let firstMs = Infinity;
    let lastMs = -Infinity;
    this.limitCalls.forEach((time, feature, user) => {
      if (time <= nowMs - DAY_MS) return;
      count++;
      if (time < firstMs) firstMs = time;
      if (time > lastMs) lastMs = time;
      byFeature.set(feature, (byFeature.get(feature) ?? 0) + 1);
      byUser.set(user, (byUser.get(user) ?? 0) + 1);
      let hour = 23;
      while (hour > 0 && time < (hourStarts[hour] as number)) hour--;
      byHour[hour] = (byHour[hour] as number) + 1;
    });
    return {
      windowMs: DAY_MS,
      count,
      firstMs: count === 0 ? null : firstMs,
      lastMs: count === 0 ? null : lastMs,
      byFeature: ranked(byFeature),
      byUser: ranked(byUser),
      byHour: byHour.map((calls, hour) => ({ startMs: hourStarts[hour] as number, count: calls })),
    };
  }

  private addUser(record: CallRecord, cost: number | null): void {
    this.users.add(record.userId, record.inputTokens + record.outputTokens + record.cacheReadTokens + record.cacheWriteTokens, cost);
  }
}

/**
 * Calls of a sliding window (time, feature, user, latency) in a ring, oldest first: appended as they come, dropped
 * from the front once older than the window. A late old call behind newer ones stays until they go; readers filter.
 */
class RecentCalls {
  private times = new Float64Array(1024);
  private latencies = new Float64Array(1024);
  private features: string[] = new Array<string>(1024).fill('');
  private users: string[] = new Array<string>(1024).fill('');
  private head = 0;
  private size = 0;
  /** Calls at or before this time are not kept. */
  private droppedUpTo = -Infinity;

  push(time: number, feature: string, user: string, latencyMs: number): void {
    if (time <= this.droppedUpTo) return;
    if (this.size === this.times.length) this.grow();
    const i = (this.head + this.size) & (this.times.length - 1);
    this.times[i] = time;
    this.latencies[i] = latencyMs;
    this.features[i] = feature;
    this.users[i] = user;
    this.size++;
  }

  dropUpTo(time: number): void {
    this.droppedUpTo = time;
    const mask = this.times.length - 1;
    while (this.size > 0 && (this.times[this.head] as number) <= time) {
      this.features[this.head] = this.users[this.head] = '';
      this.head = (this.head + 1) & mask;
      this.size--;
    }
  }

  forEach(visit: (time: number, feature: string, user: string, latencyMs: number) => void): void {
    const mask = this.times.length - 1;
    for (let k = 0; k < this.size; k++) {
      const i = (this.head + k) & mask;
      visit(this.times[i] as number, this.features[i] as string, this.users[i] as string, this.latencies[i] as number);
    }
  }

  private grow(): void {
    const capacity = this.times.length * 2;
    const times = new Float64Array(capacity);
    const latencies = new Float64Array(capacity);
    const features = new Array<string>(capacity).fill('');
    const users = new Array<string>(capacity).fill('');
    const mask = this.times.length - 1;
    for (let k = 0; k < this.size; k++) {
      const i = (this.head + k) & mask;
      times[k] = this.times[i] as number;
      latencies[k] = this.latencies[i] as number;
      features[k] = this.features[i] as string;
      users[k] = this.users[i] as string;
    }
    this.times = times;
    this.latencies = latencies;
    this.features = features;
    this.users = users;
    this.head = 0;
  }
}

function latencyOf(byFeature: Map<string, LatencyDistribution>, feature: string): LatencyDistribution {
  let latencies = byFeature.get(feature);
  if (latencies === undefined) byFeature.set(feature, (latencies = new LatencyDistribution()));
  return latencies;
}

function rateSet(stats: Stats): RateSet {
  return { calls: stats.calls, errorRate: stats.errorRate, cacheHitRate: stats.cacheHitRate, maxTokensRate: stats.maxTokensRate };
}

function ranked(counts: ReadonlyMap<string, number>): [string, number][] {
  return [...counts].sort(([a, x], [b, y]) => y - x || compareStrings(a, b));
}

function round(value: number, scale: number): number {
  return Math.round(value * scale) / scale;
}

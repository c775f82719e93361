/**
 * The month-one answers (PRODUCT.md §4 `dashboard`), folded in one pass at a known --now, in --tz: today's cost vs
 * yesterday's, the slowest feature of the last hour, the 429s of the last 24 hours, the top users of today, and
 * today's error, cache hit and max_tokens rates against the previous 7 days. Pure: records in, plain data out.
 */
import { costOfRecord, type PriceBook, roundUsd } from './pricing.js';
import { projectDay } from './projection.js';
import { StatsAccumulator, compareStrings, isRateLimited } from './stats.js';
import type { TimeZone } from './timezone.js';
import type { CallRecord, Stats } from './types.js';

const HOUR = 3_600_000;
const DAY_MS = 86_400_000;
/** Fewer calls than this in the slow window: the feature's p95 is shown but not ranked as the slowest. */
export const MIN_CALLS_TO_JUDGE = 20;
const TOP_USERS = 10;
const BASELINE_DAYS = 7;

export interface DashboardOptions {
  readonly nowMs: number;
  readonly tz: TimeZone;
  readonly pricing: PriceBook;
  /** The window of the slowest-feature panel (default 1 h). */
  readonly slowWindowMs: number;
}

export interface UserUsage {
  readonly user: string;
  readonly tokens: number;
  readonly costUsd: number;
  readonly calls: number;
  readonly unpricedCalls: number;
}

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

export class DashboardFold {
  private readonly todayStart: number;
  private readonly yesterdayStart: number;
  private readonly yesterdaySameTime: number;
  private readonly baselineStart: number;
  private readonly today: StatsAccumulator;
  private readonly yesterday: StatsAccumulator;
  private readonly yesterdayByNow: StatsAccumulator;
  private readonly baseline: StatsAccumulator;
  private readonly slowByFeature = new Map<string, StatsAccumulator>();
  private readonly users = new Map<string, { tokens: number; costUsd: number; calls: number; unpricedCalls: number }>();
  private readonly limits = { count: 0, firstMs: Infinity, lastMs: -Infinity, byFeature: new Map<string, number>(), byUser: new Map<string, number>() };
  private readonly limitsByHour = new Array<number>(24).fill(0);
  private readonly hourStarts: readonly number[];

  constructor(private readonly options: DashboardOptions) {
    const { nowMs, tz, pricing } = options;
    this.todayStart = tz.startOfDay(nowMs);
    this.yesterdayStart = tz.addDays(this.todayStart, -1);
    // The same wall-clock time yesterday (23 or 25 hours back across a DST change).
    this.yesterdaySameTime = tz.localToUtc(nowMs + tz.offsetMinutesAt(nowMs) * 60_000 - DAY_MS);
    this.baselineStart = tz.addDays(this.todayStart, -BASELINE_DAYS);
    this.today = new StatsAccumulator(pricing);
    this.yesterday = new StatsAccumulator(pricing);
    this.yesterdayByNow = new StatsAccumulator(pricing);
    this.baseline = new StatsAccumulator(pricing);
    // 24 clock hours in --tz, the last one the hour now falls in; the first also takes the minutes of the 24 h
    // window before it.
    const offset = tz.offsetMinutesAt(nowMs) * 60_000;
    const currentHour = Math.floor((nowMs + offset) / HOUR) * HOUR - offset;
    this.hourStarts = Array.from({ length: 24 }, (_, i) => currentHour - (23 - i) * HOUR);
  }

  /** The earliest record that matters: older ones can be skipped by the caller. */
  get fromMs(): number {
    return Math.min(this.baselineStart, this.hourStarts[0] as number, this.options.nowMs - this.options.slowWindowMs);
  }

  add(record: CallRecord): void {
    const time = record.timestampMs;
    const { nowMs } = this.options;
    if (time > nowMs) return;
    if (time >= this.todayStart) {
      this.today.add(record);
      this.addUser(record);
    } else if (time >= this.baselineStart) {
      this.baseline.add(record);
      if (time >= this.yesterdayStart) {
        this.yesterday.add(record);
        if (time <= this.yesterdaySameTime) this.yesterdayByNow.add(record);
      }
    }
    if (time > nowMs - this.options.slowWindowMs) {
      let stats = this.slowByFeature.get(record.feature);
      if (stats === undefined) this.slowByFeature.set(record.feature, (stats = new StatsAccumulator(this.options.pricing)));
      stats.add(record);
    }
    if (time > nowMs - DAY_MS && isRateLimited(record)) this.addRateLimit(record);
  }

  snapshot(): Dashboard {
    const { nowMs, tz } = this.options;
    const today = this.today.snapshot();
    const yesterday = this.yesterday.snapshot();
    const yesterdayByNow = this.yesterdayByNow.snapshot();
    const todayUsd = today.costUsd;
    const byNowUsd = yesterdayByNow.costUsd;
    const dayMs = tz.addDays(this.todayStart, 1) - this.todayStart;
    const elapsedMs = nowMs - this.todayStart;
    let projectedUsd: number | null = null;
    if (today.calls > 0) projectedUsd = projectDay(todayUsd, byNowUsd, yesterday.costUsd, elapsedMs, dayMs);
    const ranking = [...this.slowByFeature]
      .map(([feature, stats]) => {
        const snapshot = stats.snapshot();
        return { feature, p95Ms: snapshot.latencyMs.p95, calls: snapshot.calls, tooFew: snapshot.calls < MIN_CALLS_TO_JUDGE };
      })
      .sort((a, b) => Number(a.tooFew) - Number(b.tooFew) || (b.p95Ms ?? 0) - (a.p95Ms ?? 0) || compareStrings(a.feature, b.feature));
    const slowest = ranking.find((entry) => !entry.tooFew);
    const users = [...this.users].map(([user, usage]) => ({ user, ...usage, costUsd: roundUsd(usage.costUsd) }));
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
      rateLimits: {
        windowMs: DAY_MS,
        count: this.limits.count,
        firstMs: this.limits.count === 0 ? null : this.limits.firstMs,
        lastMs: this.limits.count === 0 ? null : this.limits.lastMs,
        byFeature: ranked(this.limits.byFeature),
        byUser: ranked(this.limits.byUser),
        byHour: this.limitsByHour.map((count, hour) => ({ startMs: this.hourStarts[hour] as number, count })),
      },
      topUsersByTokens: [...users].sort((a, b) => b.tokens - a.tokens || byName(a, b)).slice(0, TOP_USERS),
      topUsersByCost: [...users].sort((a, b) => b.costUsd - a.costUsd || byName(a, b)).slice(0, TOP_USERS),
      rates: { today: rateSet(today), sevenDay: rateSet(this.baseline.snapshot()) },
    };
  }

  private addUser(record: CallRecord): void {
    let usage = this.users.get(record.userId);
    if (usage === undefined) this.users.set(record.userId, (usage = { tokens: 0, costUsd: 0, calls: 0, unpricedCalls: 0 }));
    usage.calls++;
    usage.tokens += record.inputTokens + record.outputTokens + record.cacheReadTokens + record.cacheWriteTokens;
    const cost = costOfRecord(this.options.pricing, record);
    if (cost === null) usage.unpricedCalls++;
    else usage.costUsd += cost;
  }

  private addRateLimit(record: CallRecord): void {
    const limits = this.limits;
    const time = record.timestampMs;
    limits.count++;
    if (time < limits.firstMs) limits.firstMs = time;
    if (time > limits.lastMs) limits.lastMs = time;
    limits.byFeature.set(record.feature, (limits.byFeature.get(record.feature) ?? 0) + 1);
    limits.byUser.set(record.userId, (limits.byUser.get(record.userId) ?? 0) + 1);
    let hour = 23;
    while (hour > 0 && time < (this.hourStarts[hour] as number)) hour--;
    this.limitsByHour[hour] = (this.limitsByHour[hour] as number) + 1;
  }
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

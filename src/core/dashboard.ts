/**
 * The month-one answers (PRODUCT.md §4 `dashboard`), folded in one pass at a known --now, in --tz: today's cost vs
 * yesterday's, the slowest feature of the last hour, the 429s of the last 24 hours, the top users of today, and
 * today's error, cache hit and max_tokens rates against the previous 7 days. Pure: records in, plain data out.
 */
import { ModelTable, ModelTokens } from './modelTokens.js';
import { type PriceBook, roundUsd } from './pricing.js';
import { projectDay } from './projection.js';
import { type UserUsage, UsersOfDay } from './usersOfDay.js';
import { LatencyDistribution } from './latencyDistribution.js';
import { accumulatorIn, StatsAccumulator, compareStrings, unpricedModelsOf, isRateLimited } from './stats.js';
import type { TimeZone } from './timezone.js';
import type { CallRecord, Stats } from './types.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY_MS = 86_400_000;
/** Minutes of today and yesterday (at most 50 hours across a DST change) fit in three days. */
const MINUTE_ROWS = 3 * 1440;
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
  /** Token sums per minute of today and yesterday (for "yesterday by this time"), priced when shown. */
  private readonly minuteTokens: ModelTable;
  /** The minute each row of minuteTokens holds (a ring of MINUTE_ROWS minutes: more than two days). */
  private readonly minuteOfRow = new Float64Array(MINUTE_ROWS).fill(NaN);
  /** Folded groups (.cmstate) of yesterday before the same time. */
  private readonly foldedByNow: ModelTokens;
  private tomorrowStart = -Infinity;
  private users: UsersOfDay;
  private readonly slowCalls = new RecentCalls();
  /** At a fixed now: the slow window's latencies by feature, folded as they come (and folded groups, always). */
  private readonly slowByFeature = new Map<string, LatencyDistribution>();
  private readonly limitCalls = new RecentCalls();

  constructor(private readonly options: DashboardOptions) {
    this.users = new UsersOfDay(options.pricing);
    this.foldedByNow = new ModelTokens(options.pricing);
    this.minuteTokens = new ModelTable(options.pricing);
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
        const minuteIndex = Math.floor(time / MINUTE);
        const minute = minuteIndex * MINUTE;
        const row = ((minuteIndex % MINUTE_ROWS) + MINUTE_ROWS) % MINUTE_ROWS;
        if (this.minuteOfRow[row] !== minute) {
          this.minuteTokens.clear(row);
          this.minuteOfRow[row] = minute;
        }
        this.minuteTokens.add(row, record);
        if (day === dayStarts.length - 1) this.users.add(record);
      }
    }
    if (time > this.nowMs - this.options.slowWindowMs) {
      // At a fixed now the window is known: fold the latency; following, keep the call until the window passes it.
      if (this.options.follow === true) this.slowCalls.push(time, record.feature, '', record.latencyMs);
      else latencyOf(this.slowByFeature, record.feature).record(record.latencyMs);
    }
    if (time > this.nowMs - DAY_MS && isRateLimited(record)) this.limitCalls.push(time, record.feature, record.userId, 1);
  }

  /**
   * Following the newest record: the newest call of the folded groups to come (they are added after the records,
   * and move nothing).
   */
  advanceTo(nowMs: number): void {
    if (this.options.follow === true && nowMs > this.nowMs) this.moveTo(nowMs);
  }

  /**
   * Calls folded elsewhere (a .cmstate hour of one feature and model), taken whole: every edge the panels draw
   * (now, a day's start, yesterday's same minute, the slow window) must fall outside its first and last call, else
   * `cut` is called with the edge (it throws).
   */
  addFoldedHour(feature: string, stats: StatsAccumulator, cut: Cut): void {
    const side = sideOf(stats.firstCallMs, stats.lastCallMs, cut);
    this.readyDays();
    const { nowMs, dayStarts } = this;
    if (side(nowMs, true, 'now') === 'after') return;
    if (side(dayStarts[0] as number, false, 'the start of a day') === 'after') {
      let day = dayStarts.length - 1;
      while (stats.firstCallMs < (dayStarts[day] as number)) day--;
      if (day < dayStarts.length - 1) side(dayStarts[day + 1] as number, false, 'the start of a day');
      accumulatorIn(this.days, dayStarts[day] as number, this.options.pricing).merge(stats);
      if (day === dayStarts.length - 2 && side(this.yesterdaySameMinute(), false, "yesterday's same minute") === 'before') {
        this.foldedByNow.merge(stats.modelTokens);
      }
    }
    if (side(nowMs - this.options.slowWindowMs, true, 'the start of the slow window') === 'after') {
      latencyOf(this.slowByFeature, feature).merge(stats.latencyDistribution);
    }
  }

  /** A user's calls of a day folded elsewhere (a .cmstate day × user in --tz), taken when the day is today. */
  addFoldedUserDay(dayStartMs: number, user: string, stats: StatsAccumulator, cut: Cut): void {
    this.readyDays();
    if (dayStartMs !== this.dayStarts[this.dayStarts.length - 1]) return;
    if (sideOf(stats.firstCallMs, stats.lastCallMs, cut)(this.nowMs, true, 'now') === 'before') this.users.merge(user, stats.calls, stats.modelTokens);
  }

  /** Rate-limited calls of one hour, feature and user folded elsewhere: how many, the first and the last. */
  addFoldedRateLimits(feature: string, user: string, calls: number, firstMs: number, lastMs: number, cut: Cut): void {
    this.readyDays();
    const side = sideOf(firstMs, lastMs, cut);
    if (side(this.nowMs, true, 'now') === 'after' || side(this.nowMs - DAY_MS, true, 'the start of the 24 hours of 429s') === 'before') return;
    // Both in one clock hour: they fall in the same hour of the panel.
    this.limitCalls.push(firstMs, feature, user, 1);
    if (calls > 1) this.limitCalls.push(lastMs, feature, user, calls - 1);
  }

  /** The dashboard's now (following: the newest record so far). */
  get atMs(): number {
    this.readyDays();
    return this.nowMs;
  }

  /** Calls per unpriced model of today and the 7 days before. */
  unpricedModels(): Record<string, number> {
    return unpricedModelsOf(this.days.values());
  }

  snapshot(): Dashboard {
    this.readyDays();
    const { nowMs, dayStarts } = this;
    const { tz, pricing } = this.options;
    const todayStart = dayStarts[dayStarts.length - 1] as number;
    const yesterdayStart = dayStarts[dayStarts.length - 2] as number;
    const empty = new StatsAccumulator(pricing);
    const today = (this.days.get(todayStart) ?? empty).snapshot();
    const yesterday = (this.days.get(yesterdayStart) ?? empty).snapshot();
    const baseline = new StatsAccumulator(pricing);
    for (const [day, accumulator] of this.days) if (day < todayStart) baseline.merge(accumulator);
    // Yesterday's whole minutes before the same time of day (as the daily_cost alert counts them).
    const byNow = new ModelTokens(pricing);
    byNow.merge(this.foldedByNow);
    const sameMinute = this.yesterdaySameMinute();
    this.minuteOfRow.forEach((minute, row) => {
      if (minute >= yesterdayStart && minute < Math.min(todayStart, sameMinute)) this.minuteTokens.addRowTo(byNow, row);
    });
    const byNowUsd = roundUsd(byNow.cost().costUsd);
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

  /** Following, and no record came: the days of the fallback now. */
  private readyDays(): void {
    if (this.dayStarts.length > 0) return;
    this.nowMs = this.options.nowMs;
    this.setDays(this.nowMs);
  }

  /** The start of the minute of the same wall-clock time yesterday (23 or 25 hours back across a DST change). */
  private yesterdaySameMinute(): number {
    const { tz } = this.options;
    const sameTime = tz.localToUtc(this.nowMs + tz.offsetMinutesAt(this.nowMs) * 60_000 - DAY_MS);
    return Math.floor(sameTime / MINUTE) * MINUTE;
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
    for (const day of this.days.keys()) if (day < first) this.days.delete(day);
    this.users = new UsersOfDay(this.options.pricing); // today's users: a new day
  }

  private slowRanking(): Dashboard['slowestFeature']['ranking'] {
    let byFeature = this.slowByFeature;
    if (this.options.follow === true) {
      byFeature = new Map();
      for (const [feature, folded] of this.slowByFeature) latencyOf(byFeature, feature).merge(folded);
    }
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
    this.limitCalls.forEach((time, feature, user, calls) => {
      if (time <= nowMs - DAY_MS) return;
      count += calls;
      if (time < firstMs) firstMs = time;
      if (time > lastMs) lastMs = time;
      byFeature.set(feature, (byFeature.get(feature) ?? 0) + calls);
      byUser.set(user, (byUser.get(user) ?? 0) + calls);
      let hour = 23;
      while (hour > 0 && time < (hourStarts[hour] as number)) hour--;
      byHour[hour] = (byHour[hour] as number) + calls;
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
}

/** Called when a folded group has calls on both sides of an edge (named, e.g. "now"): it throws. */
export type Cut = (edgeMs: number, edge: string) => never;

/**
 * Which side of an edge a group of calls lies on, given its first and last call; `before` takes calls at the edge
 * when `edgeIsBefore` (windows that end at and include now), else calls at the edge are after it (a day, a minute
 * starts at its edge). A group on both sides calls `cut`.
 */
function sideOf(firstMs: number, lastMs: number, cut: Cut) {
  return (edgeMs: number, edgeIsBefore: boolean, edge: string): 'before' | 'after' => {
    const before = (ms: number): boolean => (edgeIsBefore ? ms <= edgeMs : ms < edgeMs);
    if (before(lastMs)) return 'before';
    if (!before(firstMs)) return 'after';
    return cut(edgeMs, edge);
  };
}

/**
 * Calls of a sliding window in a ring, oldest first: time, feature, user and a number (a latency; for the 429s,
 * how many calls the entry stands for). Appended as they come, dropped from the front once older than the window.
 * A late old call behind newer ones stays until they go; readers filter.
 */
class RecentCalls {
  private times = new Float64Array(1024);
  private values = new Float64Array(1024);
  private features: string[] = new Array<string>(1024).fill('');
  private users: string[] = new Array<string>(1024).fill('');
  private head = 0;
  private size = 0;
  /** Calls at or before this time are not kept. */
  private droppedUpTo = -Infinity;

  push(time: number, feature: string, user: string, value: number): void {
    if (time <= this.droppedUpTo) return;
    if (this.size === this.times.length) this.grow();
    const i = (this.head + this.size) & (this.times.length - 1);
    this.times[i] = time;
    this.values[i] = value;
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

  forEach(visit: (time: number, feature: string, user: string, value: number) => void): void {
    const mask = this.times.length - 1;
    for (let k = 0; k < this.size; k++) {
      const i = (this.head + k) & mask;
      visit(this.times[i] as number, this.features[i] as string, this.users[i] as string, this.values[i] as number);
    }
  }

  private grow(): void {
    const capacity = this.times.length * 2;
    const times = new Float64Array(capacity);
    const values = new Float64Array(capacity);
    const features = new Array<string>(capacity).fill('');
    const users = new Array<string>(capacity).fill('');
    const mask = this.times.length - 1;
    for (let k = 0; k < this.size; k++) {
      const i = (this.head + k) & mask;
      times[k] = this.times[i] as number;
      values[k] = this.values[i] as number;
      features[k] = this.features[i] as string;
      users[k] = this.users[i] as string;
    }
    this.times = times;
    this.values = values;
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

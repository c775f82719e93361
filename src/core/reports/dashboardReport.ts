/**
 * The month-one answers at now, in --tz, read from the dashboard's parts of the engine: today's cost vs
 * yesterday's, the slowest feature of the last hour, the 429s of the last 24 hours, the top users of today, and
 * today's error, cache hit and max_tokens rates against the previous 7 days.
 */
import { isRateLimited } from '../callOutcome.js';
import { MINUTE_MS, HOUR_MS, DAY_MS } from '../durations.js';
import type { Engine } from '../engine/engine.js';
import type { CallCount } from '../engine/measure.js';
import { COUNT_MEASURE, LATENCIES_MEASURE, statsMeasure } from '../engine/measureKinds.js';
import { Ledger } from '../engine/ledger.js';
import { LATENCY_CALLS, type LatencyCall, RecentCalls, WHOLE_CALLS } from '../engine/recentCalls.js';
import { TokenLedger } from '../engine/tokenLedger.js';
import { Latencies } from '../latencies.js';
import { RATE_METRICS } from '../metrics.js';
import { compareStrings } from '../order.js';
import type { PriceBook } from '../pricing.js';
import { roundUsd } from '../figures.js';
import { projectDay } from '../projection.js';
import { StatsAccumulator } from '../stats.js';
import type { TimeZone } from '../timezone.js';
import type { CallRecord, Stats } from '../types.js';
import { costBySameTime, type SameTime, sameTimeDaysBack } from '../sameTimeOfDay.js';
import { placeOf, type TimeWindow } from '../window.js';
import { rateLimitHeadersByHour } from '../foldState.js';
import { LimitsReader, rateUsageBySecond } from '../limits/limitsReport.js';
import { type ConfiguredLimits, LIMIT_KINDS, type LimitKind, type RateUsage } from '../limits/rateUsage.js';
import { NO_DRIVERS } from '../limits/windowDrivers.js';
import { logsRateLimitHeaders, type ModelRateLimits, RATE_LIMIT_HEADERS_MEASURE, type RateLimitHeaders, rateLimitsByModel } from '../rateLimitHeaders.js';

/** Fewer calls than this in the slow window: the feature's p95 is shown but not ranked as the slowest. */
export const MIN_CALLS_TO_JUDGE = 20;
const TOP_USERS = 10;
/** The days the 7-day rates pool, before today. */
const BASELINE_DAYS = 7;

/** The parts of the engine the dashboard reads. */
export interface DashboardParts {
  /** Today and the 7 days before it, a cell per day. */
  readonly days: Ledger<StatsAccumulator>;
  /** Yesterday and today, a cell per minute: yesterday by this time. */
  readonly minutes: TokenLedger;
  /** Today, a cell per user. */
  readonly users: TokenLedger;
  /** The latencies of the slow window by feature: of its calls, and of the folded cells inside it. */
  readonly slowCalls: RecentCalls<LatencyCall>;
  readonly slowFolded: Ledger<Latencies>;
  /** The 429s of the last 24 hours, and the folded ones by hour, feature and user. */
  readonly limitCalls: RecentCalls<CallRecord>;
  readonly limitsFolded: Ledger<CallCount>;
  /** The rate-limit headers of the last 24 hours by minute and model, and the folded ones by hour. */
  readonly limitHeaders: Ledger<RateLimitHeaders>;
  readonly limitHeadersFolded: Ledger<RateLimitHeaders>;
  /** With rate limits configured, the calls of the last 24 hours by second and model: their use (from logs only). */
  readonly limitUsage: Ledger<RateUsage> | null;
}

/** The dashboard's parts, made in `engine`. */
export function dashboardParts(engine: Engine, slowWindowMs: number, tz: TimeZone, pricing: PriceBook, withLimits = false): DashboardParts {
  const days = (count: number) => ({ kind: 'days', days: count, tz }) as const;
  const slow = { kind: 'last', ms: slowWindowMs, name: 'the start of the slow window' } as const;
  const day = { kind: 'last', ms: DAY_MS, name: 'the start of the 24 hours of 429s' } as const;
  return {
    days: engine.part(new Ledger({ bucketing: { unit: 'day', tz }, dims: [], tz, ...statsMeasure(pricing) }), days(BASELINE_DAYS + 1)),
    minutes: engine.part(new TokenLedger({ bucketing: { unit: 'minute' }, dims: [], tz, pricing }), days(2)),
    users: engine.part(new TokenLedger({ bucketing: { unit: 'day', tz }, dims: ['user'], tz, pricing }), days(1)),
    slowCalls: engine.part(new RecentCalls(LATENCY_CALLS), slow),
    slowFolded: engine.part(new Ledger({ bucketing: { unit: 'all' }, dims: ['feature'], tz, ...LATENCIES_MEASURE }), slow, false),
    limitCalls: engine.part(new RecentCalls(WHOLE_CALLS, isRateLimited), day),
    limitsFolded: engine.part(new Ledger({ bucketing: { unit: 'hour' }, dims: ['feature', 'user'], tz, ...COUNT_MEASURE }), day, false),
    limitHeaders: engine.part(new Ledger({ bucketing: { unit: 'minute' }, dims: ['model'], tz, keeps: logsRateLimitHeaders, ...RATE_LIMIT_HEADERS_MEASURE }), day),
    limitHeadersFolded: engine.part(rateLimitHeadersByHour(tz), day, false),
    limitUsage: withLimits ? engine.part(rateUsageBySecond(tz), day) : null,
  };
}

export interface UserUsage {
  readonly user: string;
  readonly tokens: number;
  readonly costUsd: number;
  readonly calls: number;
  readonly unpricedCalls: number;
}

/** The calls, and each of the registry's RATE_METRICS by its id. */
export interface RateSet {
  readonly calls: number;
  readonly errorRate: number | null;
  readonly cacheHitRate: number | null;
  readonly maxTokensRate: number | null;
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
    /** The rate-limit headers logged by any call of the 24 hours (in whole minutes), per model. */
    readonly headers: readonly ModelRateLimits[];
    /** The configured limits' peak minute in the 24 hours; null when there are some and states were read (they keep hours, not minutes). */
    readonly utilization: readonly LimitUse[] | null;
  };
  readonly topUsersByTokens: readonly UserUsage[];
  readonly topUsersByCost: readonly UserUsage[];
  readonly rates: {
    readonly today: RateSet;
    /** The previous 7 whole days, pooled: over all their calls (a busy day weighs more than a quiet one). */
    readonly sevenDay: RateSet;
  };
}

/** Yesterday up to the same time of day as now (src/core/sameTimeOfDay.ts): what "yesterday by this time" counts. */
export function yesterdayByNow(nowMs: number, tz: TimeZone): SameTime {
  return sameTimeDaysBack(nowMs, 1, tz);
}

/** The windows of yesterday "by this time" reads: a folded cell must lie in one, or outside both. */
export function yesterdayByNowWindows(nowMs: number, tz: TimeZone): readonly TimeWindow[] {
  const sameTime = yesterdayByNow(nowMs, tz);
  return sameTime.share === 0 ? [sameTime.before] : [sameTime.before, sameTime.minute];
}

/** A configured limit of a model class, and the peak minute of its use. */
export interface LimitUse {
  readonly group: string;
  readonly kind: LimitKind;
  readonly limit: number;
  readonly peak: number;
  readonly peakAtMs: number;
  readonly utilization: number;
}

/** What the dashboard is read with besides its parts. */
export interface DashboardSettings {
  readonly pricing: PriceBook;
  /** The config's rate limits. */
  readonly limits: ConfiguredLimits;
  /** Whether `.cmstate` states were read: their calls are not in the limits' use. */
  readonly statesRead: boolean;
}

export function dashboardOf(parts: DashboardParts, nowMs: number, slowWindowMs: number, tz: TimeZone, settings: DashboardSettings): Dashboard {
  const { pricing } = settings;
  const todayStart = tz.startOfDay(nowMs);
  const yesterdayStart = tz.addDays(todayStart, -1);
  const empty = new StatsAccumulator(pricing);
  const dayOf = (start: number): StatsAccumulator => parts.days.bucket(start).get('') ?? empty;
  const today = dayOf(todayStart).snapshot();
  const yesterday = dayOf(yesterdayStart).snapshot();
  const baseline = new StatsAccumulator(pricing);
  for (const { bucket, measure } of parts.days.cells()) if (bucket < todayStart) baseline.merge(measure);
  const byNowUsd = roundUsd(costBySameTime(yesterdayByNow(nowMs, tz), (window) => parts.minutes.sum(window).tokens.cost().costUsd));
  const todayUsd = today.costUsd;
  const dayMs = tz.addDays(todayStart, 1) - todayStart;
  const projectedUsd = today.calls > 0 ? projectDay(todayUsd, byNowUsd, yesterday.costUsd, nowMs - todayStart, dayMs) : null;
  const ranking = slowRanking(parts);
  const slowest = ranking.find((entry) => !entry.tooFew);
  const users = topUsers(parts.users);
  const byName = (a: UserUsage, b: UserUsage): number => compareStrings(a.user, b.user);
  return {
    nowMs,
    costToday: {
      todayUsd,
      yesterdayUsd: yesterday.costUsd,
      yesterdaySameTimeUsd: byNowUsd,
      changePct: byNowUsd > 0 ? Math.round(((todayUsd - byNowUsd) / byNowUsd) * 100 * 10) / 10 : null,
      projectedUsd,
      unpricedCallsToday: today.unpricedCalls,
      unpricedModels: today.unpricedModels,
    },
    slowestFeature: { windowMs: slowWindowMs, feature: slowest?.feature ?? null, p95Ms: slowest?.p95Ms ?? null, calls: slowest?.calls ?? 0, ranking },
    rateLimits: { ...rateLimits(parts, nowMs, tz), utilization: settings.statesRead && settings.limits.size > 0 ? null : limitUses(parts, settings) },
    topUsersByTokens: [...users].sort((a, b) => b.tokens - a.tokens || byName(a, b)).slice(0, TOP_USERS),
    topUsersByCost: [...users].sort((a, b) => b.costUsd - a.costUsd || byName(a, b)).slice(0, TOP_USERS),
    rates: { today: rateSet(today), sevenDay: rateSet(baseline.snapshot()) },
  };
}

/** Each feature's p95 over the slow window: its calls, and the folded cells inside it (as `summary` counts them). */
function slowRanking(parts: DashboardParts): Dashboard['slowestFeature']['ranking'] {
  const byFeature = new Map<string, Latencies>();
  const of = (feature: string): Latencies => {
    let latencies = byFeature.get(feature);
    if (latencies === undefined) byFeature.set(feature, (latencies = new Latencies()));
    return latencies;
  };
  for (const call of parts.slowCalls.callsIn(parts.slowCalls.span.window)) of(call.feature).add(call);
  for (const { key, measure } of parts.slowFolded.cells()) of(key).merge(measure);
  return [...byFeature]
    .map(([feature, latencies]) => ({ feature, p95Ms: latencies.percentileMs(95), calls: latencies.calls, tooFew: latencies.calls < MIN_CALLS_TO_JUDGE }))
    .sort((a, b) => Number(a.tooFew) - Number(b.tooFew) || (b.p95Ms ?? 0) - (a.p95Ms ?? 0) || compareStrings(a.feature, b.feature));
}

/** Each configured limit's peak minute in the 24 hours, by model class. */
function limitUses(parts: DashboardParts, settings: DashboardSettings): LimitUse[] {
  const reader = limitsReaderOf(parts, settings);
  if (reader === null) return [];
  const uses: LimitUse[] = [];
  for (const group of reader.groupsWith(NO_DRIVERS)) {
    for (const kind of LIMIT_KINDS) {
      const { limit, peak, peakAtMs, utilization } = group.figures[kind];
      if (limit !== null && utilization !== null) uses.push({ group: 'class' in group.key ? group.key.class : group.key.model, kind, limit, peak, peakAtMs, utilization });
    }
  }
  return uses;
}

/** The 24 hours' use of the limits, by class; null without configured limits. */
function limitsReaderOf(parts: DashboardParts, settings: DashboardSettings): LimitsReader | null {
  if (settings.limits.size === 0 || parts.limitUsage === null) return null;
  const { limitUsage, limitCalls, limitHeaders } = parts;
  return new LimitsReader({ seconds: limitUsage, rateLimited: limitCalls, headers: limitHeaders }, 'class', settings.pricing, settings.limits, limitUsage.span.window);
}

/** Each configured limit's use in every minute of the 24 hours up to now's minute (report's chart of it against the limit). */
export interface LimitMinutes {
  /** The first minute's start; minute i starts i minutes later. */
  readonly firstMinuteMs: number;
  readonly series: readonly { readonly class: string; readonly kind: LimitKind; readonly limit: number; readonly values: readonly number[] }[];
}

export function limitMinutesOf(parts: DashboardParts, nowMs: number, settings: DashboardSettings): LimitMinutes | null {
  const reader = limitsReaderOf(parts, settings);
  if (reader === null || settings.statesRead) return null;
  const lastMinute = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS;
  const firstMinuteMs = Math.floor((nowMs - DAY_MS) / MINUTE_MS) * MINUTE_MS;
  const count = (lastMinute - firstMinuteMs) / MINUTE_MS + 1;
  const series = limitUses(parts, settings).map((use) => ({ class: use.group, kind: use.kind, limit: use.limit, values: reader.minuteUsage(use.group, LIMIT_KINDS.indexOf(use.kind), firstMinuteMs, count) }));
  return { firstMinuteMs, series };
}

function rateLimits(parts: DashboardParts, nowMs: number, tz: TimeZone): Omit<Dashboard['rateLimits'], 'utilization'> {
  // 24 clock hours in --tz, the last one the hour now falls in; the first also takes the minutes of the 24 h
  // window before it.
  const offset = tz.offsetMinutesAt(nowMs) * MINUTE_MS;
  const currentHour = Math.floor((nowMs + offset) / HOUR_MS) * HOUR_MS - offset;
  const hourStarts = Array.from({ length: 24 }, (_, i) => currentHour - (23 - i) * HOUR_MS);
  const byHour = new Array<number>(24).fill(0);
  const byFeature = new Map<string, number>();
  const byUser = new Map<string, number>();
  let count = 0;
  let firstMs = Number.POSITIVE_INFINITY;
  let lastMs = Number.NEGATIVE_INFINITY;
  const note = (time: number, feature: string, user: string, calls: number): void => {
    count += calls;
    byFeature.set(feature, (byFeature.get(feature) ?? 0) + calls);
    byUser.set(user, (byUser.get(user) ?? 0) + calls);
    let hour = 23;
    while (hour > 0 && time < (hourStarts[hour] as number)) hour--;
    byHour[hour] = (byHour[hour] as number) + calls;
  };
  for (const call of parts.limitCalls.callsIn(parts.limitCalls.span.window)) {
    note(call.timestampMs, call.feature, call.userId, 1);
    firstMs = Math.min(firstMs, call.timestampMs);
    lastMs = Math.max(lastMs, call.timestampMs);
  }
  for (const { key, measure } of parts.limitsFolded.cells()) {
    const [feature = '', user = ''] = parts.limitsFolded.valuesOf(key);
    // Its calls are in one clock hour: they fall in the same hour of the panel.
    note(measure.firstCallMs, feature, user, measure.calls);
    firstMs = Math.min(firstMs, measure.firstCallMs);
    lastMs = Math.max(lastMs, measure.lastCallMs);
  }
  return {
    windowMs: DAY_MS,
    count,
    firstMs: count === 0 ? null : firstMs,
    lastMs: count === 0 ? null : lastMs,
    byFeature: ranked(byFeature),
    byUser: ranked(byUser),
    byHour: byHour.map((calls, hour) => ({ startMs: hourStarts[hour] as number, count: calls })),
    // A minute that holds the window's start counts whole: a lowest value cannot be split.
    headers: rateLimitsByModel([parts.limitHeaders, parts.limitHeadersFolded], ({ measure }) => placeOf(parts.limitHeaders.span.window, measure.firstCallMs, measure.lastCallMs) !== 'outside'),
  };
}

/** Today's users: calls, tokens (input + output + cache reads + cache writes) and cost, priced from token sums. */
function topUsers(users: TokenLedger): UserUsage[] {
  const list: UserUsage[] = [];
  for (const [user, { calls, tokens }] of users.usageByKey()) {
    const { input, output, cacheRead, cacheWrite } = tokens.totals();
    const { costUsd, unpricedCalls } = tokens.cost();
    list.push({ user, tokens: input + output + cacheRead + cacheWrite, costUsd: roundUsd(costUsd), calls, unpricedCalls });
  }
  return list;
}

function rateSet(stats: Stats): RateSet {
  return { calls: stats.calls, ...Object.fromEntries(RATE_METRICS.map((metric) => [metric.id, metric.value(stats)])) } as RateSet;
}

function ranked(counts: ReadonlyMap<string, number>): [string, number][] {
  return [...counts].sort(([a, x], [b, y]) => y - x || compareStrings(a, b));
}

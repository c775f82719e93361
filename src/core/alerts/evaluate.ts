/**
 * The alert rules (docs/definitions.md, "Alert rules") evaluated at one instant, for the whole input and each
 * scope, and ratelimit_headroom for each configured limit of a model class: pure, from what the alert parts of the
 * engine hold. Windows are (now − window, now] on the records' own
 * timestamps; daily_cost compares today so far with the same time of day on the previous days, in --tz.
 */
import { type PerLimit, RateLimitHeaders } from '../rateLimitHeaders.js';
import { isFailure, isRateLimited } from '../callOutcome.js';
import { StatsAccumulator } from '../stats.js';
import { formatWindow } from '../timeRange.js';
import type { CallRecord } from '../types.js';
import { projectDay } from '../projection.js';
import type { PriceBook } from '../pricing.js';
import { roundUsd } from '../figures.js';
import type { TimeZone } from '../timezone.js';
import { costBySameTime, sameTimeDaysBack } from '../sameTimeOfDay.js';
import { calendarSpan, lastDuration, type TimeWindow } from '../window.js';
import { LimitPools } from '../limits/limitPools.js';
import { type AlertConfig, POOL_RULES, RULE_NAMES, type RuleName, type RuleSettings, type Severity, settingsFor } from './alertConfig.js';
import { ALL, type AlertParts, DRIVER_DIMENSIONS, type DriverDimension } from './alertParts.js';
import { evaluateHeadroom, PoolWindows } from './headroomRule.js';
import { type Driver, topDrivers } from './topDrivers.js';

export type AlertState = 'ok' | 'firing' | 'no_data' | 'insufficient';

export interface Sample {
  readonly calls: number;
  /** Failed and rate-limited calls of the window (not for daily_cost). */
  readonly errors?: number;
  readonly rateLimited?: number;
  /** Calls slower than the p95 threshold (p95_latency only). */
  readonly slowCalls?: number;
  readonly costUsd?: number;
  readonly unpricedCalls?: number;
  /** daily_cost: days of the baseline with records, their mean cost up to the same time of day, the projection. */
  readonly baselineDays?: number;
  readonly baselineMeanUsd?: number | null;
  readonly projectedUsd?: number | null;
  /** daily_cost's floor (USD), when the threshold is it rather than the baseline's ratio. */
  readonly floorUsd?: number;
  /** ratelimit_headroom: the limit per minute, the use of the peak minute, and when that minute started. */
  readonly limit?: number;
  readonly peak?: number;
  readonly peakAtMs?: number;
}

export interface Evaluation {
  readonly rule: RuleName;
  readonly scope: Readonly<Record<string, string>>;
  readonly scopeKey: string;
  readonly state: AlertState;
  readonly severity: Severity;
  /** Error rate (fraction), 429 count, p95 ms, today's cost in USD, or a limit's use (fraction); null without data. */
  readonly value: number | null;
  /**
   * In the value's unit; for daily_cost the baseline mean × the configured ratio, or minUsd when that is higher (or
   * when there is no baseline; null when there is neither).
   */
  readonly threshold: number | null;
  readonly window: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly sample: Sample;
  readonly drivers: readonly Driver[];
  /** The lowest `ratelimit_*_remaining` logged on the window's 429s: which limit ran out. */
  readonly lowestRemaining?: PerLimit;
  /** Why a rule is not evaluated (insufficient, no_data), in words. */
  readonly reason: string | null;
}

export interface EvaluateOptions {
  /**
   * --since: the start of the window of the rate and latency rules instead of their own windows, and the start of
   * what was read: daily_cost does not count days, today included, that began before it.
   */
  readonly windowFromMs?: number;
}

/**
 * The evaluations of every rule and scope, in rule order then scope order, each made when the iteration reaches
 * it: `alerts --by user` has a scope per user, and four evaluations each must not all exist at once. Iterable any
 * number of times (the status, then the output); the windows' records are split by scope once. It reads the
 * alert parts of the engine: add no call to the engine while the list is in use.
 */
export interface EvaluationList extends Iterable<Evaluation> {
  readonly size: number;
}

/** The evaluations made all at once (--follow compares them with the next; a backtest step keeps them). */
export function evaluateRules(...args: Parameters<typeof evaluationList>): Evaluation[] {
  return [...evaluationList(...args)];
}

export function evaluationList(
  parts: AlertParts,
  config: AlertConfig,
  nowMs: number,
  tz: TimeZone,
  pricing: PriceBook,
  options: EvaluateOptions = {},
): EvaluationList {
  const scopes = parts.scopes();
  const windows = new WindowFolds(parts, nowMs, options.windowFromMs);
  const enabled = (rule: RuleName, scope: Readonly<Record<string, string>>): RuleSettings | null => {
    const settings = settingsFor(config.rules[rule], scope['feature']);
    return settings.enabled ? settings : null;
  };
  // The rules of the pools are evaluated per configured limit of a model class, the others per scope.
  const pools = new LimitPools(pricing, 'class', config.limits);
  const poolLimits = config.limits.size === 0 ? [] : pools.configuredClasses();
  let size = 0;
  for (const rule of RULE_NAMES) {
    if (POOL_RULES.includes(rule)) size += config.rules[rule].base.enabled ? poolLimits.length : 0;
    else for (const [, scope] of scopes) if (enabled(rule, scope) !== null) size++;
  }
  return {
    size,
    *[Symbol.iterator]() {
      for (const rule of RULE_NAMES) {
        if (POOL_RULES.includes(rule)) {
          const settings = config.rules[rule].base;
          if (!settings.enabled || poolLimits.length === 0) continue;
          const { window, byScope } = windows.get(settings.windowMs);
          const byPool = new PoolWindows(window, byScope.get(ALL) ?? [], pools);
          for (const limit of poolLimits) yield evaluateHeadroom(limit, settings, byPool, nowMs);
          continue;
        }
        for (const [scopeKey, scope] of scopes) {
          const settings = enabled(rule, scope);
          if (settings === null) continue;
          const context: RuleContext = { rule, scopeKey, scope, settings, nowMs };
          yield rule === 'daily_cost'
            ? evaluateDailyCost(context, parts, tz, options.windowFromMs ?? Number.NEGATIVE_INFINITY)
            : evaluateWindowRule(context, windows, pricing, parts.breakdown);
        }
      }
    },
  };
}

/** An evaluation list of evaluations already made (--follow, which keeps them to compare with the next). */
export function listOf(evaluations: readonly Evaluation[]): EvaluationList {
  return { size: evaluations.length, [Symbol.iterator]: () => evaluations[Symbol.iterator]() };
}

interface RuleContext {
  readonly rule: RuleName;
  readonly scopeKey: string;
  readonly scope: Readonly<Record<string, string>>;
  readonly settings: RuleSettings;
  readonly nowMs: number;
}

/** The records of each window length, split by scope, folded once however many rules and scopes use them. */
class WindowFolds {
  private readonly folds = new Map<number, { window: TimeWindow; byScope: Map<string, CallRecord[]> }>();

  constructor(
    private readonly parts: AlertParts,
    private readonly nowMs: number,
    private readonly overrideFromMs: number | undefined,
  ) {}

  get(windowMs: number): { window: TimeWindow; byScope: ReadonlyMap<string, readonly CallRecord[]> } {
    let fold = this.folds.get(windowMs);
    if (fold === undefined) {
      const window = lastDuration(this.nowMs, this.overrideFromMs === undefined ? windowMs : this.nowMs - this.overrideFromMs, '--since');
      const byScope = new Map<string, CallRecord[]>([[ALL, []]]);
      for (const record of this.parts.callsIn(window)) {
        (byScope.get(ALL) as CallRecord[]).push(record);
        const key = this.parts.scopeKeyOf(record);
        if (key === ALL) continue;
        let list = byScope.get(key);
        if (list === undefined) byScope.set(key, (list = []));
        list.push(record);
      }
      fold = { window, byScope };
      this.folds.set(windowMs, fold);
    }
    return fold;
  }
}

function evaluateWindowRule(
  context: RuleContext,
  windows: WindowFolds,
  pricing: PriceBook,
  breakdown: readonly string[],
): Evaluation {
  const { rule, settings, nowMs } = context;
  const { window, byScope } = windows.get(settings.windowMs);
  const fromMs = window.from.ms;
  const records = byScope.get(context.scopeKey) ?? [];
  const calls = records.length;
  const errors = countWhere(records, isFailure);
  const rateLimited = countWhere(records, isRateLimited);
  const base = {
    rule,
    scope: context.scope,
    scopeKey: context.scopeKey,
    severity: settings.severity,
    window: formatWindow(nowMs - fromMs),
    fromMs,
    toMs: nowMs,
  };
  const sample: Sample = { calls, errors, rateLimited };
  if (calls === 0) {
    return { ...base, state: 'no_data', value: null, threshold: settings.threshold, sample, drivers: [], reason: 'no calls in the window' };
  }
  let value: number;
  let culprit: (record: CallRecord) => boolean;
  let reason: string | null = null;
  let slowCalls: number | undefined;
  switch (rule) {
    case 'error_rate':
      value = errors / calls;
      culprit = isFailure;
      if (calls < settings.minCalls && errors < settings.minErrors) {
        reason = `needs ≥ ${settings.minCalls} calls or ≥ ${settings.minErrors} errors (has ${calls} and ${errors})`;
      }
      break;
    case 'rate_limited':
      value = rateLimited;
      culprit = isRateLimited;
      break;
    default: {
      const stats = new StatsAccumulator(pricing);
      for (const record of records) stats.add(record);
      value = stats.snapshot().latencyMs.p95 as number;
      culprit = (record) => record.latencyMs > settings.threshold;
      slowCalls = countWhere(records, culprit);
      if (calls < settings.minCalls) reason = `needs ≥ ${settings.minCalls} calls (has ${calls})`;
    }
  }
  const fullSample: Sample = slowCalls === undefined ? sample : { ...sample, slowCalls };
  if (reason !== null) {
    return { ...base, state: 'insufficient', value, threshold: settings.threshold, sample: fullSample, drivers: [], reason };
  }
  const firing = value > settings.threshold;
  const culprits = firing ? records.filter(culprit) : [];
  return {
    ...base,
    state: firing ? 'firing' : 'ok',
    value,
    threshold: settings.threshold,
    sample: fullSample,
    drivers: firing ? topDrivers(countBy(culprits), context.scopeKey === ALL ? [] : breakdown, countBy(records)) : [],
    ...(firing && rule === 'rate_limited' ? { lowestRemaining: lowestRemaining(culprits) } : {}),
    reason: null,
  };
}

/** Today so far vs the mean of the previous days up to the same time of day (src/core/sameTimeOfDay.ts), in --tz. */
function evaluateDailyCost(context: RuleContext, parts: AlertParts, tz: TimeZone, readFromMs: number): Evaluation {
  const { settings, nowMs, scopeKey } = context;
  const todayStart = tz.startOfDay(nowMs);
  const today = parts.soFar(scopeKey, todayStart, nowMs);
  let baselineDays = 0;
  let sameTimeSum = 0;
  let fullDaySum = 0;
  for (let back = 1; back <= settings.baselineDays; back++) {
    const sameTime = sameTimeDaysBack(nowMs, back, tz);
    const dayStart = sameTime.dayStartMs;
    const day = calendarSpan(dayStart, tz.addDays(dayStart, 1));
    if (dayStart < readFromMs || !parts.hasCallsIn(scopeKey, day)) continue; // not read whole, or no calls
    baselineDays++;
    sameTimeSum += costBySameTime(sameTime, (window) => parts.wholeMinutes(scopeKey, window).costUsd);
    fullDaySum += parts.wholeMinutes(scopeKey, day).costUsd;
  }
  const baselineMeanUsd = baselineDays === 0 ? null : roundUsd(sameTimeSum / baselineDays);
  const fullDayMean = baselineDays === 0 ? null : fullDaySum / baselineDays;
  const todayUsd = roundUsd(today.costUsd);
  const projectedUsd = projectDay(todayUsd, baselineMeanUsd, fullDayMean, nowMs - todayStart, tz.addDays(todayStart, 1) - todayStart);
  let sample: Sample = {
    calls: today.calls,
    costUsd: todayUsd,
    unpricedCalls: today.unpricedCalls,
    baselineDays,
    baselineMeanUsd,
    projectedUsd: today.calls === 0 ? null : projectedUsd,
  };
  // Over the baseline by the ratio, and over the floor: without a baseline, the floor is all that is known of it.
  const overBaseline = baselineMeanUsd === null ? null : roundUsd(baselineMeanUsd * settings.threshold);
  const threshold = overBaseline === null ? (settings.minUsd > 0 ? settings.minUsd : null) : Math.max(overBaseline, settings.minUsd);
  if (threshold !== null && threshold !== overBaseline) sample = { ...sample, floorUsd: threshold };
  const base = {
    rule: context.rule,
    scope: context.scope,
    scopeKey,
    severity: settings.severity,
    window: 'today',
    fromMs: todayStart,
    toMs: nowMs,
    threshold,
    sample,
  };
  if (todayStart < readFromMs) {
    const reason = 'today was not read whole: --since starts after midnight';
    return { ...base, state: 'insufficient', value: todayUsd, drivers: [], reason };
  }
  if (today.calls === 0) return { ...base, state: 'no_data', value: null, drivers: [], reason: 'no calls today' };
  if (baselineDays === 0 || baselineDays < settings.minBaselineDays) {
    const reason = `needs ≥ ${settings.minBaselineDays} of the previous ${settings.baselineDays} days with calls (has ${baselineDays})`;
    return { ...base, state: 'insufficient', value: todayUsd, drivers: [], reason };
  }
  const firing = threshold !== null && todayUsd > threshold;
  let drivers: Driver[] = [];
  if (firing) {
    const costBy = new Map<DriverDimension, Map<string, number>>();
    for (const [dimension, byValue] of parts.todayBy(scopeKey)) {
      costBy.set(dimension, new Map([...byValue].map(([value, tokens]) => [value, tokens.cost().costUsd])));
    }
    drivers = topDrivers(costBy, scopeKey === ALL ? [] : parts.breakdown, costBy);
  }
  return { ...base, state: firing ? 'firing' : 'ok', value: todayUsd, drivers, reason: null };
}

function countBy(records: readonly CallRecord[]): Map<DriverDimension, Map<string, number>> {
  const byDimension = new Map<DriverDimension, Map<string, number>>(DRIVER_DIMENSIONS.map((dimension) => [dimension, new Map()]));
  for (const record of records) {
    for (const dimension of DRIVER_DIMENSIONS) {
      const value = dimension === 'feature' ? record.feature : dimension === 'user' ? record.userId : record.model;
      const map = byDimension.get(dimension) as Map<string, number>;
      map.set(value, (map.get(value) ?? 0) + 1);
    }
  }
  return byDimension;
}

function lowestRemaining(records: readonly CallRecord[]): PerLimit {
  const headers = new RateLimitHeaders();
  for (const record of records) headers.add(record);
  return headers.remaining;
}

function countWhere(records: readonly CallRecord[], predicate: (record: CallRecord) => boolean): number {
  let n = 0;
  for (const record of records) if (predicate(record)) n++;
  return n;
}


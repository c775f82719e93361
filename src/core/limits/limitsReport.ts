/**
 * `limits`: how close the calls came to the rate limits, per model class (or per model as logged) — for each of
 * RPM, ITPM and OTPM, the peak clock minute and when it was, the peak over any 60 s window (starting on a whole
 * second: the limits refill continuously, so this is closer to what the limiter saw), the 99th percentile over the
 * minutes with calls, who drove the peak minute, and, with a configured limit, the utilization and the headroom;
 * and the incidents of 429s (incidents.ts). Ties go to the earliest minute, and between features or users to the
 * first name.
 */
import { MINUTE_MS } from '../durations.js';
import type { Engine, SpanRule } from '../engine/engine.js';
import { Ledger } from '../engine/ledger.js';
import { RecentCalls, WHOLE_CALLS } from '../engine/recentCalls.js';
import { compareStrings } from '../order.js';
import type { PriceBook } from '../pricing.js';
import { logsRateLimitHeaders, RATE_LIMIT_HEADERS_MEASURE, type RateLimitHeaders } from '../rateLimitHeaders.js';
import type { TimeZone } from '../timezone.js';
import type { CallRecord } from '../types.js';
import type { TimeWindow } from '../window.js';
import { type IncidentFound, incidentsOf } from './incidents.js';
import { type LimitsGrouping, LimitPools } from './limitPools.js';
import { addUsage, type ConfiguredLimits, drawsOnLimits, hitLimits, LIMIT_KINDS, type LimitKind, RATE_USAGE_MEASURE, type RateUsage, type Usage } from './rateUsage.js';
import { type DriverWindow, type LimitDriver, WindowDrivers } from './windowDrivers.js';

export interface LimitFigures {
  readonly peak: number;
  readonly peakAtMs: number;
  readonly peakSliding: number;
  readonly peakSlidingAtMs: number;
  readonly p99: number;
  readonly topFeature: LimitDriver | null;
  readonly topUser: LimitDriver | null;
  readonly limit: number | null;
  /** Peak ÷ limit, and the limit less the peak. */
  readonly utilization: number | null;
  readonly headroom: number | null;
}

export interface LimitsGroup {
  readonly key: { readonly class: string } | { readonly model: string };
  readonly models: readonly string[];
  readonly figures: Readonly<Record<LimitKind, LimitFigures>>;
}

export interface Incident extends Omit<IncidentFound, 'before' | 'beforeFromMs'> {
  /** The 60 s before its first 429: RPM, ITPM and OTPM, and who drove the ITPM. */
  readonly before: Readonly<Record<LimitKind, number>>;
  readonly topFeature: LimitDriver | null;
  readonly topUser: LimitDriver | null;
}

export interface LimitsParts {
  /** Second × model: RPM, ITPM and OTPM. */
  readonly seconds: Ledger<RateUsage>;
  /** The 429s of the API's own calls. */
  readonly rateLimited: RecentCalls<CallRecord>;
  /** Second × model: the lowest remaining headers logged. */
  readonly headers: Ledger<RateLimitHeaders>;
}

/** The calls that draw on the limits, by second and model. */
export function rateUsageBySecond(tz: TimeZone): Ledger<RateUsage> {
  return new Ledger({ ...RATE_USAGE_MEASURE, keeps: drawsOnLimits, tz, bucketing: { unit: 'second' }, dims: ['model'] });
}

/** The first pass's parts, made in `engine` over `span`. */
export function limitsParts(engine: Engine, span: SpanRule, tz: TimeZone): LimitsParts {
  return {
    seconds: engine.part(rateUsageBySecond(tz), span),
    rateLimited: engine.part(new RecentCalls(WHOLE_CALLS, hitLimits), span),
    headers: engine.part(new Ledger({ ...RATE_LIMIT_HEADERS_MEASURE, keeps: logsRateLimitHeaders, tz, bucketing: { unit: 'second' }, dims: ['model'] }), span),
  };
}

interface GroupSums {
  readonly name: string;
  readonly models: Set<string>;
  readonly seconds: Map<number, Usage>;
}

/** What the first pass found, and the windows whose drivers the second pass sums. */
export class LimitsReader {
  private readonly groups: GroupSums[];
  private readonly byName: ReadonlyMap<string, GroupSums>;
  private readonly pools: LimitPools;
  private found: IncidentFound[] | undefined;

  constructor(
    private readonly parts: LimitsParts,
    private readonly grouping: LimitsGrouping,
    pricing: PriceBook,
    limits: ConfiguredLimits,
    private readonly window: TimeWindow,
  ) {
    this.pools = new LimitPools(pricing, grouping, limits);
    const byName = new Map<string, GroupSums>();
    for (const { bucket, key, measure } of parts.seconds.cells()) {
      const model = parts.seconds.valuesOf(key)[0] as string;
      const name = this.groupOf(model);
      const group = byName.get(name) ?? (byName.set(name, { name, models: new Set(), seconds: new Map() }).get(name) as GroupSums);
      group.models.add(model);
      addUsage(group.seconds, bucket, measure.usage(this.pools.cacheReadsCount(model)));
    }
    this.byName = byName;
    this.groups = [...byName.values()].sort((a, b) => compareStrings(a.name, b.name));
  }

  /** The group a model's calls are in. */
  groupOf(model: string): string {
    return this.pools.groupOf(model);
  }

  /** A call's RPM, ITPM and OTPM. */
  usageOf(record: CallRecord): Usage {
    return this.pools.usageOf(record);
  }

  /** The windows the second pass sums by feature and user: each group's peak minutes, and the 60 s before each incident. */
  windows(): DriverWindow[] {
    const windows: DriverWindow[] = [];
    for (const group of this.groups) for (let k = 0; k < LIMIT_KINDS.length; k++) windows.push({ fromMs: peakOf(minuteSums(group.seconds), k).atMs, group: group.name });
    for (const incident of this.incidentsFound()) windows.push({ fromMs: incident.beforeFromMs, group: incident.group });
    return windows;
  }

  /** The groups, by name, with their drivers from the second pass. */
  groupsWith(drivers: WindowDrivers): LimitsGroup[] {
    return this.groups.map((group): LimitsGroup => {
      const minutes = minuteSums(group.seconds);
      const figures = Object.fromEntries(
        LIMIT_KINDS.map((kind, k) => {
          const peak = peakOf(minutes, k);
          const sliding = slidingPeakOf(group.seconds, k);
          const { feature, user } = drivers.driversOf({ fromMs: peak.atMs, group: group.name }, k, peak.value);
          const limit = this.pools.limitOf(group.name, kind);
          const figures: LimitFigures = {
            peak: peak.value,
            peakAtMs: peak.atMs,
            peakSliding: sliding.value,
            peakSlidingAtMs: sliding.atMs,
            p99: p99Of(minutes, k),
            topFeature: feature,
            topUser: user,
            limit,
            utilization: limit === null ? null : peak.value / limit,
            headroom: limit === null ? null : limit - peak.value,
          };
          return [kind, figures];
        }),
      ) as Record<LimitKind, LimitFigures>;
      return { key: this.grouping === 'class' ? { class: group.name } : { model: group.name }, models: [...group.models].sort(compareStrings), figures };
    });
  }

  /** A group's limit `k` in each of `count` clock minutes from `fromMs` (a minute's start). */
  minuteUsage(group: string, k: number, fromMs: number, count: number): number[] {
    const values = new Array<number>(count).fill(0);
    for (const [minute, usage] of minuteSums(this.byName.get(group)?.seconds ?? new Map())) {
      const at = Math.round((minute - fromMs) / MINUTE_MS);
      if (at >= 0 && at < count) values[at] = usage[k] as number;
    }
    return values;
  }

  /** The incidents in time order, with who drove the ITPM of the 60 s before each. */
  incidentsWith(drivers: WindowDrivers): Incident[] {
    const ITPM = LIMIT_KINDS.indexOf('itpm');
    return this.incidentsFound().map(({ before, beforeFromMs, ...incident }): Incident => {
      const { feature, user } = drivers.driversOf({ fromMs: beforeFromMs, group: incident.group }, ITPM, before[ITPM] as number);
      return { ...incident, before: { rpm: before[0], itpm: before[1], otpm: before[2] }, topFeature: feature, topUser: user };
    });
  }

  private incidentsFound(): IncidentFound[] {
    return (this.found ??= incidentsOf(this.parts.rateLimited.callsIn(this.window), {
      groupOf: (model) => this.groupOf(model),
      seconds: (group) => this.byName.get(group)?.seconds,
      headers: this.parts.headers,
    }));
  }
}

/** Per clock minute (its start), the sums of its seconds, in time order. */
function minuteSums(seconds: ReadonlyMap<number, Usage>): [number, Usage][] {
  const minutes = new Map<number, Usage>();
  for (const [second, usage] of seconds) addUsage(minutes, Math.floor(second / MINUTE_MS) * MINUTE_MS, usage);
  return [...minutes].sort(([a], [b]) => a - b);
}

/** The highest value of limit `k`, at the earliest minute that has it (minutes in time order). */
export function peakOf(minutes: readonly [number, Usage][], k: number): { value: number; atMs: number } {
  let best = { value: -1, atMs: Number.NaN };
  for (const [at, usage] of minutes) if ((usage[k] as number) > best.value) best = { value: usage[k] as number, atMs: at };
  return best;
}

/** Nearest rank: the value at rank ⌈0.99 n⌉ of the n minutes with calls. */
function p99Of(minutes: readonly [number, Usage][], k: number): number {
  const values = minutes.map(([, usage]) => usage[k] as number).sort((a, b) => a - b);
  return values[Math.max(0, Math.ceil(0.99 * values.length) - 1)] ?? 0;
}

/** The highest sum over [s, s + 60 s), s the start of a second with calls (the highest window starts at one), earliest first. */
function slidingPeakOf(seconds: ReadonlyMap<number, Usage>, k: number): { value: number; atMs: number } {
  const times = [...seconds.keys()].sort((a, b) => a - b);
  let best = { value: -1, atMs: Number.NaN };
  let end = 0;
  let sum = 0;
  for (let start = 0; start < times.length; start++) {
    const from = times[start] as number;
    while (end < times.length && (times[end] as number) < from + MINUTE_MS) sum += (seconds.get(times[end++] as number) as Usage)[k] as number;
    if (sum > best.value) best = { value: sum, atMs: from };
    sum -= (seconds.get(from) as Usage)[k] as number;
  }
  return best;
}

/**
 * `limits`: how close the calls came to the rate limits, per model class (or per model as logged) — for each of
 * RPM, ITPM and OTPM, the peak clock minute and when it was, the peak over any 60 s window (starting on a whole
 * second: the limits refill continuously, so this is closer to what the limiter saw), the 99th percentile over the
 * minutes with calls, who drove the peak minute, and, with a configured limit, the utilization and the headroom.
 * Ties go to the earliest minute, and between features or users to the first name.
 *
 * And the incidents: 429s less than 2 minutes apart are one, with the lowest `-remaining` headers logged before
 * (the 5 minutes before its first 429) and during it, and the 60 s before it: its RPM, ITPM and OTPM and who drove
 * them. 429s whose error names the spend limit (`spend_limit`, as in `enforced_spend_limit_reached`) are not a
 * burst: they are incidents of their own kind.
 */
import { isRateLimited } from '../callOutcome.js';
import { MINUTE_MS } from '../durations.js';
import type { Engine, SpanRule } from '../engine/engine.js';
import { Ledger } from '../engine/ledger.js';
import { RecentCalls, WHOLE_CALLS } from '../engine/recentCalls.js';
import { compareStrings } from '../order.js';
import type { PriceBook } from '../pricing.js';
import { logsRateLimitHeaders, type PerLimit, RATE_LIMIT_HEADERS_MEASURE, RateLimitHeaders } from '../rateLimitHeaders.js';
import type { TimeZone } from '../timezone.js';
import type { CallRecord } from '../types.js';
import { modelClassOf } from './modelClass.js';
import { drawsOnLimits, LIMIT_KINDS, type LimitKind, RATE_USAGE_MEASURE, type RateUsage } from './rateUsage.js';
import { type Driver, type DriverWindow, WINDOW_MS, WindowDrivers } from './windowDrivers.js';

/** 429s closer than this are one incident. */
const INCIDENT_GAP_MS = 2 * MINUTE_MS;
/** The remaining headers "before" an incident: those logged this long before its first 429. */
const BEFORE_MS = 5 * MINUTE_MS;

/** A configured limit per minute of each kind, by model or class name (the config's `limits`). */
export type ConfiguredLimits = ReadonlyMap<string, Readonly<Partial<Record<LimitKind, number>>>>;

export interface LimitFigures {
  readonly peak: number;
  readonly peakAtMs: number;
  readonly peakSliding: number;
  readonly peakSlidingAtMs: number;
  readonly p99: number;
  readonly topFeature: Driver | null;
  readonly topUser: Driver | null;
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

export interface Incident {
  /** A burst against the limits, or the spend limit. */
  readonly kind: 'burst' | 'spend_limit';
  readonly group: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly count: number;
  readonly lowestRemainingBefore: PerLimit;
  readonly lowestRemainingDuring: PerLimit;
  /** The 60 s before its first 429: RPM, ITPM and OTPM, and who drove the ITPM. */
  readonly before: Readonly<Record<LimitKind, number>>;
  readonly topFeature: Driver | null;
  readonly topUser: Driver | null;
}

export interface LimitsParts {
  /** Second × model: RPM, ITPM and OTPM. */
  readonly seconds: Ledger<RateUsage>;
  /** The 429s. */
  readonly rateLimited: RecentCalls<CallRecord>;
  /** Minute × model: the lowest remaining headers logged. */
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
    rateLimited: engine.part(new RecentCalls(WHOLE_CALLS, isRateLimited), span),
    headers: engine.part(new Ledger({ ...RATE_LIMIT_HEADERS_MEASURE, keeps: logsRateLimitHeaders, tz, bucketing: { unit: 'minute' }, dims: ['model'] }), span),
  };
}

type Vector = [number, number, number];

interface GroupSums {
  readonly name: string;
  readonly models: Set<string>;
  readonly seconds: Map<number, Vector>;
}

/** How the models' calls are grouped: by class (the price table's resolution) or by model as logged. */
export type LimitsGrouping = 'class' | 'model';

/** What the first pass found, and the windows whose drivers the second pass sums. */
export class LimitsReader {
  private readonly groups: GroupSums[];
  private readonly incidentsFound: Omit<Incident, 'topFeature' | 'topUser'>[];
  private readonly groupOfModel = new Map<string, string>();

  constructor(
    private readonly parts: LimitsParts,
    private readonly grouping: LimitsGrouping,
    private readonly pricing: PriceBook,
    private readonly limits: ConfiguredLimits,
    window: Parameters<RecentCalls<CallRecord>['callsIn']>[0],
  ) {
    const byName = new Map<string, GroupSums>();
    for (const { bucket, key, measure } of parts.seconds.cells()) {
      const model = parts.seconds.valuesOf(key)[0] as string;
      const name = this.groupOf(model);
      const group = byName.get(name) ?? (byName.set(name, { name, models: new Set(), seconds: new Map() }).get(name) as GroupSums);
      group.models.add(model);
      addInto(group.seconds, bucket, measure.perLimit(this.cacheReadsCount(model)));
    }
    this.groups = [...byName.values()].sort((a, b) => compareStrings(a.name, b.name));
    this.incidentsFound = this.incidentsIn(parts.rateLimited.callsIn(window), byName);
  }

  /** The group a model's calls are in. */
  groupOf(model: string): string {
    let name = this.groupOfModel.get(model);
    if (name === undefined) {
      name = this.grouping === 'model' ? model : modelClassOf(this.pricing.resolveId(model) ?? model).name;
      this.groupOfModel.set(model, name);
    }
    return name;
  }

  /** A call's RPM, ITPM and OTPM. */
  usageOf(record: CallRecord): Vector {
    return [1, record.inputTokens + record.cacheWriteTokens + (this.cacheReadsCount(record.model) ? record.cacheReadTokens : 0), record.outputTokens];
  }

  /** The windows the second pass sums by feature and user: each group's peak minutes, and the minute before each incident. */
  windows(): DriverWindow[] {
    const windows: DriverWindow[] = [];
    for (const group of this.groups) for (let k = 0; k < LIMIT_KINDS.length; k++) windows.push({ fromMs: peakOf(minuteSums(group.seconds), k).atMs, group: group.name });
    for (const incident of this.incidentsFound) windows.push({ fromMs: incident.startMs - WINDOW_MS, group: incident.group });
    return windows;
  }

  /** The groups by name, and the incidents in time order, with their drivers from the second pass. */
  read(drivers: WindowDrivers): { groups: LimitsGroup[]; incidents: Incident[] } {
    const groups = this.groups.map((group): LimitsGroup => {
      const minutes = minuteSums(group.seconds);
      const figures = Object.fromEntries(
        LIMIT_KINDS.map((kind, k) => {
          const peak = peakOf(minutes, k);
          const sliding = slidingPeakOf(group.seconds, k);
          const { feature, user } = drivers.driversOf({ fromMs: peak.atMs, group: group.name }, k, peak.value);
          const limit = this.limitOf(group, kind);
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
    const ITPM = LIMIT_KINDS.indexOf('itpm');
    const incidents = this.incidentsFound.map((incident): Incident => {
      const { feature, user } = drivers.driversOf({ fromMs: incident.startMs - WINDOW_MS, group: incident.group }, ITPM, incident.before.itpm);
      return { ...incident, topFeature: feature, topUser: user };
    });
    return { groups, incidents };
  }

  /** 429s of a group less than 2 minutes apart, one incident; spend-limit 429s apart from the others. */
  private incidentsIn(calls: readonly CallRecord[], groups: ReadonlyMap<string, GroupSums>): Omit<Incident, 'topFeature' | 'topUser'>[] {
    const runs = new Map<string, CallRecord[][]>();
    for (const call of [...calls].sort((a, b) => a.timestampMs - b.timestampMs)) {
      const kind = /spend_limit/i.test(call.error ?? '') ? 'spend_limit' : 'burst';
      const at = `${kind}\u0000${this.groupOf(call.model)}`;
      const list = runs.get(at) ?? (runs.set(at, []).get(at) as CallRecord[][]);
      const last = list[list.length - 1];
      const previous = last?.[last.length - 1];
      if (last !== undefined && previous !== undefined && call.timestampMs - previous.timestampMs < INCIDENT_GAP_MS) last.push(call);
      else list.push([call]);
    }
    const incidents: Omit<Incident, 'topFeature' | 'topUser'>[] = [];
    for (const [at, list] of runs) {
      const [kind, group] = at.split('\u0000') as ['burst' | 'spend_limit', string];
      for (const run of list) {
        const startMs = (run[0] as CallRecord).timestampMs;
        const endMs = (run[run.length - 1] as CallRecord).timestampMs;
        const models = new Set(run.map((call) => call.model));
        const before = sumOver(groups.get(group)?.seconds, startMs - WINDOW_MS, startMs);
        incidents.push({
          kind,
          group,
          startMs,
          endMs,
          count: run.length,
          lowestRemainingBefore: this.lowestRemaining(group, models, startMs - BEFORE_MS, startMs),
          lowestRemainingDuring: this.lowestRemaining(group, models, startMs, endMs + 1),
          before: { rpm: before[0], itpm: before[1], otpm: before[2] },
        });
      }
    }
    return incidents.sort((a, b) => a.startMs - b.startMs || compareStrings(a.group, b.group));
  }

  /** The lowest remaining headers of the group's calls in the minutes that overlap [fromMs, toMs). */
  private lowestRemaining(group: string, models: ReadonlySet<string>, fromMs: number, toMs: number): PerLimit {
    const lowest = new RateLimitHeaders();
    const { headers } = this.parts;
    for (const { bucket, key, measure } of headers.cells()) {
      const model = headers.valuesOf(key)[0] as string;
      if (bucket + MINUTE_MS <= fromMs || bucket >= toMs || (this.groupOf(model) !== group && !models.has(model))) continue;
      lowest.merge(measure);
    }
    return lowest.remaining;
  }

  private cacheReadsCount(model: string): boolean {
    const id = this.pricing.resolveId(model);
    return id !== null && modelClassOf(id).cacheReadsCount;
  }

  /**
   * The configured limit of a group: the one keyed by its own name; for a model's row, else one keyed by another
   * spelling of the model; else one keyed by its class or by any model of its class (the pool it draws on).
   */
  private limitOf(group: GroupSums, kind: LimitKind): number | null {
    const candidates = [...this.limits].filter(([, limits]) => limits[kind] !== undefined);
    const idOf = (name: string): string | null => this.pricing.resolveId(name);
    const classOf = (name: string): string => modelClassOf(idOf(name) ?? name).name;
    const ownId = idOf(group.name);
    const ownClass = this.grouping === 'class' ? group.name : classOf(group.name);
    const tiers: ((name: string) => boolean)[] = [
      (name) => name === group.name,
      (name) => this.grouping === 'model' && ownId !== null && idOf(name) === ownId,
      (name) => name === ownClass || classOf(name) === ownClass,
    ];
    for (const matches of tiers) {
      const hit = candidates.find(([name]) => matches(name));
      if (hit !== undefined) return hit[1][kind] as number;
    }
    return null;
  }
}

function addInto(sums: Map<number, Vector>, at: number, values: readonly number[]): void {
  const sum = sums.get(at) ?? (sums.set(at, [0, 0, 0]).get(at) as Vector);
  for (let k = 0; k < 3; k++) sum[k] = (sum[k] as number) + (values[k] as number);
}

/** The sums of the seconds in [fromMs, toMs). */
function sumOver(seconds: ReadonlyMap<number, Vector> | undefined, fromMs: number, toMs: number): Vector {
  const sum: Vector = [0, 0, 0];
  for (const [second, values] of seconds ?? []) {
    if (second < fromMs || second >= toMs) continue;
    for (let k = 0; k < 3; k++) sum[k] = (sum[k] as number) + (values[k] as number);
  }
  return sum;
}

/** Per clock minute (its start), the sums of its seconds, in time order. */
function minuteSums(seconds: ReadonlyMap<number, Vector>): [number, Vector][] {
  const minutes = new Map<number, Vector>();
  for (const [second, values] of seconds) addInto(minutes, Math.floor(second / MINUTE_MS) * MINUTE_MS, values);
  return [...minutes].sort(([a], [b]) => a - b);
}

/** The highest value of limit `k`, at the earliest minute that has it. */
function peakOf(minutes: readonly [number, Vector][], k: number): { value: number; atMs: number } {
  let best = { value: -1, atMs: Number.NaN };
  for (const [at, values] of minutes) if ((values[k] as number) > best.value) best = { value: values[k] as number, atMs: at };
  return best;
}

/** Nearest rank: the value at rank ⌈0.99 n⌉ of the n minutes with calls. */
function p99Of(minutes: readonly [number, Vector][], k: number): number {
  const values = minutes.map(([, v]) => v[k] as number).sort((a, b) => a - b);
  return values[Math.max(0, Math.ceil(0.99 * values.length) - 1)] ?? 0;
}

/** The highest sum over [s, s + 60 s), s the start of a second with calls (the highest window starts at one), earliest first. */
function slidingPeakOf(seconds: ReadonlyMap<number, Vector>, k: number): { value: number; atMs: number } {
  const times = [...seconds.keys()].sort((a, b) => a - b);
  let best = { value: -1, atMs: Number.NaN };
  let end = 0;
  let sum = 0;
  for (let start = 0; start < times.length; start++) {
    const from = times[start] as number;
    while (end < times.length && (times[end] as number) < from + WINDOW_MS) sum += (seconds.get(times[end++] as number) as Vector)[k] as number;
    if (sum > best.value) best = { value: sum, atMs: from };
    sum -= (seconds.get(from) as Vector)[k] as number;
  }
  return best;
}

/**
 * `limits`: how close the calls came to the rate limits, per model class (or per model as logged) — for each of
 * RPM, ITPM and OTPM, the peak clock minute and when it was, the peak over any 60 s window (starting on a whole
 * second: the limits refill continuously, so this is closer to what the limiter saw), the 99th percentile over the
 * minutes with calls, who drove the peak minute, and, with a configured limit, the utilization and the headroom.
 * Ties go to the earliest minute, and between features or users to the first name.
 */
import { MINUTE_MS } from '../durations.js';
import type { Engine, SpanRule } from '../engine/engine.js';
import { Ledger } from '../engine/ledger.js';
import { compareStrings } from '../order.js';
import type { PriceBook } from '../pricing.js';
import { modelClassOf } from './modelClass.js';
import { drawsOnLimits, LIMIT_KINDS, type LimitKind, RateUsage } from './rateUsage.js';

const WINDOW_MS = 60_000;

/** A configured limit per minute of each kind, by model or class name (the config's `limits`). */
export type ConfiguredLimits = ReadonlyMap<string, Readonly<Partial<Record<LimitKind, number>>>>;

export interface Driver {
  readonly name: string;
  /** Its part of the peak minute's figure (null when that figure is 0). */
  readonly share: number | null;
}

export interface LimitFigures {
  readonly peak: number;
  readonly peakAtMs: number;
  readonly peakSliding: number;
  readonly peakSlidingAtMs: number;
  readonly p99: number;
  readonly topFeature: Driver | null;
  /** Null until the calls of the peak minute are read again (a second pass: users are too many to keep by minute). */
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

export interface LimitsParts {
  /** Second × model. */
  readonly seconds: Ledger<RateUsage>;
  /** Minute × model × feature. */
  readonly features: Ledger<RateUsage>;
}

/** The parts, made in `engine` over `span`. */
export function limitsParts(engine: Engine, span: SpanRule, tz: ConstructorParameters<typeof Ledger>[0]['tz']): LimitsParts {
  const usage = { newMeasure: () => new RateUsage(), keeps: drawsOnLimits, tz };
  return {
    seconds: engine.part(new Ledger({ ...usage, bucketing: { unit: 'second' }, dims: ['model'] }), span),
    features: engine.part(new Ledger({ ...usage, bucketing: { unit: 'minute' }, dims: ['model', 'feature'] }), span),
  };
}

/** The users of some minutes (the peak minutes, read in a second pass): minute × model × user. */
export function peakMinuteUsers(engine: Engine, span: SpanRule, tz: ConstructorParameters<typeof Ledger>[0]['tz'], minutes: ReadonlySet<number>): Ledger<RateUsage> {
  const inMinutes = (record: Parameters<typeof drawsOnLimits>[0]): boolean => drawsOnLimits(record) && minutes.has(Math.floor(record.timestampMs / MINUTE_MS) * MINUTE_MS);
  return engine.part(new Ledger({ newMeasure: () => new RateUsage(), keeps: inMinutes, tz, bucketing: { unit: 'minute' }, dims: ['model', 'user'] }), span);
}

type Vector = [number, number, number];

interface GroupSums {
  readonly name: string;
  readonly models: Set<string>;
  readonly seconds: Map<number, Vector>;
}

/** How the models' calls are grouped: by class (the price table's resolution) or by model as logged. */
export type LimitsGrouping = 'class' | 'model';

export class LimitsReader {
  private readonly groups: GroupSums[];
  private readonly groupOfModel = new Map<string, string>();

  constructor(
    private readonly parts: LimitsParts,
    private readonly grouping: LimitsGrouping,
    private readonly pricing: PriceBook,
    private readonly limits: ConfiguredLimits,
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
  }

  /** The peak minute of each group and limit: the minutes whose users a second pass reads. */
  peakMinutes(): Set<number> {
    const minutes = new Set<number>();
    for (const group of this.groups) for (const kind of LIMIT_KINDS) minutes.add(peakOf(minuteSums(group.seconds), LIMIT_KINDS.indexOf(kind)).atMs);
    return minutes;
  }

  /** The groups, by name; `users`: the peak minutes' users, when read. */
  groupsWith(users: Ledger<RateUsage> | null): LimitsGroup[] {
    return this.groups.map((group) => {
      const minutes = minuteSums(group.seconds);
      const figures = Object.fromEntries(
        LIMIT_KINDS.map((kind, k) => {
          const peak = peakOf(minutes, k);
          const sliding = slidingPeakOf(group.seconds, k);
          const driver = (ledger: Ledger<RateUsage>): Driver | null => this.driverOf(ledger, group, peak.atMs, k, peak.value);
          const limit = this.limitOf(group, kind);
          return [
            kind,
            {
              peak: peak.value,
              peakAtMs: peak.atMs,
              peakSliding: sliding.value,
              peakSlidingAtMs: sliding.atMs,
              p99: p99Of(minutes, k),
              topFeature: driver(this.parts.features),
              topUser: users === null ? null : driver(users),
              limit,
              utilization: limit === null || limit === 0 ? null : peak.value / limit,
              headroom: limit === null ? null : limit - peak.value,
            } satisfies LimitFigures,
          ];
        }),
      ) as Record<LimitKind, LimitFigures>;
      return { key: this.grouping === 'class' ? { class: group.name } : { model: group.name }, models: [...group.models].sort(compareStrings), figures };
    });
  }

  private groupOf(model: string): string {
    let name = this.groupOfModel.get(model);
    if (name === undefined) {
      name = this.grouping === 'model' ? model : modelClassOf(this.pricing.resolveId(model) ?? model).name;
      this.groupOfModel.set(model, name);
    }
    return name;
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

  /** Who drove a group's minute: the name (feature or user) with the most of limit `k`, and its share. */
  private driverOf(ledger: Ledger<RateUsage>, group: GroupSums, minuteMs: number, k: number, total: number): Driver | null {
    const byName = new Map<string, number>();
    for (const { bucket, key, measure } of ledger.cells()) {
      if (bucket !== minuteMs) continue;
      const [model = '', name = ''] = ledger.valuesOf(key);
      if (!group.models.has(model)) continue;
      byName.set(name, (byName.get(name) ?? 0) + (measure.perLimit(this.cacheReadsCount(model))[k] as number));
    }
    const [top] = [...byName].sort(([a, x], [b, y]) => y - x || compareStrings(a, b));
    return top === undefined ? null : { name: top[0], share: total === 0 ? null : top[1] / total };
  }
}

function addInto(sums: Map<number, Vector>, at: number, values: readonly number[]): void {
  const sum = sums.get(at) ?? (sums.set(at, [0, 0, 0]).get(at) as Vector);
  for (let k = 0; k < 3; k++) sum[k] = (sum[k] as number) + (values[k] as number);
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

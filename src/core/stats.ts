/**
 * One group's accumulator (docs/definitions.md, "Metrics"): add a record, merge another accumulator, take a plain-data snapshot.
 * Everything it sums is an integer (tokens, latency in µs) so any split and any order of the input gives the same
 * answer to the last bit; cost is computed at snapshot time from per-model token sums, never summed per call.
 */
import { percentileWithin } from './latencies.js';
import { LatencyDistribution, type LatencyState } from './latencyDistribution.js';
import { ModelTokens, type ModelTokensEntry } from './modelTokens.js';
import { isFailure, isMaxTokensStop, isOverloaded, isRateLimited } from './callOutcome.js';
import { compareStrings } from './order.js';
import { ratesOf } from './figures.js';
import { type PriceBook, promptTokensOf } from './pricing.js';
import { SmallMap } from './smallMap.js';
import type { CallRecord, Stats } from './types.js';

/** A StatsAccumulator as plain JSON data (see toState). Lists of [key, count] keep any key, `__proto__` included. */
export interface AccumulatorState {
  readonly calls: number;
  readonly errors: number;
  readonly rateLimited: number;
  readonly overloaded: number;
  readonly maxTokensStops: number;
  readonly okPromptTokens: number;
  readonly okCacheReadTokens: number;
  readonly latencySumMicros: number;
  readonly latencyMaxMs: number;
  readonly firstMs: number;
  readonly lastMs: number;
  readonly latency: LatencyState;
  readonly stopReasons: readonly (readonly [string, number])[];
  readonly errorTypes: readonly (readonly [string, number])[];
  readonly errorStatuses: readonly (readonly [number, number])[];
  /**
   * [model, calls, token sums by variant (5 a variant: input, output, cache read, cache write 5 m, 1 h), the
   * long-context threshold that split them (null: none)].
   */
  readonly models: readonly ModelTokensEntry[];
}

/**
 * Small on purpose: a `--by user` report keeps one per user, a trend one per user and day. Counts by key are
 * SmallMaps, latencies exact until a group is big, token sums only for the variants seen (about 0.5 KB a group).
 */
export class StatsAccumulator {
  private callCount = 0;
  private errors = 0;
  private rateLimited = 0;
  private overloaded = 0;
  private maxTokensStops = 0;
  /** Prompt tokens of successful calls, the cache hit rate's denominator and numerator. */
  private okPromptTokens = 0;
  private okCacheReadTokens = 0;
  private latencySum = 0;
  private latencyMaxMs = -Infinity;
  private firstMs = Infinity;
  private lastMs = -Infinity;
  private readonly latencies = new LatencyDistribution();
  private readonly stopReasons = new SmallMap<string, number>();
  /** Made at the first failure or logged status: most groups of a `--by user` report never need them. */
  private errorTypes: SmallMap<string, number> | null = null;
  private errorStatuses: SmallMap<number, number> | null = null;
  /** Token sums by model; the group's token totals are their sums (each token is counted once). */
  private models: ModelTokens;

  constructor(pricing: PriceBook) {
    this.models = new ModelTokens(pricing);
  }

  /** Calls added so far. */
  get calls(): number {
    return this.callCount;
  }

  /** The times of the first and the last call (±Infinity when there is none). */
  get firstCallMs(): number {
    return this.firstMs;
  }

  get lastCallMs(): number {
    return this.lastMs;
  }

  add(record: CallRecord): void {
    this.callCount++;
    const status = record.errorStatus;
    const error = record.error;
    if (isFailure(record)) {
      this.errors++;
      if (isRateLimited(record)) this.rateLimited++;
      if (isOverloaded(record)) this.overloaded++;
      if (error !== null) (this.errorTypes ??= new SmallMap()).increment(error, 1);
    } else {
      if (isMaxTokensStop(record)) this.maxTokensStops++;
      this.okPromptTokens += promptTokensOf(record);
      this.okCacheReadTokens += record.cacheReadTokens;
    }
    if (status !== null) (this.errorStatuses ??= new SmallMap()).increment(status, 1);
    if (record.stopReason !== null) this.stopReasons.increment(record.stopReason, 1);
    this.models.add(record);

    const latency = record.latencyMs;
    const micros = Math.round(latency * 1000);
    this.latencies.recordMicros(micros);
    this.latencySum += micros;
    if (latency > this.latencyMaxMs) this.latencyMaxMs = latency;
    const time = record.timestampMs;
    if (time < this.firstMs) this.firstMs = time;
    if (time > this.lastMs) this.lastMs = time;
  }

  merge(other: StatsAccumulator): void {
    this.callCount += other.callCount;
    this.errors += other.errors;
    this.rateLimited += other.rateLimited;
    this.overloaded += other.overloaded;
    this.maxTokensStops += other.maxTokensStops;
    this.okPromptTokens += other.okPromptTokens;
    this.okCacheReadTokens += other.okCacheReadTokens;
    this.latencySum += other.latencySum;
    this.latencyMaxMs = Math.max(this.latencyMaxMs, other.latencyMaxMs);
    this.firstMs = Math.min(this.firstMs, other.firstMs);
    this.lastMs = Math.max(this.lastMs, other.lastMs);
    this.latencies.merge(other.latencies);
    const stopReasons = this.stopReasons;
    other.stopReasons.forEach((count, key) => stopReasons.increment(key, count));
    if (other.errorTypes !== null) {
      const errorTypes = (this.errorTypes ??= new SmallMap());
      other.errorTypes.forEach((count, key) => errorTypes.increment(key, count));
    }
    if (other.errorStatuses !== null) {
      const errorStatuses = (this.errorStatuses ??= new SmallMap());
      other.errorStatuses.forEach((count, key) => errorStatuses.increment(key, count));
    }
    this.models.merge(other.models);
  }

  /** The sum of its latencies, in whole µs (as recorded: the mean is this over the calls). */
  get latencySumMicros(): number {
    return this.latencySum;
  }

  /** Prompt tokens (input + cache reads + cache writes) of its successful calls, and of them cache reads. */
  get successfulPromptTokens(): { readonly all: number; readonly cacheRead: number } {
    return { all: this.okPromptTokens, cacheRead: this.okCacheReadTokens };
  }

  /** The slowest call's latency (−Infinity while empty). */
  get latencyMaxMilliseconds(): number {
    return this.latencyMaxMs;
  }

  /** Its latencies (to merge: the group's percentiles come from them). */
  get latencyDistribution(): LatencyDistribution {
    return this.latencies;
  }

  /** Token sums by model (what its cost is priced from). */
  get modelTokens(): ModelTokens {
    return this.models;
  }

  /** Adds its calls of models without a price to `byModel` (without making a snapshot). */
  countUnpricedCalls(byModel: Map<string, number>): void {
    this.models.countUnpricedCalls(byModel);
  }

  /** Everything it has counted, as plain JSON data (a .cmstate group); `fromState` makes the same accumulator. */
  toState(): AccumulatorState {
    const pairs = <K>(map: SmallMap<K, number> | null): [K, number][] => {
      const list: [K, number][] = [];
      map?.forEach((count, key) => list.push([key, count]));
      return list.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    };
    return {
      calls: this.callCount,
      errors: this.errors,
      rateLimited: this.rateLimited,
      overloaded: this.overloaded,
      maxTokensStops: this.maxTokensStops,
      okPromptTokens: this.okPromptTokens,
      okCacheReadTokens: this.okCacheReadTokens,
      latencySumMicros: this.latencySum,
      latencyMaxMs: this.latencyMaxMs,
      firstMs: this.firstMs,
      lastMs: this.lastMs,
      latency: this.latencies.toState(),
      stopReasons: pairs(this.stopReasons),
      errorTypes: pairs(this.errorTypes),
      errorStatuses: pairs(this.errorStatuses),
      models: this.models.toState(),
    };
  }

  /** The accumulator a state was made from; `where` names it in errors. Throws on anything malformed. */
  static fromState(state: AccumulatorState, pricing: PriceBook, where: string): StatsAccumulator {
    const fail = (what: string): never => {
      throw new Error(`${where}: ${what}`);
    };
    const count = (value: unknown, name: string): number => (Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : fail(`${name} must be a whole number ≥ 0`));
    const time = (value: unknown, name: string): number => (typeof value === 'number' && Number.isFinite(value) ? value : fail(`${name} must be a time in ms`));
    // Sums may pass 2^53 (absurd inputs make them): any finite amount ≥ 0, as the accumulator that wrote them had.
    const amount = (value: unknown, name: string): number => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fail(`${name} must be a number ≥ 0`));
    const accumulator = new StatsAccumulator(pricing);
    accumulator.callCount = count(state.calls, 'calls');
    if (accumulator.callCount === 0) fail('a group without calls');
    accumulator.errors = count(state.errors, 'errors');
    accumulator.rateLimited = count(state.rateLimited, 'rateLimited');
    accumulator.overloaded = count(state.overloaded, 'overloaded');
    accumulator.maxTokensStops = count(state.maxTokensStops, 'maxTokensStops');
    accumulator.okPromptTokens = amount(state.okPromptTokens, 'okPromptTokens');
    accumulator.okCacheReadTokens = amount(state.okCacheReadTokens, 'okCacheReadTokens');
    accumulator.latencySum = amount(state.latencySumMicros, 'latencySumMicros');
    accumulator.latencyMaxMs = time(state.latencyMaxMs, 'latencyMaxMs');
    accumulator.firstMs = time(state.firstMs, 'firstMs');
    accumulator.lastMs = time(state.lastMs, 'lastMs');
    const latencies = LatencyDistribution.fromState(state.latency ?? fail('no latency'), `${where}.latency`);
    if (latencies.size !== accumulator.callCount) fail(`${latencies.size} latencies for ${accumulator.callCount} calls`);
    accumulator.latencies.merge(latencies);
    const pairsOf = <K>(list: unknown, name: string, isKey: (key: unknown) => key is K): SmallMap<K, number> => {
      if (!Array.isArray(list)) fail(`${name} must be a list of [value, count]`);
      const map = new SmallMap<K, number>();
      for (const pair of list as unknown[]) {
        if (!Array.isArray(pair) || pair.length !== 2 || !isKey(pair[0])) fail(`${name} must be a list of [value, count]`);
        map.increment((pair as [K, number])[0], count((pair as unknown[])[1], name));
      }
      return map;
    };
    const isString = (key: unknown): key is string => typeof key === 'string';
    const isStatus = (key: unknown): key is number => Number.isSafeInteger(key);
    pairsOf(state.stopReasons, 'stopReasons', isString).forEach((n, key) => accumulator.stopReasons.increment(key, n));
    const errorTypes = pairsOf(state.errorTypes, 'errorTypes', isString);
    if (errorTypes.size > 0) accumulator.errorTypes = errorTypes;
    const errorStatuses = pairsOf(state.errorStatuses, 'errorStatuses', isStatus);
    if (errorStatuses.size > 0) accumulator.errorStatuses = errorStatuses;
    const models = ModelTokens.fromState(state.models, pricing, fail, count, amount);
    accumulator.models = models;
    const modelCalls = models.calls;
    if (modelCalls !== accumulator.callCount) fail(`the models' calls add up to ${modelCalls}, not ${accumulator.callCount}`);
    return accumulator;
  }

  /**
   * Its metrics. `percentiles` false leaves the percentiles out (null): an exporter's scrape reads the sums of
   * every series each time, and a percentile of a big group builds a histogram.
   */
  snapshot(percentiles = true): Stats {
    const calls = this.callCount;
    const { costUsd, unpricedCalls, unpricedModels } = this.models.cost();
    const pricedCalls = calls - unpricedCalls;
    const max = calls === 0 ? null : this.latencyMaxMs;
    const percentile = (p: number): number | null => (percentiles ? percentileWithin(this.latencies, p, this.latencyMaxMs) : null);
    const rates = ratesOf({
      calls,
      errors: this.errors,
      maxTokensStops: this.maxTokensStops,
      okPromptTokens: this.okPromptTokens,
      okCacheReadTokens: this.okCacheReadTokens,
      pricedCalls,
      costUsd,
    });
    return {
      calls,
      errors: this.errors,
      errorRate: rates.errorRate,
      rateLimited: this.rateLimited,
      overloaded: this.overloaded,
      latencyMs: {
        p50: percentile(50),
        p95: percentile(95),
        p99: percentile(99),
        max,
        mean: calls === 0 ? null : roundTo(this.latencySum / calls / 1000, 1e3), // µs, as recorded
      },
      tokens: this.models.totals(),
      costUsd: rates.costUsd,
      costPerCallUsd: rates.costPerCallUsd,
      unpricedCalls,
      cacheHitRate: rates.cacheHitRate,
      maxTokensStops: this.maxTokensStops,
      maxTokensRate: rates.maxTokensRate,
      stopReasons: sortedRecord(this.stopReasons),
      errorTypes: sortedRecord(this.errorTypes ?? []),
      errorStatuses: sortedRecord(this.errorStatuses ?? []),
      firstMs: calls === 0 ? null : this.firstMs,
      lastMs: calls === 0 ? null : this.lastMs,
      unpricedModels,
    };
  }
}

/** Rounds to 1/scale: money to 10⁻¹⁰ USD, so sums print as 0.0193, not 0.019299999999999998. */
function roundTo(value: number, scale: number): number {
  return Math.round(value * scale) / scale;
}

/** A plain object with sorted keys; `__proto__` and friends become ordinary own keys. */
function sortedRecord<K extends string | number>(map: Iterable<[K, number]>): Record<string, number> {
  const entries = [...map].map(([key, count]) => [String(key), count] as const).sort(([a], [b]) => compareStrings(a, b));
  return Object.fromEntries(entries);
}

/** Calls per model without a price, over several accumulators (the days of a period). */
export function unpricedModelsOf(accumulators: Iterable<StatsAccumulator>): Record<string, number> {
  const models = new Map<string, number>();
  for (const accumulator of accumulators) accumulator.countUnpricedCalls(models);
  return sortedRecord(models);
}

/**
 * What `claude-mon serve` exposes to Prometheus, as a part of the engine: a ledger of a cell per feature × model
 * (never by user: a label per user id would make a series per user), each cell the StatsAccumulator every report
 * reads — so calls, errors, 429s, tokens, cost (priced from token sums), unpriced calls and max_tokens stops are
 * summary's numbers — plus what only an exposition shows: calls by status class, failures by error type × status,
 * and a latency histogram with fixed bounds, and the rate limits' use by model class (limits/poolCounters.ts). Plain
 * data out (`families()`); the text formats are src/render/exposition.ts.
 *
 * Memory is bounded by label cardinality, and the cardinality by `maxSeries`: the series of a pair are made
 * together at its first call, an error type × status at its first failure, a rate-limit gauge at its first value;
 * a model class's 3 at its first call. A pair that would pass the cap (or whose label is too long to expose) is not
 * made: its calls are counted in the overflow pair, whose series are kept from the start. Any other series that
 * would pass it is not made, and `claude_mon_series_dropped_total` counts the calls it would have counted.
 *
 * The counters a rule divides or tests for an increase start at 0 for every pair, so that Prometheus's increase()
 * sees their first event: a series that is born at 1 shows no increase.
 */
import { isFailure } from './callOutcome.js';
import { Ledger } from './engine/ledger.js';
import type { Measure } from './engine/measure.js';
import { Span } from './engine/span.js';
import { FAMILY_NAMES } from './metricNames.js';
import { METRIC_REGISTRY } from './metrics.js';
import { compareStrings } from './order.js';
import type { PriceBook } from './pricing.js';
import { StatsAccumulator } from './stats.js';
import type { TimeZone } from './timezone.js';
import type { CallRecord, Stats } from './types.js';
import { PoolCounters } from './limits/poolCounters.js';
import { labelValue, MAX_LABEL_LENGTH, type MetricFamily, type Shown, type Sample } from './metricFamilies.js';

/**
 * The feature and the model of the series that count the calls of every pair past the cap (as OpenTelemetry's
 * overflow attribute set does): totals and the rules over all calls stay exact.
 */
export const OVERFLOW = '__overflow__';

/** Upper bounds (seconds) of the latency buckets: the alert rule's 15 s among them, plus the configured thresholds. */
export const DEFAULT_LATENCY_BUCKETS_SECONDS = [0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 45, 60, 120, 300] as const;

const STATUS_CLASSES = ['ok', '4xx', '5xx', 'error'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];
/** The series per pair of the registry's counters (a metric each, by its labels). */
const REGISTRY_COUNTERS = METRIC_REGISTRY.filter((metric) => metric.family !== undefined).length;
const PROMPT_TOKEN_TYPES = ['cache_read', 'uncached'] as const;
const RATE_LIMITS = ['requests', 'tokens', 'input_tokens', 'output_tokens'] as const;

/** HELP of the families: what the registry's metrics are, as series by feature and model. */
const FAMILY_HELP: Readonly<Record<string, string>> = {
  [FAMILY_NAMES.rateLimited]: 'Rate-limited calls (status 429 or RateLimitError) by feature and model.',
  [FAMILY_NAMES.tokens]: "Tokens of every call, failed ones included (as summary's tokens), by feature, model and type (input, output, cache_read, cache_write).",
  [FAMILY_NAMES.successfulPromptTokens]:
    'Prompt tokens of successful calls, by feature, model and type (cache_read; uncached: input and cache writes): the cache hit rate is cache_read over both, as in summary.',
  [FAMILY_NAMES.cost]: 'Cost in US dollars by feature and model, priced from token sums at the embedded or --prices prices.',
  [FAMILY_NAMES.unpriced]: 'Calls whose model has no price (not in the cost), by feature and model.',
  [FAMILY_NAMES.maxTokens]: 'Successful calls that stopped at max_tokens (truncated answers), by feature and model.',
};

/** Series left under the cap, shared by every cell. */
interface Budget {
  left: number;
  /** Whether a series of the call being added could not be made: the call counts as dropped, once. */
  short: boolean;
}

/** One feature × model: summary's accumulator and what only the exposition shows. */
class PairCell implements Measure<PairCell> {
  readonly stats: StatsAccumulator;
  /** By STATUS_CLASSES. */
  readonly classes = STATUS_CLASSES.map(() => 0);
  /** Non-cumulative counts by bucket (the last one: above every bound, +Inf). */
  readonly buckets: number[];
  /** Failures by error type and status, keyed JSON.stringify([type, status]). */
  readonly errors = new Map<string, number>();
  /** False until a scrape has shown the pair (at zero: see the file's comment). */
  scraped = false;

  constructor(
    pricing: PriceBook,
    private readonly bounds: readonly number[],
    private readonly budget: Budget,
  ) {
    this.stats = new StatsAccumulator(pricing);
    this.buckets = new Array<number>(bounds.length + 1).fill(0);
  }

  get calls(): number {
    return this.stats.calls;
  }

  get firstCallMs(): number {
    return this.stats.firstCallMs;
  }

  get lastCallMs(): number {
    return this.stats.lastCallMs;
  }

  add(record: CallRecord): void {
    this.stats.add(record);
    bump(this.classes, STATUS_CLASSES.indexOf(statusClassOf(record)), 1);
    const seconds = record.latencyMs / 1000;
    let bucket = 0;
    while (bucket < this.bounds.length && seconds > (this.bounds[bucket] as number)) bucket++;
    bump(this.buckets, bucket, 1);
    if (!isFailure(record)) return;
    const key = JSON.stringify([labelValue(record.error ?? ''), String(record.errorStatus ?? '')]);
    const count = this.errors.get(key);
    if (count !== undefined) this.errors.set(key, count + 1);
    else if (takeSeries(this.budget, 1)) this.errors.set(key, 1);
    else this.budget.short = true; // its error type × status would have passed the cap
  }

  toState(): unknown {
    return { stats: this.stats.toState(), classes: this.classes, buckets: this.buckets, errors: [...this.errors] };
  }

  merge(other: PairCell): void {
    this.stats.merge(other.stats);
    other.classes.forEach((count, i) => bump(this.classes, i, count));
    other.buckets.forEach((count, i) => bump(this.buckets, i, count));
    for (const [key, count] of other.errors) this.errors.set(key, (this.errors.get(key) ?? 0) + count);
  }
}

export class ServeSeries {
  /** Every call, since the exporter started. */
  readonly span = new Span();
  private readonly pairs: Ledger<PairCell>;
  /** Last logged remaining value by model, then limit kind. */
  private readonly remaining = new Map<string, Map<string, number>>();
  /** The rate limits' use by model class. */
  private readonly pools: PoolCounters;
  private readonly budget: Budget;
  /** Calls with a series that could not be made (the cap): an error type's, a gauge's, a class's. */
  private droppedCalls = 0;
  /** The calls of pairs past the cap (or with a label too long to expose), as one pair of their own. */
  private readonly overflow: PairCell;
  private newestMs = Number.NEGATIVE_INFINITY;
  readonly bucketBounds: readonly number[];
  /** Series made per pair: 4 status classes, 4 token types, 2 successful prompt token types, rate-limited, max_tokens, cost, unpriced, histogram. */
  private readonly seriesPerPair: number;

  constructor(
    private readonly pricing: PriceBook,
    tz: TimeZone,
    readonly maxSeries: number,
    bucketBounds: readonly number[] = DEFAULT_LATENCY_BUCKETS_SECONDS,
    clockMs: () => number = Date.now,
  ) {
    this.bucketBounds = [...new Set(bucketBounds)].filter((bound) => bound > 0 && Number.isFinite(bound)).sort((a, b) => a - b);
    // Per pair: calls by status class, the registry's counters, the successful prompt tokens by type, and the
    // latency histogram's buckets, +Inf, _sum and _count (errors and gauges take series as they come).
    this.seriesPerPair = STATUS_CLASSES.length + REGISTRY_COUNTERS + PROMPT_TOKEN_TYPES.length + this.bucketBounds.length + 3;
    this.budget = { left: maxSeries, short: false };
    const budget = this.budget;
    this.pools = new PoolCounters(pricing, (count) => takeSeries(budget, count), clockMs);
    const bounds = this.bucketBounds;
    // The overflow pair's series are kept from the start: the calls it counts are those that find no room.
    takeSeries(budget, this.seriesPerPair);
    this.overflow = new PairCell(pricing, bounds, budget);
    this.pairs = new Ledger({
      bucketing: { unit: 'all' },
      dims: ['feature', 'model'],
      tz,
      newMeasure: () => new PairCell(pricing, bounds, budget),
      // A pair's series are made together at its first call, when they fit under the cap.
      admits: (record) =>
        labelValue(record.feature).length <= MAX_LABEL_LENGTH && labelValue(record.model).length <= MAX_LABEL_LENGTH && takeSeries(budget, this.seriesPerPair),
    });
  }

  add(record: CallRecord): void {
    if (record.timestampMs > this.newestMs) this.newestMs = record.timestampMs;
    this.budget.short = false;
    this.noteRemaining(record);
    if (!this.pools.add(record)) this.budget.short = true;
    if (!this.pairs.add(record)) this.overflow.add(record);
    if (this.budget.short) this.droppedCalls++;
  }

  prune(): void {}

  /**
   * Every family, series sorted by their labels (a stable scrape); and whether it shows series at zero that the
   * next shows with their counts (so that it is not shared in their place).
   */
  families(): Shown {
    // Cells by their labels as exposed: lone surrogates (which UTF-8 cannot carry) replaced, so two logged names
    // that expose alike are one series.
    const byLabels = new Map<string, { feature: string; model: string; cell: PairCell }>();
    const cells = [...this.pairs.cells()].map(({ key, measure }) => ({ values: this.pairs.valuesOf(key), measure }));
    if (this.overflow.calls > 0) cells.push({ values: [OVERFLOW, OVERFLOW], measure: this.overflow });
    for (const { values, measure } of cells) {
      const [rawFeature = '', rawModel = ''] = values;
      const [feature, model] = [labelValue(rawFeature), labelValue(rawModel)];
      const labels = JSON.stringify([feature, model]);
      const found = byLabels.get(labels);
      if (found === undefined) byLabels.set(labels, { feature, model, cell: measure });
      else {
        const merged = new PairCell(this.pricing, this.bucketBounds, { left: 0, short: false });
        merged.merge(found.cell);
        merged.merge(measure);
        merged.scraped = found.cell.scraped && measure.scraped;
        found.cell.scraped = measure.scraped = true;
        byLabels.set(labels, { feature, model, cell: merged });
      }
    }
    const pairs = [...byLabels.values()].sort((a, b) => compareStrings(a.feature, b.feature) || compareStrings(a.model, b.model));
    const fresh = new Set(pairs.filter((pair) => !pair.cell.scraped));
    for (const pair of fresh) pair.cell.scraped = true;
    const pools = this.pools.families();
    const showedNew = fresh.size > 0 || pools.showedNew;
    const shown = (pair: (typeof pairs)[number], value: number): number => (fresh.has(pair) ? 0 : value);
    const pairLabels = (pair: (typeof pairs)[number]): [string, string][] => [
      ['feature', pair.feature],
      ['model', pair.model],
    ];
    // Summary's sums of each pair, as the registry names them.
    const sums = new Map(pairs.map((pair) => [pair, pair.cell.stats.snapshot(false)]));
    const registryFamily = (name: string): MetricFamily => {
      const metrics = METRIC_REGISTRY.filter((metric) => metric.family?.name === name);
      const samples = pairs.flatMap((pair) =>
        metrics.map((metric): Sample => ({ suffix: '_total', labels: [...pairLabels(pair), ...(metric.family?.labels ?? [])], value: shown(pair, metric.value(sums.get(pair) as Stats) ?? 0) })),
      );
      return { name, type: 'counter', help: FAMILY_HELP[name] ?? name, samples };
    };
    const byType = <T extends string>(types: readonly T[], values: (cell: PairCell) => Readonly<Record<T, number>>): Sample[] =>
      pairs.flatMap((pair) => {
        const of = values(pair.cell);
        return types.map((type): Sample => ({ suffix: '_total', labels: [...pairLabels(pair), ['type', type]], value: shown(pair, of[type]) }));
      });
    const latency: Sample[] = [];
    for (const pair of pairs) {
      let cumulative = 0;
      this.bucketBounds.forEach((bound, i) => {
        cumulative += pair.cell.buckets[i] as number;
        latency.push({ suffix: '_bucket', labels: [...pairLabels(pair), ['le', formatBound(bound)]], value: shown(pair, cumulative) });
      });
      const count = cumulative + (pair.cell.buckets[this.bucketBounds.length] as number);
      latency.push({ suffix: '_bucket', labels: [...pairLabels(pair), ['le', '+Inf']], value: shown(pair, count) });
      latency.push({ suffix: '_sum', labels: pairLabels(pair), value: shown(pair, pair.cell.stats.latencySumMicros / 1e6) });
      latency.push({ suffix: '_count', labels: pairLabels(pair), value: shown(pair, count) });
    }
    const errors = pairs.flatMap((pair) =>
      [...pair.cell.errors]
        .sort(([a], [b]) => compareStrings(a, b))
        .map(([key, value]): Sample => {
          const [type, status] = JSON.parse(key) as [string, string];
          return { suffix: '_total', labels: [...pairLabels(pair), ['error_type', type], ['status', status]], value: shown(pair, value) };
        }),
    );
    const remaining: Sample[] = [];
    for (const model of [...this.remaining.keys()].sort(compareStrings)) {
      const byLimit = this.remaining.get(model) as Map<string, number>;
      for (const limit of RATE_LIMITS) {
        const value = byLimit.get(limit);
        if (value !== undefined) remaining.push({ suffix: '', labels: [['model', model], ['limit', limit]], value });
      }
    }
    const families: MetricFamily[] = [
      {
        name: FAMILY_NAMES.calls,
        type: 'counter',
        help: 'Calls logged, by feature, model and status class (ok; 4xx, 5xx: failed with that HTTP status; error: failed without one).',
        samples: pairs.flatMap((pair) =>
          STATUS_CLASSES.map((status, i): Sample => ({ suffix: '_total', labels: [...pairLabels(pair), ['status_class', status]], value: shown(pair, pair.cell.classes[i] as number) })),
        ),
      },
      { name: FAMILY_NAMES.errors, type: 'counter', help: 'Failed calls by feature, model, error type and HTTP status (empty when not logged).', samples: errors },
      registryFamily(FAMILY_NAMES.rateLimited),
      registryFamily(FAMILY_NAMES.tokens),
      {
        name: FAMILY_NAMES.successfulPromptTokens,
        type: 'counter',
        help: FAMILY_HELP[FAMILY_NAMES.successfulPromptTokens] as string,
        samples: byType(PROMPT_TOKEN_TYPES, (cell) => {
          const { all, cacheRead } = cell.stats.successfulPromptTokens;
          return { cache_read: cacheRead, uncached: all - cacheRead };
        }),
      },
      registryFamily(FAMILY_NAMES.cost),
      registryFamily(FAMILY_NAMES.unpriced),
      registryFamily(FAMILY_NAMES.maxTokens),
      { name: FAMILY_NAMES.latency, type: 'histogram', help: 'Call latency in seconds, by feature and model.', samples: latency },
      { name: FAMILY_NAMES.rateLimitRemaining, type: 'gauge', help: 'The last logged anthropic-ratelimit-*-remaining value, by model and limit.', samples: remaining },
      ...pools.families,
      {
        name: FAMILY_NAMES.newestRecord,
        type: 'gauge',
        help: 'Timestamp of the newest call read (seconds since the epoch); absent before the first.',
        samples: Number.isFinite(this.newestMs) ? [{ suffix: '', labels: [], value: this.newestMs / 1000 }] : [],
      },
      { name: FAMILY_NAMES.dropped, type: 'counter', help: 'Calls not counted, in whole or in part, because a new series would have passed --max-series.', samples: [{ suffix: '_total', labels: [], value: this.droppedCalls }] },
    ];
    return { families, showedNew };
  }

  /** Notes the call's logged remaining values; a gauge that would pass the cap is not made (the call counts as dropped). */
  private noteRemaining(record: CallRecord): void {
    const values = [record.ratelimitRequestsRemaining, record.ratelimitTokensRemaining, record.ratelimitInputTokensRemaining, record.ratelimitOutputTokensRemaining];
    values.forEach((value, i) => {
      if (value === null) return;
      const model = labelValue(record.model);
      const limit = RATE_LIMITS[i] as string;
      let byLimit = this.remaining.get(model);
      if (byLimit?.has(limit) === true) byLimit.set(limit, value);
      else if (model.length <= MAX_LABEL_LENGTH && takeSeries(this.budget, 1)) {
        if (byLimit === undefined) this.remaining.set(model, (byLimit = new Map()));
        byLimit.set(limit, value);
      } else this.budget.short = true;
    });
  }
}

function statusClassOf(record: CallRecord): StatusClass {
  if (!isFailure(record)) return 'ok';
  const status = record.errorStatus;
  if (status !== null && status >= 400 && status < 500) return '4xx';
  if (status !== null && status >= 500 && status < 600) return '5xx';
  return 'error';
}

/** A bucket bound as Prometheus's clients write it: 15 → "15.0", 0.25 → "0.25" (OpenMetrics wants canonical floats). */
function formatBound(bound: number): string {
  return Number.isInteger(bound) ? bound.toFixed(1) : String(bound);
}

function takeSeries(budget: Budget, count: number): boolean {
  if (budget.left < count) return false;
  budget.left -= count;
  return true;
}

function bump(counts: number[], index: number, by: number): void {
  counts[index] = (counts[index] as number) + by;
}

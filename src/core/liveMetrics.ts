/**
 * What `claude-mon serve` exposes to Prometheus: counters, gauges and a latency histogram folded call by call,
 * by feature and model (never by user: a label per user id would make a series per user). Plain data out
 * (`families()`); the text formats are src/render/exposition.ts.
 *
 * Memory is bounded by label cardinality, and the cardinality by `maxSeries`: the series of a feature × model pair
 * are made together at its first call, an error type × status at its first failure, a rate-limit gauge at its first
 * value; one that would pass the cap is not made, and `claude_mon_series_dropped_total` counts the calls that
 * were not counted for that reason (a log with a million feature names cannot grow the exporter without end).
 *
 * The counters a rule divides or tests for an increase (calls by status class, rate-limited calls, max_tokens
 * stops) start at 0 for every pair, so that Prometheus's increase() sees their first event: a series that is
 * born at 1 shows no increase.
 */
import { costOfRecord, type PriceBook } from './pricing.js';
import { compareStrings } from './order.js';
import { isFailure, isRateLimited } from './stats.js';
import type { CallRecord } from './types.js';

/** Upper bounds (seconds) of the latency buckets: the alert rule's 15 s among them, plus the configured thresholds. */
export const DEFAULT_LATENCY_BUCKETS_SECONDS = [0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 45, 60, 120, 300] as const;

export const STATUS_CLASSES = ['ok', '4xx', '5xx', 'error'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];
const TOKEN_TYPES = ['input', 'output', 'cache_read', 'cache_write'] as const;
const RATE_LIMITS = ['requests', 'tokens', 'input_tokens', 'output_tokens'] as const;

/** Metric family names (counters without their `_total`, which the text formats add). */
export const METRICS = {
  calls: 'claude_mon_calls',
  errors: 'claude_mon_errors',
  rateLimited: 'claude_mon_rate_limited_calls',
  tokens: 'claude_mon_tokens',
  cost: 'claude_mon_cost_usd',
  unpriced: 'claude_mon_unpriced_calls',
  maxTokens: 'claude_mon_max_tokens_stops',
  latency: 'claude_mon_latency_seconds',
  rateLimitRemaining: 'claude_mon_ratelimit_remaining',
  newestRecord: 'claude_mon_newest_record_timestamp_seconds',
  dropped: 'claude_mon_series_dropped',
  /** Made by `serve` from its inputs' line counts. */
  inputLines: 'claude_mon_input_lines',
} as const;

export type Labels = readonly (readonly [name: string, value: string])[];

export interface Sample {
  /** Appended to the family name: '' for gauges, '_total' for counters, '_bucket', '_sum', '_count' for histograms. */
  readonly suffix: string;
  readonly labels: Labels;
  readonly value: number;
}

export interface MetricFamily {
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly help: string;
  readonly samples: readonly Sample[];
}

/** One feature × model: every series of the pair. */
interface Pair {
  readonly feature: string;
  readonly model: string;
  /** By STATUS_CLASSES. */
  readonly calls: number[];
  /** By TOKEN_TYPES. */
  readonly tokens: number[];
  rateLimited: number;
  maxTokens: number;
  costUsd: number;
  unpriced: number;
  /** Non-cumulative counts by bucket (the last one: above every bound, +Inf); sum and count in seconds. */
  readonly buckets: number[];
  latencySum: number;
  /** Failures by error type and status, keyed JSON.stringify([type, status]). */
  readonly errors: Map<string, number>;
  /**
   * False until a scrape has shown the pair — at zero: a counter first seen at 1 shows no increase() to Prometheus,
   * so the first calls of a pair would never count in a rule. They are shown from the next scrape on.
   */
  scraped: boolean;
}

/** Longer label values are not exposed (their calls count as dropped): a scrape repeats each one in ~30 series. */
export const MAX_LABEL_LENGTH = 256;

export class LiveMetrics {
  /** By feature, then model. */
  private readonly pairs = new Map<string, Map<string, Pair>>();
  /** Last logged remaining value by model, then limit kind. */
  private readonly remaining = new Map<string, Map<string, number>>();
  private series = 0;
  private dropped = 0;
  private newestMs = Number.NEGATIVE_INFINITY;
  readonly bucketBounds: readonly number[];
  /** Series made per pair: 4 status classes, 4 token types, rate-limited, max_tokens, cost, unpriced, histogram. */
  private readonly seriesPerPair: number;

  constructor(
    private readonly pricing: PriceBook,
    readonly maxSeries: number,
    bucketBounds: readonly number[] = DEFAULT_LATENCY_BUCKETS_SECONDS,
  ) {
    this.bucketBounds = [...new Set(bucketBounds)].filter((bound) => bound > 0 && Number.isFinite(bound)).sort((a, b) => a - b);
    this.seriesPerPair = STATUS_CLASSES.length + TOKEN_TYPES.length + 4 + this.bucketBounds.length + 3;
  }

  add(record: CallRecord): void {
    if (record.timestampMs > this.newestMs) this.newestMs = record.timestampMs;
    const remainingKept = this.noteRemaining(record);
    const pairKept = this.addToPair(record);
    if (!remainingKept || !pairKept) this.dropped++;
  }

  /** False when the call's pair, or its error type × status, would pass the cap. */
  private addToPair(record: CallRecord): boolean {
    const pair = this.pairOf(record.feature, record.model);
    if (pair === null) return false;
    bump(pair.calls, STATUS_CLASSES.indexOf(statusClassOf(record)), 1);
    bump(pair.tokens, 0, record.inputTokens);
    bump(pair.tokens, 1, record.outputTokens);
    bump(pair.tokens, 2, record.cacheReadTokens);
    bump(pair.tokens, 3, record.cacheWriteTokens);
    if (isRateLimited(record)) pair.rateLimited++;
    if (record.stopReason === 'max_tokens' && !isFailure(record)) pair.maxTokens++; // as summary's maxTokensStops
    const cost = costOfRecord(this.pricing, record);
    if (cost === null) pair.unpriced++;
    else pair.costUsd += cost;
    const seconds = record.latencyMs / 1000;
    let bucket = 0;
    while (bucket < this.bucketBounds.length && seconds > (this.bucketBounds[bucket] as number)) bucket++;
    bump(pair.buckets, bucket, 1);
    pair.latencySum += seconds;
    if (!isFailure(record)) return true;
    const key = JSON.stringify([labelValue(record.error ?? ''), String(record.errorStatus ?? '')]);
    const count = pair.errors.get(key);
    if (count !== undefined) pair.errors.set(key, count + 1);
    else if (this.makeSeries(1)) pair.errors.set(key, 1);
    else return false;
    return true;
  }

  /** Every family, series sorted by their labels (a stable scrape). */
  families(): MetricFamily[] {
    const pairs: Pair[] = [];
    for (const byModel of this.pairs.values()) pairs.push(...byModel.values());
    pairs.sort((a, b) => compareStrings(a.feature, b.feature) || compareStrings(a.model, b.model));
    // A pair no scrape has shown yet is shown at zero (see Pair.scraped).
    const fresh = new Set(pairs.filter((pair) => !pair.scraped));
    for (const pair of fresh) pair.scraped = true;
    const shown = (pair: Pair, value: number): number => (fresh.has(pair) ? 0 : value);
    const pairLabels = (pair: Pair): [string, string][] => [
      ['feature', pair.feature],
      ['model', pair.model],
    ];
    const perPair = (suffix: string, value: (pair: Pair) => number): Sample[] =>
      pairs.map((pair) => ({ suffix, labels: pairLabels(pair), value: shown(pair, value(pair)) }));
    const latency: Sample[] = [];
    for (const pair of pairs) {
      let cumulative = 0;
      this.bucketBounds.forEach((bound, i) => {
        cumulative += pair.buckets[i] as number;
        latency.push({ suffix: '_bucket', labels: [...pairLabels(pair), ['le', formatBound(bound)]], value: shown(pair, cumulative) });
      });
      const count = cumulative + (pair.buckets[this.bucketBounds.length] as number);
      latency.push({ suffix: '_bucket', labels: [...pairLabels(pair), ['le', '+Inf']], value: shown(pair, count) });
      latency.push({ suffix: '_sum', labels: pairLabels(pair), value: shown(pair, pair.latencySum) });
      latency.push({ suffix: '_count', labels: pairLabels(pair), value: shown(pair, count) });
    }
    const errors = pairs.flatMap((pair) =>
      [...pair.errors]
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
    return [
      {
        name: METRICS.calls,
        type: 'counter',
        help: 'Calls logged, by feature, model and status class (ok; 4xx, 5xx: failed with that HTTP status; error: failed without one).',
        samples: pairs.flatMap((pair) =>
          STATUS_CLASSES.map((status, i): Sample => ({ suffix: '_total', labels: [...pairLabels(pair), ['status_class', status]], value: shown(pair, pair.calls[i] as number) })),
        ),
      },
      { name: METRICS.errors, type: 'counter', help: 'Failed calls by feature, model, error type and HTTP status (empty when not logged).', samples: errors },
      { name: METRICS.rateLimited, type: 'counter', help: 'Rate-limited calls (status 429 or RateLimitError) by feature and model.', samples: perPair('_total', (p) => p.rateLimited) },
      {
        name: METRICS.tokens,
        type: 'counter',
        help: 'Tokens by feature, model and type (input, output, cache_read, cache_write).',
        samples: pairs.flatMap((pair) =>
          TOKEN_TYPES.map((type, i): Sample => ({ suffix: '_total', labels: [...pairLabels(pair), ['type', type]], value: shown(pair, pair.tokens[i] as number) })),
        ),
      },
      { name: METRICS.cost, type: 'counter', help: 'Cost in US dollars by feature and model, at the embedded or --prices prices.', samples: perPair('_total', (p) => p.costUsd) },
      { name: METRICS.unpriced, type: 'counter', help: 'Calls whose model has no price (not in the cost), by feature and model.', samples: perPair('_total', (p) => p.unpriced) },
      { name: METRICS.maxTokens, type: 'counter', help: 'Successful calls that stopped at max_tokens (truncated answers), by feature and model.', samples: perPair('_total', (p) => p.maxTokens) },
      { name: METRICS.latency, type: 'histogram', help: 'Call latency in seconds, by feature and model.', samples: latency },
      { name: METRICS.rateLimitRemaining, type: 'gauge', help: 'The last logged anthropic-ratelimit-*-remaining value, by model and limit.', samples: remaining },
      {
        name: METRICS.newestRecord,
        type: 'gauge',
        help: 'Timestamp of the newest call read (seconds since the epoch); absent before the first.',
        samples: Number.isFinite(this.newestMs) ? [{ suffix: '', labels: [], value: this.newestMs / 1000 }] : [],
      },
      { name: METRICS.dropped, type: 'counter', help: 'Calls not counted, in whole or in part, because a new series would have passed --max-series.', samples: [{ suffix: '_total', labels: [], value: this.dropped }] },
    ];
  }

  private pairOf(rawFeature: string, rawModel: string): Pair | null {
    const feature = labelValue(rawFeature);
    const model = labelValue(rawModel);
    const found = this.pairs.get(feature)?.get(model);
    if (found !== undefined) return found;
    if (feature.length > MAX_LABEL_LENGTH || model.length > MAX_LABEL_LENGTH) return null;
    if (!this.makeSeries(this.seriesPerPair)) return null;
    const pair: Pair = {
      feature,
      model,
      scraped: false,
      calls: STATUS_CLASSES.map(() => 0),
      tokens: TOKEN_TYPES.map(() => 0),
      rateLimited: 0,
      maxTokens: 0,
      costUsd: 0,
      unpriced: 0,
      buckets: new Array<number>(this.bucketBounds.length + 1).fill(0),
      latencySum: 0,
      errors: new Map(),
    };
    let byModel = this.pairs.get(feature);
    if (byModel === undefined) this.pairs.set(feature, (byModel = new Map()));
    byModel.set(model, pair);
    return pair;
  }

  /** False when a gauge it would set would pass the cap. */
  private noteRemaining(record: CallRecord): boolean {
    const values = [
      record.ratelimitRequestsRemaining,
      record.ratelimitTokensRemaining,
      record.ratelimitInputTokensRemaining,
      record.ratelimitOutputTokensRemaining,
    ];
    let kept = true;
    values.forEach((value, i) => {
      if (value === null) return;
      const model = labelValue(record.model);
      const limit = RATE_LIMITS[i] as string;
      let byLimit = this.remaining.get(model);
      if (byLimit?.has(limit) === true) byLimit.set(limit, value);
      else if (model.length <= MAX_LABEL_LENGTH && this.makeSeries(1)) {
        if (byLimit === undefined) this.remaining.set(model, (byLimit = new Map()));
        byLimit.set(limit, value);
      } else kept = false;
    });
    return kept;
  }

  private makeSeries(count: number): boolean {
    if (this.series + count > this.maxSeries) return false;
    this.series += count;
    return true;
  }
}

export function statusClassOf(record: CallRecord): StatusClass {
  if (!isFailure(record)) return 'ok';
  const status = record.errorStatus;
  if (status !== null && status >= 400 && status < 500) return '4xx';
  if (status !== null && status >= 500 && status < 600) return '5xx';
  return 'error';
}

/** A bucket bound as Prometheus's clients write it: 15 → "15.0", 0.25 → "0.25" (OpenMetrics wants canonical floats). */
export function formatBound(bound: number): string {
  return Number.isInteger(bound) ? bound.toFixed(1) : String(bound);
}

/** A label value as exposed: lone surrogates (which UTF-8 cannot carry) replaced, so two never become one series. */
function labelValue(text: string): string {
  return (text as string & { toWellFormed(): string }).toWellFormed();
}

function bump(counts: number[], index: number, by: number): void {
  counts[index] = (counts[index] as number) + by;
}

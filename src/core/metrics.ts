/**
 * The registry of metrics: each one defined once — its name in JSON (a path in a group's Stats, and a flat id
 * where a shape is flat, as trend's days), its CSV column, its table header, its unit, how it is read from a
 * group's Stats, what it means, and, for the sums `serve` exposes, its Prometheus family. The table, CSV,
 * Markdown and JSON renderers, the exposition and the JSON Schemas (`npm run schemas`) all read it; adding a
 * metric means adding it here, computing it in StatsAccumulator, and testing it.
 */
import { FAMILY_NAMES } from './metricNames.js';
import type { Stats } from './types.js';

/** How a value reads: a count, a fraction, milliseconds, US dollars (a sum, or per call). */
export type Unit = 'count' | 'ratio' | 'ms' | 'usd' | 'usdPerCall';

/** A value that deserves attention on a terminal: an error level, or a gentler warning. */
export type Alarm = 'error' | 'warn';

export interface Metric {
  /** The flat name (trend's days, the dashboard's rates): `p95Ms`. */
  readonly id: string;
  /** Where it sits in a group's Stats in JSON: ['latencyMs', 'p95']. */
  readonly path: readonly string[];
  readonly csv: string;
  /** Its column in summary's table and Markdown, or null when only CSV and JSON carry it. */
  readonly header: string | null;
  readonly unit: Unit;
  /** Null when its denominator is 0 (rates, costs per call) or the group is empty (latencies). */
  readonly nullable: boolean;
  readonly description: string;
  readonly value: (stats: Stats) => number | null;
  /** When a table marks it. */
  readonly alarm?: (value: number | null, stats: Stats) => Alarm | undefined;
  /** A cost that leaves out the calls of unpriced models: tables mark it `*` when there are some. */
  readonly leavesOutUnpriced?: true;
  /**
   * The counter `serve` exposes it in, per feature and model, with these labels besides (calls and errors are
   * exposed by status class and by error type and status instead: `serve` makes those families itself).
   */
  readonly family?: { readonly name: string; readonly labels?: readonly (readonly [string, string])[] };
}

/** Counts by value (stop reasons, error types, statuses): JSON only. */
export interface CountsMetric {
  readonly id: 'stopReasons' | 'errorTypes' | 'errorStatuses';
  readonly description: string;
}

const ratioAlarm = (error: number, warn: number) => (value: number | null): Alarm | undefined =>
  (value ?? 0) > error ? 'error' : (value ?? 0) > warn ? 'warn' : undefined;

/** In the order of the JSON Stats and of the CSV columns. */
export const METRIC_REGISTRY: readonly Metric[] = [
  { id: 'calls', path: ['calls'], csv: 'calls', header: 'calls', unit: 'count', nullable: false, description: 'calls (records) in the group', value: (s) => s.calls },
  {
    id: 'errors',
    path: ['errors'],
    csv: 'errors',
    header: 'errors',
    unit: 'count',
    nullable: false,
    description: 'failed calls: a non-empty `error` or an `error_status` ≥ 400',
    value: (s) => s.errors,
  },
  { id: 'errorRate', path: ['errorRate'], csv: 'error_rate', header: 'err %', unit: 'ratio', nullable: true, description: 'errors / calls', value: (s) => s.errorRate, alarm: ratioAlarm(0.05, 0.01) },
  {
    id: 'rateLimited',
    path: ['rateLimited'],
    csv: 'rate_limited',
    header: '429s',
    unit: 'count',
    nullable: false,
    description: 'rate-limited calls: status 429 or `RateLimitError`',
    value: (s) => s.rateLimited,
    alarm: (value) => ((value ?? 0) > 0 ? 'warn' : undefined),
    family: { name: FAMILY_NAMES.rateLimited },
  },
  { id: 'overloaded', path: ['overloaded'], csv: 'overloaded', header: null, unit: 'count', nullable: false, description: 'overloaded calls: status 529 or `OverloadedError`', value: (s) => s.overloaded },
  ...(['p50', 'p95', 'p99'] as const).map(
    (p): Metric => ({
      id: `${p}Ms`,
      path: ['latencyMs', p],
      csv: `${p}_ms`,
      header: p,
      unit: 'ms',
      nullable: true,
      description: `the ${p.slice(1)}th percentile of latency_ms over all calls (failures included), nearest-rank: exact up to 256 calls, within 0.1% from an HDR histogram above, never above the maximum`,
      value: (s) => s.latencyMs[p],
    }),
  ),
  { id: 'maxMs', path: ['latencyMs', 'max'], csv: 'max_ms', header: null, unit: 'ms', nullable: true, description: 'the slowest call\'s latency_ms', value: (s) => s.latencyMs.max },
  { id: 'meanMs', path: ['latencyMs', 'mean'], csv: 'mean_ms', header: null, unit: 'ms', nullable: true, description: 'the mean latency_ms (summed in whole µs)', value: (s) => s.latencyMs.mean },
  ...(
    [
      ['input', 'input_tokens', 'uncached input tokens (`input_tokens`, which excludes cached tokens)'],
      ['output', 'output_tokens', 'output tokens'],
      ['cacheRead', 'cache_read_tokens', 'cache reads'],
      ['cacheWrite', 'cache_write_tokens', 'cache writes (5-minute and 1-hour)'],
    ] as const
  ).map(
    ([field, csv, description]): Metric => ({
      id: `${field}Tokens`,
      path: ['tokens', field],
      csv,
      header: null,
      unit: 'count',
      nullable: false,
      description: `the sum of ${description}, of every call`,
      value: (s) => s.tokens[field],
      family: { name: FAMILY_NAMES.tokens, labels: [['type', csv.replace(/_tokens$/, '')]] },
    }),
  ),
  {
    id: 'costUsd',
    path: ['costUsd'],
    csv: 'cost_usd',
    header: 'cost',
    unit: 'usd',
    nullable: false,
    description: 'the cost in USD of the calls of priced models, priced from their token sums by model',
    value: (s) => s.costUsd,
    leavesOutUnpriced: true,
    family: { name: FAMILY_NAMES.cost },
  },
  { id: 'costPerCallUsd', path: ['costPerCallUsd'], csv: 'cost_per_call_usd', header: '$/call', unit: 'usdPerCall', nullable: true, description: 'costUsd / calls of priced models', value: (s) => s.costPerCallUsd, leavesOutUnpriced: true },
  {
    id: 'unpricedCalls',
    path: ['unpricedCalls'],
    csv: 'unpriced_calls',
    header: null,
    unit: 'count',
    nullable: false,
    description: 'calls of models without a price: not in costUsd, never counted as $0',
    value: (s) => s.unpricedCalls,
    family: { name: FAMILY_NAMES.unpriced },
  },
  {
    id: 'cacheHitRate',
    path: ['cacheHitRate'],
    csv: 'cache_hit_rate',
    header: 'cache hit',
    unit: 'ratio',
    nullable: true,
    description: 'Σ cache reads / Σ (input + cache reads + cache writes), over successful calls',
    value: (s) => s.cacheHitRate,
  },
  {
    id: 'maxTokensStops',
    path: ['maxTokensStops'],
    csv: 'max_tokens_stops',
    header: null,
    unit: 'count',
    nullable: false,
    description: 'successful calls stopped by max_tokens (a truncated answer)',
    value: (s) => s.maxTokensStops,
    family: { name: FAMILY_NAMES.maxTokens },
  },
  {
    id: 'maxTokensRate',
    path: ['maxTokensRate'],
    csv: 'max_tokens_rate',
    header: 'max_tok',
    unit: 'ratio',
    nullable: true,
    description: 'maxTokensStops / successful calls',
    value: (s) => s.maxTokensRate,
    alarm: ratioAlarm(Number.POSITIVE_INFINITY, 0.05),
  },
];

export const COUNTS_REGISTRY: readonly CountsMetric[] = [
  { id: 'stopReasons', description: 'calls by stop_reason' },
  { id: 'errorTypes', description: 'failed calls by error type' },
  { id: 'errorStatuses', description: 'calls by logged HTTP status' },
];

/** A metric by its id; an unknown id is a programming error. */
export function metric(id: string): Metric {
  const found = METRIC_REGISTRY.find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(`no metric ${id}`);
  return found;
}

/** The metrics summary's table and Markdown show, in order. */
export const TABLE_METRICS: readonly Metric[] = METRIC_REGISTRY.filter((candidate) => candidate.header !== null);

/** The metrics of a trend day, by id, in order. */
export const TREND_METRICS: readonly Metric[] = ['calls', 'costUsd', 'costPerCallUsd', 'p95Ms', 'errorRate', 'cacheHitRate', 'unpricedCalls'].map(metric);

/** The rates the dashboard compares today with the 7 days before. */
export const RATE_METRICS: readonly Metric[] = ['errorRate', 'cacheHitRate', 'maxTokensRate'].map(metric);

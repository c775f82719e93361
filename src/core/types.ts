/**
 * The validated call record every downstream module trusts, and the plain-data snapshot every renderer reads.
 * Units are in the names. Nothing here is `unknown`: parsing happens at the boundary (src/input/record.ts).
 */

export interface CallRecord {
  /** Epoch ms, possibly fractional (sub-ms precision of the log is kept). */
  readonly timestampMs: number;
  readonly userId: string;
  readonly feature: string;
  readonly model: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  /** All cache writes; `cacheWrite1hTokens` of them were written with the 1-hour TTL, the rest with 5 minutes. */
  readonly cacheWriteTokens: number;
  readonly cacheWrite1hTokens: number;
  readonly latencyMs: number;
  readonly stopReason: string | null;
  /** SDK exception class name, or null. */
  readonly error: string | null;
  readonly errorStatus: number | null;
  readonly batch: boolean;
  /** The logged anthropic-ratelimit-*-remaining headers, by kind; null when not logged. */
  readonly ratelimitRequestsRemaining: number | null;
  readonly ratelimitTokensRemaining: number | null;
  readonly ratelimitInputTokensRemaining: number | null;
  readonly ratelimitOutputTokensRemaining: number | null;
  /** The logged anthropic-ratelimit-*-limit headers, by kind; null when not logged. */
  readonly ratelimitRequestsLimit: number | null;
  readonly ratelimitTokensLimit: number | null;
  readonly ratelimitInputTokensLimit: number | null;
  readonly ratelimitOutputTokensLimit: number | null;
  /** The logged anthropic-ratelimit-*-reset headers, by kind, in epoch ms; null when not logged. */
  readonly ratelimitRequestsReset: number | null;
  readonly ratelimitTokensReset: number | null;
  readonly ratelimitInputTokensReset: number | null;
  readonly ratelimitOutputTokensReset: number | null;
  /** The cost a proxy logged for the call (LiteLLM's `response_cost`), beside the one priced here; null when none. */
  readonly reportedCostUsd: number | null;
}

export interface LatencySnapshot {
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly max: number | null;
  readonly mean: number | null;
}

export interface TokenTotals {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  readonly cacheWrite: number;
}

/** One group's metrics (docs/definitions.md, "Metrics"). Rates are fractions; null when their denominator is 0. */
export interface Stats {
  readonly calls: number;
  readonly errors: number;
  readonly errorRate: number | null;
  readonly rateLimited: number;
  readonly overloaded: number;
  readonly latencyMs: LatencySnapshot;
  readonly tokens: TokenTotals;
  readonly costUsd: number;
  readonly costPerCallUsd: number | null;
  readonly unpricedCalls: number;
  readonly cacheHitRate: number | null;
  readonly maxTokensStops: number;
  readonly maxTokensRate: number | null;
  readonly stopReasons: Readonly<Record<string, number>>;
  readonly errorTypes: Readonly<Record<string, number>>;
  readonly errorStatuses: Readonly<Record<string, number>>;
  /** Earliest and latest record timestamps in the group (epoch ms), null when empty. */
  readonly firstMs: number | null;
  readonly lastMs: number | null;
  /** Calls per unpriced model, as logged. */
  readonly unpricedModels: Readonly<Record<string, number>>;
}

/** A line the input skipped, as an example for the input report: where it is, why, and its start. */
export interface Rejection {
  readonly where: string;
  readonly reason: string;
  readonly detail: string;
  /** The first 120 characters of the line, control characters left for the renderer to escape. */
  readonly excerpt: string;
}

/** The config's `otel`: span (or resource) attributes that name a call's feature and user. */
export interface OtelAttributeNames {
  readonly feature?: string;
  readonly user?: string;
}

/** A line that holds no call record, and the record fields found in it. */
export interface NoiseSample {
  readonly where: string;
  readonly excerpt: string;
  readonly fields: readonly string[];
}

/** Signs of a Python app's log among the noise lines: its warnings or tracebacks, and lines at level INFO. */
export interface PythonLogging {
  signs: number;
  infoLines: number;
}

/** Records that logged cache reads, and records that logged a cache-write field at all (even 0). */
export interface CacheLogging {
  readCalls: number;
  writeFieldCalls: number;
}

/** What became of the input's lines (docs/definitions.md, "Bad input"): records + duplicates + noise + Σ skipped = lines. */
export interface LineCounts {
  readonly files: number;
  readonly lines: number;
  readonly records: number;
  readonly duplicates: number;
  readonly noise: number;
  readonly skipped: Readonly<Record<string, number>>;
  /** Sources that could not be read, and gzip streams cut short. */
  readonly unreadable: readonly string[];
  readonly truncated: readonly string[];
}

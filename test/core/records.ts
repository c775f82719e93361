/** Builds CallRecords for core tests: defaults of a plain successful call, overridden per test. */
import type { CallRecord } from '../../src/core/types.js';

export function call(fields: Partial<CallRecord>): CallRecord {
  return {
    timestampMs: Date.UTC(2026, 10, 26, 10),
    userId: 'anonymous',
    feature: 'chat',
    model: 'claude-sonnet-4-5',
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    cacheWrite1hTokens: 0,
    latencyMs: 100,
    stopReason: null,
    error: null,
    errorStatus: null,
    batch: false,
    ratelimitRequestsRemaining: null,
    ratelimitTokensRemaining: null,
    ratelimitInputTokensRemaining: null,
    ratelimitOutputTokensRemaining: null,
    ratelimitRequestsLimit: null,
    ratelimitTokensLimit: null,
    ratelimitInputTokensLimit: null,
    ratelimitOutputTokensLimit: null,
    ratelimitRequestsReset: null,
    ratelimitTokensReset: null,
    ratelimitInputTokensReset: null,
    ratelimitOutputTokensReset: null,
    reportedCostUsd: null,
    ...fields,
  };
}

/**
 * What became of a call: the predicates every count of failures, 429s, overloads and truncated answers is made of
 * (docs/definitions.md, "Metrics"), for every command and the exporter alike.
 */
import type { CallRecord } from './types.js';

/** A failed call: a non-empty `error`, or an `error_status` ≥ 400. */
export function isFailure(record: CallRecord): boolean {
  return record.error !== null || (record.errorStatus !== null && record.errorStatus >= 400);
}

/** A rate-limited call: status 429 or `RateLimitError`. */
export function isRateLimited(record: CallRecord): boolean {
  return record.errorStatus === 429 || record.error === 'RateLimitError';
}

/** An overloaded call: status 529 or `OverloadedError`. */
export function isOverloaded(record: CallRecord): boolean {
  return record.errorStatus === 529 || record.error === 'OverloadedError';
}

/** A successful call whose answer was cut off by `max_tokens` (a silent failure). */
export function isMaxTokensStop(record: CallRecord): boolean {
  return record.stopReason === 'max_tokens' && !isFailure(record);
}

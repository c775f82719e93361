/**
 * The anthropic-ratelimit-* headers of a line, validated into the record: remaining and limit counts (numbers, or
 * the header's own text, as `headers.get(...)` returns it) and reset times (RFC 3339). They are diagnostics: a
 * malformed one is read as absent, never a reason to drop the call.
 */
import type { MutableCallRecord } from '../core/packedRecord.js';
import { parseIsoTimestamp, TS_UTC } from '../core/timestamp.js';
import { F, KIND_NUMBER, KIND_STRING, RATE_LIMIT_KEY_MASK, type RawFields } from './rawFields.js';

export function readRateLimitHeaders(raw: RawFields, out: MutableCallRecord): void {
  // Most lines have none: one test of the mask, then eight nulls.
  const headers = (raw.seen & RATE_LIMIT_KEY_MASK) !== 0;
  out.ratelimitRequestsRemaining = headers ? readCount(raw, F.ratelimit_requests_remaining) : null;
  out.ratelimitTokensRemaining = headers ? readCount(raw, F.ratelimit_tokens_remaining) : null;
  out.ratelimitInputTokensRemaining = headers ? readCount(raw, F.ratelimit_input_tokens_remaining) : null;
  out.ratelimitOutputTokensRemaining = headers ? readCount(raw, F.ratelimit_output_tokens_remaining) : null;
  out.ratelimitRequestsLimit = headers ? readCount(raw, F.ratelimit_requests_limit) : null;
  out.ratelimitTokensLimit = headers ? readCount(raw, F.ratelimit_tokens_limit) : null;
  out.ratelimitInputTokensLimit = headers ? readCount(raw, F.ratelimit_input_tokens_limit) : null;
  out.ratelimitOutputTokensLimit = headers ? readCount(raw, F.ratelimit_output_tokens_limit) : null;
  out.ratelimitRequestsReset = headers ? readTime(raw, F.ratelimit_requests_reset) : null;
  out.ratelimitTokensReset = headers ? readTime(raw, F.ratelimit_tokens_reset) : null;
  out.ratelimitInputTokensReset = headers ? readTime(raw, F.ratelimit_input_tokens_reset) : null;
  out.ratelimitOutputTokensReset = headers ? readTime(raw, F.ratelimit_output_tokens_reset) : null;
}

/** A whole number ≥ 0, or its decimal text; else null. */
function readCount(raw: RawFields, slot: number): number | null {
  const kind = raw.kinds[slot];
  let value = Number.NaN;
  if (kind === KIND_NUMBER) value = raw.nums[slot] as number;
  else if (kind === KIND_STRING && /^\s*\d+\s*$/.test(raw.strs[slot] as string)) value = Number(raw.strs[slot]);
  return value >= 0 && Number.isSafeInteger(value) ? value : null;
}

/** RFC 3339 text with its offset, as Anthropic sends it; else null (a number could be the seconds until it as well as a time). */
function readTime(raw: RawFields, slot: number): number | null {
  if (raw.kinds[slot] !== KIND_STRING) return null;
  const bytes = Buffer.from(raw.strs[slot] as string);
  const time = { ms: 0 };
  return parseIsoTimestamp(bytes, 0, bytes.length, time) === TS_UTC ? time.ms : null;
}

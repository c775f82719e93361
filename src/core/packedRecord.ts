/**
 * A call record's numbers packed in a Float64Array (NaN for null), one fixed layout: how parse threads hand blocks
 * of records over (src/input/recordBlock.ts) and how the engine keeps recent calls (core/engine/recentCalls.ts)
 * without an object per record. The strings travel beside them, each user in its own way.
 */
import type { CallRecord } from './types.js';

/** A CallRecord whose fields can be written: a reader fills one per line, an unpacker one per record. */
export class MutableCallRecord implements CallRecord {
  timestampMs = 0;
  userId = '';
  feature = '';
  model = '';
  inputTokens = 0;
  outputTokens = 0;
  cacheReadTokens = 0;
  cacheWriteTokens = 0;
  cacheWrite1hTokens = 0;
  latencyMs = 0;
  stopReason: string | null = null;
  error: string | null = null;
  errorStatus: number | null = null;
  batch = false;
  ratelimitRequestsRemaining: number | null = null;
  ratelimitTokensRemaining: number | null = null;
  ratelimitInputTokensRemaining: number | null = null;
  ratelimitOutputTokensRemaining: number | null = null;
  ratelimitRequestsLimit: number | null = null;
  ratelimitTokensLimit: number | null = null;
  ratelimitInputTokensLimit: number | null = null;
  ratelimitOutputTokensLimit: number | null = null;
  ratelimitRequestsReset: number | null = null;
  ratelimitTokensReset: number | null = null;
  ratelimitInputTokensReset: number | null = null;
  ratelimitOutputTokensReset: number | null = null;
  reportedCostUsd: number | null = null;
}

const TIME = 0;
const INPUT = 1;
const OUTPUT = 2;
const CACHE_READ = 3;
const CACHE_WRITE = 4;
const CACHE_WRITE_1H = 5;
const LATENCY = 6;
const STATUS = 7;
const BATCH = 8;
const RL_REQUESTS = 9;
const RL_TOKENS = 10;
const RL_INPUT = 11;
const RL_OUTPUT = 12;
/** Numbers per packed record: what a call's figures and the alert rules read (what a window of recent calls keeps). */
export const PACKED_NUMBERS = 13;

/** The rest, which a parse thread hands over too: the rate-limit limits and resets, and a reported cost. */
const RL_REQUESTS_LIMIT = 0;
const RL_TOKENS_LIMIT = 1;
const RL_INPUT_LIMIT = 2;
const RL_OUTPUT_LIMIT = 3;
const RL_REQUESTS_RESET = 4;
const RL_TOKENS_RESET = 5;
const RL_INPUT_RESET = 6;
const RL_OUTPUT_RESET = 7;
const REPORTED_COST = 8;
export const PACKED_EXTRA_NUMBERS = 9;

/** Writes the record's numbers at `numbers[at …]`. */
export function packNumbers(record: CallRecord, numbers: Float64Array, at: number): void {
  numbers[at + TIME] = record.timestampMs;
  numbers[at + INPUT] = record.inputTokens;
  numbers[at + OUTPUT] = record.outputTokens;
  numbers[at + CACHE_READ] = record.cacheReadTokens;
  numbers[at + CACHE_WRITE] = record.cacheWriteTokens;
  numbers[at + CACHE_WRITE_1H] = record.cacheWrite1hTokens;
  numbers[at + LATENCY] = record.latencyMs;
  numbers[at + STATUS] = record.errorStatus ?? NaN;
  numbers[at + BATCH] = record.batch ? 1 : 0;
  numbers[at + RL_REQUESTS] = record.ratelimitRequestsRemaining ?? NaN;
  numbers[at + RL_TOKENS] = record.ratelimitTokensRemaining ?? NaN;
  numbers[at + RL_INPUT] = record.ratelimitInputTokensRemaining ?? NaN;
  numbers[at + RL_OUTPUT] = record.ratelimitOutputTokensRemaining ?? NaN;
}

/** Writes the numbers the packed record leaves out at `numbers[at …]` (PACKED_EXTRA_NUMBERS of them). */
export function packExtraNumbers(record: CallRecord, numbers: Float64Array, at: number): void {
  numbers[at + RL_REQUESTS_LIMIT] = record.ratelimitRequestsLimit ?? NaN;
  numbers[at + RL_TOKENS_LIMIT] = record.ratelimitTokensLimit ?? NaN;
  numbers[at + RL_INPUT_LIMIT] = record.ratelimitInputTokensLimit ?? NaN;
  numbers[at + RL_OUTPUT_LIMIT] = record.ratelimitOutputTokensLimit ?? NaN;
  numbers[at + REPORTED_COST] = record.reportedCostUsd ?? NaN;
  numbers[at + RL_REQUESTS_RESET] = record.ratelimitRequestsReset ?? NaN;
  numbers[at + RL_TOKENS_RESET] = record.ratelimitTokensReset ?? NaN;
  numbers[at + RL_INPUT_RESET] = record.ratelimitInputTokensReset ?? NaN;
  numbers[at + RL_OUTPUT_RESET] = record.ratelimitOutputTokensReset ?? NaN;
}

/** Reads the numbers written at `numbers[at …]` into `record`. */
export function unpackNumbers(numbers: Float64Array, at: number, record: MutableCallRecord): void {
  record.timestampMs = numbers[at + TIME] as number;
  record.inputTokens = numbers[at + INPUT] as number;
  record.outputTokens = numbers[at + OUTPUT] as number;
  record.cacheReadTokens = numbers[at + CACHE_READ] as number;
  record.cacheWriteTokens = numbers[at + CACHE_WRITE] as number;
  record.cacheWrite1hTokens = numbers[at + CACHE_WRITE_1H] as number;
  record.latencyMs = numbers[at + LATENCY] as number;
  record.errorStatus = orNull(numbers[at + STATUS] as number);
  record.batch = numbers[at + BATCH] === 1;
  record.ratelimitRequestsRemaining = orNull(numbers[at + RL_REQUESTS] as number);
  record.ratelimitTokensRemaining = orNull(numbers[at + RL_TOKENS] as number);
  record.ratelimitInputTokensRemaining = orNull(numbers[at + RL_INPUT] as number);
  record.ratelimitOutputTokensRemaining = orNull(numbers[at + RL_OUTPUT] as number);
}

/** Reads the numbers packExtraNumbers wrote at `numbers[at …]` into `record`. */
export function unpackExtraNumbers(numbers: Float64Array, at: number, record: MutableCallRecord): void {
  record.ratelimitRequestsLimit = orNull(numbers[at + RL_REQUESTS_LIMIT] as number);
  record.ratelimitTokensLimit = orNull(numbers[at + RL_TOKENS_LIMIT] as number);
  record.ratelimitInputTokensLimit = orNull(numbers[at + RL_INPUT_LIMIT] as number);
  record.ratelimitOutputTokensLimit = orNull(numbers[at + RL_OUTPUT_LIMIT] as number);
  record.reportedCostUsd = orNull(numbers[at + REPORTED_COST] as number);
  record.ratelimitRequestsReset = orNull(numbers[at + RL_REQUESTS_RESET] as number);
  record.ratelimitTokensReset = orNull(numbers[at + RL_TOKENS_RESET] as number);
  record.ratelimitInputTokensReset = orNull(numbers[at + RL_INPUT_RESET] as number);
  record.ratelimitOutputTokensReset = orNull(numbers[at + RL_OUTPUT_RESET] as number);
}

function orNull(value: number): number | null {
  return value === value ? value : null;
}

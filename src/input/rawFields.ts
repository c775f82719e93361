/**
 * The fields of a call record as found in the log, before validation: one slot per known key with its JSON kind
 * and value. Both the byte scanner (fast path) and the JSON.parse path (fallback) fill a RawFields, and one
 * validator turns it into a CallRecord, so the two paths cannot disagree on what a record means.
 */
import { hashBytesA, hashBytesB } from './byteHash.js';

/** Known keys, in slot order. */
export const FIELD_NAMES = [
  'timestamp',
  'request_id',
  'user_id',
  'feature',
  'model',
  'input_tokens',
  'output_tokens',
  'cached_tokens',
  'cache_read_input_tokens',
  'cache_creation_tokens',
  'cache_creation_input_tokens',
  'cache_creation_1h_tokens',
  'latency_ms',
  'stop_reason',
  'error',
  'error_status',
  'service_tier',
  'ratelimit_requests_remaining',
  'ratelimit_tokens_remaining',
  'ratelimit_input_tokens_remaining',
  'ratelimit_output_tokens_remaining',
  // Keys of structured-log wrappers whose value may hold the record (never record fields themselves).
  'message',
  'msg',
  'log',
  'jsonPayload',
] as const;

export type FieldName = (typeof FIELD_NAMES)[number];

export const F = Object.fromEntries(FIELD_NAMES.map((name, slot) => [name, slot])) as {
  readonly [K in FieldName]: number;
};

export const FIELD_COUNT = FIELD_NAMES.length;

/** Slots whose presence makes an object a call record (anything else is noise: health checks, other events). */
export const RECORD_KEY_MASK = maskOf([
  'latency_ms',
  'input_tokens',
  'output_tokens',
  'cached_tokens',
  'cache_read_input_tokens',
  'cache_creation_tokens',
  'cache_creation_input_tokens',
  'stop_reason',
]);
export const WRAPPER_KEY_MASK = maskOf(['message', 'msg', 'log', 'jsonPayload']);

function maskOf(names: readonly FieldName[]): number {
  let mask = 0;
  for (const name of names) mask |= 1 << F[name];
  return mask;
}

export const KIND_ABSENT = 0;
export const KIND_NULL = 1;
export const KIND_NUMBER = 2;
export const KIND_STRING = 3;
export const KIND_TRUE = 4;
export const KIND_FALSE = 5;
/** An object or array. */
export const KIND_OTHER = 6;

export class RawFields {
  readonly kinds = new Uint8Array(FIELD_COUNT);
  readonly nums = new Float64Array(FIELD_COUNT);
  readonly strs: (string | undefined)[] = new Array<string | undefined>(FIELD_COUNT).fill(undefined);
  /** Bit per slot seen. */
  seen = 0;
  /** For a string timestamp: TS_* kind and ms from parseIsoTimestamp. */
  timestampKind = 0;
  readonly timestamp = { ms: 0 };
  /** Whether request ids are hashed at all (not with --no-dedupe). */
  hashRequestIds = true;
  /** 64-bit hash of the request id's UTF-8 bytes, valid when the request_id slot holds a string. */
  requestIdHashA = 0;
  requestIdHashB = 0;

  reset(): void {
    this.kinds.fill(KIND_ABSENT);
    this.seen = 0;
    this.strs[0] = undefined; // the timestamp's text is kept only when it fails to parse

  }

  setRequestIdHash(bytes: Uint8Array, start: number, end: number): void {
    this.requestIdHashA = hashBytesA(bytes, start, end);
    this.requestIdHashB = hashBytesB(bytes, start, end);
  }
}

/** Byte-level key lookup for the scanner: slot of the key in bytes [start, end), or -1. */
export function slotOfKey(bytes: Uint8Array, start: number, end: number): number {
  const candidates = KEYS_BY_LENGTH[end - start];
  if (candidates === undefined) return -1;
  outer: for (let c = 0; c < candidates.length; c++) {
    const key = candidates[c] as Uint8Array;
    for (let i = 0; i < key.length; i++) {
      if (key[i] !== bytes[start + i]) continue outer;
    }
    return SLOTS_BY_LENGTH[end - start]![c] as number;
  }
  return -1;
}

const KEYS_BY_LENGTH: (Uint8Array[] | undefined)[] = [];
const SLOTS_BY_LENGTH: (number[] | undefined)[] = [];
FIELD_NAMES.forEach((name, slot) => {
  const bytes = Buffer.from(name, 'latin1');
  (KEYS_BY_LENGTH[bytes.length] ??= []).push(bytes);
  (SLOTS_BY_LENGTH[bytes.length] ??= []).push(slot);
});

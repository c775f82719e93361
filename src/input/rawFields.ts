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
  // Keys of structured-log wrappers whose value may hold the record (never record fields themselves).
  'message',
  'msg',
  'log',
  'jsonPayload',
  'event',
  'text',
  'record',
  // The anthropic-ratelimit-* headers.
  'ratelimit_requests_remaining',
  'ratelimit_tokens_remaining',
  'ratelimit_input_tokens_remaining',
  'ratelimit_output_tokens_remaining',
  'ratelimit_requests_limit',
  'ratelimit_tokens_limit',
  'ratelimit_input_tokens_limit',
  'ratelimit_output_tokens_limit',
  // Past slot 31, without a bit in `seen`: a wrapper that only ever holds an object (loguru's), which the byte
  // scanner leaves to the general path whatever the mask says; and the cost a proxy reported (LiteLLM's).
  'extra',
  'reported_cost_usd',
  // When each limit is full again (RFC 3339): read only beside a remaining or limit value.
  'ratelimit_requests_reset',
  'ratelimit_tokens_reset',
  'ratelimit_input_tokens_reset',
  'ratelimit_output_tokens_reset',
] as const;

export type FieldName = (typeof FIELD_NAMES)[number];

export const F = Object.fromEntries(FIELD_NAMES.map((name, slot) => [name, slot])) as {
  readonly [K in FieldName]: number;
};

export const FIELD_COUNT = FIELD_NAMES.length;

/**
 * Keys that fill a slot of another name. A line that holds two names of one field keeps the value of the later
 * one, as JSON keeps the later of a key written twice.
 */
export const KEY_ALIASES: readonly (readonly [alias: string, field: FieldName])[] = rateLimitAliases();

/** The headers' other spellings: `rate_limit_*`, and the header names themselves (with '-' or '_'). */
function rateLimitAliases(): [string, FieldName][] {
  const aliases: [string, FieldName][] = [];
  for (const limit of ['requests', 'tokens', 'input_tokens', 'output_tokens']) {
    for (const suffix of ['remaining', 'limit', 'reset']) {
      const field = `ratelimit_${limit}_${suffix}` as FieldName;
      aliases.push([`rate_limit_${limit}_${suffix}`, field]);
      aliases.push([`anthropic_ratelimit_${limit}_${suffix}`, field]);
      aliases.push([`anthropic-ratelimit-${limit.replace('_', '-')}-${suffix}`, field]);
    }
  }
  return aliases;
}

/** Every key a record or wrapper is read from, with its slot. */
export const SLOT_OF_KEY: ReadonlyMap<string, number> = new Map([
  ...FIELD_NAMES.map((name, slot) => [name, slot] as const),
  ...KEY_ALIASES.map(([alias, field]) => [alias, F[field]] as const),
]);

/** The bit of each slot in `seen`: the first 32 slots have one. */
export const SEEN_BIT = Int32Array.from(FIELD_NAMES, (_, slot) => (slot < 32 ? 1 << slot : 0));

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
/** The slots of a record's own fields (not wrappers, not rate-limit headers): what a near miss is measured by. */
export const RECORD_FIELD_MASK = maskOf(FIELD_NAMES.slice(0, F.service_tier + 1));

/** How many fields a `seen` mask holds. */
export function fieldCount(seen: number): number {
  let count = 0;
  for (let bits = seen; bits !== 0; bits &= bits - 1) count++;
  return count;
}

/** The names of the record fields in a `seen` mask, in slot order. */
export function recordFieldsIn(seen: number): string[] {
  const names: string[] = [];
  for (let slot = 0; slot <= F.service_tier; slot++) if ((seen & (1 << slot)) !== 0) names.push(FIELD_NAMES[slot] as string);
  return names;
}

/** Structured-log wrappers, in the order they are tried: the first that holds a record wins. */
export const WRAPPER_NAMES = ['message', 'msg', 'log', 'jsonPayload', 'event', 'text', 'record', 'extra'] as const;
export const WRAPPER_KEY_MASK = maskOf(WRAPPER_NAMES.filter((name) => F[name] < 32));
/** The rate-limit headers' remaining and limit values: a line without one skips reading them all. */
export const RATE_LIMIT_KEY_MASK = maskOf(FIELD_NAMES.filter((name) => name.startsWith('ratelimit_') && !name.endsWith('_reset')));

function maskOf(names: readonly FieldName[]): number {
  let mask = 0;
  for (const name of names) {
    if (F[name] >= 32) throw new Error(`${name} has no bit in RawFields.seen`);
    mask |= 1 << F[name];
  }
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
SLOT_OF_KEY.forEach((slot, name) => {
  const bytes = Buffer.from(name, 'latin1');
  (KEYS_BY_LENGTH[bytes.length] ??= []).push(bytes);
  (SLOTS_BY_LENGTH[bytes.length] ??= []).push(slot);
});

/**
 * Validation at the boundary: RawFields (what the log said) → CallRecord (what the rest of the program trusts),
 * or the reason the line is rejected (`invalid_record:<field>`). docs/definitions.md ("Record") is the contract.
 */
import { MutableCallRecord } from '../core/packedRecord.js';
import {
  F,
  FIELD_NAMES,
  KIND_ABSENT,
  KIND_FALSE,
  KIND_NULL,
  KIND_NUMBER,
  KIND_OTHER,
  KIND_STRING,
  KIND_TRUE,
  RawFields,
  SEEN_BIT,
  SLOT_OF_KEY,
} from './rawFields.js';
import { epochToMs, parseIsoTimestamp, TS_LOCAL, TS_UTC } from '../core/timestamp.js';
import { readRateLimitHeaders } from './rateLimitFields.js';

/** Converts a wall-clock time read as if UTC (a timestamp without offset) to an instant, in --tz. */
export type LocalToUtc = (localMs: number) => number;

/** A CallRecord the readers overwrite for every line: consumers read it synchronously and never keep it. */
export class ScratchRecord extends MutableCallRecord {}

const INVALID = FIELD_NAMES.map((name) => `invalid_record:${name}`);
const NOT_A_TOKEN_COUNT = -1;
/** Years 0001–9999: what ISO 8601 without extensions and every formatter downstream can represent. */
const EARLIEST_MS = -62_135_596_800_000; // 0001-01-01T00:00:00Z (Date.UTC maps years 0–99 to 1900–1999)
const LATEST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Fills `out` from `raw`; returns null when valid, else the reject reason. */
export function validateRecord(raw: RawFields, localToUtc: LocalToUtc, out: ScratchRecord): string | null {
  if (!readTimestampInto(raw, localToUtc, out)) return INVALID[F.timestamp] as string;

  const latency = raw.nums[F.latency_ms] as number;
  // Latencies are kept as integer µs: beyond 2^53 µs (285 years) a number is a corrupt field, not a latency.
  if (raw.kinds[F.latency_ms] !== KIND_NUMBER || !(latency >= 0) || latency * 1000 > Number.MAX_SAFE_INTEGER) {
    return INVALID[F.latency_ms] as string;
  }
  out.latencyMs = latency + 0; // -0 → 0

  const input = readTokens(raw, F.input_tokens);
  if (input === NOT_A_TOKEN_COUNT) return INVALID[F.input_tokens] as string;
  const output = readTokens(raw, F.output_tokens);
  if (output === NOT_A_TOKEN_COUNT) return INVALID[F.output_tokens] as string;
  const readSlot = preferred(raw, F.cached_tokens, F.cache_read_input_tokens);
  const cacheRead = readTokens(raw, readSlot);
  if (cacheRead === NOT_A_TOKEN_COUNT) return INVALID[readSlot] as string;
  const writeSlot = preferred(raw, F.cache_creation_tokens, F.cache_creation_input_tokens);
  const cacheWrite = readTokens(raw, writeSlot);
  if (cacheWrite === NOT_A_TOKEN_COUNT) return INVALID[writeSlot] as string;
  const cacheWrite1h = readTokens(raw, F.cache_creation_1h_tokens);
  if (cacheWrite1h === NOT_A_TOKEN_COUNT) return INVALID[F.cache_creation_1h_tokens] as string;
  out.inputTokens = input;
  out.outputTokens = output;
  out.cacheReadTokens = cacheRead;
  // The 1h split is part of the writes; a logger that only logs the split still wrote those tokens.
  out.cacheWriteTokens = cacheWrite > cacheWrite1h ? cacheWrite : cacheWrite1h;
  out.cacheWrite1hTokens = cacheWrite1h;

  const userId = readLabel(raw, F.user_id, 'anonymous');
  if (userId === undefined) return INVALID[F.user_id] as string;
  const feature = readLabel(raw, F.feature, 'unknown');
  if (feature === undefined) return INVALID[F.feature] as string;
  const model = readLabel(raw, F.model, 'unknown');
  if (model === undefined) return INVALID[F.model] as string;
  out.userId = userId;
  out.feature = feature;
  out.model = model;

  // Optional fields describe the call; a malformed one is read as absent rather than losing the call (docs/definitions.md, "Record").
  const stopReason = readOptionalString(raw, F.stop_reason);
  const serviceTier = readOptionalString(raw, F.service_tier);
  const error = readError(raw);
  const errorStatus = readStatus(raw);
  out.stopReason = stopReason;
  out.batch = serviceTier === 'batch';
  out.error = error;
  out.errorStatus = errorStatus;

  const reported = raw.nums[F.reported_cost_usd] as number;
  out.reportedCostUsd = raw.kinds[F.reported_cost_usd] === KIND_NUMBER && reported >= 0 && Number.isFinite(reported) ? reported : null;
  readRateLimitHeaders(raw, out);
  return null;
}

/**
 * Sets `out.timestampMs`; false when the line has no timestamp in years 0001–9999. It writes the time rather than
 * return it: a number with a fraction returned by a call is a new heap number, once a line.
 */
function readTimestampInto(raw: RawFields, localToUtc: LocalToUtc, out: ScratchRecord): boolean {
  const kind = raw.kinds[F.timestamp];
  let ms: number;
  if (kind === KIND_NUMBER) ms = epochToMs(raw.nums[F.timestamp] as number);
  else if (kind !== KIND_STRING) return false;
  else if (raw.timestampKind === TS_UTC) ms = raw.timestamp.ms;
  else if (raw.timestampKind === TS_LOCAL) ms = localToUtc(raw.timestamp.ms);
  else return false;
  if (!(ms >= EARLIEST_MS && ms <= LATEST_MS)) return false;
  out.timestampMs = ms;
  return true;
}

/** The canonical key when it holds a value, else its alias. */
function preferred(raw: RawFields, canonical: number, alias: number): number {
  const kind = raw.kinds[canonical];
  return kind === KIND_ABSENT || kind === KIND_NULL ? alias : canonical;
}

function readTokens(raw: RawFields, slot: number): number {
  const kind = raw.kinds[slot];
  if (kind === KIND_ABSENT || kind === KIND_NULL) return 0;
  if (kind !== KIND_NUMBER) return NOT_A_TOKEN_COUNT;
  const value = raw.nums[slot] as number;
  // Above 2^53 a JSON integer has already been rounded by the parser: reject rather than count a wrong number.
  if (!Number.isSafeInteger(value) || value < 0) return NOT_A_TOKEN_COUNT;
  return value + 0;
}

/** A grouping label: string or number; missing, null or "" → fallback; anything else → undefined (invalid). */
function readLabel(raw: RawFields, slot: number, fallback: string): string | undefined {
  switch (raw.kinds[slot]) {
    case KIND_STRING: {
      const text = raw.strs[slot] as string;
      return text === '' ? fallback : text;
    }
    case KIND_NUMBER:
      return String(raw.nums[slot]);
    case KIND_ABSENT:
    case KIND_NULL:
      return fallback;
    default:
      return undefined;
  }
}

/** string → itself; anything else → null. */
function readOptionalString(raw: RawFields, slot: number): string | null {
  return raw.kinds[slot] === KIND_STRING ? (raw.strs[slot] as string) : null;
}

/**
 * The SDK exception class name. Loggers also write `true`, or an object ({type|name: ...}: see fillFromObject);
 * any other value that is present and not false is an error of unknown type.
 */
function readError(raw: RawFields): string | null {
  switch (raw.kinds[F.error]) {
    case KIND_STRING: {
      const text = raw.strs[F.error] as string;
      return text === '' ? null : text;
    }
    case KIND_ABSENT:
    case KIND_NULL:
    case KIND_FALSE:
      return null;
    case KIND_TRUE:
      return 'error';
    case KIND_NUMBER:
      return String(raw.nums[F.error]);
    default:
      return 'error';
  }
}

/** An HTTP status 100–999, as a number or a three-digit string; anything else → null. */
function readStatus(raw: RawFields): number | null {
  const kind = raw.kinds[F.error_status];
  if (kind === KIND_ABSENT || kind === KIND_NULL) return null;
  let value = NaN;
  if (kind === KIND_NUMBER) value = raw.nums[F.error_status] as number;
  else if (kind === KIND_STRING && /^\d{3}$/.test(raw.strs[F.error_status] as string)) value = Number(raw.strs[F.error_status]);
  return Number.isInteger(value) && value >= 100 && value <= 999 ? value : null;
}

/** General path: fill RawFields from a parsed JSON object. */
export function fillFromObject(value: object, raw: RawFields): void {
  raw.reset();
  const object = value as Record<string, unknown>;
  // In the object's key order, so that of two names of one field the later wins, as in the byte scanner.
  for (const name of Object.keys(object)) {
    const slot = SLOT_OF_KEY.get(name);
    if (slot === undefined) continue;
    raw.seen |= SEEN_BIT[slot] as number;
    const field = object[name];
    if (typeof field === 'number') {
      raw.kinds[slot] = KIND_NUMBER;
      raw.nums[slot] = field;
    } else if (typeof field === 'string') {
      raw.kinds[slot] = slot === F.request_id && field === '' ? KIND_NULL : KIND_STRING;
      raw.strs[slot] = field;
      if (slot === F.timestamp || slot === F.request_id) {
        const bytes = Buffer.from(field, 'utf8');
        if (slot === F.timestamp) raw.timestampKind = parseIsoTimestamp(bytes, 0, bytes.length, raw.timestamp);
        else raw.setRequestIdHash(bytes, 0, bytes.length);
      }
    } else if (field === null) {
      raw.kinds[slot] = KIND_NULL;
    } else if (typeof field === 'boolean') {
      raw.kinds[slot] = field ? KIND_TRUE : KIND_FALSE;
    } else if (slot === F.error && typeof field === 'object') {
      raw.kinds[slot] = KIND_STRING;
      raw.strs[slot] = errorTypeOf(field as Record<string, unknown>);
    } else {
      raw.kinds[slot] = KIND_OTHER;
    }
  }
}

function errorTypeOf(error: Record<string, unknown>): string {
  for (const key of ['type', 'name', 'class']) {
    const value = Object.hasOwn(error, key) ? error[key] : undefined;
    if (typeof value === 'string' && value !== '') return value;
  }
  return 'error';
}

const EXPECTED: Partial<Record<string, string>> = {
  timestamp: 'an ISO 8601 time or an epoch number',
  latency_ms: 'a non-negative number (of ms, below 9e12)',
  user_id: 'a string',
  feature: 'a string',
  model: 'a string',
};

/** "latency_ms: expected a non-negative number, got "12ms"", for --strict and --verbose. */
export function describeInvalidField(raw: RawFields, reason: string): string {
  const name = reason.slice('invalid_record:'.length);
  const slot = (F as Record<string, number | undefined>)[name];
  if (slot === undefined) return reason;
  const expected = EXPECTED[name] ?? 'a non-negative integer below 2^53';
  return `${name}: expected ${expected}, got ${describeRaw(raw, slot)}`;
}

function describeRaw(raw: RawFields, slot: number): string {
  switch (raw.kinds[slot]) {
    case KIND_ABSENT:
      return 'nothing (the key is missing)';
    case KIND_NULL:
      return 'null';
    case KIND_NUMBER: {
      const value = raw.nums[slot] as number;
      // Past 2^53 the parsed number is already rounded: printing it would misquote the log.
      return Math.abs(value) > Number.MAX_SAFE_INTEGER ? `a number beyond 2^53 (about ${value.toPrecision(6)})` : String(value);
    }
    case KIND_STRING:
      return raw.strs[slot] === undefined ? 'a string' : JSON.stringify((raw.strs[slot] as string).slice(0, 60));
    case KIND_TRUE:
      return 'true';
    case KIND_FALSE:
      return 'false';
    default:
      return 'an object or array';
  }
}

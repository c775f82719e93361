/**
 * The hot path: reads a flat JSON object (`{"key": scalar, ...}`) straight from bytes into RawFields, without
 * JSON.parse, without decoding keys, and interning repeated string values. It handles what real call logs look
 * like — Python's json.dumps spacing included — and gives up (returns false) on anything else: escapes, nested
 * values, odd numbers, trailing text. The caller then uses JSON.parse on that one line, so both paths accept
 * exactly the same inputs and a differential test (test/input/flatScanner.test.ts) holds them to it.
 */
import { type ByteInterner, FNV_OFFSET, FNV_PRIME, SECOND_PRIME, SECOND_SEED } from './byteHash.js';
import {
  FIELD_COUNT,
  FIELD_NAMES,
  KIND_FALSE,
  KIND_NULL,
  KIND_NUMBER,
  KIND_STRING,
  KIND_TRUE,
  type RawFields,
  SEEN_BIT,
  slotOfKey,
  WRAPPER_NAMES,
} from './rawFields.js';
import { parseIsoTimestamp, TS_INVALID } from '../core/timestamp.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const CLOSE = 0x7d;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/** 10^k for k ≤ 22 are exact doubles: m / 10^k with m < 2^53 is then one correctly rounded division, as JSON.parse. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/** Scans the object starting at bytes[start] === '{' and ending the line at `end`. */
export function scanFlatObject(
  bytes: Buffer,
  start: number,
  end: number,
  raw: RawFields,
  interner: ByteInterner,
): boolean {
  if (bytes[start] !== 0x7b) return false;
  let p = skipSpace(bytes, start + 1, end);
  if (bytes[p] === CLOSE) return skipSpace(bytes, p + 1, end) === end;
  let previous: number = FIELD_COUNT; // "start of object" in the key-order prediction
  for (;;) {
    if (bytes[p] !== QUOTE) return false;
    const keyStart = p + 1;
    // Logs write their keys in the same order on every line: try the key that followed last time first.
    let slot = NEXT_KEY[previous] as number;
    let keyEnd = slot >= 0 ? keyEndIfMatches(bytes, keyStart, end, slot) : -1;
    if (keyEnd < 0) {
      keyEnd = endOfString(bytes, keyStart, end);
      if (keyEnd < 0) return false;
      slot = slotOfKey(bytes, keyStart, keyEnd);
      NEXT_KEY[previous] = slot;
    }
    previous = slot < 0 ? FIELD_COUNT + 1 : slot;
    p = skipSpace(bytes, keyEnd + 1, end);
    if (bytes[p] !== COLON) return false;
    p = skipSpace(bytes, p + 1, end);
    if (p >= end) return false;
    const first = bytes[p] as number;
    if (first === QUOTE) {
      const mode = slot < 0 ? STRING_SKIPPED : (STRING_MODE[slot] as number);
      const valueEnd =
        mode === STRING_INTERNED
          ? endOfHashedString(bytes, p + 1, end)
          : mode === STRING_REQUEST_ID && raw.hashRequestIds
            ? endOfIdString(bytes, p + 1, end)
            : endOfString(bytes, p + 1, end);
      if (valueEnd < 0) return false;
      if (mode !== STRING_SKIPPED && !storeString(bytes, p + 1, valueEnd, slot, mode, raw, interner)) return false;
      p = valueEnd + 1;
    } else if (first === MINUS || (first >= ZERO && first <= NINE)) {
      p = scanNumber(bytes, p, end, slot, raw);
      if (p < 0) return false;
    } else if (first === 0x6e && p + 4 <= end && bytes[p + 1] === 0x75 && bytes[p + 2] === 0x6c && bytes[p + 3] === 0x6c) {
      if (slot >= 0) setKind(raw, slot, KIND_NULL); // null
      p += 4;
    } else if (first === 0x74 && p + 4 <= end && bytes[p + 1] === 0x72 && bytes[p + 2] === 0x75 && bytes[p + 3] === 0x65) {
      if (slot >= 0) setKind(raw, slot, KIND_TRUE); // true
      p += 4;
    } else if (first === 0x66 && p + 5 <= end && bytes[p + 1] === 0x61 && bytes[p + 2] === 0x6c && bytes[p + 3] === 0x73 && bytes[p + 4] === 0x65) {
      if (slot >= 0) setKind(raw, slot, KIND_FALSE); // false
      p += 5;
    } else {
      return false; // nested object or array, or not JSON: the general path decides
    }
    p = skipSpace(bytes, p, end);
    const delimiter = bytes[p];
    if (delimiter === COMMA) {
      p = skipSpace(bytes, p + 1, end);
    } else if (delimiter === CLOSE) {
      return skipSpace(bytes, p + 1, end) === end;
    } else {
      return false;
    }
  }
}

/** Predicted slot of the key after each slot (FIELD_COUNT: the first key; FIELD_COUNT + 1: after an unknown key). */
const NEXT_KEY = new Int8Array(FIELD_COUNT + 2).fill(-1);
const KEY_BYTES = FIELD_NAMES.map((name) => Buffer.from(name, 'latin1'));

/** The index of the closing quote when the key at p is exactly `key`, else -1. */
function keyEndIfMatches(bytes: Buffer, p: number, end: number, slot: number): number {
  const key = KEY_BYTES[slot] as Uint8Array;
  const length = key.length;
  if (p + length >= end || bytes[p + length] !== QUOTE) return -1;
  // Four bytes at a time: keys are most of a line's bytes, and every one of them must be checked.
  if (bytes !== viewed) {
    viewed = bytes;
    view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  const words = KEY_WORDS[slot] as Int32Array;
  let i = 0;
  for (let w = 0; w < words.length; w++, i += 4) if (view.getInt32(p + i, true) !== words[w]) return -1;
  for (; i < length; i++) if (bytes[p + i] !== key[i]) return -1;
  return p + length;
}

let viewed: Buffer | undefined;
let view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
/** Each key's bytes as little-endian 32-bit words (its last length % 4 bytes are compared one by one). */
const KEY_WORDS = KEY_BYTES.map((key) => {
  const words = new Int32Array(Math.floor(key.length / 4));
  for (let w = 0; w < words.length; w++) words[w] = key.readInt32LE(4 * w);
  return words;
});

function setKind(raw: RawFields, slot: number, kind: number): void {
  raw.kinds[slot] = kind;
  raw.seen |= SEEN_BIT[slot] as number;
}

function skipSpace(bytes: Uint8Array, p: number, end: number): number {
  while (p < end) {
    const b = bytes[p] as number;
    // One comparison in the common case: every JSON structural character is above 0x20.
    if (b > 0x20 || (b !== 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0a)) break;
    p++;
  }
  return p;
}

/** Index of the closing quote of a string starting at p, or -1 for escapes or control characters (general path). */
function endOfString(bytes: Uint8Array, p: number, end: number): number {
  for (; p < end; p++) {
    const b = bytes[p] as number;
    if (b === QUOTE) return p;
    if (b === BACKSLASH || b < 0x20) return -1;
  }
  return -1;
}

/** Hashes of the last string scanned by endOfHashedString/endOfIdString (module state: no allocation per call). */
let stringHashA = 0;
let stringHashB = 0;
let stringIsAscii = true;

/** endOfString that also computes hashBytesA of the string, for the interner. */
function endOfHashedString(bytes: Uint8Array, p: number, end: number): number {
  let a = FNV_OFFSET;
  for (; p < end; p++) {
    const byte = bytes[p] as number;
    if (byte === QUOTE) {
      stringHashA = a | 0;
      return p;
    }
    if (byte === BACKSLASH || byte < 0x20) return -1;
    a = Math.imul(a ^ byte, FNV_PRIME);
  }
  return -1;
}

/** endOfString for a request id: both halves of its 64-bit hash, and whether it is ASCII. */
function endOfIdString(bytes: Uint8Array, p: number, end: number): number {
  let a = FNV_OFFSET;
  let b = SECOND_SEED;
  let high = 0;
  for (; p < end; p++) {
    const byte = bytes[p] as number;
    if (byte === QUOTE) {
      stringHashA = a | 0;
      stringHashB = b | 0;
      stringIsAscii = high < 0x80;
      return p;
    }
    if (byte === BACKSLASH || byte < 0x20) return -1;
    a = Math.imul(a ^ byte, FNV_PRIME);
    b = Math.imul(b ^ byte, SECOND_PRIME) ^ (b >>> 13);
    high |= byte;
  }
  return -1;
}

/** What the scanner does with a string value, by slot (the WebAssembly scanner reads the same table). */
export const STRING_SKIPPED = 0;
export const STRING_INTERNED = 1;
export const STRING_REQUEST_ID = 2;
export const STRING_TIMESTAMP = 3;
export const STRING_DECODED = 4;
export const STRING_WRAPPER = 5;
export const STRING_MODE = FIELD_NAMES.map((name): number => {
  if ((WRAPPER_NAMES as readonly string[]).includes(name)) return STRING_WRAPPER;
  switch (name) {
    case 'user_id':
    case 'feature':
    case 'model':
    case 'stop_reason':
    case 'error':
    case 'service_tier':
      return STRING_INTERNED; // few distinct values, on most lines
    case 'request_id':
      return STRING_REQUEST_ID;
    case 'timestamp':
      return STRING_TIMESTAMP;
    default:
      return STRING_DECODED; // a number field holding a string (invalid, decoded for the message), or a rate-limit header's
  }
});

function storeString(
  bytes: Buffer,
  start: number,
  end: number,
  slot: number,
  mode: number,
  raw: RawFields,
  interner: ByteInterner,
): boolean {
  setKind(raw, slot, KIND_STRING);
  switch (mode) {
    case STRING_INTERNED:
      raw.strs[slot] = interner.intern(bytes, start, end, stringHashA);
      return true;
    case STRING_TIMESTAMP:
      raw.timestampKind = parseIsoTimestamp(bytes, start, end, raw.timestamp);
      if (raw.timestampKind === TS_INVALID) raw.strs[slot] = bytes.toString('utf8', start, end);
      return true;
    case STRING_REQUEST_ID:
      if (start === end) raw.kinds[slot] = KIND_NULL; // an empty id identifies nothing
      else if (raw.hashRequestIds) {
        // Hash only ASCII ids here; others take the general path, which hashes the decoded text's UTF-8 bytes.
        if (!stringIsAscii) return false;
        raw.requestIdHashA = stringHashA;
        raw.requestIdHashB = stringHashB;
      }
      return true;
    case STRING_WRAPPER:
      // A wrapper holding a string with an object in it: the general path unwraps it. Without a brace the string is
      // text (structlog's `"event": "llm_call"` beside the record's fields), and the line stays on this path.
      for (let p = start; p < end; p++) if (bytes[p] === 0x7b) return false;
      return true;
    default:
      raw.strs[slot] = bytes.toString('utf8', start, end);
      return true;
  }
}

/**
 * A JSON number (strict grammar: no leading zeros, no bare '.', no '+'). Returns the index after it, or -1.
 * Values with up to 15 significant digits and 22 decimals are computed exactly; others go through Number().
 */
function scanNumber(bytes: Buffer, p: number, end: number, slot: number, raw: RawFields): number {
  const start = p;
  let negative = false;
  if (bytes[p] === MINUS) {
    negative = true;
    p++;
  }
  let mantissa = 0;
  let digits = 0;
  let decimals = 0;
  let b = bytes[p] as number;
  if (p >= end || b < ZERO || b > NINE) return -1;
  if (b === ZERO) {
    p++;
    b = bytes[p] as number;
    if (p < end && b >= ZERO && b <= NINE) return -1; // leading zero
  } else {
    while (p < end && b >= ZERO && b <= NINE) {
      mantissa = mantissa * 10 + (b - ZERO);
      digits++;
      b = bytes[++p] as number;
    }
  }
  if (p < end && b === DOT) {
    b = bytes[++p] as number;
    if (p >= end || b < ZERO || b > NINE) return -1;
    while (p < end && b >= ZERO && b <= NINE) {
      mantissa = mantissa * 10 + (b - ZERO);
      digits++;
      decimals++;
      b = bytes[++p] as number;
    }
  }
  let exact = digits <= 15 && decimals <= 22;
  if (p < end && (b === 0x65 || b === 0x45)) {
    exact = false;
    b = bytes[++p] as number;
    if (b === 0x2b || b === MINUS) b = bytes[++p] as number;
    if (p >= end || b < ZERO || b > NINE) return -1;
    while (p < end && b >= ZERO && b <= NINE) b = bytes[++p] as number;
  }
  if (slot >= 0) {
    let value: number;
    if (exact) {
      value = decimals === 0 ? mantissa : mantissa / (POW10[decimals] as number);
      if (negative) value = -value;
    } else {
      value = Number(bytes.toString('latin1', start, p));
    }
    setKind(raw, slot, KIND_NUMBER);
    raw.nums[slot] = value;
  }
  return p;
}

/**
 * The hot path: reads a flat JSON object (`{"key": scalar, ...}`) straight from bytes into RawFields, without
 * JSON.parse, without decoding keys, and interning repeated string values. It handles what real call logs look
 * like — Python's json.dumps spacing included — and gives up (returns false) on anything else: escapes, nested
 * values, odd numbers, trailing text. The caller then uses JSON.parse on that one line, so both paths accept
 * exactly the same inputs and a differential test (test/input/flatScanner.test.ts) holds them to it.
 */
import type { ByteInterner } from './byteHash.js';
import { F, KIND_FALSE, KIND_NULL, KIND_NUMBER, KIND_STRING, KIND_TRUE, type RawFields, slotOfKey } from './rawFields.js';
import { parseIsoTimestamp, TS_INVALID } from './timestamp.js';

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
  for (;;) {
    if (bytes[p] !== QUOTE) return false;
    const keyStart = p + 1;
    const keyEnd = endOfString(bytes, keyStart, end);
    if (keyEnd < 0) return false;
    const slot = slotOfKey(bytes, keyStart, keyEnd);
    p = skipSpace(bytes, keyEnd + 1, end);
    if (bytes[p] !== COLON) return false;
    p = skipSpace(bytes, p + 1, end);
    if (p >= end) return false;
    const first = bytes[p] as number;
    if (first === QUOTE) {
      const valueEnd = endOfString(bytes, p + 1, end);
      if (valueEnd < 0) return false;
      if (slot >= 0 && !storeString(bytes, p + 1, valueEnd, slot, raw, interner)) return false;
      p = valueEnd + 1;
    } else if (first === MINUS || (first >= ZERO && first <= NINE)) {
      p = scanNumber(bytes, p, end, slot, raw);
      if (p < 0) return false;
    } else if (first === 0x6e /* n */ && matches(bytes, p, end, NULL_BYTES)) {
      if (slot >= 0) setKind(raw, slot, KIND_NULL);
      p += 4;
    } else if (first === 0x74 /* t */ && matches(bytes, p, end, TRUE_BYTES)) {
      if (slot >= 0) setKind(raw, slot, KIND_TRUE);
      p += 4;
    } else if (first === 0x66 /* f */ && matches(bytes, p, end, FALSE_BYTES)) {
      if (slot >= 0) setKind(raw, slot, KIND_FALSE);
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

const NULL_BYTES = Buffer.from('null');
const TRUE_BYTES = Buffer.from('true');
const FALSE_BYTES = Buffer.from('false');

function matches(bytes: Uint8Array, p: number, end: number, word: Uint8Array): boolean {
  if (p + word.length > end) return false;
  for (let i = 0; i < word.length; i++) if (bytes[p + i] !== word[i]) return false;
  return true;
}

function setKind(raw: RawFields, slot: number, kind: number): void {
  raw.kinds[slot] = kind;
  raw.seen |= 1 << slot;
}

function skipSpace(bytes: Uint8Array, p: number, end: number): number {
  while (p < end) {
    const b = bytes[p];
    if (b !== 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0a) break;
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

function storeString(
  bytes: Buffer,
  start: number,
  end: number,
  slot: number,
  raw: RawFields,
  interner: ByteInterner,
): boolean {
  setKind(raw, slot, KIND_STRING);
  if (slot === F.timestamp) {
    raw.timestampKind = parseIsoTimestamp(bytes, start, end, raw.timestamp);
    if (raw.timestampKind === TS_INVALID) raw.strs[slot] = bytes.toString('utf8', start, end);
  } else if (slot === F.request_id) {
    // Hash only ASCII ids here; others take the general path, which hashes the decoded text's UTF-8 bytes.
    for (let i = start; i < end; i++) if ((bytes[i] as number) >= 0x80) return false;
    if (start === end) raw.kinds[slot] = KIND_NULL; // an empty id identifies nothing
    else raw.setRequestIdHash(bytes, start, end);
  } else if (slot >= F.message) {
    return false; // a wrapper key holding a string: the general path unwraps it
  } else {
    raw.strs[slot] = interner.intern(bytes, start, end);
  }
  return true;
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

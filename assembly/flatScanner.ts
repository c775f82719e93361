// The byte scanner of src/input/flatScanner.ts in WebAssembly (AssemblyScript): reads a flat JSON object
// (`{"key": scalar, ...}`) from linear memory and writes what it found as entries, one per known key, for
// src/input/wasmScanner.ts to put into a RawFields. It gives up (returns 0) where the JavaScript scanner does —
// escapes, nested values, odd numbers, trailing text — and also past maxEntries entries; two decisions are left to
// the JavaScript side (a wrapper holding a '{', a request id that is not ASCII). test/input/wasmScanner.test.ts
// holds the two scanners to the same RawFields, accepted or not, on every fixture and on fuzzed lines. Memory is
// laid out by the caller: the key table, the interner, the entries and the bytes scanned live where it says.

// Entry layout (ENTRY_BYTES each, from the entries' base): slot u8, kind u8, flags u8, timestamp kind u8; hashA
// i32; then a number's f64 value, or a string's start u32 and end u32; then by kind and mode: a number's start
// u32 and end u32, a request id's hashB i32, an interned string's id u32 (NOT_INTERNED: none), a timestamp's
// f64 instant.
import { intern } from './interner';
import { parseIsoTimestamp, timestampMs } from './timestamp';

export { initInterner, INTERN_AREA_BYTES, NOT_INTERNED } from './interner';

// The layout the JavaScript side reads, exported so that it can check it is reading this build's.
export const ENTRY_BYTES: u32 = 24;
export const KIND_NULL: u8 = 1;
export const KIND_NUMBER: u8 = 2;
export const KIND_STRING: u8 = 3;
export const KIND_TRUE: u8 = 4;
export const KIND_FALSE: u8 = 5;
/** Entry flags: a request id of ASCII bytes only; a number computed exactly here (else JavaScript reads its text). */
export const FLAG_ASCII: u8 = 1;
export const FLAG_EXACT: u8 = 2;
/** A wrapper string holding a '{' (the general path unwraps it). */
export const FLAG_BRACE: u8 = 4;

/** How a string value is read, by slot (as STRING_MODE in the JavaScript scanner). */
const STRING_SKIPPED: u8 = 0;
const STRING_INTERNED: u8 = 1;
const STRING_REQUEST_ID: u8 = 2;
const STRING_TIMESTAMP: u8 = 3;
const STRING_WRAPPER: u8 = 5;

const FNV_OFFSET: u32 = 0x811c9dc5;
const FNV_PRIME: u32 = 0x01000193;
const SECOND_SEED: u32 = 0x9747b28c;
const SECOND_PRIME: u32 = 0x5bd1e995;

// The key table: TABLE_SIZE slots of (hash i32, offset u32, length u32, slot i32), keys' bytes after it.
const TABLE_SIZE: u32 = 256;
const TABLE_ENTRY: u32 = 16;
let table: u32 = 0;
let keyBytes: u32 = 0;
let keyBytesUsed: u32 = 0;
let modes: u32 = 0;
// Logs write their keys in the same order on every line: after each key (a table entry, or START or UNKNOWN),
// the entry of the key that followed it last time, tried first.
let nextKey: u32 = 0;
const START: u32 = TABLE_SIZE;
const UNKNOWN: u32 = TABLE_SIZE + 1;

/** Where the key table, the modes and the predictions go (KEY_AREA_BYTES from `base`), set once before addKey. */
const KEY_BYTES: u32 = 4096;
export const KEY_AREA_BYTES: u32 = TABLE_SIZE * TABLE_ENTRY + KEY_BYTES + 256 + (TABLE_SIZE + 2) * 4;
let keyCount: u32 = 0;

export function initKeys(base: u32): void {
  table = base;
  keyBytes = base + TABLE_SIZE * TABLE_ENTRY;
  modes = keyBytes + KEY_BYTES;
  nextKey = modes + 256;
  keyBytesUsed = 0;
  keyCount = 0;
  memory.fill(base, 0, KEY_AREA_BYTES);
  for (let i: u32 = 0; i < TABLE_SIZE; i++) store<i32>(table + i * TABLE_ENTRY + 12, -1);
  for (let i: u32 = 0; i < TABLE_SIZE + 2; i++) store<i32>(nextKey + i * 4, -1);
}

/**
 * Adds the key whose bytes are at [at, at + length) (already copied there by the caller) as `slot`; false when it
 * does not fit (KEY_BYTES of keys' bytes, and TABLE_SIZE / 2 keys).
 */
export function addKey(at: u32, length: u32, slot: i32): bool {
  if (keyBytesUsed + length > KEY_BYTES || keyCount * 2 >= TABLE_SIZE) return false;
  keyCount++;
  const offset = keyBytes + keyBytesUsed;
  memory.copy(offset, at, length);
  keyBytesUsed += length;
  let hash = FNV_OFFSET;
  for (let i: u32 = 0; i < length; i++) hash = (hash ^ load<u8>(offset + i)) * FNV_PRIME;
  let i = hash & (TABLE_SIZE - 1);
  while (load<i32>(table + i * TABLE_ENTRY + 12) >= 0) i = (i + 1) & (TABLE_SIZE - 1);
  const entry = table + i * TABLE_ENTRY;
  store<u32>(entry, hash);
  store<u32>(entry + 4, offset);
  store<u32>(entry + 8, length);
  store<i32>(entry + 12, slot);
  return true;
}

export function setMode(slot: i32, mode: u8): void {
  store<u8>(modes + <u32>slot, mode);
}

/** The table entry of the key at [start, end) with FNV hash `hash`, or -1 for a key not known. */
function entryOf(start: u32, end: u32, hash: u32): i32 {
  const length = end - start;
  let i = hash & (TABLE_SIZE - 1);
  for (;;) {
    const entry = table + i * TABLE_ENTRY;
    if (load<i32>(entry + 12) < 0) return -1;
    if (load<u32>(entry) == hash && load<u32>(entry + 8) == length && memory.compare(load<u32>(entry + 4), start, length) == 0) return <i32>i;
    i = (i + 1) & (TABLE_SIZE - 1);
  }
  return -1; // not reached: the table always has empty slots
}

/** The index of the closing quote when the key at p is exactly the key of table entry `index`, else 0. */
function keyEndIfMatches(p: u32, end: u32, index: u32): u32 {
  const entry = table + index * TABLE_ENTRY;
  const length = load<u32>(entry + 8);
  if (p + length >= end || load<u8>(p + length) != 0x22) return 0;
  const key = load<u32>(entry + 4);
  let i: u32 = 0;
  for (; i + 8 <= length; i += 8) if (load<u64>(key + i) != load<u64>(p + i)) return 0;
  for (; i < length; i++) if (load<u8>(key + i) != load<u8>(p + i)) return 0;
  return p + length;
}

// State of the last string scanned (globals: no allocation per call).
let hashA: u32 = 0;
let hashB: u32 = 0;
let highBits: u32 = 0;

@inline
function isSpace(b: u32): bool {
  return b == 0x20 || b == 0x09 || b == 0x0d || b == 0x0a;
}

@inline
function skipSpace(p: u32, end: u32): u32 {
  while (p < end && load<u8>(p) <= 0x20 && isSpace(load<u8>(p))) p++;
  return p;
}

/**
 * The closing quote of a string from p, or 0 for an escape or a control character (the general path decides).
 * Sixteen bytes at a time: the caller leaves 16 readable bytes after `end`, and what lies past `end` is ignored.
 */
function endOfPlainString(p: u32, end: u32): u32 {
  while (p < end) {
    const chunk = v128.load(p);
    const special = v128.or(
      v128.or(i8x16.eq(chunk, i8x16.splat(0x22)), i8x16.eq(chunk, i8x16.splat(0x5c))),
      i8x16.lt_u(chunk, i8x16.splat(0x20)),
    );
    const mask = i8x16.bitmask(special);
    if (mask != 0) {
      const q = p + <u32>ctz(mask);
      return q < end && load<u8>(q) == 0x22 ? q : 0;
    }
    p += 16;
  }
  return 0;
}

/** A hash of bytes [start, end) for the interner, eight bytes at a time (its own: JavaScript never sees it). */
function spanHash(start: u32, end: u32): u32 {
  let h: u64 = 0x9e3779b97f4a7c15 ^ <u64>(end - start);
  let q = start;
  for (; q + 8 <= end; q += 8) {
    h = (h ^ load<u64>(q)) * 0xff51afd7ed558ccd;
    h ^= h >> 32;
  }
  if (q < end) {
    h = (h ^ (load<u64>(q) & ((<u64>1 << (<u64>(end - q) << 3)) - 1))) * 0xc4ceb9fe1a85ec53;
    h ^= h >> 29;
  }
  return <u32>h;
}

/**
 * The closing quote of a string from p, or 0 for escapes/controls, with the FNV hash of its bytes (a key's, as the
 * key table's) and with `both`, the second hash and whether it is ASCII (a request id's, as JavaScript's).
 */
function endOfHashedString(p: u32, end: u32, both: bool): u32 {
  let a = FNV_OFFSET;
  let b = SECOND_SEED;
  let high: u32 = 0;
  for (; p < end; p++) {
    const byte = <u32>load<u8>(p);
    if (byte == 0x22) {
      hashA = a;
      hashB = b;
      highBits = high;
      return p;
    }
    if (byte == 0x5c || byte < 0x20) return 0;
    a = (a ^ byte) * FNV_PRIME;
    if (both) {
      b = ((b ^ byte) * SECOND_PRIME) ^ (b >>> 13);
      high |= byte;
    }
  }
  return 0;
}

/** Entries written by the last scan, also when it gave up: the JavaScript scanner keeps what it read before. */
let count: u32 = 0;

export function entriesWritten(): u32 {
  return count;
}

/**
 * Scans the object at [start, end) (bytes[start] is '{', the line ends at `end`), writing its known keys' entries
 * from `entries` on, at most `maxEntries` (an object with more known keys, each written many times, is left to the
 * general path). Returns the number of entries + 1, or 0 when the general path must decide.
 */
export function scan(start: u32, end: u32, entries: u32, maxEntries: u32): i32 {
  count = 0;
  if (load<u8>(start) != 0x7b) return 0;
  let p = skipSpace(start + 1, end);
  if (p < end && load<u8>(p) == 0x7d) return skipSpace(p + 1, end) == end ? 1 : 0;
  let previous = START;
  for (;;) {
    if (p >= end || load<u8>(p) != 0x22) return 0;
    const keyStart = p + 1;
    let index = load<i32>(nextKey + previous * 4);
    let keyEnd = index >= 0 ? keyEndIfMatches(keyStart, end, <u32>index) : 0;
    if (keyEnd == 0) {
      keyEnd = endOfHashedString(keyStart, end, false);
      if (keyEnd == 0) return 0;
      index = entryOf(keyStart, keyEnd, hashA);
      store<i32>(nextKey + previous * 4, index);
    }
    previous = index < 0 ? UNKNOWN : <u32>index;
    const slot = index < 0 ? -1 : load<i32>(table + <u32>index * TABLE_ENTRY + 12);
    if (slot >= 0 && count == maxEntries) return 0;
    p = skipSpace(keyEnd + 1, end);
    if (p >= end || load<u8>(p) != 0x3a) return 0;
    p = skipSpace(p + 1, end);
    if (p >= end) return 0;
    const first = <u32>load<u8>(p);
    const entry = entries + count * ENTRY_BYTES;
    if (first == 0x22) {
      const mode = slot < 0 ? STRING_SKIPPED : load<u8>(modes + <u32>slot);
      const valueEnd = mode == STRING_REQUEST_ID ? endOfHashedString(p + 1, end, true) : endOfPlainString(p + 1, end);
      if (valueEnd == 0) return 0;
      if (slot >= 0) {
        let flags: u8 = mode == STRING_REQUEST_ID && highBits < 0x80 ? FLAG_ASCII : 0;
        if (mode == STRING_WRAPPER) {
          for (let q = p + 1; q < valueEnd; q++) if (load<u8>(q) == 0x7b) { flags |= FLAG_BRACE; break; }
        }
        store<u8>(entry, <u8>slot);
        store<u8>(entry + 1, KIND_STRING);
        store<u8>(entry + 2, flags);
        store<u32>(entry + 4, hashA);
        store<u32>(entry + 8, p + 1);
        store<u32>(entry + 12, valueEnd);
        if (mode == STRING_INTERNED) {
          store<u32>(entry + 16, intern(p + 1, valueEnd, spanHash(p + 1, valueEnd)));
        } else if (mode == STRING_TIMESTAMP) {
          store<u8>(entry + 3, parseIsoTimestamp(p + 1, valueEnd));
          store<f64>(entry + 16, timestampMs);
        } else {
          store<u32>(entry + 16, hashB);
        }
        count++;
      }
      p = valueEnd + 1;
    } else if (first == 0x2d || (first >= 0x30 && first <= 0x39)) {
      const numberEnd = scanNumber(p, end);
      if (numberEnd == 0) return 0;
      if (slot >= 0) {
        store<u8>(entry, <u8>slot);
        store<u8>(entry + 1, KIND_NUMBER);
        store<u8>(entry + 2, numberExact ? FLAG_EXACT : 0);
        store<f64>(entry + 8, numberValue);
        store<u32>(entry + 16, p);
        store<u32>(entry + 20, numberEnd);
        count++;
      }
      p = numberEnd;
    } else {
      let kind: u8 = 0;
      if (first == 0x6e && p + 4 <= end && load<u8>(p + 1) == 0x75 && load<u8>(p + 2) == 0x6c && load<u8>(p + 3) == 0x6c) {
        kind = KIND_NULL;
        p += 4;
      } else if (first == 0x74 && p + 4 <= end && load<u8>(p + 1) == 0x72 && load<u8>(p + 2) == 0x75 && load<u8>(p + 3) == 0x65) {
        kind = KIND_TRUE;
        p += 4;
      } else if (first == 0x66 && p + 5 <= end && load<u8>(p + 1) == 0x61 && load<u8>(p + 2) == 0x6c && load<u8>(p + 3) == 0x73 && load<u8>(p + 4) == 0x65) {
        kind = KIND_FALSE;
        p += 5;
      } else {
        return 0; // nested object or array, or not JSON
      }
      if (slot >= 0) {
        store<u8>(entry, <u8>slot);
        store<u8>(entry + 1, kind);
        store<u8>(entry + 2, 0);
        count++;
      }
    }
    p = skipSpace(p, end);
    if (p >= end) return 0;
    const delimiter = load<u8>(p);
    if (delimiter == 0x2c) {
      p = skipSpace(p + 1, end);
    } else if (delimiter == 0x7d) {
      return skipSpace(p + 1, end) == end ? <i32>count + 1 : 0;
    } else {
      return 0;
    }
  }
  return 0; // not reached
}

let numberValue: f64 = 0;
let numberExact: bool = false;

/** A JSON number (strict grammar), as the JavaScript scanner reads it. Returns the index after it, or 0. */
function scanNumber(p: u32, end: u32): u32 {
  let negative = false;
  if (load<u8>(p) == 0x2d) {
    negative = true;
    p++;
  }
  // Integer digits in 64 bits (exact, and cheaper than a floating-point chain); past 15 digits it is not used.
  let mantissa: u64 = 0;
  let digits = 0;
  let decimals = 0;
  if (p >= end) return 0;
  let b = <u32>load<u8>(p);
  if (b < 0x30 || b > 0x39) return 0;
  if (b == 0x30) {
    p++;
    if (p < end) {
      b = load<u8>(p);
      if (b >= 0x30 && b <= 0x39) return 0; // leading zero
    }
  } else {
    while (p < end && (b = load<u8>(p)) >= 0x30 && b <= 0x39) {
      mantissa = mantissa * 10 + <u64>(b - 0x30);
      digits++;
      p++;
    }
  }
  if (p < end && load<u8>(p) == 0x2e) {
    p++;
    if (p >= end) return 0;
    b = load<u8>(p);
    if (b < 0x30 || b > 0x39) return 0;
    while (p < end && (b = load<u8>(p)) >= 0x30 && b <= 0x39) {
      mantissa = mantissa * 10 + <u64>(b - 0x30);
      digits++;
      decimals++;
      p++;
    }
  }
  let exact = digits <= 15 && decimals <= 22;
  if (p < end && ((b = load<u8>(p)) == 0x65 || b == 0x45)) {
    exact = false;
    p++;
    if (p < end && ((b = load<u8>(p)) == 0x2b || b == 0x2d)) p++;
    if (p >= end) return 0;
    b = load<u8>(p);
    if (b < 0x30 || b > 0x39) return 0;
    while (p < end && (b = load<u8>(p)) >= 0x30 && b <= 0x39) p++;
  }
  numberExact = exact;
  if (exact) {
    const whole = <f64>mantissa;
    const value = decimals == 0 ? whole : whole / POW10[decimals];
    numberValue = negative ? -value : value;
  }
  return p;
}

const POW10: StaticArray<f64> = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/** The end of this module's own data: memory from here on is the caller's to lay out. */
export function dataEnd(): u32 {
  return <u32>__heap_base;
}

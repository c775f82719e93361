/**
 * The byte scanner in WebAssembly (assembly/flatScanner.ts): the same answers as scanFlatObject, from bytes that
 * live in the module's memory. The module finds each known key's value — numbers and ISO timestamps parsed,
 * labels interned to ids, request ids hashed — and this puts them into a RawFields as scanFlatObject does, also
 * those read before it gave up on a line. test/input/wasmScanner.test.ts holds the two to the same RawFields on
 * every fixture and on fuzzed lines.
 *
 * Memory: the module's own data, then the key table, the interner, the entries of one object, and the input area,
 * which grows (and with it the memory) to what the caller asks for. Growing detaches the old views: `bytes` is
 * made again after every grow, and callers take it after input(), never across one.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeFsError, UsageError } from '../errors.js';
import { STRING_INTERNED, STRING_MODE, STRING_REQUEST_ID, STRING_TIMESTAMP, STRING_WRAPPER } from './flatScanner.js';
import { FIELD_COUNT, KIND_FALSE, KIND_NULL, KIND_NUMBER, KIND_STRING, KIND_TRUE, type RawFields, SEEN_BIT, SLOT_OF_KEY } from './rawFields.js';
import { TS_INVALID } from '../core/timestamp.js';

/**
 * Which byte scanner reads the lines: this one ('wasm'), the JavaScript one (scanFlatObject, its oracle: 'js'), or
 * this one where Node has WebAssembly and else JavaScript ('auto': `node --jitless` has none).
 */
export type ScannerKind = 'auto' | 'wasm' | 'js';

/** The WebAssembly scanner for `kind`, or undefined where JavaScript scans. */
export function wasmScannerFor(kind: ScannerKind): WasmScanner | undefined {
  if (kind === 'js') return undefined;
  if (typeof WebAssembly === 'undefined') {
    if (kind === 'auto') return undefined;
    throw new UsageError('CLAUDE_MON_SCANNER=wasm: this Node has no WebAssembly (run without --jitless, or with CLAUDE_MON_SCANNER=js)');
  }
  return new WasmScanner();
}

interface ScannerExports {
  readonly memory: WebAssembly.Memory;
  readonly KEY_AREA_BYTES: WebAssembly.Global;
  readonly INTERN_AREA_BYTES: WebAssembly.Global;
  entriesWritten(): number;
  initKeys(base: number): void;
  initInterner(base: number): void;
  addKey(at: number, length: number, slot: number): number;
  setMode(slot: number, mode: number): void;
  scan(start: number, end: number, entries: number, maxEntries: number): number;
  dataEnd(): number;
}

// The entries' layout (assembly/flatScanner.ts): slot, kind, flags, timestamp kind (bytes 0–3); FNV hash (4);
// a number's value or a string's start and end (8); a request id's second hash, an interned id, a timestamp's
// instant, or a number's start and end (16).
const ENTRY_BYTES = 24;
const FLAG_ASCII = 1;
const FLAG_EXACT = 2;
const FLAG_BRACE = 4;
/** An interned string's id when the module's interner is full (as an Int32Array reads 0xffffffff). */
const NOT_INTERNED = -1;
/** Entries of one object: one per known key (a key written twice, twice); past this the general path reads it. */
const MAX_ENTRIES = 1024;
const PAGE = 65_536;
const SLACK_BYTES = 16;

let compiled: WebAssembly.Module | undefined;

/**
 * npm run build writes it to dist/wasm/. The path is from the package's root, two levels up from this module
 * wherever it runs: src/input/ (tests), dist/input/ or dist/bundle/.
 */
const WASM_FILE = new URL('../../dist/wasm/flatScanner.wasm', import.meta.url);

function scannerModule(): WebAssembly.Module {
  if (compiled === undefined) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(WASM_FILE);
    } catch (error) {
      throw new UsageError(`the WebAssembly scanner ${fileURLToPath(WASM_FILE)}: ${describeFsError(error)}: npm run build makes it (CLAUDE_MON_SCANNER=js reads without it)`);
    }
    try {
      compiled = new WebAssembly.Module(bytes);
    } catch (error) {
      throw new UsageError(`the WebAssembly scanner ${fileURLToPath(WASM_FILE)} is damaged (${(error as Error).message}): npm run build makes it again`);
    }
  }
  return compiled;
}

/** The layout of the module's entries, as this side reads it: checked against the module's own exports. */
const LAYOUT = { ENTRY_BYTES, FLAG_ASCII, FLAG_EXACT, FLAG_BRACE, NOT_INTERNED, KIND_NULL, KIND_NUMBER, KIND_STRING, KIND_TRUE, KIND_FALSE };

function checkLayout(exports: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(LAYOUT)) {
    if ((exports[name] as WebAssembly.Global | undefined)?.value !== value) {
      throw new UsageError(`the WebAssembly scanner ${fileURLToPath(WASM_FILE)} is from another build (${name}): npm run build makes it again`);
    }
  }
}

export class WasmScanner {
  private readonly exports: ScannerExports;
  private readonly entries: number;
  private readonly inputBase: number;
  private inputCapacity = 0;
  private staged: Buffer | undefined;
  /** The text of each id the module's interner gave out, decoded the first time it comes. */
  private readonly texts: string[] = [];
  /** The whole memory as a Buffer; made again after each grow. */
  bytes!: Buffer;
  private numbers!: Float64Array;
  private words!: Int32Array;

  constructor() {
    const exports = new WebAssembly.Instance(scannerModule()).exports;
    checkLayout(exports);
    this.exports = exports as unknown as ScannerExports;
    const keys = align(this.exports.dataEnd(), 8);
    const interner = align(keys + (this.exports.KEY_AREA_BYTES.value as number), 8);
    this.entries = align(interner + (this.exports.INTERN_AREA_BYTES.value as number), 8);
    this.inputBase = align(this.entries + MAX_ENTRIES * ENTRY_BYTES, 16);
    this.ensureMemory(this.inputBase + PAGE);
    this.exports.initKeys(keys);
    this.exports.initInterner(interner);
    const scratch = this.inputBase;
    for (const [name, slot] of SLOT_OF_KEY) {
      const length = this.bytes.write(name, scratch, 'latin1');
      if (this.exports.addKey(scratch, length, slot) === 0) throw new Error(`the WebAssembly scanner's key table is full at ${name}: raise KEY_BYTES or TABLE_SIZE in assembly/flatScanner.ts`);
    }
    for (let slot = 0; slot < FIELD_COUNT; slot++) this.exports.setMode(slot, STRING_MODE[slot] as number);
  }

  /** A copy of `chunk` in the input area, for scan(): lines are found in it as in the chunk. */
  stage(chunk: Buffer): Buffer {
    const area = this.input(chunk.length);
    chunk.copy(area);
    this.staged = area;
    return area;
  }

  /** Whether `bytes` is the chunk last staged (offsets into it are what scan() takes). */
  holds(bytes: Buffer): boolean {
    return bytes === this.staged;
  }

  /** The input area, at least `length` bytes: where the caller puts the bytes to scan (offsets from its start). */
  input(length: number): Buffer {
    // The module reads up to 16 bytes past a string's end (and ignores them): they must be memory.
    if (length + SLACK_BYTES > this.inputCapacity) this.ensureMemory(this.inputBase + length + SLACK_BYTES);
    return this.bytes.subarray(this.inputBase, this.inputBase + length);
  }

  /** scanFlatObject over input()[start, end): the object's known fields into `raw`, or false for the general path. */
  scan(start: number, end: number, raw: RawFields): boolean {
    const result = this.exports.scan(this.inputBase + start, this.inputBase + end, this.entries, MAX_ENTRIES);
    // Given up: what was read before still goes into `raw`, as scanFlatObject leaves it (the noise hints read it).
    const count = result === 0 ? this.exports.entriesWritten() : result - 1;
    const { bytes, numbers, words } = this;
    for (let e = 0, at = this.entries; e < count; e++, at += ENTRY_BYTES) {
      const slot = bytes[at] as number;
      const kind = bytes[at + 1] as number;
      const flags = bytes[at + 2] as number;
      raw.kinds[slot] = kind;
      raw.seen |= SEEN_BIT[slot] as number;
      if (kind === KIND_NUMBER) {
        raw.nums[slot] =
          (flags & FLAG_EXACT) !== 0 ? (numbers[(at + 8) >> 3] as number) : Number(bytes.toString('latin1', words[(at + 16) >> 2], words[(at + 20) >> 2]));
      } else if (kind === KIND_STRING && !this.storeString(raw, slot, flags, at)) {
        return false;
      }
    }
    return result !== 0;
  }

  private storeString(raw: RawFields, slot: number, flags: number, at: number): boolean {
    const { bytes, words } = this;
    const start = words[(at + 8) >> 2] as number;
    const end = words[(at + 12) >> 2] as number;
    switch (STRING_MODE[slot]) {
      case STRING_INTERNED: {
        const id = words[(at + 16) >> 2] as number;
        raw.strs[slot] = id === NOT_INTERNED ? bytes.toString('utf8', start, end) : (this.texts[id] ??= bytes.toString('utf8', start, end));
        return true;
      }
      case STRING_TIMESTAMP:
        raw.timestampKind = bytes[at + 3] as number;
        if (raw.timestampKind === TS_INVALID) raw.strs[slot] = bytes.toString('utf8', start, end);
        else raw.timestamp.ms = this.numbers[(at + 16) >> 3] as number;
        return true;
      case STRING_REQUEST_ID:
        if (start === end) raw.kinds[slot] = KIND_NULL; // an empty id identifies nothing
        else if (raw.hashRequestIds) {
          if ((flags & FLAG_ASCII) === 0) return false;
          raw.requestIdHashA = words[(at + 4) >> 2] as number;
          raw.requestIdHashB = words[(at + 16) >> 2] as number;
        }
        return true;
      case STRING_WRAPPER:
        return (flags & FLAG_BRACE) === 0;
      default:
        raw.strs[slot] = bytes.toString('utf8', start, end);
        return true;
    }
  }

  private ensureMemory(bytesNeeded: number): void {
    const memory = this.exports.memory;
    const pages = Math.ceil(bytesNeeded / PAGE);
    if (pages > memory.buffer.byteLength / PAGE) memory.grow(pages - memory.buffer.byteLength / PAGE);
    this.bytes = Buffer.from(memory.buffer);
    this.numbers = new Float64Array(memory.buffer);
    this.words = new Int32Array(memory.buffer);
    this.inputCapacity = memory.buffer.byteLength - this.inputBase;
  }
}

function align(offset: number, to: number): number {
  return Math.ceil(offset / to) * to;
}

/**
 * Differential test: the WebAssembly scanner (src/input/wasmScanner.ts) and the JavaScript one (scanFlatObject)
 * accept the same lines and fill the same RawFields — kinds, numbers, strings, timestamp, request-id hash — on
 * every fixture line and on 100k fuzzed lines. The JavaScript scanner is the oracle.
 */
import { describe, expect, it } from 'vitest';
import { ByteInterner } from '../../src/input/byteHash.js';
import { scanFlatObject } from '../../src/input/flatScanner.js';
import { FIELD_COUNT, KIND_NUMBER, KIND_STRING, RawFields } from '../../src/input/rawFields.js';
import { WasmScanner } from '../../src/input/wasmScanner.js';
import { random } from '../helpers.js';
import { fixtureObjects, fuzzLine } from './scannerLines.js';

const wasm = new WasmScanner();
const interner = new ByteInterner();

/** What a scan found, comparably: undefined when the scanner hands the line to the general path. */
function found(raw: RawFields, accepted: boolean): object | undefined {
  if (!accepted) return undefined;
  const fields: Record<number, unknown> = {};
  for (let slot = 0; slot < FIELD_COUNT; slot++) {
    const kind = raw.kinds[slot] as number;
    if (kind === 0) continue;
    fields[slot] = kind === KIND_NUMBER ? [kind, raw.nums[slot]] : kind === KIND_STRING && slot !== 1 ? [kind, raw.strs[slot]] : [kind];
  }
  const timestamp = raw.kinds[0] === KIND_STRING ? [raw.timestampKind, raw.timestamp.ms] : null;
  const requestId = raw.kinds[1] === KIND_STRING ? [raw.requestIdHashA, raw.requestIdHashB] : null;
  return { seen: raw.seen, fields, timestamp, requestId };
}

function expectSameScan(line: string, hashRequestIds = true): boolean {
  const bytes = Buffer.from(line);
  const js = new RawFields();
  js.hashRequestIds = hashRequestIds;
  const jsFound = found(js, scanFlatObject(bytes, 0, bytes.length, js, interner));
  const input = wasm.input(bytes.length + 1);
  bytes.copy(input);
  input[bytes.length] = 0x0a; // a byte past the end, as in a chunk of lines: never read as part of the line
  const fromWasm = new RawFields();
  fromWasm.hashRequestIds = hashRequestIds;
  expect(found(fromWasm, wasm.scan(0, bytes.length, fromWasm, interner)), line).toEqual(jsFound);
  return jsFound !== undefined;
}

describe('WebAssembly scanner ≡ JavaScript scanner', () => {
  it('agrees on every fixture line', () => {
    const accepted = fixtureObjects(['envelopes', 'defects', 'sample']).filter((line) => expectSameScan(line)).length;
    expect(accepted).toBeGreaterThan(500);
  });

  it('agrees on 100,000 fuzzed lines, with and without request-id hashing', () => {
    const next = random(20261206);
    let accepted = 0;
    for (let i = 0; i < 100_000; i++) if (expectSameScan(fuzzLine(next), i % 4 !== 0)) accepted++;
    expect(accepted).toBeGreaterThan(10_000);
  });

  it('computes decimals exactly like the JavaScript scanner, and reads long ones as text', () => {
    const next = random(11);
    for (let i = 0; i < 20_000; i++) {
      const digits = (next() * 10 ** Math.floor(next() * 18)).toFixed(Math.floor(next() * 12));
      expect(expectSameScan(`{"latency_ms": ${digits}, "input_tokens": -${digits}}`), digits).toBe(true);
    }
  });

  it('keeps working when its memory grows under the views it made', () => {
    const line = '{"timestamp":"2026-11-26T10:00:00Z","feature":"chat","latency_ms":5.5,"request_id":"r-1"}';
    expect(expectSameScan(line)).toBe(true);
    const before = wasm.bytes.buffer;
    const big = wasm.input(64 << 20); // grows the memory: every view made before is detached
    expect(before.byteLength).toBe(0);
    big.fill(0x20);
    expect(expectSameScan(line)).toBe(true);
    const padded = Buffer.from(`${' '.repeat(40 << 20)}${line}`);
    padded.copy(wasm.input(padded.length));
    const raw = new RawFields();
    expect(wasm.scan(40 << 20, padded.length, raw, interner)).toBe(true);
    expect(raw.strs[3]).toBe('chat');
    expect(raw.nums[12]).toBe(5.5);
  });
});

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

/** What a scan left in `raw`, comparably, and whether it took the line (scanFlatObject keeps what it read before giving up). */
function found(raw: RawFields, accepted: boolean): object {
  const fields: Record<number, unknown> = {};
  for (let slot = 0; slot < FIELD_COUNT; slot++) {
    const kind = raw.kinds[slot] as number;
    if (kind === 0) continue;
    fields[slot] = kind === KIND_NUMBER ? [kind, raw.nums[slot]] : kind === KIND_STRING && slot !== 1 ? [kind, raw.strs[slot]] : [kind];
  }
  const timestamp = raw.kinds[0] === KIND_STRING ? [raw.timestampKind, raw.timestamp.ms] : null;
  const requestId = accepted && raw.kinds[1] === KIND_STRING ? [raw.requestIdHashA, raw.requestIdHashB] : null;
  return { accepted, seen: raw.seen, fields, timestamp, requestId };
}

function expectSameScan(line: string, hashRequestIds = true): boolean {
  const bytes = Buffer.from(line);
  const js = new RawFields();
  js.hashRequestIds = hashRequestIds;
  const accepted = scanFlatObject(bytes, 0, bytes.length, js, interner);
  const input = wasm.input(bytes.length + 1);
  bytes.copy(input);
  input[bytes.length] = 0x0a; // a byte past the end, as in a chunk of lines: never read as part of the line
  const fromWasm = new RawFields();
  fromWasm.hashRequestIds = hashRequestIds;
  expect(found(fromWasm, wasm.scan(0, bytes.length, fromWasm)), line).toEqual(found(js, accepted));
  return accepted;
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

  it('parses timestamps exactly like the JavaScript scanner, valid or not', () => {
    const next = random(5);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
    const digits = (count: number): string => Array.from({ length: count }, () => Math.floor(next() * 10)).join('');
    for (let i = 0; i < 20_000; i++) {
      const date = `${pick(['2026', '2024', '1969', '0001', '9999', '0000', digits(4)])}-${pick(['01', '02', '12', '13', '00', digits(2)])}-${pick(['01', '28', '29', '30', '31', '32', digits(2)])}`;
      const time = pick(['', `T${digits(2)}:${digits(2)}`, `T10:00:${digits(2)}`, `t23:59:59`, ` 00:00:00`, `T10:00`, 'T1:00:00', 'X10:00:00']);
      const fraction = time.length >= 9 ? pick(['', `.${digits(1 + Math.floor(next() * 12))}`, `,${digits(3)}`, '.']) : '';
      const offset = pick(['', 'Z', 'z', '+05:30', '-14:00', '+0530', '+05', '+5', '-24:00', '+05:60', 'ZZ', '+05:3']);
      const timestamp = `${date}${time}${fraction}${offset}`;
      expect(expectSameScan(`{"timestamp":"${timestamp}","latency_ms":5}`), timestamp).toBe(true);
    }
  });

  it('interns past its table\'s first size and its capacity of 100,000 values: every value still reads back', () => {
    // A fresh scanner: its interner starts empty.
    const scanner = new WasmScanner();
    for (let i = 0; i < 150_000; i++) {
      const user = `user-${i}-${'x'.repeat(i % 40)}`;
      const line = Buffer.from(`{"user_id":"${user}","feature":"f${i % 7}","latency_ms":1}`);
      line.copy(scanner.input(line.length));
      const raw = new RawFields();
      expect(scanner.scan(0, line.length, raw)).toBe(true);
      if (raw.strs[2] !== user || raw.strs[3] !== `f${i % 7}`) expect([raw.strs[2], raw.strs[3]]).toEqual([user, `f${i % 7}`]);
    }
  });

  it('leaves an object with more known keys than it has entries for to the general path, as it must not overrun them', () => {
    const repeated = Array.from({ length: 1500 }, (_, i) => `"feature":"f${i}"`).join(',');
    const line = Buffer.from(`{${repeated},"latency_ms":1}`);
    expect(scanFlatObject(line, 0, line.length, new RawFields(), interner)).toBe(true);
    line.copy(wasm.input(line.length));
    expect(wasm.scan(0, line.length, new RawFields())).toBe(false);
    expect(expectSameScan('{"feature":"f","latency_ms":1}')).toBe(true); // and the next line is read as usual
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
    expect(wasm.scan(40 << 20, padded.length, raw)).toBe(true);
    expect(raw.strs[3]).toBe('chat');
    expect(raw.nums[12]).toBe(5.5);
  });
});

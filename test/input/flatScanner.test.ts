/**
 * Differential test: wherever the byte scanner (fast path) accepts a line, the JSON.parse path must produce the
 * identical record or the identical reject reason — on every fixture line and on 100k fuzzed lines.
 */
import { describe, expect, it } from 'vitest';
import { ByteInterner } from '../../src/input/byteHash.js';
import { scanFlatObject } from '../../src/input/flatScanner.js';
import { RawFields, RECORD_KEY_MASK } from '../../src/input/rawFields.js';
import { fillFromObject, ScratchRecord, validateRecord } from '../../src/input/record.js';
import { random } from '../helpers.js';
import { fixtureObjects, fuzzLine } from './scannerLines.js';

const localToUtc = (ms: number): number => ms - 3_600_000;

interface Verdict {
  readonly candidate: boolean;
  readonly reason: string | null;
  readonly record: ScratchRecord | null;
  readonly requestId: readonly [number, number] | null;
}

function judge(raw: RawFields): Verdict {
  const record = new ScratchRecord();
  const candidate = (raw.seen & RECORD_KEY_MASK) !== 0;
  const reason = candidate ? validateRecord(raw, localToUtc, record) : null;
  const requestId = raw.kinds[1] === 3 ? ([raw.requestIdHashA, raw.requestIdHashB] as const) : null;
  return { candidate, reason, record: candidate && reason === null ? record : null, requestId };
}

const interner = new ByteInterner();

/** The fast path's verdict, or undefined when it hands the line to the general path. */
function fastVerdict(line: string): Verdict | undefined {
  const bytes = Buffer.from(line);
  const raw = new RawFields();
  return scanFlatObject(bytes, 0, bytes.length, raw, interner) ? judge(raw) : undefined;
}

function generalVerdict(line: string): Verdict | 'not JSON' {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  const raw = new RawFields();
  fillFromObject(value as object, raw);
  return judge(raw);
}

function expectSameVerdict(line: string): boolean {
  const fast = fastVerdict(line);
  if (fast === undefined) return false;
  expect(generalVerdict(line), line).toEqual(fast);
  return true;
}

describe('byte scanner ≡ JSON.parse path', () => {
  it('agrees on every fixture line it accepts', () => {
    const accepted = fixtureObjects(['envelopes', 'defects']).filter((line) => expectSameVerdict(line)).length;
    expect(accepted).toBeGreaterThan(30);
  });

  it('agrees on 100,000 fuzzed lines, and takes the fast path for most of them', () => {
    const next = random(20261126);
    let accepted = 0;
    for (let i = 0; i < 100_000; i++) if (expectSameVerdict(fuzzLine(next))) accepted++;
    // The fuzzer mixes in escapes and nested values on purpose; enough must take the fast path for the comparison to mean something.
    expect(accepted).toBeGreaterThan(10_000);
  });

  it('computes decimals exactly like JSON.parse', () => {
    const next = random(7);
    for (let i = 0; i < 20_000; i++) {
      // Up to 10^12 ms: larger latencies are rejected (they overflow integer µs).
      const digits = (next() * 10 ** Math.floor(next() * 13)).toFixed(Math.floor(next() * 10));
      const verdict = fastVerdict(`{"timestamp": 0, "latency_ms": ${digits}}`);
      expect(verdict?.record?.latencyMs, digits).toBe(JSON.parse(digits));
    }
  });
});

describe('wrapper keys', () => {
  it('keep a record on the fast path when they hold text (structlog\'s event), and leave it when they hold an object', () => {
    const keyword = '{"event":"llm_call","level":"info","timestamp":"2026-11-26T10:00:00Z","latency_ms":5,"input_tokens":3}';
    expect(fastVerdict(keyword)).toMatchObject({ candidate: true, reason: null });
    expect(expectSameVerdict(keyword)).toBe(true);
    expect(fastVerdict('{"event":"{\\"latency_ms\\":5}","level":"info"}')).toBeUndefined();
    expect(fastVerdict('{"msg":"worker {3} done","latency_ms":5}')).toBeUndefined(); // a brace: the general path decides
  });
});

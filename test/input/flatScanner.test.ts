/**
 * Differential test: wherever the byte scanner (fast path) accepts a line, the JSON.parse path must produce the
 * identical record or the identical reject reason — on every fixture line and on 100k fuzzed lines.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ByteInterner } from '../../src/input/byteHash.js';
import { scanFlatObject } from '../../src/input/flatScanner.js';
import { RawFields, RECORD_KEY_MASK } from '../../src/input/rawFields.js';
import { fillFromObject, ScratchRecord, validateRecord } from '../../src/input/record.js';
import { fixture, random } from '../helpers.js';

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

const VALUES = [
  '0', '-0', '1', '12', '1200.5', '0.1', '1e3', '1E-2', '-5', '9007199254740993', '1e400', '0.30000000000000004',
  '123456789012345678', '3.14159265358979323846', '007', '1.', '.5', '+1', '-', '1e', 'null', 'true', 'false',
  '"chat"', '""', '"a\\"b"', '"\\u00e9t\\u00e9"', '"tab\\there"', '"é"', '"2026-11-26T10:00:00Z"',
  '"2026-11-26T10:00:00.123456+05:30"', '"2026-11-26 10:00:00"', '"2026-02-30T00:00:00Z"', '"1795687200"',
  '1795687200', '1795687200123', '{}', '[]', '{"type":"RateLimitError"}', '[1,2]', 'nul', 'tru', '"unterminated',
];
const KEYS = [
  'timestamp', 'request_id', 'user_id', 'feature', 'model', 'input_tokens', 'output_tokens', 'cached_tokens',
  'cache_read_input_tokens', 'cache_creation_tokens', 'cache_creation_input_tokens', 'cache_creation_1h_tokens',
  'latency_ms', 'stop_reason', 'error', 'error_status', 'service_tier', 'ratelimit_requests_remaining', 'message',
  'log', 'other', 'feat\\u0075re', 'latency_ms ',
];
const SPACES = ['', ' ', '  ', '\t', '\r'];

function fuzzLine(next: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const fields: string[] = [];
  const count = 1 + Math.floor(next() * 8);
  for (let i = 0; i < count; i++) fields.push(`${pick(SPACES)}"${pick(KEYS)}"${pick(SPACES)}:${pick(SPACES)}${pick(VALUES)}`);
  if (next() < 0.5) fields.push('"timestamp": "2026-11-26T10:00:00Z"');
  if (next() < 0.5) fields.push(`"latency_ms": ${pick(['5', '5.25', '0', '-1'])}`);
  let line = `{${fields.join(',')}${pick(SPACES)}}${pick(SPACES)}`;
  const mutation = next();
  if (mutation < 0.05) line = line.slice(0, Math.floor(next() * line.length));
  else if (mutation < 0.1) line = `${line},`;
  else if (mutation < 0.15) {
    const at = Math.floor(next() * line.length);
    line = line.slice(0, at) + String.fromCharCode(Math.floor(next() * 128)) + line.slice(at + 1);
  }
  return line;
}

describe('byte scanner ≡ JSON.parse path', () => {
  it('agrees on every fixture line it accepts', () => {
    let accepted = 0;
    for (const directory of ['envelopes', 'defects']) {
      for (const name of readdirSync(fixture(directory))) {
        const bytes = readFileSync(fixture(`${directory}/${name}`));
        const text = (name.endsWith('.gz') || bytes[0] === 0x1f ? safeGunzip(bytes) : bytes).toString('utf8');
        for (const line of text.split('\n')) {
          const brace = line.indexOf('{');
          if (brace >= 0 && expectSameVerdict(line.slice(brace).replace(/\r$/, ''))) accepted++;
        }
      }
    }
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

function safeGunzip(bytes: Buffer): Buffer {
  try {
    return gunzipSync(bytes);
  } catch {
    return Buffer.alloc(0);
  }
}

describe('wrapper keys', () => {
  it('keep a record on the fast path when they hold text (structlog\'s event), and leave it when they hold an object', () => {
    const keyword = '{"event":"llm_call","level":"info","timestamp":"2026-11-26T10:00:00Z","latency_ms":5,"input_tokens":3}';
    expect(fastVerdict(keyword)).toMatchObject({ candidate: true, reason: null });
    expect(expectSameVerdict(keyword)).toBe(true);
    expect(fastVerdict('{"event":"{\\"latency_ms\\":5}","level":"info"}')).toBeUndefined();
    expect(fastVerdict('{"msg":"worker {3} done","latency_ms":5}')).toBeUndefined(); // a brace: the general path decides
  });
});

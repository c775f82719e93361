/** Lines for the byte scanners' differential tests: every fixture's, and fuzzed ones. */
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fixture } from '../helpers.js';

/** From each line of every fixture that holds a '{': the text from that brace on (without a trailing CR). */
export function fixtureObjects(directories: readonly string[]): string[] {
  const objects: string[] = [];
  for (const directory of directories) {
    for (const name of readdirSync(fixture(directory))) {
      const bytes = readFileSync(fixture(`${directory}/${name}`));
      const text = (name.endsWith('.gz') || bytes[0] === 0x1f ? safeGunzip(bytes) : bytes).toString('utf8');
      for (const line of text.split('\n')) {
        const brace = line.indexOf('{');
        if (brace >= 0) objects.push(line.slice(brace).replace(/\r$/, ''));
      }
    }
  }
  return objects;
}

/** The fixtures hold damaged gzip on purpose: those give no lines. */
function safeGunzip(bytes: Buffer): Buffer {
  try {
    return gunzipSync(bytes);
  } catch {
    return Buffer.alloc(0);
  }
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

/** A flat object of known and unknown keys with every kind of value, spacing, and now and then a defect. */
export function fuzzLine(next: () => number): string {
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

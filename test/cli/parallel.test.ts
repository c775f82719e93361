/**
 * Parallel ingest (worker threads over byte ranges and files) must give what one pass on one thread gives, byte for
 * byte: the same records, the first delivery of a duplicate kept, the same rejects at the same line numbers. The
 * binary is spawned with small parse tasks (CLAUDE_MON_TASK_BYTES) so that small files are cut into many ranges.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { childEnv, fixture, random, ROOT, temporaryDirectory } from '../helpers.js';

const BIN = path.join(ROOT, 'bin', 'claude-mon.cjs');
const TASK_BYTES = '4096';

function run(args: readonly string[], threads: number): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('node', [BIN, ...args, '--threads', String(threads)], {
    encoding: 'utf8',
    env: childEnv({ NO_COLOR: '1', CLAUDE_MON_TASK_BYTES: TASK_BYTES }),
    // A hang must fail the test, not freeze the suite (spawnSync blocks vitest's own timeout).
    timeout: 120_000,
  });
  if (result.error !== undefined) throw new Error(`claude-mon ${args.join(' ')} did not end: ${result.error.message}\n${result.stderr}`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Every envelope, CRI and Docker fragments, noise, rejects, and duplicates far from their first delivery that
 * differ from it (so keeping the wrong copy changes latencies).
 */
function hostileLog(seed: number, count: number): string {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const lines: string[] = [];
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const duplicateOf = i > 200 && next() < 0.05 ? pick(ids) : undefined;
    const id = duplicateOf ?? `req-${seed}-${i}`;
    ids.push(id);
    const error = next() < 0.08 ? pick(['RateLimitError', 'OverloadedError']) : null;
    const record = JSON.stringify({
      timestamp: new Date(Date.UTC(2026, 10, 19) + Math.floor(next() * 7 * 86_400_000)).toISOString(),
      request_id: id,
      user_id: pick(['alice', 'bob', '__proto__', `user-${i % 97}`]),
      feature: pick(['chat', 'search', 'doc_summary', 'café ☕']),
      model: pick(['claude-sonnet-4-5', 'claude-haiku-4-5', 'homegrown-model']),
      input_tokens: Math.floor(next() * 250_000),
      output_tokens: Math.floor(next() * 4000),
      cached_tokens: Math.floor(next() * 40_000),
      latency_ms: Math.round(next() * 20_000_000) / 1000,
      stop_reason: pick(['end_turn', 'max_tokens', 'tool_use']),
      error,
      error_status: error === 'RateLimitError' ? 429 : error === null ? null : 529,
      // The numbers a parse thread hands over beside a call's figures: rate-limit headers, a proxy's reported cost.
      ...(next() < 0.3 ? { 'anthropic-ratelimit-requests-remaining': String(Math.floor(next() * 50)), ratelimit_requests_limit: 50, ratelimit_requests_reset: `2026-11-26T10:00:${String(Math.floor(next() * 60)).padStart(2, '0')}Z` } : {}),
      ...(next() < 0.2 ? { reported_cost_usd: Math.round(next() * 1000) / 1e4 } : {}),
    });
    const time = '2026-11-26T10:00:00.000000001Z';
    const shape = next();
    if (shape < 0.3) lines.push(record);
    else if (shape < 0.45) lines.push(`INFO:root:${record}`);
    else if (shape < 0.6) lines.push(`${time} stdout F ${record}`);
    else if (shape < 0.7) {
      const third = Math.floor(record.length / 3);
      lines.push(`${time} stdout P ${record.slice(0, third)}`, `${time} stdout P ${record.slice(third, 2 * third)}`, `${time} stdout F ${record.slice(2 * third)}`);
    } else if (shape < 0.78) lines.push(JSON.stringify({ log: `${record}\n`, stream: 'stderr', time }));
    else if (shape < 0.82) {
      const half = Math.floor(record.length / 2);
      lines.push(JSON.stringify({ log: record.slice(0, half), stream: 'stdout', time }), JSON.stringify({ log: `${record.slice(half)}\n`, stream: 'stdout', time }));
    } else if (shape < 0.88) lines.push(pick(['', 'Starting worker pid=42', '{"event": "health", "ok": true}', '   ']));
    else if (shape < 0.93) lines.push(record.slice(0, Math.floor(next() * record.length))); // cut short
    else if (shape < 0.96) lines.push(record.replace(/"timestamp":"[^"]*"/, '"timestamp":"yesterday"'));
    else lines.push(`${time} stdout F ${record}`.replace('latency_ms', 'latency'));
  }
  return `${lines.join('\n')}\n`;
}

describe('parallel ingest gives what one thread gives', () => {
  let directory: string;
  beforeAll(() => {
    directory = temporaryDirectory();
    writeFileSync(path.join(directory, 'a.log'), hostileLog(1, 3000));
    writeFileSync(path.join(directory, 'b.jsonl'), hostileLog(2, 1500));
    writeFileSync(path.join(directory, 'c.log.1.gz'), gzipSync(hostileLog(3, 1000)));
    writeFileSync(path.join(directory, 'd.json'), `[${hostileLog(4, 300).trim().split('\n').filter((line) => line.startsWith('{"timestamp"') && line.endsWith('}')).join(',\n')}]`);
  });

  const commands: [string, string[]][] = [
    ['summary', ['summary', '--json', '--verbose', '--by', 'feature,model,status']],
    ['summary table', ['summary', '--by', 'user', '--format', 'csv']],
    ['dashboard', ['dashboard', '--json', '--now', '2026-11-25T18:00:00Z']],
    ['trend', ['trend', '--json', '--now', 'latest', '--days', '7', '--by', 'model']],
    ['alerts', ['alerts', '--json', '--now', '2026-11-25T18:00:00Z', '--by', 'feature,model']],
  ];

  it.each(commands)('%s: byte-identical output on 1 and 3 threads, the big file cut into many parts', (_name, args) => {
    const one = run([...args, directory], 1);
    const three = run([...args, directory], 3);
    expect(one.status).toBe(three.status);
    expect(one.stdout.length).toBeGreaterThan(100);
    expect(three.stdout).toBe(one.stdout);
    // The same warnings (line numbers of rejects included), plus the note of how the input was read.
    const parts = /read in (\d+) parts by 3 threads\n/.exec(three.stderr);
    if (args.includes('--verbose')) {
      expect(Number(parts?.[1])).toBeGreaterThan(10);
      expect(one.stderr).not.toMatch(/parts by/);
      expect(one.stderr).toMatch(/a\.log:\d+: invalid_/); // rejects are listed with their lines
    }
    expect(three.stderr.replace(/read in \d+ parts by \d+ threads\n/, '')).toBe(one.stderr);
  });

  it('keeps the first delivery of a duplicate whose first copy is in another part (different latencies)', () => {
    const one = JSON.parse(run(['summary', '--json', '-q', directory], 1).stdout);
    const two = JSON.parse(run(['summary', '--json', '-q', directory], 2).stdout);
    expect(one.input.duplicates).toBeGreaterThan(100);
    expect(two.input).toEqual(one.input);
    expect(two.total.latencyMs).toEqual(one.total.latencyMs);
    const noDedupe = JSON.parse(run(['summary', '--json', '-q', '--no-dedupe', directory], 2).stdout);
    expect(noDedupe.total.calls).toBe(one.total.calls + one.input.duplicates);
  });

  it('fixture directories too (every envelope and defect), with their line counts', () => {
    for (const name of ['envelopes', 'defects', 'sample']) {
      const one = run(['summary', '--json', '--verbose', fixture(name)], 1);
      const three = run(['summary', '--json', '--verbose', fixture(name)], 3);
      expect(three.stdout, name).toBe(one.stdout);
      expect(three.stderr.replace(/read in \d+ parts by \d+ threads\n/, ''), name).toBe(one.stderr);
    }
  });

  it('reads a range the cut heuristic got wrong as one pass would: CRI streams interleaved, Docker chunks in a wrapper', () => {
    const directory = temporaryDirectory();
    const time = '2026-11-26T10:00:00.000000001Z';
    const record = (i: number): string =>
      JSON.stringify({ timestamp: new Date(Date.UTC(2026, 10, 20) + i * 60_000).toISOString(), request_id: `r-${i}`, feature: 'chat', model: 'claude-haiku-4-5', latency_ms: i % 997 });
    const cri: string[] = [];
    const wrapped: string[] = [];
    for (let i = 0; i < 2000; i += 12) {
      // A stdout record in two fragments with 10 complete stderr records between them: 10 "clean" lines, then the F.
      const long = record(i);
      cri.push(`${time} stdout P ${long.slice(0, 40)}`);
      for (let k = 1; k <= 10; k++) cri.push(`${time} stderr F ${record(i + k)}`);
      cri.push(`${time} stdout F ${long.slice(40)}`);
      // Docker chunks inside a JSON string: the "log" key is escaped, so the heuristic does not see it.
      const text = record(i);
      wrapped.push(JSON.stringify({ message: JSON.stringify({ log: text.slice(0, 30), stream: 'stdout', time }) }));
      for (let k = 1; k <= 10; k++) wrapped.push(record(i + k));
      wrapped.push(JSON.stringify({ message: JSON.stringify({ log: `${text.slice(30)}\n`, stream: 'stdout', time }) }));
    }
    for (const [name, lines] of [['interleaved.log', cri], ['wrapped.log', wrapped]] as const) {
      const file = path.join(directory, name);
      writeFileSync(file, `${lines.join('\n')}\n`);
      const one = run(['summary', '--json', '--verbose', file], 1);
      const three = run(['summary', '--json', '--verbose', file], 3);
      expect(JSON.parse(one.stdout).total.calls, name).toBe(Math.ceil(2000 / 12) * 11);
      expect(three.stdout, name).toBe(one.stdout);
      expect(three.stderr.replace(/read in \d+ parts by \d+ threads\n/, ''), name).toBe(one.stderr);
      expect(three.stderr, name).toMatch(/read in \d+ parts by 3 threads/);
    }
  });
});

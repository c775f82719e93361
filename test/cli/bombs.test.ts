/**
 * Resource bombs: memory stays bounded by what the input's shape allows, never by its size. Peak
 * RSS is measured in the child (process.resourceUsage) and compared with a bound computed from the input — the
 * baseline of the same command on a one-line input, plus what the limits allow (--max-line-bytes, one request id) —
 * never with a wall-clock time.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { createGzip } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ROOT, temporaryDirectory } from '../helpers.js';

const MIB = 1 << 20;
/** Distinct users and features of the biggest many-keys case: a million (BOMB_KEYS=n changes it). */
const DISTINCT_KEYS = Number(process.env['BOMB_KEYS'] ?? 1_000_000);
/** The smaller cases: a fifth of it. */
const FIFTH = Math.round(DISTINCT_KEYS / 5);
const RECORD = (id: string): string =>
  `${JSON.stringify({ timestamp: '2026-11-26T10:00:00Z', request_id: id, feature: 'chat', model: 'claude-haiku-4-5', latency_ms: 5 })}\n`;

/** Output kept whole up to this size; beyond it only counted (a million groups of JSON are ~700 MB). */
const KEPT_OUTPUT = 64 * MIB;

interface Measured {
  readonly code: number | null;
  /** The whole stdout, or null when it was longer than KEPT_OUTPUT. */
  readonly stdout: string | null;
  /** Lines of stdout that match `countLines`. */
  readonly matchingLines: number;
  readonly peakMiB: number;
}

/** Runs claude-mon in a child that reports its peak RSS; `feed` writes its stdin. */
function measured(args: readonly string[], feed: (stdin: Writable) => Promise<void>, countLines = /^$/, nodeFlags: readonly string[] = []): Promise<Measured> {
  const cli = pathToFileURL(path.join(ROOT, 'dist', 'cli.js')).href;
  const io = pathToFileURL(path.join(ROOT, 'dist', 'io', 'cliIo.js')).href;
  const exit = pathToFileURL(path.join(ROOT, 'dist', 'io', 'exit.js')).href;
  const script = `import { main } from '${cli}'; import { nodeIo } from '${io}'; import { exitWhenDone } from '${exit}';
const code = await main(['node', 'claude-mon', ...process.argv.slice(1)], nodeIo());
process.stderr.write('peak-rss-kib ' + process.resourceUsage().maxRSS + '\\n');
exitWhenDone(code);`;
  // The young generation capped, as newer Nodes grow it late and far (RSS then says more about the collector's
  // mood than about what the program holds).
  const child = spawn('node', ['--max-semi-space-size=8', ...nodeFlags, '--input-type=module', '-e', script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout: string | null = '';
  let partial = '';
  let matchingLines = 0;
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdout = stdout !== null && stdout.length + chunk.length <= KEPT_OUTPUT ? stdout + chunk : null;
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() as string;
    for (const line of lines) if (countLines.test(line)) matchingLines++;
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.on('error', () => undefined);
  const done = new Promise<number | null>((resolve) => child.on('close', resolve));
  return feed(child.stdin).then(async () => {
    const code = await done;
    const peak = /peak-rss-kib (\d+)/.exec(stderr);
    if (peak === null) throw new Error(`no peak RSS reported:\n${stderr.slice(-2000)}`);
    return { code, stdout, matchingLines, peakMiB: Number(peak[1]) / 1024 };
  });
}

async function write(stdin: Writable, text: string | Buffer): Promise<void> {
  if (!stdin.write(text)) await new Promise((resolve) => stdin.once('drain', resolve));
}

const oneLine = (stdin: Writable): Promise<void> => new Promise((resolve) => stdin.end(RECORD('base'), () => resolve()));

describe('resource bombs: bounded memory', () => {
  it('a 200 MB line is skipped without being held (and the records around it count)', async () => {
    const base = await measured(['summary', '--json'], oneLine);
    const run = await measured(['summary', '--json'], async (stdin) => {
      await write(stdin, RECORD('before'));
      const block = Buffer.alloc(MIB, 'x');
      for (let i = 0; i < 200; i++) await write(stdin, block);
      await write(stdin, `\n${RECORD('after')}`);
      stdin.end();
    });
    const report = JSON.parse(run.stdout ?? '');
    expect(report.total.calls).toBe(2);
    expect(report.input.skipped).toEqual({ line_too_long: 1 });
    // Bound: the baseline, plus a few --max-line-bytes (1 MiB) buffers and the pipe's and collector's slack (64 MiB:
    // Node 24 reads a pipe in larger pieces) — far under the 200 MB the line would take if it were held.
    expect(run.peakMiB).toBeLessThan(base.peakMiB + 3 + 64);
  }, 120_000);

  it('a gzip bomb (1 GB of zeros in ~5 MB, inflated on the gzip thread) streams through in bounded memory', async () => {
    const file = path.join(temporaryDirectory(), 'bomb.log.gz');
    await new Promise<void>((resolve, reject) => {
      const gzip = createGzip({ level: 1 });
      const out = createWriteStream(file);
      gzip.pipe(out).on('finish', resolve).on('error', reject);
      const zeros = Buffer.alloc(4 * MIB);
      let left = 256;
      const pump = (): void => {
        while (left > 0) {
          left--;
          if (!gzip.write(zeros)) return void gzip.once('drain', pump);
        }
        gzip.end(`\n${RECORD('after-the-zeros')}`);
      };
      pump();
    });
    const base = await measured(['summary', '--json'], oneLine);
    const run = await measured(['summary', '--json', file], async (stdin) => void stdin.end());
    const report = JSON.parse(run.stdout ?? '');
    expect(report.total.calls).toBe(1);
    expect(report.input.skipped).toEqual({ line_too_long: 1 });
    // Bound: the baseline, plus zlib's one 1 MiB output buffer (src/input/gunzip.ts, whatever the ratio), the
    // gzip thread's four 1 MiB buffers to this thread (src/input/gunzipMessages.ts), the thread itself (an idle
    // worker thread costs 12 MiB here), a few --max-line-bytes buffers and the collector's slack.
    expect(run.peakMiB).toBeLessThan(base.peakMiB + 1 + 4 + 12 + 3 + 32);
  }, 120_000);

  it('ten million deliveries of one request id: one record, the rest duplicates, memory flat', async () => {
    const base = await measured(['summary', '--json'], oneLine);
    const run = await measured(['summary', '--json'], async (stdin) => {
      const chunk = RECORD('same').repeat(10_000);
      for (let i = 0; i < 1000; i++) await write(stdin, chunk);
      stdin.end();
    });
    const report = JSON.parse(run.stdout ?? '');
    expect(report.total.calls).toBe(1);
    expect(report.input.duplicates).toBe(10_000_000 - 1);
    // One id in the table; the baseline's table, sized for an unknown input, is the same.
    expect(run.peakMiB).toBeLessThan(base.peakMiB + 48);
  }, 120_000);

  // A million users (and as many features) take about 1 KB each in a `--by user` summary, never the whole input:
  // the bound is the baseline plus DISTINCT_KEY_BYTES per key (README "Robustness" states the same figures).
  // The JSON of a million groups (~700 MB) is longer than a string can be: it is written as it is made, and the
  // test counts its group keys line by line (`"key": {` at the depth of an item of `groups` or `series`).
  const ITEM_KEY = /^ {6}"key": \{/;
  const distinctKeyCases: readonly { args: string[]; keys: number; bytesPerKey: number; features?: number; lines: RegExp; expected: number }[] = [
    { args: ['summary', '--by', 'user', '--json'], keys: DISTINCT_KEYS, bytesPerKey: 1300, lines: ITEM_KEY, expected: DISTINCT_KEYS },
    { args: ['summary', '--format', 'csv'], keys: FIFTH, bytesPerKey: 1300, lines: /^group,feature-/, expected: FIFTH },
    { args: ['trend', '--by', 'user', '--now', 'latest', '--json'], keys: FIFTH, bytesPerKey: 2000, lines: ITEM_KEY, expected: FIFTH },
    { args: ['dashboard', '--now', 'latest', '--json'], keys: FIFTH, bytesPerKey: 900, lines: /^ {6}"user": "user-/, expected: 20 },
    // Alert scopes are features (10 here); users are kept for today's daily_cost drivers.
    { args: ['alerts', '--now', 'latest', '--json'], keys: FIFTH, bytesPerKey: 600, features: 10, lines: /^ {6}"rule": /, expected: 44 },
  ];
  for (const { args, keys, bytesPerKey, features, lines, expected } of distinctKeyCases) {
    const what = features === undefined ? 'distinct users and features' : `distinct users of ${features} features`;
    it(`${keys.toLocaleString('en-US')} ${what}: ${args.join(' ')} within ${bytesPerKey} bytes a key`, async () => {
      const base = await measured(args, oneLine);
      // The bound is also the heap's limit: left to itself, V8 grows the heap long before it must (one Node 24 run
      // here took 2.6 KB a key of RSS where the live data needed under half), so the limit makes the measure the
      // data kept. Past it the child dies of "heap out of memory" and the test fails with its stderr.
      const keptMiB = 32 + (keys * bytesPerKey) / MIB;
      const run = await measured(
        args,
        async (stdin) => {
          for (let from = 0; from < keys; from += 10_000) await write(stdin, distinctKeyLines(from, Math.min(keys, from + 10_000), features));
          stdin.end();
        },
        lines,
        [`--max-old-space-size=${Math.ceil(keptMiB)}`],
      );
      expect(run.code).toBeLessThanOrEqual(args[0] === 'alerts' ? 2 : 0);
      expect(run.matchingLines).toBe(expected);
      const perKey = ((run.peakMiB - base.peakMiB) * MIB) / keys;
      if (process.env['BOMB_REPORT'] !== undefined) process.stderr.write(`${args.join(' ')}: ${keys} keys, ${perKey.toFixed(0)} B/key, peak ${run.peakMiB.toFixed(0)} MiB\n`);
      // Besides the keys: read buffers, the young generation and the collector's slack (as in the cases above).
      expect(run.peakMiB).toBeLessThan(base.peakMiB + keptMiB);
    }, 300_000);
  }
});

/** Calls `from` to `to`, each of its own user and feature (or one of `features`), 80 ms apart on one day. */
function distinctKeyLines(from: number, to: number, features?: number): string {
  let text = '';
  const start = Date.parse('2026-11-26T00:00:00Z');
  for (let i = from; i < to; i++) {
    text += `${JSON.stringify({
      timestamp: new Date(start + i * 80).toISOString(),
      request_id: `req_${i}`,
      user_id: `user-${i}`,
      feature: `feature-${features === undefined ? i : i % features}`,
      model: 'claude-haiku-4-5',
      input_tokens: 100 + (i % 50),
      output_tokens: 20,
      latency_ms: 100 + (i % 997),
      stop_reason: i % 10 === 0 ? 'max_tokens' : 'end_turn',
      ...(i % 50 === 0 ? { error: 'RateLimitError', error_status: 429 } : {}),
    })}\n`;
  }
  return text;
}

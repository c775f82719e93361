/**
 * Resource bombs (issue 6 item 2): memory stays bounded by what the input's shape allows, never by its size. Peak
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
const RECORD = (id: string): string =>
  `${JSON.stringify({ timestamp: '2026-11-26T10:00:00Z', request_id: id, feature: 'chat', model: 'claude-haiku-4-5', latency_ms: 5 })}\n`;

/** Runs claude-mon in a child that reports its peak RSS; `feed` writes its stdin. */
function measured(args: readonly string[], feed: (stdin: Writable) => Promise<void>): Promise<{ code: number | null; stdout: string; peakMiB: number }> {
  const cli = pathToFileURL(path.join(ROOT, 'dist', 'cli.js')).href;
  const io = pathToFileURL(path.join(ROOT, 'dist', 'io', 'cliIo.js')).href;
  const script = `import { main } from '${cli}'; import { nodeIo } from '${io}';
const code = await main(['node', 'claude-mon', ...process.argv.slice(1)], nodeIo());
process.stderr.write('peak-rss-kib ' + process.resourceUsage().maxRSS + '\\n');
process.exit(code);`;
  // The young generation capped, as newer Nodes grow it late and far (RSS then says more about the collector's
  // mood than about what the program holds).
  const child = spawn('node', ['--max-semi-space-size=8', '--input-type=module', '-e', script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.on('error', () => undefined);
  const done = new Promise<number | null>((resolve) => child.on('close', resolve));
  return feed(child.stdin).then(async () => {
    const code = await done;
    const peak = /peak-rss-kib (\d+)/.exec(stderr);
    if (peak === null) throw new Error(`no peak RSS reported:\n${stderr.slice(-2000)}`);
    return { code, stdout, peakMiB: Number(peak[1]) / 1024 };
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
    const report = JSON.parse(run.stdout);
    expect(report.total.calls).toBe(2);
    expect(report.input.skipped).toEqual({ line_too_long: 1 });
    // Bound: the baseline, plus a few --max-line-bytes (1 MiB) buffers and the pipe's and collector's slack (64 MiB:
    // Node 24 reads a pipe in larger pieces) — far under the 200 MB the line would take if it were held.
    expect(run.peakMiB).toBeLessThan(base.peakMiB + 3 + 64);
  }, 120_000);

  it('a gzip bomb (1 GB of zeros in ~1 MB) streams through in bounded memory', async () => {
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
    const report = JSON.parse(run.stdout);
    expect(report.total.calls).toBe(1);
    expect(report.input.skipped).toEqual({ line_too_long: 1 });
    // Bound: the baseline, plus what two 32 KiB slices of deflate can expand to at most (1032:1, one being read
    // while the next inflates: src/input/gunzip.ts), a few --max-line-bytes buffers and the collector's slack.
    const inflight = (2 * 32 * 1024 * 1032) / MIB;
    expect(run.peakMiB).toBeLessThan(base.peakMiB + inflight + 3 + 32);
  }, 120_000);

  it('ten million deliveries of one request id: one record, the rest duplicates, memory flat', async () => {
    const base = await measured(['summary', '--json'], oneLine);
    const run = await measured(['summary', '--json'], async (stdin) => {
      const chunk = RECORD('same').repeat(10_000);
      for (let i = 0; i < 1000; i++) await write(stdin, chunk);
      stdin.end();
    });
    const report = JSON.parse(run.stdout);
    expect(report.total.calls).toBe(1);
    expect(report.input.duplicates).toBe(10_000_000 - 1);
    // One id in the table; the baseline's table, sized for an unknown input, is the same.
    expect(run.peakMiB).toBeLessThan(base.peakMiB + 48);
  }, 120_000);
});

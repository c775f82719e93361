/** Test helpers: run the CLI in-process with captured streams, and read fixtures into records. */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli.js';
import type { CliIo } from '../src/io/cliIo.js';
import { openInputs, readLogs } from '../src/input/readLogs.js';
import { TimeZone } from '../src/core/timezone.js';
import type { CallRecord } from '../src/core/types.js';
import type { Tally } from '../src/input/tally.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const fixture = (name: string): string => path.join(ROOT, 'fixtures', name);

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

class Capture extends Writable {
  text = '';
  constructor(readonly isTTY: boolean) {
    super();
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

export interface RunOptions {
  readonly stdin?: string | Buffer;
  /** Pretend stdin is a terminal (no piped input). */
  readonly stdinTTY?: boolean;
  readonly stdoutTTY?: boolean;
  readonly env?: Record<string, string>;
  readonly cwd?: string;
}

/** Runs `claude-mon <args>` through main() with fake streams; stdin is empty unless given. */
export async function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  const stdout = new Capture(options.stdoutTTY ?? false);
  const stderr = new Capture(false);
  const stdin = Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]) as Readable & { isTTY?: boolean };
  if (options.stdinTTY === true) stdin.isTTY = true;
  const io: CliIo = { stdin, stdout, stderr, env: options.env ?? {}, now: () => Date.parse('2026-11-26T12:00:00Z') };
  const code = await main(['node', 'claude-mon', ...args], io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** Reads inputs through the real ingest path and returns copies of every record, plus the tally. */
export async function readRecords(
  inputs: readonly string[],
  options: { dedupe?: boolean; tz?: string; maxLineBytes?: number; stdin?: Buffer } = {},
): Promise<{ records: CallRecord[]; tally: Tally }> {
  const records: CallRecord[] = [];
  const stdin = new PassThrough();
  stdin.end(options.stdin ?? Buffer.alloc(0));
  const io: CliIo = { stdin, stdout: new PassThrough(), stderr: new PassThrough(), env: {}, now: () => 0 };
  const opened = await openInputs(inputs, io, 'summary');
  const tally = await readLogs(
    opened,
    io,
    {
      dedupe: options.dedupe ?? true,
      strict: false,
      verbose: true,
      maxLineBytes: options.maxLineBytes ?? 1 << 20,
      tz: new TimeZone(options.tz ?? 'UTC'),
    },
    { add: (record) => records.push({ ...record }) },
  );
  return { records, tally };
}

/**
 * The environment for a spawned binary: this one, without FORCE_COLOR (Node 22.23 prints a warning on stderr when it
 * is set beside NO_COLOR), plus `extra`.
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { FORCE_COLOR: _removed, ...rest } = process.env;
  return { ...rest, ...extra };
}

export function temporaryDirectory(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'claude-mon-test-'));
}

/** Every line ends as exactly one of these (docs/definitions.md, "Bad input"). */
export function accountedLines(tally: Tally): number {
  return tally.records + tally.duplicates + tally.noise + tally.skippedTotal();
}

/** A small seeded PRNG (mulberry32): generated inputs reproduce from their seed. */
export function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

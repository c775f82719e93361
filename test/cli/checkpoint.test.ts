/**
 * Property: a run with `--checkpoint` answers exactly what a full read answers at the same --now, whatever happened
 * to the logs between runs — appends, logrotate renames, gzip of rotated files, copytruncate, truncation, a file
 * replaced in place, a rotated file deleted. The full read is of every line the logs held at one run or another
 * (a line written and lost before any run saw it is in neither); `input` (what this run read) is left out.
 */
import { appendFileSync, copyFileSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { random, runCli, temporaryDirectory } from '../helpers.js';

const FEATURES = ['chat', 'search', 'extract'];
const MODELS = ['claude-sonnet-4-5', 'claude-haiku-4-5'];
const MINUTE = 60_000;
const HOUR = 3_600_000;
const COMMANDS = [['summary'], ['summary', '--by', 'model,user'], ['dashboard'], ['trend', '--days', '3'], ['alerts']] as const;

/** The logs as files in a directory, and every line any run could have seen. */
class Logs {
  readonly directory = temporaryDirectory();
  private serial = 0;
  timeMs: number;
  /** The lines present at some run, by their serial: what a full read must read. */
  readonly seen = new Map<number, string>();

  constructor(
    private readonly next: () => number,
    startMs: number,
  ) {
    this.timeMs = startMs;
  }

  get active(): string {
    return path.join(this.directory, 'app.log');
  }

  /** `count` calls over the next `spanMs`, some delivered twice (the same request id a few seconds later). */
  append(count: number, spanMs: number): void {
    const lines: string[] = [];
    for (let i = 0; i < count; i++) {
      this.timeMs += spanMs / count;
      const serial = ++this.serial;
      const jitter = (this.next() - 0.5) * 20_000;
      const error = this.next() < 0.1 ? (this.next() < 0.5 ? 'RateLimitError' : 'InternalServerError') : null;
      const record = {
        timestamp: new Date(Math.round(this.timeMs + jitter)).toISOString(),
        serial,
        request_id: `req-${serial}`,
        user_id: `user-${Math.floor(this.next() * 6)}`,
        feature: FEATURES[Math.floor(this.next() * FEATURES.length)],
        model: MODELS[Math.floor(this.next() * MODELS.length)],
        input_tokens: Math.floor(this.next() * 3000),
        output_tokens: Math.floor(this.next() * 600),
        cached_tokens: Math.floor(this.next() * 2000),
        latency_ms: Math.floor(this.next() * 20_000),
        stop_reason: 'end_turn',
        error,
        error_status: error === 'RateLimitError' ? 429 : error === null ? null : 500,
      };
      lines.push(JSON.stringify(record));
      if (this.next() < 0.03) lines.push(JSON.stringify({ ...record, serial: ++this.serial })); // a second delivery
      if (this.next() < 0.05) lines.push(`INFO health check ok ${serial}`);
    }
    appendFileSync(this.active, `${lines.join('\n')}\n`);
  }

  /** The files, oldest rotation last. */
  files(): string[] {
    return readdirSync(this.directory)
      .filter((name) => name.startsWith('app.log'))
      .map((name) => path.join(this.directory, name));
  }

  /** logrotate: app.log.N(.gz) → app.log.N+1(.gz), app.log → app.log.1 (by rename, or copied and truncated). */
  rotate(copytruncate: boolean): void {
    const numbered = this.files()
      .map((file) => ({ file, n: Number(/\.log\.(\d+)/.exec(file)?.[1] ?? 0) }))
      .filter(({ n }) => n > 0)
      .sort((a, b) => b.n - a.n);
    for (const { file, n } of numbered) renameSync(file, file.replace(`.log.${n}`, `.log.${n + 1}`));
    if (!existsSync(this.active)) return;
    const first = `${this.active}.1`;
    if (copytruncate) {
      copyFileSync(this.active, first);
      truncateSync(this.active, 0);
    } else {
      renameSync(this.active, first);
    }
  }

  /** gzip a plain rotated file (logrotate's delayed compression). */
  gzipOne(): void {
    const plain = this.files().find((file) => /\.log\.\d+$/.test(file));
    if (plain === undefined) return;
    writeFileSync(`${plain}.gz`, zlib.gzipSync(readFileSync(plain)));
    rmSync(plain);
  }

  deleteOldest(): void {
    const oldest = this.files()
      .filter((file) => /\.log\.\d+/.test(file))
      .sort((a, b) => Number(/\.log\.(\d+)/.exec(b)?.[1]) - Number(/\.log\.(\d+)/.exec(a)?.[1]))[0];
    if (oldest !== undefined) rmSync(oldest);
  }

  /** A run looks: every line the logs hold now is one a full read reads. */
  look(): void {
    for (const file of this.files()) {
      const bytes = readFileSync(file);
      const text = (file.endsWith('.gz') ? zlib.gunzipSync(bytes) : bytes).toString('utf8');
      for (const line of text.split('\n')) {
        if (line === '') continue;
        const serial = Number(/"serial":(\d+)/.exec(line)?.[1] ?? /health check ok (\d+)/.exec(line)?.[1]) * (line.startsWith('INFO') ? -1 : 1);
        this.seen.set(serial, line);
      }
    }
  }

  /** Every line seen, in one file: the full read. */
  everySeenLine(): string {
    const file = path.join(this.directory, '..', `${path.basename(this.directory)}-all.jsonl`);
    writeFileSync(file, `${[...this.seen.values()].join('\n')}\n`);
    return file;
  }
}

/** The answer without what describes the read itself. */
async function answer(args: readonly string[]): Promise<{ code: number; json: unknown; stderr: string }> {
  const run = await runCli([...args, '--json']);
  const json = run.stdout === '' ? null : JSON.parse(run.stdout);
  if (json !== null) delete json.input;
  return { code: run.code, json, stderr: run.stderr };
}

async function checkRun(logs: Logs, nowArgs: readonly string[], tz: string, checkpoints: string): Promise<void> {
  logs.look();
  const all = logs.everySeenLine();
  for (const command of COMMANDS) {
    const name = command.join('-').replace(/[^a-z-]/g, '');
    const common = [...command, ...nowArgs, '--tz', tz];
    const full = await answer([...common, all]);
    const resumed = await answer([...common, '--checkpoint', path.join(checkpoints, name), logs.directory]);
    expect(resumed.stderr).not.toContain('is not used'); // now never goes back, the settings stay: always resumed
    // A file gone with lines maybe not read is said on stderr, and makes the alerts status UNKNOWN.
    const gone = resumed.stderr.includes('is gone since the last run');
    if (gone && command[0] === 'alerts') {
      expect(resumed.code).toBe(3);
      for (const answer of [resumed.json, full.json] as { status: string; exitCode: number }[]) Object.assign(answer, { status: 'x', exitCode: 0 });
    } else {
      expect(resumed.code, resumed.stderr).toBe(full.code);
    }
    expect(resumed.json, `${command.join(' ')} ${nowArgs.join(' ')}\n${resumed.stderr}`).toEqual(full.json);
  }
}

describe('--checkpoint answers what a full read answers', () => {
  const seeds = Array.from({ length: 8 }, (_, i) => i + 1);
  it.each(seeds)('random appends, rotations, gzip, copytruncate, truncation, replacement and deletion (seed %i)', async (seed) => {
    const next = random(seed);
    const tz = seed % 2 === 0 ? 'Europe/Berlin' : 'UTC';
    const latest = seed % 3 === 0;
    const logs = new Logs(next, Date.UTC(2026, 10, 20, 6));
    const checkpoints = temporaryDirectory();
    let nowMs = 0;
    for (let step = 0; step < 14; step++) {
      const roll = next();
      if (roll < 0.45) logs.append(1 + Math.floor(next() * 40), MINUTE + next() * 10 * HOUR);
      else if (roll < 0.6) logs.rotate(false);
      else if (roll < 0.68) logs.rotate(true);
      else if (roll < 0.78) logs.gzipOne();
      else if (roll < 0.83) truncateSync(logs.active, 0);
      else if (roll < 0.88) {
        rmSync(logs.active, { force: true }); // replaced: a new file under the old name
        logs.append(1 + Math.floor(next() * 10), 10 * MINUTE);
      } else if (roll < 0.92) logs.deleteOldest();
      if (!existsSync(logs.active)) logs.append(1, MINUTE);
      if (next() < 0.45) {
        // Now: somewhere around the newest call (calls after it wait for a later run), never before the last run's.
        nowMs = Math.max(nowMs, Math.round(logs.timeMs + (next() - 0.7) * 2 * HOUR));
        await checkRun(logs, latest ? ['--now', 'latest'] : ['--now', new Date(nowMs).toISOString()], tz, checkpoints);
      }
    }
    nowMs = Math.max(nowMs, logs.timeMs + HOUR);
    await checkRun(logs, latest ? ['--now', 'latest'] : ['--now', new Date(nowMs).toISOString()], tz, checkpoints);
  }, 120_000);
});

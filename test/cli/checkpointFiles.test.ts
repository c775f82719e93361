/**
 * `--checkpoint`, case by case: what each run reads after each thing that happens to a log file (counted in the
 * run's `input.lines`), what is said on stderr, and how a checkpoint that cannot be used, or is in use, is met.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, readFileSync, renameSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import { decodeBinaryJson, encodeBinaryJson } from '../../src/checkpoint/binaryJson.js';
import { runCli, temporaryDirectory } from '../helpers.js';

const FORMAT = 'claude-mon checkpoint';

const NOW = '2026-11-26T12:00:00Z';
let serial = 0;

/** `count` call records of the minutes before NOW. */
function calls(count: number, extra: Record<string, unknown> = {}): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    serial++;
    lines.push(
      JSON.stringify({
        timestamp: new Date(Date.parse(NOW) - 9 * 60_000 + serial * 100).toISOString(),
        request_id: `req-${serial}`,
        user_id: 'u1',
        feature: 'chat',
        model: 'claude-sonnet-4-5',
        input_tokens: 100 + serial,
        output_tokens: 10,
        latency_ms: 900,
        stop_reason: 'end_turn',
        ...extra,
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}

let directory: string;
let log: string;
let checkpoint: string;

beforeEach(() => {
  directory = temporaryDirectory();
  log = path.join(directory, 'app.log');
  checkpoint = path.join(temporaryDirectory(), 'summary.checkpoint');
});

async function run(command = 'summary', extra: readonly string[] = []): Promise<{ code: number; lines: number; calls: number; stderr: string }> {
  const result = await runCli([command, '--now', NOW, '--json', '--checkpoint', checkpoint, ...extra, directory]);
  const json = result.stdout === '' ? {} : JSON.parse(result.stdout);
  return { code: result.code, lines: json.input?.lines ?? -1, calls: json.total?.calls ?? -1, stderr: result.stderr };
}

describe('--checkpoint reads what is new', () => {
  it('append: only the appended lines', async () => {
    writeFileSync(log, calls(10));
    expect(await run()).toMatchObject({ code: 0, lines: 10, calls: 10 });
    appendFileSync(log, calls(5));
    expect(await run()).toMatchObject({ code: 0, lines: 5, calls: 15 });
    expect(await run()).toMatchObject({ code: 0, lines: 0, calls: 15, stderr: '' });
  });

  it('a line still being written waits for its newline', async () => {
    writeFileSync(log, calls(3));
    const whole = calls(1);
    appendFileSync(log, whole.slice(0, 40));
    expect(await run()).toMatchObject({ lines: 3, calls: 3 });
    appendFileSync(log, whole.slice(40));
    expect(await run()).toMatchObject({ lines: 1, calls: 4 });
  });

  it('logrotate rename, then gzip of the rotated file: its unread tail once, nothing twice', async () => {
    writeFileSync(log, calls(10));
    await run();
    appendFileSync(log, calls(3)); // written before the rotation, not read yet
    renameSync(log, `${log}.1`);
    writeFileSync(log, calls(4));
    expect(await run()).toMatchObject({ lines: 7, calls: 17 });
    writeFileSync(`${log}.2.gz`, zlib.gzipSync(readFileSync(`${log}.1`)));
    rmSync(`${log}.1`);
    expect(await run()).toMatchObject({ lines: 0, calls: 17, stderr: '' });
    renameSync(`${log}.2.gz`, `${log}.3.gz`);
    expect(await run()).toMatchObject({ lines: 0, calls: 17, stderr: '' });
  });

  it('rotated and gzipped between two runs: the unread tail is read from the gzip', async () => {
    writeFileSync(log, calls(10));
    await run();
    appendFileSync(log, calls(2));
    writeFileSync(`${log}.1.gz`, zlib.gzipSync(readFileSync(log)));
    writeFileSync(log, calls(1));
    expect(await run()).toMatchObject({ lines: 3, calls: 13 });
  });

  it('copytruncate: the copy is the old file, the truncated file is read from its start', async () => {
    writeFileSync(log, calls(10));
    await run();
    appendFileSync(log, calls(2));
    copyFileSync(log, `${log}.1`);
    truncateSync(log, 0);
    appendFileSync(log, calls(20)); // longer than before: its size alone would not tell
    expect(await run()).toMatchObject({ lines: 22, calls: 32 });
  });

  it('a file replaced in place (same inode, longer) is read from its start', async () => {
    writeFileSync(log, calls(10));
    await run();
    writeFileSync(log, calls(12)); // rewritten: other bytes before the offset
    expect(await run()).toMatchObject({ lines: 12, calls: 22 });
  });

  it('a file gone with lines maybe unread: said on stderr; alerts UNKNOWN unless --quiet', async () => {
    writeFileSync(log, calls(10));
    writeFileSync(path.join(directory, 'other.log'), calls(1));
    await run('alerts');
    appendFileSync(log, calls(1));
    rmSync(log);
    const gone = await run('alerts');
    expect(gone.stderr).toContain(`${log} is gone since the last run`);
    expect(gone.code).toBe(3);
    writeFileSync(log, calls(2));
    await run('alerts');
    rmSync(log);
    const quiet = await run('alerts', ['--quiet']);
    expect(quiet.stderr).toBe('');
    expect(quiet.code).toBe(0);
  });

  it('a rotated file deleted after it stopped growing is let go quietly', async () => {
    writeFileSync(log, calls(10));
    await run();
    renameSync(log, `${log}.1`);
    writeFileSync(log, calls(1));
    await run(); // app.log.1 read to its end, still there
    await run();
    rmSync(`${log}.1`);
    expect(await run()).toMatchObject({ code: 0, lines: 0, calls: 11, stderr: '' });
  });

  it('a gzip file still being written: read to its last whole line, the rest when it is whole', async () => {
    const whole = zlib.gzipSync(Buffer.from(calls(2000)));
    writeFileSync(`${log}.1.gz`, whole.subarray(0, Math.floor(whole.length * 0.6)));
    writeFileSync(log, calls(1));
    const cut = await run();
    expect(cut.calls).toBeGreaterThan(1);
    expect(cut.calls).toBeLessThan(2001);
    writeFileSync(`${log}.1.gz`, whole);
    expect(await run()).toMatchObject({ calls: 2001 });
  });

  it('an input that cannot be read: the checkpoint is left as it was, and said so', async () => {
    writeFileSync(log, calls(2));
    await run();
    appendFileSync(log, calls(3));
    symlinkSync(path.join(directory, 'nowhere'), path.join(directory, 'broken.log'));
    const failed = await run();
    expect(failed).toMatchObject({ code: 1, lines: 3, calls: 5 });
    expect(failed.stderr).toContain('is left as it was');
    rmSync(path.join(directory, 'broken.log'));
    expect(await run()).toMatchObject({ code: 0, lines: 3, calls: 5 });
  });

  it('a call delivered again in a later run is dropped', async () => {
    const first = calls(3);
    writeFileSync(log, first);
    await run();
    appendFileSync(log, first.split('\n')[1] + '\n');
    expect(await run()).toMatchObject({ lines: 1, calls: 3 });
  });
});

describe('a checkpoint that cannot be used', () => {
  it('made with other settings: a note, and a full read', async () => {
    writeFileSync(log, calls(10));
    await run();
    const other = await run('summary', ['--tz', 'Europe/Berlin']);
    expect(other).toMatchObject({ code: 0, lines: 10, calls: 10 });
    expect(other.stderr).toMatch(/checkpoint .* is not used \(it was made with another tz\)/);
    expect(await run('summary', ['--tz', 'Europe/Berlin'])).toMatchObject({ lines: 0, calls: 10, stderr: '' });
  });

  it('made at a later --now: a note, and a full read', async () => {
    writeFileSync(log, calls(10));
    await run();
    const earlier = await runCli(['summary', '--now', '2026-11-26T11:00:00Z', '--json', '--checkpoint', checkpoint, directory]);
    expect(earlier.stderr).toContain('it was made at --now 2026-11-26T12:00:00.000Z, after this run');
    expect(JSON.parse(earlier.stdout).input.lines).toBe(10);
  });

  it('not a checkpoint, or damaged: an error naming the file, and how to start over', async () => {
    writeFileSync(log, calls(1));
    for (const text of ['{"format": "claude-mon checkpoint", "formatVersion": 1, "settings"', '[1, 2]']) {
      writeFileSync(checkpoint, text);
      const result = await run();
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`the checkpoint ${checkpoint} cannot be used`);
      expect(result.stderr).toContain('Remove it');
    }
    rmSync(checkpoint);
    expect((await run()).code).toBe(0);
    const damaged = decodeBinaryJson(FORMAT, readFileSync(checkpoint)) as { engine: { parts: unknown[] } };
    damaged.engine.parts[0] = { cells: 'no' };
    writeFileSync(checkpoint, Buffer.concat(encodeBinaryJson(FORMAT, damaged)));
    const result = await run();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`the checkpoint ${checkpoint} cannot be used`);
  });

  it('in use by another run: a clear error; a lock left by a killed run is taken over', async () => {
    writeFileSync(log, calls(1));
    writeFileSync(`${checkpoint}.lock`, `${process.pid}\n`);
    const busy = await run('alerts');
    expect(busy.code).toBe(3);
    expect(busy.stderr).toContain(`is in use by another claude-mon run (process ${process.pid}`);
    writeFileSync(`${checkpoint}.lock`, '2147483646\n');
    expect(await run()).toMatchObject({ code: 0, lines: 1 });
  });

  it('stdin, a .cmstate, a JSON document, a pipe, or a range relative to now: refused with what to do', async () => {
    writeFileSync(log, calls(2));
    const state = path.join(temporaryDirectory(), 'logs.cmstate');
    expect((await runCli(['fold', '-o', state, log])).code).toBe(0);
    const documents = temporaryDirectory();
    writeFileSync(path.join(documents, 'calls.json'), `[${calls(2).trim().split('\n').join(',')}]`);
    const fifo = path.join(temporaryDirectory(), 'pipe.log');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    for (const [args, message] of [
      [['summary', '--checkpoint', checkpoint, state], '--checkpoint reads logs: merge .cmstate states'],
      [['summary', '--checkpoint', checkpoint, documents], 'is a JSON document'],
      [['summary', '--checkpoint', checkpoint, fifo], 'is not a regular file'],
      [['summary', '--checkpoint', checkpoint, '-'], 'stdin cannot be read again'],
      [['summary', '--checkpoint', checkpoint, '--since', '1h', directory], 'give --since/--until as ISO times'],
      [['alerts', '--checkpoint', checkpoint, '--since', '10m', directory], '--since and --checkpoint do not go together'],
    ] as const) {
      const result = await runCli(args);
      expect(result.stderr).toContain(message);
      expect(result.code).toBe(args[0] === 'alerts' ? 3 : 2);
    }
  });
});

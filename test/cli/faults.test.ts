/**
 * Filesystem faults: a missing or unreadable file among good ones, a directory that links to
 * itself, an empty file, a FIFO, a file truncated or rotated while it is read, and a full disk under -o — each
 * reported or read, never stopping the others from being read.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, temporaryDirectory } from '../helpers.js';

const RECORD = `${JSON.stringify({ timestamp: '2026-11-26T10:00:00Z', feature: 'chat', model: 'claude-haiku-4-5', latency_ms: 5 })}\n`;

describe('filesystem faults', () => {
  it('a missing file among good ones: the others are read, exit 1, the message names it', async () => {
    const directory = temporaryDirectory();
    const good = path.join(directory, 'good.jsonl');
    writeFileSync(good, RECORD.repeat(3));
    const missing = path.join(directory, 'gone.jsonl');
    const run = await runCli(['summary', good, missing, '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).total.calls).toBe(3);
    expect(run.stderr).toContain(`cannot read ${missing}: no such file or directory`);
  });

  it('a directory that links to itself, and an empty file: read once, no hang, the records counted', async () => {
    const directory = temporaryDirectory();
    mkdirSync(path.join(directory, 'logs'));
    writeFileSync(path.join(directory, 'logs', 'app.jsonl'), RECORD.repeat(2));
    writeFileSync(path.join(directory, 'logs', 'empty.log'), '');
    symlinkSync(path.join(directory, 'logs'), path.join(directory, 'logs', 'loop'));
    const run = await runCli(['summary', path.join(directory, 'logs'), '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.total.calls).toBe(2);
    expect(report.input.files).toBe(2);
  });

  it('a FIFO is read to its end like a file', async () => {
    const directory = temporaryDirectory();
    const fifo = path.join(directory, 'pipe.log');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const writer = spawn('sh', ['-c', `printf '%s' '${RECORD.repeat(4).trimEnd()}' > '${fifo}'`]);
    const run = spawnSync('node', [path.join(ROOT, 'bin', 'claude-mon.cjs'), 'summary', '--json', fifo], { encoding: 'utf8', timeout: 20_000 });
    await new Promise((resolve) => writer.on('close', resolve));
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).total.calls).toBe(4);
  });

  it('an unreadable file and an unreadable directory: the others are read, exit 1, each named once', () => {
    const directory = temporaryDirectory();
    const good = path.join(directory, 'good.jsonl');
    writeFileSync(good, RECORD.repeat(3));
    const locked = path.join(directory, 'locked.jsonl');
    writeFileSync(locked, RECORD);
    chmodSync(locked, 0);
    const lockedDirectory = path.join(directory, 'locked-logs');
    mkdirSync(lockedDirectory);
    writeFileSync(path.join(lockedDirectory, 'app.jsonl'), RECORD);
    chmodSync(lockedDirectory, 0);
    // Root reads anything: run without the capabilities that let it, so the permission bits apply as to anyone.
    const [command, ...prefix] = process.getuid?.() === 0 ? ['setpriv', '--bounding-set=-dac_override,-dac_read_search', process.execPath] : [process.execPath];
    const run = spawnSync(command as string, [...prefix, BIN, 'summary', '--json', good, locked, lockedDirectory], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.total.calls).toBe(3);
    // The directory is found unreadable while the inputs are listed, the file when it is opened.
    expect(report.input.unreadable).toEqual([`${lockedDirectory}: permission denied`, `${locked}: permission denied`]);
    expect(run.stderr).toContain(`cannot read ${locked}: permission denied`);
    expect(run.stderr).not.toContain('no log files'); // it could not be listed, which says more
  });

  it('a file truncated in place while it is read: what was read counts, the cut line is named, the shrink reported', async () => {
    const { file, text } = bigLog();
    const child = startSummary(file);
    // Stopped mid-read, so the cut lands ahead of the reader whatever the machine's speed.
    const position = await whenReading(child.pid, file, { stop: true });
    const boundary = text.indexOf('\n', position) + 1;
    const cutAt = boundary + 17; // inside the line after the reader's position
    const linesBefore = text.slice(0, boundary).split('\n').length - 1;
    truncateSync(file, cutAt);
    process.kill(child.pid, 'SIGCONT');
    const { code, stdout, stderr } = await child.done;
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.input.lines).toBe(linesBefore + 1);
    expect(report.total.calls).toBe(linesBefore);
    expect(report.input.skipped).toEqual({ truncated_file: 1 });
    expect(report.input.truncated).toEqual([
      `${file}: shrank while being read (truncated in place: copytruncate rotation?): ${text.length} bytes when opened, ${cutAt} read after line ${linesBefore + 1}`,
    ]);
    expect(stderr).toContain('shrank while being read');
  }, 60_000);

  it('a file rotated (renamed, a new one in its place) while it is read: the whole old file is read, once', async () => {
    const { file, text } = bigLog();
    const lines = text.split('\n').length - 1;
    const child = startSummary(file);
    await whenReading(child.pid, file);
    renameSync(file, `${file}.1`);
    writeFileSync(file, RECORD.repeat(5));
    const { code, stdout } = await child.done;
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.input.lines).toBe(lines);
    expect(report.total.calls).toBe(lines);
    expect(report.input.truncated).toEqual([]);
  }, 60_000);

  it('a full disk under -o: a clear error and exit 1; a device is written in place, never replaced', async () => {
    const directory = temporaryDirectory();
    const good = path.join(directory, 'good.jsonl');
    writeFileSync(good, RECORD);
    const run = await runCli(['summary', '--json', good, '-o', '/dev/full']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('cannot write /dev/full: no space left on the device');
    expect(statSync('/dev/full').isCharacterDevice()).toBe(true);
  });

  it('-o through a symbolic link writes its target and keeps the link; a full disk under stdout is a message, not a crash', () => {
    const directory = temporaryDirectory();
    const good = path.join(directory, 'good.jsonl');
    writeFileSync(good, RECORD);
    const target = path.join(directory, 'target.json');
    writeFileSync(target, 'old\n');
    const link = path.join(directory, 'latest.json');
    symlinkSync(target, link);
    const viaLink = spawnSync(process.execPath, [BIN, 'summary', '--json', good, '-o', link], { encoding: 'utf8', timeout: 60_000 });
    expect(viaLink.status).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(target, 'utf8')).total.calls).toBe(1);

    const full = spawnSync('bash', ['-c', `exec '${process.execPath}' '${BIN}' summary --json '${good}' > /dev/full`], { encoding: 'utf8', timeout: 60_000 });
    expect(full.status).toBe(1);
    expect(full.stderr).toBe('claude-mon: cannot write the result to stdout: no space left on the device\n');
  });

  it('a file size limit reached under -o: the old report stays whole, no temporary file is left', () => {
    const directory = temporaryDirectory();
    const target = path.join(directory, 'report.json');
    writeFileSync(target, 'yesterday\n');
    // ulimit -f counts 1024-byte blocks in bash: the report (a few KB) cannot be written whole.
    const script = `ulimit -f 1; exec '${process.execPath}' '${BIN}' summary --json '${path.join(ROOT, 'fixtures', 'sample')}' -o '${target}'`;
    const run = spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`cannot write ${target}: file too large for this file system or limit`);
    expect(readFileSync(target, 'utf8')).toBe('yesterday\n');
    expect(readdirSync(directory)).toEqual(['report.json']);
  });
});

const BIN = path.join(ROOT, 'bin', 'claude-mon.cjs');

/** ~60 MB of records: long enough to be caught mid-read. */
function bigLog(): { file: string; text: string } {
  const file = path.join(temporaryDirectory(), 'app.jsonl');
  const lines: string[] = [];
  for (let i = 0; i < 200_000; i++) {
    lines.push(JSON.stringify({ timestamp: '2026-11-26T10:00:00Z', request_id: `r${i}`, feature: 'chat', model: 'claude-haiku-4-5', latency_ms: 5, note: 'x'.repeat(200) }));
  }
  const text = `${lines.join('\n')}\n`;
  writeFileSync(file, text);
  return { file, text };
}

function startSummary(file: string): { pid: number; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [BIN, 'summary', '--json', '--threads', '1', file]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  const watchdog = setTimeout(() => child.kill('SIGKILL'), 50_000); // a hang fails the test, with stderr to read
  void done.then(() => clearTimeout(watchdog));
  return { pid: child.pid as number, done };
}

/**
 * Resolves once the process has the file open and has read some of it (Linux: /proc/PID/fdinfo's pos), with the
 * position it has read to; with `stop`, the process is stopped (SIGSTOP, every thread) before the position is taken.
 */
async function whenReading(pid: number, file: string, options: { stop?: boolean } = {}): Promise<number> {
  for (let tries = 0; tries < 30_000; tries++) {
    const descriptor = openDescriptor(pid, file);
    if (descriptor !== null && positionOf(pid, descriptor) > 0) {
      if (options.stop !== true) return positionOf(pid, descriptor);
      process.kill(pid, 'SIGSTOP');
      while (!allThreadsStopped(pid)) await new Promise((resolve) => setTimeout(resolve, 1));
      return positionOf(pid, descriptor);
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  throw new Error(`process ${pid} never read ${file}`);
}

function openDescriptor(pid: number, file: string): string | null {
  try {
    return readdirSync(`/proc/${pid}/fd`).find((fd) => readlinkSync(`/proc/${pid}/fd/${fd}`) === file) ?? null;
  } catch {
    return null; // the process is starting, or a descriptor closed between the listing and the look
  }
}

function positionOf(pid: number, descriptor: string): number {
  try {
    return Number(/pos:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/fdinfo/${descriptor}`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Every thread of the process in state T (stopped): no read is still under way. */
function allThreadsStopped(pid: number): boolean {
  return readdirSync(`/proc/${pid}/task`).every((task) => /^\d+ \(.*\) T /.test(readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8')));
}

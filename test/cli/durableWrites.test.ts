/**
 * Files claude-mon replaces (`-o`, `fold -o`, checkpoints, positions) are written durably: the temporary file is
 * synced before the rename and the directory after it (seen with the real strace), and the temporary files that
 * runs killed while writing left behind are removed by the next write of the same file.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, runCli, temporaryDirectory } from '../helpers.js';
import { BIN } from './prometheus.js';

const HAS_STRACE = spawnSync('strace', ['-V'], { timeout: 10_000 }).status === 0;

/** The id of a process that has ended. */
function endedPid(): number {
  const child = spawnSync('node', ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('durable writes', () => {
  it('removes the temporary files of runs killed while writing the same file, and keeps those of running ones and recent ones', async () => {
    const directory = temporaryDirectory();
    const out = path.join(directory, 'out.cmstate');
    const stale = [`.out.cmstate.${endedPid()}.1764000000000.tmp`, `.out.cmstate.${endedPid()}.1764000000001.tmp`];
    const running = `.out.cmstate.${process.pid}.1764000000002.tmp`; // this test's own process is alive
    const other = `.other.cmstate.${endedPid()}.1764000000003.tmp`; // another file's
    for (const name of [...stale, running, other]) writeFileSync(path.join(directory, name), 'x'.repeat(1000));
    // A temporary file is left alone for its first minute (another host's processes are not ours to know).
    const recent = `.out.cmstate.${endedPid()}.1764000000004.tmp`;
    writeFileSync(path.join(directory, recent), 'x');
    const minutesAgo = new Date(Date.now() - 5 * 60_000);
    for (const name of [...stale, running, other]) utimesSync(path.join(directory, name), minutesAgo, minutesAgo);
    const run = await runCli(['fold', '-o', out, fixture('sample/app.log')]);
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(out)).toBe(true);
    expect(readdirSync(directory).sort()).toEqual([running, other, recent, 'out.cmstate'].sort());
  });

  it.skipIf(!HAS_STRACE)('syncs the temporary file before renaming it, and the directory after (seen with strace; skipped without it)', () => {
    const directory = temporaryDirectory();
    const out = path.join(directory, 'summary.json');
    const traced = spawnSync('strace', ['-f', '-e', 'trace=fsync,fdatasync,rename,renameat,renameat2', 'node', BIN, 'summary', '--json', '-o', out, fixture('sample/app.log')], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(traced.status, traced.stderr).toBe(0);
    const calls = traced.stderr.split('\n').filter((line) => /\b(fsync|fdatasync|rename\w*)\(/.test(line) && !/resumed|unfinished/.test(line) || /rename\w*\(.*summary\.json/.test(line));
    const renameAt = calls.findIndex((line) => /rename\w*\(.*\.summary\.json\.\d+\.\d+\.tmp/.test(line));
    expect(renameAt, traced.stderr.slice(-2000)).toBeGreaterThan(0);
    expect(calls.slice(0, renameAt).some((line) => /fsync|fdatasync/.test(line))).toBe(true);
    expect(calls.slice(renameAt + 1).some((line) => /fsync|fdatasync/.test(line))).toBe(true);
  });
});

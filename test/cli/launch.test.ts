/**
 * The bundled binary's start-up (src/launch.ts): V8's code cache (Node's own from 22.1, else launch.ts's) kept in a
 * private directory under the temporary directory, used by the next run, and never trusted blindly. Each test runs
 * the real binary with its own TMPDIR.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { childEnv, fixture, ROOT, temporaryDirectory } from '../helpers.js';

const BIN = path.join(ROOT, 'bin', 'claude-mon.cjs');
/** Node ≥ 22.1 caches compiled code itself (module.enableCompileCache); on Node 20 src/launch.ts does. */
const nodeCachesItself = 'enableCompileCache' in Module;
const uid = process.getuid?.() ?? 'user';

function summary(tmpdir: string, extra: Record<string, string> = {}): string {
  const run = spawnSync('node', [BIN, 'summary', '--json', fixture('envelopes/bare.jsonl')], {
    encoding: 'utf8',
    env: childEnv({ TMPDIR: tmpdir, ...extra }),
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return run.stdout;
}

const ourCache = (tmpdir: string): string => path.join(tmpdir, `claude-mon-code-cache-${uid}`);
const cacheFiles = (directory: string): string[] => (existsSync(directory) ? readdirSync(directory, { recursive: true }).map(String) : []);

describe('start-up with a code cache', () => {
  it('writes the cache on a first run and gives the same answer from it, as without any cache', () => {
    const tmpdir = temporaryDirectory();
    const uncached = summary(temporaryDirectory(), { NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(JSON.parse(uncached).total.calls).toBe(3);
    expect(summary(tmpdir)).toBe(uncached);
    const directory = ourCache(tmpdir);
    expect(cacheFiles(directory).length).toBeGreaterThan(0);
    expect(statSync(directory).mode & 0o777).toBe(0o700);
    if (!nodeCachesItself) {
      const [file] = cacheFiles(directory);
      const { size, mtimeMs } = statSync(path.join(ROOT, 'dist', 'bundle', 'claude-mon.cjs'));
      expect(file).toBe(`${(file as string).slice(0, 16)}-${size}-${Math.trunc(mtimeMs)}-${process.version}-${process.arch}.bin`);
      expect(file).toMatch(/^[0-9a-f]{16}-/);
      expect(statSync(path.join(directory, file as string)).size).toBeGreaterThan(100_000);
    }
    expect(summary(tmpdir)).toBe(uncached);
  });

  it('makes no cache with NODE_DISABLE_COMPILE_CACHE=1', () => {
    const tmpdir = temporaryDirectory();
    summary(tmpdir, { NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(readdirSync(tmpdir)).toEqual([]);
  });

  it.runIf(!nodeCachesItself)('rewrites a damaged cache file, which V8 rejects (Node 20 only: later Nodes keep their own cache)', () => {
    const tmpdir = temporaryDirectory();
    const expected = summary(tmpdir);
    const [file] = cacheFiles(ourCache(tmpdir));
    const cached = path.join(ourCache(tmpdir), file as string);
    writeFileSync(cached, Buffer.alloc(4096, 0x5a));
    expect(summary(tmpdir)).toBe(expected);
    expect(statSync(cached).size).toBeGreaterThan(100_000);
    expect(summary(tmpdir)).toBe(expected);
  });

  it('does not use a cache directory others can write to', () => {
    const tmpdir = temporaryDirectory();
    mkdirSync(ourCache(tmpdir));
    chmodSync(ourCache(tmpdir), 0o777);
    expect(JSON.parse(summary(tmpdir)).total.calls).toBe(3);
    expect(cacheFiles(ourCache(tmpdir))).toEqual([]);
  });
});

/**
 * Starts the bundled command line (dist/bundle/claude-mon.cjs) with V8's code cache, so that a run does not
 * compile the same 800 KB of JavaScript again. Start-up is most of a cron job's or a Nagios check's time.
 *
 * The cache lives in <tmpdir>/claude-mon-code-cache-<uid>/, a directory only this user can write to (V8 trusts
 * what it loads from its cache), or in NODE_COMPILE_CACHE when that is set.
 * - Node ≥ 22.1 has a compile cache of its own (module.enableCompileCache): it is turned on, in that directory.
 * - Node 20 has none, so the bundle is compiled here through vm.Script, with the code V8 cached after the first
 *   run kept in that directory. A file is keyed by the bundle's digest, size and time (V8 itself checks only the
 *   source's length), the Node version and the CPU. It is written at the exit of a run that had none, so it holds
 *   the functions that run compiled; a file V8 rejects is written again, and files unused for 30 days go.
 * - NODE_DISABLE_COMPILE_CACHE=1 (Node's own switch) turns both off.
 *
 * The cache is only ever a speed-up: a directory that cannot be made private, or a file that cannot be read or
 * written, means the bundle is compiled as without it.
 */
import fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

/** The sha-256 of dist/bundle/claude-mon.cjs, put here by scripts/bundle.mjs. */
declare const BUNDLE_DIGEST: string;
/** Node ≥ 22.1's compile cache; @types/node 20 does not know it. */
const enableCompileCache = (Module as { enableCompileCache?: (directory: string) => unknown }).enableCompileCache;
const UNUSED_MS = 30 * 86_400_000;

const bundle = fileURLToPath(new URL('./claude-mon.cjs', import.meta.url));
const require = createRequire(bundle);
const disabled = (process.env['NODE_DISABLE_COMPILE_CACHE'] ?? '') !== '' && process.env['NODE_DISABLE_COMPILE_CACHE'] !== '0';
const directory = disabled ? undefined : (process.env['NODE_COMPILE_CACHE'] ?? privateDirectory());

if (directory === undefined) {
  require(bundle);
} else if (enableCompileCache !== undefined) {
  enableCompileCache(directory);
  require(bundle);
} else {
  runWithCodeCache(bundle, directory);
}

/** Compiles and runs the bundle as require() would, with V8's cached data. The bundle has no import() to serve. */
function runWithCodeCache(file: string, directory: string): void {
  const { size, mtimeMs } = fs.statSync(file);
  const cacheFile = path.join(directory, `${BUNDLE_DIGEST.slice(0, 16)}-${size}-${Math.trunc(mtimeMs)}-${process.version}-${process.arch}.bin`);
  const cachedData = readIfPresent(cacheFile);
  const source = Module.wrap(fs.readFileSync(file, 'utf8'));
  const script = new vm.Script(source, { filename: file, ...(cachedData && { cachedData }) });
  if (cachedData === undefined || script.cachedDataRejected === true) {
    process.once('exit', () => {
      writeQuietly(cacheFile, script.createCachedData());
      removeUnused(directory);
    });
  }
  const module = { exports: {} };
  (script.runInThisContext() as CommonJsWrapper)(module.exports, require, module, file, path.dirname(file));
}

type CommonJsWrapper = (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;

/** <tmpdir>/claude-mon-code-cache-<uid>, made if missing; undefined when others could write to it. */
function privateDirectory(): string | undefined {
  const uid = process.getuid?.();
  const made = path.join(os.tmpdir(), `claude-mon-code-cache-${uid ?? 'user'}`);
  try {
    fs.mkdirSync(made, { mode: 0o700 });
  } catch {
    // It exists already (checked below), or cannot be made: then there is no cache.
  }
  try {
    const stat = fs.lstatSync(made);
    if (!stat.isDirectory()) return undefined;
    // Owner and mode where they mean something (not on Windows, which has no uid).
    if (uid !== undefined && (stat.uid !== uid || (stat.mode & 0o022) !== 0)) return undefined;
  } catch {
    return undefined;
  }
  return made;
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Written to a temporary name and renamed, so that a concurrent run reads either no file or a whole one. */
function writeQuietly(file: string, bytes: Buffer): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temporary, bytes, { mode: 0o600 });
    fs.renameSync(temporary, file);
  } catch {
    fs.rmSync(temporary, { force: true });
  }
}

/** Cache files of other builds or Nodes, untouched for 30 days, go: the directory does not grow for ever. */
function removeUnused(directory: string): void {
  try {
    for (const name of fs.readdirSync(directory)) {
      const file = path.join(directory, name);
      if (name.endsWith('.bin') && Date.now() - fs.statSync(file).atimeMs > UNUSED_MS) fs.rmSync(file, { force: true });
    }
  } catch {
    // Only housekeeping: the next writer tries again.
  }
}

/**
 * Starts the bundled command line (dist/bundle/claude-mon.cjs) with V8's code cache, so that a run does not
 * compile the same 360 KB of JavaScript again. Start-up is most of a cron job's or a Nagios check's time.
 *
 * - Node ≥ 22.1 has a compile cache of its own (module.enableCompileCache, in NODE_COMPILE_CACHE or
 *   <tmpdir>/node-compile-cache): it is turned on.
 * - Node 20 has none, so the bundle is compiled here through vm.Script, with the code V8 cached after the first
 *   run kept in <tmpdir>/claude-mon-code-cache-<uid>/. The cache is keyed by the bundle's digest (V8 itself checks
 *   only the source's length), the Node version and the CPU. It is written once, at the exit of a run that had
 *   none, so it holds the functions that run compiled; a file V8 rejects is written again.
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
const enableCompileCache = (Module as { enableCompileCache?: () => unknown }).enableCompileCache;
/** Lets code compiled by vm.Script use import() as the main context does (Node ≥ 20.12). */
const mainContextLoader = (vm.constants as Partial<typeof vm.constants> | undefined)?.USE_MAIN_CONTEXT_DEFAULT_LOADER;

const bundle = fileURLToPath(new URL('./claude-mon.cjs', import.meta.url));
const require = createRequire(bundle);

if (process.env['NODE_DISABLE_COMPILE_CACHE']) {
  require(bundle);
} else if (enableCompileCache !== undefined) {
  enableCompileCache();
  require(bundle);
} else if (mainContextLoader !== undefined) {
  runWithCodeCache(bundle, codeCacheFile(), mainContextLoader);
} else {
  require(bundle); // Node 20 before 20.12: vm cannot hand import() to the main loader, which the bundle uses
}

function runWithCodeCache(file: string, cacheFile: string | undefined, importModuleDynamically: typeof vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER): void {
  const cachedData = cacheFile === undefined ? undefined : readIfPresent(cacheFile);
  // The bundle is ASCII (esbuild escapes everything else), and latin1 is the cheapest decoding of it.
  const source = Module.wrap(fs.readFileSync(file, 'latin1'));
  const script = new vm.Script(source, { filename: file, importModuleDynamically, ...(cachedData && { cachedData }) });
  if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) {
    process.once('exit', () => writeQuietly(cacheFile, script.createCachedData()));
  }
  const module = { exports: {} };
  (script.runInThisContext() as CommonJsWrapper)(module.exports, require, module, file, path.dirname(file));
}

type CommonJsWrapper = (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;

/** The cache file in a directory only this user can write to, or undefined when there is no such directory. */
function codeCacheFile(): string | undefined {
  const uid = process.getuid?.();
  const directory = path.join(os.tmpdir(), `claude-mon-code-cache-${uid ?? 'user'}`);
  try {
    fs.mkdirSync(directory, { mode: 0o700 });
  } catch {
    // It exists already (checked below), or cannot be made: then there is no cache.
  }
  try {
    const stat = fs.lstatSync(directory);
    if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid) || (stat.mode & 0o077) !== 0) return undefined;
  } catch {
    return undefined;
  }
  return path.join(directory, `${BUNDLE_DIGEST.slice(0, 16)}-${process.version}-${process.arch}.bin`);
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

/**
 * Bundles the compiled CLI (dist/, from tsc) into dist/bundle/, so that starting claude-mon reads three files
 * instead of a hundred and fifty modules. Run by `npm run build`; esbuild-wasm is a devDependency, so no native
 * binary is needed.
 *
 * - claude-mon.cjs: the command line (src/bin.ts) and every command, as one CommonJS file. CommonJS starts faster
 *   than an ES module graph, and one file lets V8 cache its compiled code whole.
 * - launch.cjs: what bin/claude-mon.cjs runs (src/launch.ts): loads claude-mon.cjs with V8's code cache. It is
 *   given claude-mon.cjs's digest, the key of that cache.
 * - parseWorker.js: the parse thread (an ES module), which parallelIngest starts from `./parseWorker.js` next to
 *   its own code.
 * - gunzipWorker.js: the gzip thread (an ES module), which gunzipThread starts from dist/bundle/ wherever it runs.
 * - reportPage.js and reportPage.css: the script (with uPlot) and the style of `claude-mon report`'s page (page/),
 *   for a browser, minified: each page carries them inline.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { build } from 'esbuild-wasm';

// Not minified: a crash's stack trace names its functions, and Node prints the source line it broke on (a
// minified line is a hundred kilobytes). Minifying saved no start-up time measurable here once V8's code cache
// is in use.
const common = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning' };
const commonJs = {
  ...common,
  format: 'cjs',
  // import() (stream-chain's, of node:string_decoder) as require(): src/launch.ts compiles the bundle through
  // vm.Script on Node 20, where import() needs a loader flag that prints an ExperimentalWarning.
  supported: { 'dynamic-import': false },
  // A CommonJS file has no import.meta: its URL is made from __filename.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};

await build({ ...commonJs, entryPoints: ['dist/bin.js'], outfile: 'dist/bundle/claude-mon.cjs' });
await build({ ...common, format: 'esm', entryPoints: ['dist/input/parseWorker.js'], outfile: 'dist/bundle/parseWorker.js' });
await build({ ...common, format: 'esm', entryPoints: ['dist/input/gunzipWorker.js'], outfile: 'dist/bundle/gunzipWorker.js' });
await build({
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2020',
  minify: true,
  logLevel: 'warning',
  entryPoints: ['page/reportPage.ts'],
  outdir: 'dist/bundle',
});
const commandLine = readFileSync('dist/bundle/claude-mon.cjs');
if (commandLine.includes('import(')) throw new Error('dist/bundle/claude-mon.cjs calls import(), which src/launch.ts cannot run on Node 20');
const digest = createHash('sha256').update(commandLine).digest('hex');
await build({
  ...commonJs,
  entryPoints: ['dist/launch.js'],
  outfile: 'dist/bundle/launch.cjs',
  define: { ...commonJs.define, BUNDLE_DIGEST: JSON.stringify(digest) },
});

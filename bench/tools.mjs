/**
 * The tools the bench compares, each as: how to run it on an input (a child-process command) and how to read its
 * output into one shape, { groups: { [feature]: stats }, total: stats } with stats = { calls, errors, p50, p95 }
 * (p50/p95 in ms, or null when the tool does not compute them), so the bench can check that they agree.
 * - claude-mon: `bin/claude-mon.cjs summary --json -q` (HDR-histogram percentiles, within 0.1% of nearest-rank);
 * - DuckDB: bench/duckdb-child.mjs, @duckdb/node-api with threads=2 (quantile_disc: exact nearest-rank);
 * - jq and Miller, when installed: bare JSON lines only (they read neither prefixed lines nor gzip by themselves).
 *   jq sorts for the exact nearest-rank. Miller's non-interpolated percentile p is the value at 0-based index
 *   ⌊p/100·n⌋, one rank above nearest-rank (index ⌈q·n⌉−1) when q·n is a whole number; asking it for p49.9999999
 *   and p94.9999999 gives exactly the nearest-rank p50 and p95 for any n below 5·10^7.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const CLAUDE_MON = here('../bin/claude-mon.cjs');
const DUCKDB_CHILD = here('./duckdb-child.mjs');

/** The version line a command prints, or null when it is not installed. */
function installedVersion(command, flag = '--version') {
  const result = spawnSync(command, [flag], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim().split('\n')[0] : null;
}

const claudeMonStats = (s) => ({ calls: s.calls, errors: s.errors, p50: s.latencyMs.p50, p95: s.latencyMs.p95 });

export const claudeMon = {
  name: 'claude-mon',
  /** @param {{ file: string }} input @param {string[]} [extra] more flags, e.g. --no-dedupe */
  command: (input, extra = []) => ({ command: process.execPath, args: [CLAUDE_MON, 'summary', '--json', '-q', ...extra, input.file], node: true }),
  parse(stdout) {
    const summary = JSON.parse(stdout);
    const groups = Object.fromEntries(summary.groups.map((group) => [group.key.feature, claudeMonStats(group)]));
    return { groups, total: claudeMonStats(summary.total), lines: summary.input.lines };
  },
};

/** claude-mon with V8's code cache turned off (NODE_DISABLE_COMPILE_CACHE=1): start-up on a first run. */
export const claudeMonUncached = {
  ...claudeMon,
  name: 'claude-mon, no code cache',
  command: (input) => ({ ...claudeMon.command(input), env: { NODE_DISABLE_COMPILE_CACHE: '1' } }),
};

/** Node itself, doing nothing (`node -e 0`): the floor of any Node tool's start-up. */
export const bareNode = {
  name: 'node -e 0',
  command: () => ({ command: process.execPath, args: ['-e', '0'], node: true }),
  parse: () => null,
};

/** A baseline's executable: bin/claude-mon.cjs, or bin/claude-mon.js in builds from before the bundle. */
function baselineBin(baseline) {
  const bundled = path.join(baseline, 'bin', 'claude-mon.cjs');
  return existsSync(bundled) ? bundled : path.join(baseline, 'bin', 'claude-mon.js');
}

/**
 * claude-mon's other commands on the same input, for their cost against `summary` (alerts exits 1 or 2 when rules
 * fire). BASELINE, the root of another built claude-mon checkout, runs that build's binary instead.
 */
export function claudeMonCommand(args, baseline) {
  const bin = baseline ? baselineBin(baseline) : CLAUDE_MON;
  return {
    name: `claude-mon ${args.join(' ')}`,
    command: (input) => ({ command: process.execPath, args: [bin, ...args, '--json', '-q', input.file], node: true, okCodes: [0, 1, 2] }),
    parse: (stdout) => JSON.parse(stdout),
  };
}

/**
 * A floor: a bench script that does part of claude-mon's work on the input and prints {"lines": N} — a bound on
 * any claude-mon built that way, not a result (not compared with DuckDB's figures, only its line count checked).
 */
function floor(name, describe, script, ...args) {
  return {
    name: `floor: ${name}`,
    compared: false,
    describe,
    command: (input) => ({ command: process.execPath, args: [here(script), input.file, ...args], node: true }),
    parse: (stdout) => JSON.parse(stdout),
  };
}

/** The scanner alone on two threads (bench/scan-floor.mjs). */
export const scanFloor = floor(
  'WebAssembly byte scanner only, 2 threads',
  'the WebAssembly byte scanner alone on 2 threads (nothing validated, checked, folded or printed)',
  './scan-floor.mjs',
  '2',
  'wasm',
);

/** Two claude-mon processes on the two halves of the file at once (bench/split-floor.mjs): perfect parse threads at the present per-line cost. */
export const splitFloor = floor(
  'claude-mon on each half of the file at once, 2 processes',
  'claude-mon on each half of the file at once, in 2 processes (a perfect split, nothing shared or merged)',
  './split-floor.mjs',
);

/** claude-mon's gzip reader inflating the file, nothing else (bench/inflate-floor.mjs). */
export const inflateFloor = floor(
  "claude-mon's gzip reader only, 1 thread",
  "claude-mon's gzip reader inflating the file on one thread and counting its lines, nothing else",
  './inflate-floor.mjs',
);

/** claude-mon reading with the JavaScript byte scanner (CLAUDE_MON_SCANNER=js), the WebAssembly one's oracle. */
export const claudeMonJs = {
  ...claudeMon,
  name: 'claude-mon, JavaScript scanner',
  command: (input, extra) => ({ ...claudeMon.command(input, extra), env: { CLAUDE_MON_SCANNER: 'js' } }),
};

export const duckdb = {
  name: 'DuckDB',
  /** @param {{ file: string, duckdbFormat: 'ndjson' | 'text' }} input */
  command: (input) => ({ command: process.execPath, args: [DUCKDB_CHILD, input.duckdbFormat, input.file], node: true }),
  parse: (stdout) => JSON.parse(stdout),
};

const jqVersion = installedVersion('jq');
export const jq = {
  name: 'jq',
  version: jqVersion,
  /** Why it does not run in this bench, or null. */
  skipped: jqVersion === null ? 'jq is not installed' : process.env.BENCH_JQ === '0' ? 'BENCH_JQ=0' : null,
  command: (input) => ({ command: 'jq', args: ['-n', '-c', '-f', here('./jq-summary.jq'), input.file] }),
  parse: (stdout) => JSON.parse(stdout),
};

const mlrVersion = installedVersion('mlr');
const [MILLER_P50, MILLER_P95] = ['p49.9999999', 'p94.9999999'];
export const miller = {
  name: 'Miller',
  version: mlrVersion,
  skipped: mlrVersion === null ? 'mlr is not installed' : process.env.BENCH_MLR === '0' ? 'BENCH_MLR=0' : null,
  command: (input) => ({
    command: 'mlr',
    args: ['--ijsonl', '--ojsonl', 'put', '-q', '-f', here('./miller-summary.mlr'),
      'then', 'stats1', '-a', `count,sum,${MILLER_P50},${MILLER_P95}`, '-f', 'latency_ms,err', '-g', 'feature', input.file],
  }),
  parse(stdout) {
    const rows = stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));
    const stats = (row) => ({ calls: row.latency_ms_count, errors: row.err_sum, p50: row[`latency_ms_${MILLER_P50}`], p95: row[`latency_ms_${MILLER_P95}`] });
    const groups = Object.fromEntries(rows.filter((row) => row.feature !== '(total)').map((row) => [row.feature, stats(row)]));
    const total = rows.find((row) => row.feature === '(total)');
    return { groups, total: total ? stats(total) : { calls: 0, errors: 0, p50: null, p95: null } };
  },
};

/** The commit a baseline checkout is at ("e0f4b61 <subject>"), or "unknown revision" outside git. */
export function baselineRevision(root) {
  const result = spawnSync('git', ['-C', root, 'log', '-1', '--format=%h %s'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim().slice(0, 80) : 'unknown revision';
}

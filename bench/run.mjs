/**
 * npm run bench: claude-mon `summary --json` side by side with DuckDB (and jq and Miller when installed) on the
 * same generated logs — 1M lines of compact JSONL, of Python logging, of mixed Kubernetes envelopes, and a .gz copy
 * — then claude-mon --no-dedupe at 100k/1M/5M lines (time should grow linearly, RSS stay flat).
 * Every run is its own child process (wall time includes start-up; peak RSS per process), the tools alternate
 * within each round, and the table shows medians. All tools must agree (calls and errors exactly, p50/p95 within
 * 0.2%), or the bench exits 1. Speed is only comparable within one run: the machines here are shared and noisy.
 *
 * Environment: BENCH_ROUNDS (3), BENCH_LINES (1000000; scaling uses ÷10 and ×5), BENCH_DATA (bench/data),
 * BENCH_JQ=0 / BENCH_MLR=0 skip jq / Miller, BENCH_SCALING=0 skips the scaling table (and its 5M-line file),
 * BENCH_GNU_TIME=0 takes peak RSS from the Node tools themselves instead of /usr/bin/time, BENCH_BASELINE=DIR (a
 * built claude-mon checkout) runs its summary, alerts, dashboard and trend alongside, in the same rounds,
 * BENCH_CRON=0 skips the cron case (bench/cron.mjs: 8 rotated days of BENCH_LINES each, read with --checkpoint),
 * BENCH_SOAK=0 the soak of serve (bench/soak.mjs; BENCH_SOAK_SECONDS, 600, and BENCH_SOAK_RATE, 50000 lines/s).
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { differencesBetween } from './agreement.mjs';
import { ensureGzip, ensureHalves, ensureLog, shortCount, sizeOf, warmPageCache } from './data-files.mjs';
import { benchDependencyVersion, ensureBenchDependencies } from './install-deps.mjs';
import { hasGnuTime, measure } from './measure.mjs';
import { comparisonTable, markdownTable, mib, scalingTable, seconds, summarise } from './report.mjs';
import { bareNode, baselineRevision, claudeMon, claudeMonCommand, claudeMonJs, claudeMonUncached, duckdb, inflateFloor, jq, miller, scanFloor, splitFloor } from './tools.mjs';
import { CRON_GOAL, cronCase } from './cron.mjs';
import { soak, soakReport } from './soak.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LINES = Number(process.env.BENCH_LINES ?? 1_000_000);
const DATA = path.resolve(process.env.BENCH_DATA ?? fileURLToPath(new URL('./data', import.meta.url)));
const SCALING = process.env.BENCH_SCALING !== '0';
const RSS_GOAL_BYTES = 150e6;
const BASELINE = process.env.BENCH_BASELINE ? path.resolve(process.env.BENCH_BASELINE) : null;
let failed = false;

ensureBenchDependencies();

const compact = ensureLog(DATA, 'compact', LINES);
await ensureHalves(compact); // for the split floor, before anything is timed
/** 1000000 → "1M", 100000 → "100k": for labels. */
const linesLabel = (lines) => shortCount(lines).replace(/m$/, 'M');
const count = `${linesLabel(LINES)} lines`;
const inputs = [
  { label: `compact JSONL, ${count}`, file: compact, duckdbFormat: 'ndjson', goal: 0.8, others: [jq, miller], floors: [scanFloor, splitFloor] },
  { label: `Python logging (INFO:root:{…}), ${count}`, file: ensureLog(DATA, 'python', LINES), duckdbFormat: 'text', goal: 1 },
  { label: `mixed envelopes (CRI, kubectl --timestamps, Python logging, bare JSON), ${count}`, file: ensureLog(DATA, 'mixed', LINES), duckdbFormat: 'text', goal: 1 },
  { label: `compact JSONL .gz, ${count}`, file: await ensureGzip(compact), duckdbFormat: 'ndjson', goal: 1, uncompressed: compact, floors: [inflateFloor] },
].map((input) => ({ ...input, lines: LINES, bytes: sizeOf(input.uncompressed ?? input.file) }));
const oneLine = { file: ensureLog(DATA, 'compact', 1), duckdbFormat: 'ndjson' };

/** Runs TOOL once on INPUT: { wallMs, maxRssKiB, result } or { error }. */
async function runOnce(tool, input, extra) {
  try {
    const run = await measure(tool.command(input, extra));
    const result = tool.parse(run.stdout);
    process.stderr.write(`  ${tool.name}: ${seconds(run.wallMs)} s, ${mib(run.maxRssKiB)} MiB\n`);
    return { ...run, result };
  } catch (error) {
    process.stderr.write(`  ${tool.name} failed: ${error.message}\n`);
    failed = true;
    return { error };
  }
}

/**
 * ROUNDS rounds of claude-mon, DuckDB, claude-mon with its JavaScript scanner (then the input's floors), then one
 * run of each other installed tool.
 */
async function compareOn(input) {
  const runs = new Map([[claudeMon, []], [duckdb, []], [claudeMonJs, []], ...(input.floors ?? []).map((floor) => [floor, []])]);
  await warmPageCache(input.file);
  for (let round = 1; round <= ROUNDS; round++) {
    process.stderr.write(`${input.label}: round ${round} of ${ROUNDS}\n`);
    for (const tool of runs.keys()) runs.get(tool).push(await runOnce(tool, input));
  }
  for (const tool of (input.others ?? []).filter((other) => !other.skipped)) runs.set(tool, [await runOnce(tool, input)]);
  return runs;
}

/** The median of the ratios a[i] / b[i] of runs made in the same round (both ran). */
function pairedRatio(a, b) {
  const ratios = a.map((run, i) => [run, b[i]]).filter(([x, y]) => !x.error && y && !y.error).map(([x, y]) => x.wallMs / y.wallMs).sort((x, y) => x - y);
  return ratios.length === 0 ? NaN : ratios[Math.floor((ratios.length - 1) / 2)];
}

/** The differences of every run of every tool from DuckDB's first answer, which must count every line. */
function agreementOf(input, runs) {
  const reference = runs.get(duckdb).find((run) => run.result)?.result;
  if (!reference) return ['DuckDB did not answer: nothing to compare with'];
  const differences = [];
  if (reference.total.calls !== input.lines) differences.push(`DuckDB: ${reference.total.calls} calls in ${input.lines} lines`);
  for (const [tool, toolRuns] of runs) {
    if (tool.compared === false) {
      for (const run of toolRuns) if (run.result && run.result.lines !== input.lines) differences.push(`${tool.name}: ${run.result.lines} lines`);
      continue;
    }
    const found = new Set(toolRuns.filter((run) => run.result).flatMap((run) => differencesBetween(reference, run.result)));
    for (const difference of found) differences.push(`${tool.name}: ${difference}`);
  }
  return differences;
}

const mb = (kib) => (kib * 1024) / 1e6;
const met = (ok) => (ok ? 'met' : '**not met**');

// Start-up: Node, modules (and DuckDB's native library) and a one-line file; against Node doing nothing. A first
// run writes claude-mon's code cache, as any user's first run does; the rounds then measure the runs after it.
const startup = new Map([[claudeMon, []], [claudeMonUncached, []], [bareNode, []], [duckdb, []]]);
await runOnce(claudeMon, oneLine);
for (let round = 1; round <= ROUNDS; round++) {
  process.stderr.write(`start-up: round ${round} of ${ROUNDS}\n`);
  for (const tool of startup.keys()) startup.get(tool).push(await runOnce(tool, oneLine));
}
const startupStats = (tool) => summarise(startup.get(tool).filter((run) => !run.error), 1, 1);
const duckdbVersion = startup.get(duckdb).find((run) => run.result)?.result.version ?? 'unknown';

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log('# claude-mon vs DuckDB: per-feature calls, errors, p50 and p95 latency\n');
console.log(`machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average at start ${os.loadavg()[0].toFixed(2)}`);
console.log(`tools: claude-mon \`summary --json -q\` (bin/claude-mon.cjs); DuckDB ${duckdbVersion} via @duckdb/node-api ${benchDependencyVersion('@duckdb/node-api')}, threads=2; ` +
  [jq, miller].map((tool) => (tool.skipped ? `${tool.name} skipped (${tool.skipped})` : `${tool.version}`)).join('; '));
console.log(`method: median of ${ROUNDS} round${ROUNDS === 1 ? '' : 's'}, tools alternating within a round; wall time from spawn to exit (start-up included); ` +
  `MB = 10^6 bytes of uncompressed log; peak RSS ${hasGnuTime ? 'from GNU time (%M)' : 'from process.resourceUsage() (Node tools only)'}, highest of the runs; ` +
  'jq and Miller on the compact file only, one run.\n');
const [cmStart, uncachedStart, nodeStart, ddStart] = [claudeMon, claudeMonUncached, bareNode, duckdb].map(startupStats);
const startupRatio = cmStart.wallMs / nodeStart.wallMs;
console.log(`start-up (Node, modules, a one-line file): claude-mon ${seconds(cmStart.wallMs)} s, peak RSS ${mib(cmStart.maxRssKiB)} MiB; ` +
  `DuckDB ${seconds(ddStart.wallMs)} s, peak RSS ${mib(ddStart.maxRssKiB)} MiB; \`node -e 0\` ${seconds(nodeStart.wallMs)} s`);
console.log(`goal: claude-mon's start-up ≤ 2× \`node -e 0\`: ${startupRatio.toFixed(2)}×, ${met(startupRatio <= 2)}; ` +
  `without its code cache (a first run, or NODE_DISABLE_COMPILE_CACHE=1) ${seconds(uncachedStart.wallMs)} s, ${(uncachedStart.wallMs / nodeStart.wallMs).toFixed(2)}×\n`);

const goals = [];
for (const input of inputs) {
  const runs = await compareOn(input);
  const results = [...runs].map(([tool, toolRuns]) => {
    const ok = toolRuns.filter((run) => !run.error);
    return ok.length ? { tool: tool.name, stats: summarise(ok, input.lines, input.bytes) } : { tool: tool.name, error: true };
  });
  const [cm, dd] = [results[0].stats, results[1].stats];
  console.log(`## ${input.label} (${(sizeOf(input.file) / 1e6).toFixed(0)} MB on disk)\n`);
  console.log(comparisonTable(results, dd?.wallMs));
  const differences = agreementOf(input, runs);
  if (differences.length) failed = true;
  const compared = [...runs.keys()].filter((tool) => tool !== duckdb && tool.compared !== false).map((tool) => tool.name).join(', ');
  console.log(differences.length
    ? `\nagreement: **DIFFERENT** from DuckDB:\n${differences.map((d) => `- ${d}`).join('\n')}`
    : `\nagreement: OK (${compared} = DuckDB: calls and errors exactly, p50/p95 within 0.2%, per feature and total)`);
  const skipped = (input.others ?? []).filter((other) => other.skipped);
  if (skipped.length) console.log(`skipped: ${skipped.map((tool) => `${tool.name} (${tool.skipped})`).join(', ')}`);
  if (cm && dd) {
    const ratio = cm.wallMs / dd.wallMs;
    const rssOk = cm.maxRssKiB !== null && mb(cm.maxRssKiB) <= RSS_GOAL_BYTES / 1e6;
    const scanners = pairedRatio(runs.get(claudeMon), runs.get(claudeMonJs));
    const floors = [];
    goals.push({ label: input.label, ratio, goal: input.goal, rss: cm.maxRssKiB, rssOk, scanners, floors });
    console.log(`scanners: claude-mon with its WebAssembly scanner (the default) took ${scanners.toFixed(2)}× the wall of the JavaScript one (median of the rounds' ratios)`);
    console.log(`goal: claude-mon ≤ ${input.goal.toFixed(1)}× DuckDB wall: ${ratio.toFixed(2)}×, ${met(ratio <= input.goal)}; ` +
      `peak RSS ≤ 150 MB: ${cm.maxRssKiB === null ? 'n/a' : `${mb(cm.maxRssKiB).toFixed(0)} MB`}, ${met(rssOk)}`);
    for (const floorTool of input.floors ?? []) {
      const floor = results.find((r) => r.tool === floorTool.name)?.stats;
      if (!floor) continue;
      const floorRatio = floor.wallMs / dd.wallMs;
      floors.push(`${floorTool.name.replace('floor: ', '')}: ${floorRatio.toFixed(2)}×`);
      console.log(`floor: ${floorTool.describe} took ${floorRatio.toFixed(2)}× DuckDB's wall` +
        (floorRatio > input.goal ? ` — above the ${input.goal.toFixed(1)}× goal: no claude-mon built on it can meet the goal on this machine` : ''));
    }
  }
  console.log('');
}

// The other commands on the compact file, alternating with summary: each must stay within 1.2× of it. Also
// summary on one thread against the default, to show what the parse threads bring on this machine. With
// BENCH_BASELINE, each command also runs from that checkout's build in the same rounds, for "no slower than before".
{
  const measured = [['summary'], ['alerts', '--now', 'latest'], ['dashboard', '--now', 'latest'], ['trend', '--now', 'latest']];
  const commands = [
    ...measured.map((args) => claudeMonCommand(args)),
    claudeMonCommand(['summary', '--threads', '1']),
    claudeMonCommand(['summary', '--threads', '2']),
  ];
  const baselines = new Map(BASELINE ? measured.map((args, i) => [commands[i], claudeMonCommand(args, BASELINE)]) : []);
  const input = { file: compact };
  const runs = new Map([...commands, ...baselines.values()].map((command) => [command, []]));
  await warmPageCache(compact);
  for (let round = 1; round <= ROUNDS; round++) {
    process.stderr.write(`commands: round ${round} of ${ROUNDS}\n`);
    for (const command of commands) {
      runs.get(command).push(await runOnce(command, input));
      const baseline = baselines.get(command);
      if (baseline) runs.get(baseline).push(await runOnce(baseline, input));
    }
  }
  const statsOf = (command) => summarise(runs.get(command).filter((run) => !run.error), LINES, sizeOf(compact));
  const stats = commands.map((command) => ({ command, name: command.name, stats: statsOf(command) }));
  const base = stats[0].stats.wallMs;
  const baselineColumns = BASELINE ? ['baseline wall s', 'baseline peak RSS MiB', '÷ baseline wall', '÷ baseline, paired', 'rounds slower'] : [];
  const baselineCells = (command, s) => {
    if (!BASELINE) return [];
    const baseline = baselines.get(command);
    if (!baseline) return ['', '', '', '', ''];
    const b = statsOf(baseline);
    // Each round ran the two back to back: the ratio within a round cancels most of the machine's slow spells.
    const pairs = runs.get(command).map((run, i) => [run, runs.get(baseline)[i]]).filter(([run, other]) => !run.error && other && !other.error);
    const ratios = pairs.map(([run, other]) => run.wallMs / other.wallMs).sort((x, y) => x - y);
    const paired = ratios.length === 0 ? NaN : ratios[Math.floor((ratios.length - 1) / 2)];
    return [seconds(b.wallMs), mib(b.maxRssKiB), `${(s.wallMs / b.wallMs).toFixed(2)}×`, `${paired.toFixed(2)}×`, `${ratios.filter((ratio) => ratio > 1).length} of ${ratios.length}`];
  };
  console.log(`## claude-mon's commands on the compact file, ${count} (median of ${ROUNDS})\n`);
  if (BASELINE) console.log(`baseline: ${BASELINE} (${baselineRevision(BASELINE)}), run alternately in the same rounds\n`);
  console.log(markdownTable(
    ['command', 'median wall s', 'peak RSS MiB', '÷ summary wall', 'goal ≤ 1.2×', ...baselineColumns],
    stats.map(({ command, name, stats: s }, i) => [`\`${name.replace('claude-mon ', '')}\``, seconds(s.wallMs), mib(s.maxRssKiB),
      `${(s.wallMs / base).toFixed(2)}×`, i >= 1 && i <= 3 ? met(s.wallMs / base <= 1.2) : '', ...baselineCells(command, s)]),
  ));
  console.log('');
}

// The cron case: 8 rotated days of 1M lines, a first --checkpoint run, one more minute, then the incremental run
// against a full read at the same --now (bench/cron.mjs). BENCH_CRON=0 skips it (its first runs take minutes).
if (process.env.BENCH_CRON !== '0') {
  const rows = await cronCase({ data: DATA, rounds: ROUNDS, linesPerDay: LINES, log: (message) => process.stderr.write(`${message}\n`) });
  console.log(`## cron: 8 days × ${count} in rotated files (app.log, app.log.1, app.log.2.gz … app.log.7.gz), then one more minute\n`);
  console.log('Per command: a first run with `--checkpoint` (reads the 8 days, writes the state); one more minute of lines ' +
    `appended; then the incremental run (median of ${ROUNDS}, each from the first run's state) against a full read of the same files at the same --now.\n`);
  console.log(markdownTable(
    ['command', 'full read s', 'first --checkpoint run s', 'incremental s', '÷ full', `goal ≤ ${CRON_GOAL * 100}%`, 'incremental peak RSS MiB', 'RSS ≤ 150 MB', 'same answer', 'state MB'],
    rows.map((row) => [`\`${row.command}\``, seconds(row.full), seconds(row.first), seconds(row.incremental), `${((row.incremental / row.full) * 100).toFixed(1)}%`,
      met(row.incremental / row.full <= CRON_GOAL), mib(row.rss), met(mb(row.rss) <= RSS_GOAL_BYTES / 1e6), row.same ? 'yes' : '**NO**', (row.stateBytes / 1e6).toFixed(1)]),
  ));
  console.log(`\nnew lines read by each incremental run: ${rows[0]?.newLines}; start-up alone (above): ${seconds(cmStart.wallMs)} s\n`);
  if (rows.some((row) => !row.same)) failed = true;
} else {
  console.log('cron: skipped (BENCH_CRON=0)\n');
}

if (SCALING) {
  const points = [];
  for (const lines of [LINES / 10, LINES, LINES * 5]) {
    const file = ensureLog(DATA, 'compact', lines);
    process.stderr.write(`scaling, ${linesLabel(lines)} lines --no-dedupe\n`);
    const runs = [];
    await warmPageCache(file);
    for (let round = 1; round <= ROUNDS; round++) runs.push(await runOnce(claudeMon, { file }, ['--no-dedupe']));
    const ok = runs.filter((run) => !run.error);
    if (!ok.length) continue;
    for (const run of ok) {
      if (run.result.total.calls !== lines) {
        failed = true;
        console.log(`scaling: **claude-mon counted ${run.result.total.calls} calls in ${lines} lines**`);
      }
    }
    points.push({ lines, bytes: sizeOf(file), stats: summarise(ok, lines, sizeOf(file)) });
  }
  console.log(`## scaling: claude-mon summary --json --no-dedupe, compact JSONL\n`);
  console.log(scalingTable(points, cmStart.wallMs));
  const [small, middle, large] = points.map((point) => point.stats);
  if (small && middle && large) {
    const afterStartup = (stats) => stats.wallMs - cmStart.wallMs;
    const [s, m, l] = [LINES / 10, LINES, LINES * 5].map(linesLabel);
    console.log(`\nwall ${l} ÷ ${m}: ${(large.wallMs / middle.wallMs).toFixed(2)}× ` +
      `(after start-up ${(afterStartup(large) / afterStartup(middle)).toFixed(2)}×; linear is 5.00×); ` +
      `peak RSS ${l} ÷ ${s}: ${(large.maxRssKiB / small.maxRssKiB).toFixed(2)} (flat is about 1.00), ` +
      `${l} ÷ ${m}: ${(large.maxRssKiB / middle.maxRssKiB).toFixed(2)}\n`);
  }
} else {
  console.log('scaling: skipped (BENCH_SCALING=0)\n');
}

// The soak of serve (bench/soak.mjs): 10 minutes at 50,000 lines a second, rotated every 5 s, scraped every second.
if (process.env.BENCH_SOAK !== '0') {
  const result = await soak({ seconds: Number(process.env.BENCH_SOAK_SECONDS ?? 600), rate: Number(process.env.BENCH_SOAK_RATE ?? 50_000), log: (message) => process.stderr.write(`${message}\n`) });
  console.log(soakReport(result));
  if (!result.ok) failed = true;
} else {
  console.log('soak: skipped (BENCH_SOAK=0)\n');
}

console.log('## goals\n');
console.log(markdownTable(
  ['input', 'claude-mon ÷ DuckDB wall', 'goal', 'wall goal', 'WebAssembly ÷ JavaScript scanner, paired', 'floors ÷ DuckDB', 'claude-mon peak RSS MB', 'RSS goal ≤ 150 MB'],
  goals.map((g) => [g.label, `${g.ratio.toFixed(2)}×`, `≤ ${g.goal.toFixed(1)}×`, met(g.ratio <= g.goal), `${g.scanners.toFixed(2)}×`, g.floors.join('; '),
    g.rss === null ? 'n/a' : mb(g.rss).toFixed(0), met(g.rssOk)]),
));
if (failed) console.log('\nthe bench FAILED: a tool disagreed or did not run (see above)');
process.exitCode = failed ? 1 : 0;

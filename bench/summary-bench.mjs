/**
 * npm run bench: generates realistic logs (not committed, in bench/data/) and measures `claude-mon summary`:
 * lines/s and peak RSS, median of several runs, plus RSS at 1M vs 3M lines with --no-dedupe (must stay flat).
 * Speed is only comparable within one run on one machine: the machines here are shared and noisy.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import os from 'node:os';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
mkdirSync('bench/data', { recursive: true });

function ensureLog(lines, file, style) {
  if (existsSync(file)) return;
  process.stderr.write(`generating ${file} (${lines.toLocaleString('en-US')} lines)…\n`);
  const result = spawnSync('node', ['bench/generate-logs.mjs', String(lines), file, style], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`generator failed for ${file}`);
}

function measure(args) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('node', ['bench/measure-child.mjs', ...args], { stdio: ['ignore', 'ignore', 'inherit', 'pipe'] });
    let report = '';
    child.stdio[3].on('data', (chunk) => (report += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      if (code !== 0) reject(new Error(`claude-mon ${args.join(' ')} exited ${code}`));
      else resolve({ wallMs, ...JSON.parse(report) });
    });
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function bench(label, file, lines, extra = []) {
  const runs = [];
  for (let round = 0; round < ROUNDS; round++) runs.push(await measure(['summary', '--json', '-q', ...extra, file]));
  const wallMs = median(runs.map((run) => run.wallMs));
  const rssMiB = median(runs.map((run) => run.maxRssKiB)) / 1024;
  const mib = statSync(file).size / 2 ** 20;
  return { label, lines, wallMs, linesPerSecond: (lines / wallMs) * 1000, mibPerSecond: (mib / wallMs) * 1000, rssMiB };
}

function ensureGzip(source, file) {
  if (existsSync(file)) return;
  process.stderr.write(`compressing ${file}…\n`);
  const result = spawnSync('sh', ['-c', `gzip -c '${source}' > '${file}'`], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`gzip failed for ${file}`);
}

ensureLog(1_000_000, 'bench/data/compact-1m.jsonl', 'compact');
ensureLog(1_000_000, 'bench/data/python-1m.log', 'python');
ensureLog(3_000_000, 'bench/data/compact-3m.jsonl', 'compact');
ensureLog(1, 'bench/data/one-line.jsonl', 'compact');
ensureGzip('bench/data/compact-1m.jsonl', 'bench/data/compact-1m.jsonl.gz');

// Start-up (Node, modules, one line) measured in the same run, so the rate after start-up can be shown.
const startup = await bench('start-up: one line', 'bench/data/one-line.jsonl', 1);
const results = [
  await bench('compact JSONL, 1M lines', 'bench/data/compact-1m.jsonl', 1_000_000),
  await bench('Python logging (INFO:root:), 1M lines', 'bench/data/python-1m.log', 1_000_000),
  await bench('compact JSONL .gz, 1M lines', 'bench/data/compact-1m.jsonl.gz', 1_000_000),
  await bench('compact JSONL, 1M lines, --no-dedupe', 'bench/data/compact-1m.jsonl', 1_000_000, ['--no-dedupe']),
  await bench('compact JSONL, 3M lines, --no-dedupe', 'bench/data/compact-3m.jsonl', 3_000_000, ['--no-dedupe']),
];

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`claude-mon summary --json, median of ${ROUNDS} runs, wall time including Node start-up`);
console.log(`machine: ${os.cpus().length} × ${cpu}, Node ${process.version}\n`);
console.log(`start-up (Node, modules, a one-line file): ${(startup.wallMs / 1000).toFixed(2)} s, peak RSS ${startup.rssMiB.toFixed(0)} MiB\n`);
console.log('| input | wall s | lines/s | lines/s after start-up | MiB/s | peak RSS MiB |');
console.log('|---|---:|---:|---:|---:|---:|');
const rate = (value) => Math.round(value).toLocaleString('en-US');
for (const r of results) {
  const afterStartup = (r.lines / (r.wallMs - startup.wallMs)) * 1000;
  console.log(`| ${r.label} | ${(r.wallMs / 1000).toFixed(2)} | ${rate(r.linesPerSecond)} | ${rate(afterStartup)} | ${r.mibPerSecond.toFixed(0)} | ${r.rssMiB.toFixed(0)} |`);
}
const flat1m = results[3];
const flat3m = results[4];
console.log(`\nRSS 3M / 1M lines with --no-dedupe: ${(flat3m.rssMiB / flat1m.rssMiB).toFixed(2)} (flat is 1.00 ± 0.20)`);

/**
 * The soak of `serve` (in `npm run bench`; BENCH_SOAK=0 skips it, BENCH_SOAK_SECONDS sets its length, 600 by
 * default): a writer appends BENCH_SOAK_RATE lines a second (50,000) to a followed file, mv-rotating it every 5 s as
 * logrotate does (app.log → app.log.1 → … → app.log.4, the oldest deleted), while a client scrapes /metrics every
 * second. At the end: lines written against lines counted (they must be equal, and no scrape may fail), serve's RSS
 * at the start and the end, and the scrapes' p50 and p99. Also runnable alone: node bench/soak.mjs.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/claude-mon.cjs', import.meta.url));
const ROTATE_MS = 5000;
const KEPT = 4;
const TICK_MS = 10;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** serve's resident memory; NaN once it has ended. */
function rssMiB(pid) {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
  } catch {
    return Number.NaN;
  }
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? NaN;
}

/** Runs the soak; { written, counted, rssStartMiB, rssEndMiB, scrapes, p50Ms, p99Ms, seconds, ok }. */
export async function soak({ seconds = 600, rate = 50_000, log = () => undefined } = {}) {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'claude-mon-soak-'));
  const file = path.join(directory, 'app.log');
  writeFileSync(file, '');
  const child = spawn(process.execPath, [BIN, 'serve', '--listen', '127.0.0.1:0', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  try {
    while (!/serving http:\/\/([^/]+)/.test(stderr)) {
      if (child.exitCode !== null) throw new Error(`serve ended: ${stderr}`);
      await sleep(50);
    }
    const address = /serving http:\/\/([^/]+)/.exec(stderr)[1];
    const counted = async () => {
      const text = await fetch(`http://${address}/metrics`).then((response) => response.text(), () => '');
      let sum = 0;
      for (const line of text.split('\n')) if (line.startsWith('claude_mon_input_lines_total{outcome="record"')) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
      return sum;
    };
    await sleep(1000);
    const rssStartMiB = rssMiB(child.pid);
    const latencies = [];
    let failedScrapes = 0;
    let running = true;
    const scraper = (async () => {
      while (running) {
        const started = performance.now();
        const ok = await fetch(`http://${address}/metrics`).then(async (response) => (await response.arrayBuffer(), response.ok), () => false);
        if (ok) latencies.push(performance.now() - started);
        else failedScrapes++;
        await sleep(Math.max(0, 1000 - (performance.now() - started)));
      }
    })();
    let written = 0;
    let rotatedAt = Date.now();
    const started = Date.now();
    const perTick = Math.round((rate * TICK_MS) / 1000);
    let nextLog = started + 60_000;
    while (Date.now() - started < seconds * 1000) {
      // Behind the rate (a slow tick): catch up, so that the rate holds on average.
      const due = Math.floor(((Date.now() - started) / 1000) * rate) - written;
      const count = Math.max(perTick, Math.min(due, rate));
      let chunk = '';
      for (let i = 0; i < count; i++) {
        chunk += `${JSON.stringify({ timestamp: new Date().toISOString(), feature: `f${(written + i) % 20}`, model: 'claude-sonnet-4-5-20250929', input_tokens: 100, output_tokens: 20, latency_ms: 300 + ((written + i) % 700), request_id: `soak-${written + i}` })}\n`;
      }
      appendFileSync(file, chunk);
      written += count;
      if (Date.now() - rotatedAt >= ROTATE_MS) {
        rmSync(`${file}.${KEPT}`, { force: true });
        for (let n = KEPT - 1; n >= 1; n--) if (existsSync(`${file}.${n}`)) renameSync(`${file}.${n}`, `${file}.${n + 1}`);
        renameSync(file, `${file}.1`);
        writeFileSync(file, '');
        rotatedAt = Date.now();
      }
      if (Date.now() >= nextLog) {
        log(`  soak: ${Math.round((Date.now() - started) / 1000)} s, ${written} lines written, serve at ${rssMiB(child.pid).toFixed(0)} MiB`);
        nextLog += 60_000;
      }
      await sleep(TICK_MS);
    }
    const wroteFor = (Date.now() - started) / 1000;
    // Every line counted: within 30 s (a scrape's body is shared for up to a second).
    let count = 0;
    for (let waited = 0; waited < 30_000 && count !== written; waited += 500) {
      await sleep(500);
      count = await counted();
    }
    running = false;
    await scraper;
    const rssEndMiB = rssMiB(child.pid);
    return {
      written,
      counted: count,
      seconds: wroteFor,
      rssStartMiB,
      rssEndMiB,
      scrapes: latencies.length,
      failedScrapes,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      ok: count === written && failedScrapes === 0,
    };
  } finally {
    child.kill('SIGTERM');
    rmSync(directory, { recursive: true, force: true });
  }
}

/** The soak's result as Markdown. */
export function soakReport(result) {
  const rate = Math.round(result.written / result.seconds);
  return [
    `## soak: serve following a file mv-rotated every ${ROTATE_MS / 1000} s, scraped every second\n`,
    '| lines written | lines counted | equal | for | lines/s | serve RSS start → end | scrapes (failed) | scrape p50 | scrape p99 |',
    '|---:|---:|---|---:|---:|---|---:|---:|---:|',
    `| ${result.written} | ${result.counted} | ${result.counted === result.written ? 'yes' : '**no**'} | ${result.seconds.toFixed(0)} s | ${rate} | ${result.rssStartMiB.toFixed(0)} → ${result.rssEndMiB.toFixed(0)} MiB | ${result.scrapes} (${result.failedScrapes}) | ${result.p50Ms.toFixed(0)} ms | ${result.p99Ms.toFixed(0)} ms |`,
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await soak({ seconds: Number(process.env.BENCH_SOAK_SECONDS ?? 600), rate: Number(process.env.BENCH_SOAK_RATE ?? 50_000), log: (message) => process.stderr.write(`${message}\n`) });
  console.log(soakReport(result));
  process.exitCode = result.ok ? 0 : 1;
}

/**
 * The cron case: 8 days of 1M lines each, as logrotate (daily, rotate 7, compress, delaycompress) leaves them —
 * app.log (today), app.log.1 (yesterday, plain), app.log.2.gz … app.log.7.gz — read with `--checkpoint` at the end
 * of today's second-to-last minute; then one more minute of lines is appended, and each command runs again: the
 * incremental run (only that minute read) against a full read of the same 8 days plus the minute at the same --now.
 * The incremental run must take ≤ 2% of the full run's wall time, give the same answer (`input` aside: it says what
 * each run read), and peak at ≤ 150 MB RSS.
 *
 * Files: BENCH_DATA/cron-8x1m/ (generated once, seeded; day N from bench/generate-logs.mjs with seed N), copied to a
 * scratch directory for the run (today's file is appended to; the rotated ones are hard links).
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureGzip } from './data-files.mjs';
import { measure } from './measure.mjs';

const GENERATOR = fileURLToPath(new URL('./generate-logs.mjs', import.meta.url));
const CLAUDE_MON = fileURLToPath(new URL('../bin/claude-mon.cjs', import.meta.url));
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** Today: the day the newest file covers (its last minute is the one appended). */
const TODAY = Date.UTC(2026, 10, 26);
const DAYS = 8;
export const CRON_GOAL = 0.02;

/** LINES lines of calls from START over SPAN_MS into FILE (seeded by SEED), unless it exists. */
function ensureDay(file, lines, startMs, spanMs, seed) {
  if (existsSync(file)) return file;
  process.stderr.write(`generating ${file} (${lines.toLocaleString('en-US')} lines)…\n`);
  const partial = `${file}.partial`;
  const result = spawnSync(process.execPath, [GENERATOR, String(lines), partial, 'compact', new Date(startMs).toISOString(), String(spanMs), String(seed)], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`generator failed for ${file}`);
  renameSync(partial, file);
  return file;
}

/** The 8 days as logrotate leaves them (newest first), and the minute to append: generated once under `data`. */
async function ensureCronLogs(data, linesPerDay) {
  const dir = path.join(data, `cron-${DAYS}x${linesPerDay}`);
  mkdirSync(dir, { recursive: true });
  const perMinute = Math.round(linesPerDay / (DAY_MS / MINUTE_MS));
  const days = [];
  for (let back = 0; back < DAYS; back++) {
    const start = TODAY - back * DAY_MS;
    // Today ends a minute early: its last minute is appended after the first run.
    const span = back === 0 ? DAY_MS - MINUTE_MS : DAY_MS;
    const lines = back === 0 ? linesPerDay - perMinute : linesPerDay;
    const plain = ensureDay(path.join(dir, `day-${back}.jsonl`), lines, start, span, back + 1);
    days.push(back >= 2 ? await ensureGzip(plain) : plain);
  }
  const minute = ensureDay(path.join(dir, 'last-minute.jsonl'), perMinute, TODAY + DAY_MS - MINUTE_MS, MINUTE_MS, 99);
  return { days, minute };
}

/** A scratch log directory: app.log a copy of today (it is appended to), the rotated days hard links. */
function logDirectory(days) {
  const dir = mkdtempSync(path.join(path.dirname(days[0]), 'work-'));
  days.forEach((file, back) => {
    const name = back === 0 ? 'app.log' : back === 1 ? 'app.log.1' : `app.log.${back}.gz`;
    if (back === 0) copyFileSync(file, path.join(dir, name));
    else linkSync(file, path.join(dir, name));
  });
  return dir;
}

function withoutInput(stdout) {
  const json = JSON.parse(stdout);
  delete json.input;
  return JSON.stringify(json);
}

function run(args) {
  return measure({ command: process.execPath, args: [CLAUDE_MON, ...args, '--json', '-q'], node: true, okCodes: [0, 1, 2, 3] });
}

/**
 * Per command: the first checkpointed run (reads all 8 days, writes the state), a full read after the minute was
 * appended, and ROUNDS incremental runs (each from the state the first run left).
 */
export async function cronCase({ data, rounds, linesPerDay, log }) {
  const { days, minute } = await ensureCronLogs(data, linesPerDay);
  const dir = logDirectory(days);
  const states = mkdtempSync(path.join(path.dirname(dir), 'states-'));
  const before = ['--now', new Date(TODAY + DAY_MS - MINUTE_MS).toISOString()];
  const after = ['--now', new Date(TODAY + DAY_MS).toISOString()];
  const commands = [['alerts'], ['dashboard'], ['trend'], ['summary']];
  const rows = [];
  try {
    const firsts = [];
    for (const command of commands) {
      log(`cron: first ${command[0]} --checkpoint (8 days)`);
      const state = path.join(states, command[0]);
      firsts.push(await run([...command, ...before, '--checkpoint', state, dir]));
      copyFileSync(state, `${state}.first`);
    }
    appendFileSync(path.join(dir, 'app.log'), readFileSync(minute));
    for (const [i, command] of commands.entries()) {
      const state = path.join(states, command[0]);
      log(`cron: full ${command[0]} (8 days and a minute)`);
      const full = await run([...command, ...after, dir]);
      const incremental = [];
      for (let round = 1; round <= rounds; round++) {
        copyFileSync(`${state}.first`, state);
        incremental.push(await run([...command, ...after, '--checkpoint', state, dir]));
      }
      log(`cron: ${command[0]} incremental ${incremental.map((r) => (r.wallMs / 1000).toFixed(3)).join(', ')} s; full ${(full.wallMs / 1000).toFixed(1)} s`);
      const walls = incremental.map((r) => r.wallMs).sort((a, b) => a - b);
      const median = walls[Math.floor((walls.length - 1) / 2)];
      const rss = Math.max(...incremental.map((r) => r.maxRssKiB ?? 0));
      const same = incremental.every((r) => withoutInput(r.stdout) === withoutInput(full.stdout));
      const newLines = JSON.parse(incremental[0].stdout).input.lines;
      rows.push({ command: command[0], full: full.wallMs, first: firsts[i].wallMs, firstRss: firsts[i].maxRssKiB, incremental: median, rss, same, newLines, stateBytes: statSync(`${state}.first`).size, fullRss: full.maxRssKiB });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(states, { recursive: true, force: true });
  }
  return rows;
}

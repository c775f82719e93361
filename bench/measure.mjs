/**
 * Runs one command in its own child process and measures it: wall time from spawn to exit (so the tool's start-up
 * counts, as a user waits for it) and peak RSS. Peak RSS comes from GNU time (`/usr/bin/time -f %M`, the child's
 * whole process tree) where it exists; without it, Node children report their own `process.resourceUsage().maxRSS`
 * through bench/report-rss.mjs, and other commands (jq, mlr) show no RSS. BENCH_GNU_TIME=0 forces the latter.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const GNU_TIME = '/usr/bin/time';
const REPORT_RSS = fileURLToPath(new URL('./report-rss.mjs', import.meta.url));
export const hasGnuTime = process.env.BENCH_GNU_TIME !== '0' && existsSync(GNU_TIME) && spawnSync(GNU_TIME, ['-f', '%M', 'true']).status === 0;
const scratch = mkdtempSync(path.join(os.tmpdir(), 'claude-mon-bench-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

/**
 * @param {{ command: string, args: string[], node?: boolean, okCodes?: number[], env?: object }} run `node: true` when
 *   command is `node` running a script, so its RSS can be self-reported without GNU time; `env`: variables added.
 * @returns {Promise<{ wallMs: number, maxRssKiB: number | null, stdout: string }>}
 */
export function measure({ command, args, node = false, okCodes = [0], env: extraEnv = {} }) {
  const rssFile = path.join(scratch, 'rss');
  rmSync(rssFile, { force: true });
  let argv = [command, ...args];
  const env = { ...process.env, ...extraEnv };
  if (hasGnuTime) argv = [GNU_TIME, '-f', '%M', '-o', rssFile, ...argv];
  else if (node) {
    argv = [command, '--import', REPORT_RSS, ...args];
    env.BENCH_RSS_FILE = rssFile;
  }
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env });
    const stdout = [];
    const stderr = [];
    child.stdout.on('data', (chunk) => stdout.push(chunk));
    child.stderr.on('data', (chunk) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const wallMs = performance.now() - started;
      if (!okCodes.includes(code)) {
        const why = signal ? `signal ${signal}` : `exit ${code}`;
        reject(new Error(`${[command, ...args].join(' ')}: ${why}\n${Buffer.concat(stderr).toString().slice(-2000)}`));
        return;
      }
      const rss = existsSync(rssFile) ? Number.parseInt(readFileSync(rssFile, 'utf8').trim().split('\n').at(-1), 10) : NaN;
      resolve({ wallMs, maxRssKiB: Number.isFinite(rss) ? rss : null, stdout: Buffer.concat(stdout).toString() });
    });
  });
}

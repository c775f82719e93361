/**
 * A ceiling on what parse threads can bring: two claude-mon processes at the same time, each reading one half of
 * the file (cut at its middle line by data-files.mjs) — a perfect split, with nothing shared, nothing handed between
 * threads and nothing merged. Its wall time is the best any two-thread claude-mon with the present per-line cost
 * could reach on this machine (where the two cores also slow each other down on memory).
 *   node bench/split-floor.mjs FILE   → {"lines": N}: the calls counted in both halves (a line is a call here)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureHalves } from './data-files.mjs';

const BIN = fileURLToPath(new URL('../bin/claude-mon.cjs', import.meta.url));

const [file] = process.argv.slice(2);
const halves = await ensureHalves(file);
const out = mkdtempSync(path.join(os.tmpdir(), 'claude-mon-split-'));
try {
  const outputs = halves.map((_, i) => path.join(out, `${i}.json`));
  await Promise.all(halves.map((half, i) => run([BIN, 'summary', '--json', '-q', '-o', outputs[i], half])));
  const lines = outputs.reduce((sum, output) => sum + JSON.parse(readFileSync(output, 'utf8')).total.calls, 0);
  process.stdout.write(`${JSON.stringify({ lines })}\n`);
} finally {
  rmSync(out, { recursive: true, force: true });
}

function run(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`claude-mon exited with ${code}`))));
  });
}

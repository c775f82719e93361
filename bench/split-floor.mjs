/**
 * A ceiling on what parse threads can bring: the file cut at its middle line into two halves (written once, next
 * to it), and two claude-mon processes reading one half each at the same time — a perfect split, with nothing shared,
 * nothing handed between threads and nothing merged. Its wall time is the best any two-thread claude-mon with the
 * present per-line cost could reach on this machine (the two cores also slow each other down on memory).
 *   node bench/split-floor.mjs FILE   → {"lines": N} (the calls of both halves)
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { createReadStream, createWriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/claude-mon.cjs', import.meta.url));

const [file] = process.argv.slice(2);
const halves = await ensureHalves(file);
const out = mkdtempSync(path.join(os.tmpdir(), 'claude-mon-split-'));
try {
  const outputs = halves.map((half, i) => path.join(out, `${i}.json`));
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

/** FILE.half-1 and FILE.half-2, cut just after the newline nearest the middle; written unless they exist. */
async function ensureHalves(source) {
  const names = [1, 2].map((n) => `${source}.half-${n}`);
  if (names.every((name) => existsSync(name))) return names;
  const size = statSync(source).size;
  const fd = openSync(source, 'r');
  const window = Buffer.alloc(1 << 16);
  const read = readSync(fd, window, 0, window.length, Math.floor(size / 2));
  closeSync(fd);
  const newline = window.subarray(0, read).indexOf(0x0a);
  if (newline < 0) throw new Error(`${source}: no line ends near the middle`);
  const cut = Math.floor(size / 2) + newline + 1;
  const ranges = [{ start: 0, end: cut - 1 }, { start: cut, end: size - 1 }];
  for (const [i, name] of names.entries()) {
    await pipeline(createReadStream(source, ranges[i]), createWriteStream(`${name}.partial`));
    renameSync(`${name}.partial`, name);
  }
  return names;
}

/**
 * The bench's inputs (generated, never committed: bench/data/ is gitignored): written on first use by
 * bench/generate-logs.mjs (seeded, so the same file every time) under a temporary name and renamed when complete,
 * so an interrupted run never leaves a short file behind. Each input is read once before it is measured (page cache). Names carry the line count: compact-1m.jsonl,
 * python-1m.log, mixed-1m.log, compact-1m.jsonl.gz, and compact-100k / -5m for the scaling table.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, createReadStream, createWriteStream, existsSync, mkdirSync, openSync, readSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';

const GENERATOR = fileURLToPath(new URL('./generate-logs.mjs', import.meta.url));

/** 1000000 → "1m", 100000 → "100k", 1500 → "1500". */
export function shortCount(lines) {
  if (lines >= 1e6 && lines % 1e6 === 0) return `${lines / 1e6}m`;
  if (lines >= 1e3 && lines % 1e3 === 0) return `${lines / 1e3}k`;
  return String(lines);
}

const logName = (style, lines) => `${style}-${shortCount(lines)}.${style === 'compact' ? 'jsonl' : 'log'}`;

/** Writes FILE with LINES records in STYLE (compact, python or mixed) unless it exists. */
export function ensureLog(dir, style, lines) {
  const file = path.join(dir, logName(style, lines));
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  process.stderr.write(`generating ${file} (${lines.toLocaleString('en-US')} lines, ${style})…\n`);
  const partial = `${file}.partial`;
  const result = spawnSync(process.execPath, [GENERATOR, String(lines), partial, style], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`generator failed for ${file}`);
  renameSync(partial, file);
  return file;
}

/** Writes SOURCE.gz (gzip level 6, as `gzip` does by default) unless it exists. */
export async function ensureGzip(source) {
  const file = `${source}.gz`;
  if (existsSync(file)) return file;
  process.stderr.write(`compressing ${file}…\n`);
  const partial = `${file}.partial`;
  await pipeline(createReadStream(source), createGzip({ level: 6 }), createWriteStream(partial));
  renameSync(partial, file);
  return file;
}

export const sizeOf = (file) => statSync(file).size;

/** Reads FILE once, so that no tool pays for a cold page cache that the next one then finds warm. */
export async function warmPageCache(file) {
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 22 })) void chunk;
}

/**
 * FILE.half-1 and FILE.half-2 (for bench/split-floor.mjs), cut just after the newline nearest the middle; written
 * unless they exist.
 */
export async function ensureHalves(source) {
  const names = [1, 2].map((n) => `${source}.half-${n}`);
  if (names.every((name) => existsSync(name))) return names;
  process.stderr.write(`cutting ${source} in halves…\n`);
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

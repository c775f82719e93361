/**
 * The floor under claude-mon's speed on bare JSONL: the file read and every line run through the byte scanner
 * (dist/input/flatScanner.js, the first step of the hot path) on `threads` worker threads over equal byte ranges —
 * and nothing else: no validation, duplicate check, folding or output. No version of claude-mon built on this
 * scanner in JavaScript can be faster than this on the same machine.
 *   node bench/scan-floor.mjs FILE [threads=2]   → {"lines": N}
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const dist = new URL('../dist/input/', import.meta.url);

if (isMainThread) {
  const [file, threads = '2'] = process.argv.slice(2);
  const fd = openSync(file);
  const size = fstatSync(fd).size;
  closeSync(fd);
  const parts = Number(threads);
  const cuts = Array.from({ length: parts + 1 }, (_, i) => Math.floor((size * i) / parts));
  const counts = await Promise.all(
    cuts.slice(0, -1).map(
      (from, i) =>
        new Promise((resolve, reject) => {
          const worker = new Worker(new URL(import.meta.url), { workerData: { file, from, to: cuts[i + 1] } });
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    ),
  );
  console.log(JSON.stringify({ lines: counts.reduce((a, b) => a + b, 0) }));
} else {
  const { scanFlatObject } = await import(new URL('flatScanner.js', dist));
  const { RawFields } = await import(new URL('rawFields.js', dist));
  const { ByteInterner } = await import(new URL('byteHash.js', dist));
  const { file, from, to } = workerData;
  const raw = new RawFields();
  const interner = new ByteInterner();
  const fd = openSync(file);
  const chunk = Buffer.allocUnsafe(1 << 20);
  // Lines that start in [from, to) are this range's: from > 0 starts after the first newline at or after from - 1.
  let position = from === 0 ? 0 : from - 1;
  let skipFirst = from !== 0;
  let carry = Buffer.alloc(0);
  let lines = 0;
  reading: for (;;) {
    const got = readSync(fd, chunk, 0, chunk.length, position);
    if (got === 0) break;
    const bytes = carry.length === 0 ? chunk.subarray(0, got) : Buffer.concat([carry, chunk.subarray(0, got)]);
    const base = position - carry.length;
    position += got;
    let start = 0;
    for (let newline = bytes.indexOf(10); newline >= 0; newline = bytes.indexOf(10, start)) {
      if (skipFirst) skipFirst = false;
      else if (base + start >= to) break reading;
      else {
        raw.reset();
        if (scanFlatObject(bytes, start, newline, raw, interner)) lines++;
      }
      start = newline + 1;
    }
    carry = Buffer.from(bytes.subarray(start));
  }
  closeSync(fd);
  parentPort.postMessage(lines);
}

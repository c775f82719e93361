/**
 * The floor under claude-mon's speed on bare JSONL: the file read and every line run through a byte scanner — the
 * JavaScript one (dist/input/flatScanner.js, the first step of the hot path) or the WebAssembly one
 * (dist/input/wasmScanner.js, reading straight into its memory) — on `threads` worker threads over equal byte
 * ranges, and nothing else: no validation, duplicate check, folding or output. No claude-mon built on a scanner can
 * be faster than that scanner's floor on the same machine.
 *   node bench/scan-floor.mjs FILE [threads=2] [js|wasm]   → {"lines": N}
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const dist = new URL('../dist/input/', import.meta.url);
const CHUNK = 1 << 20;

if (isMainThread) {
  const [file, threads = '2', scanner = 'js'] = process.argv.slice(2);
  const fd = openSync(file);
  const size = fstatSync(fd).size;
  closeSync(fd);
  const parts = Number(threads);
  const cuts = Array.from({ length: parts + 1 }, (_, i) => Math.floor((size * i) / parts));
  const counts = await Promise.all(
    cuts.slice(0, -1).map(
      (from, i) =>
        new Promise((resolve, reject) => {
          const worker = new Worker(new URL(import.meta.url), { workerData: { file, from, to: cuts[i + 1], scanner } });
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    ),
  );
  console.log(JSON.stringify({ lines: counts.reduce((a, b) => a + b, 0) }));
} else {
  const { RawFields } = await import(new URL('rawFields.js', dist));
  const { ByteInterner } = await import(new URL('byteHash.js', dist));
  const { file, from, to, scanner } = workerData;
  const raw = new RawFields();
  const interner = new ByteInterner();
  let lines = 0;
  if (scanner === 'wasm') {
    const { WasmScanner } = await import(new URL('wasmScanner.js', dist));
    const wasm = new WasmScanner();
    // Read into the module's memory: the carried part of a line moved to the front, the next chunk after it.
    forEachLine(file, from, to, (carry) => wasm.input(carry + CHUNK), (start, end) => {
      raw.reset();
      if (wasm.scan(start, end, raw)) lines++;
    });
  } else {
    const { scanFlatObject } = await import(new URL('flatScanner.js', dist));
    const bytes = Buffer.allocUnsafe(64 * CHUNK);
    forEachLine(file, from, to, () => bytes, (start, end) => {
      raw.reset();
      if (scanFlatObject(bytes, start, end, raw, interner)) lines++;
    });
  }
  parentPort.postMessage(lines);
}

/**
 * Calls `line(start, end)` for each line that starts in [from, to) of the file, with offsets into the buffer
 * `area(carried)` returns (at least carried + CHUNK bytes; lines are under 64 chunks).
 */
function forEachLine(file, from, to, area, line) {
  const fd = openSync(file);
  // Lines that start in [from, to) are this range's: from > 0 starts after the first newline at or after from - 1.
  let position = from === 0 ? 0 : from - 1;
  let skipFirst = from !== 0;
  let carried = 0;
  reading: for (;;) {
    const bytes = area(carried);
    const got = readSync(fd, bytes, carried, CHUNK, position);
    if (got === 0) break;
    const base = position - carried;
    const filled = carried + got;
    position += got;
    let start = 0;
    for (let newline = bytes.indexOf(10, 0); newline >= 0 && newline < filled; newline = bytes.indexOf(10, start)) {
      if (skipFirst) skipFirst = false;
      else if (base + start >= to) break reading;
      else line(start, newline);
      start = newline + 1;
    }
    bytes.copyWithin(0, start, filled);
    carried = filled - start;
  }
  closeSync(fd);
}

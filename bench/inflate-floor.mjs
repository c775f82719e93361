/**
 * The floor under claude-mon's speed on gzip input: the file inflated by Node's zlib (which claude-mon uses, on
 * the thread pool) and its newlines counted, nothing else. No claude-mon reading gzip through Node's zlib can be
 * faster than this on the same machine: deflate is one sequential stream, so one thread inflates it.
 *   node bench/inflate-floor.mjs FILE.gz   → {"lines": N}
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';

const [file] = process.argv.slice(2);
let lines = 0;
for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }).pipe(createGunzip({ chunkSize: 1 << 20 }))) {
  for (let at = chunk.indexOf(0x0a); at >= 0; at = chunk.indexOf(0x0a, at + 1)) lines++;
}
process.stdout.write(`${JSON.stringify({ lines })}\n`);

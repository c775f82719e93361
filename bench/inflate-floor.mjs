/**
 * The floor under claude-mon's speed on gzip input: the file read and inflated by claude-mon's own gzip reader
 * (dist/input/gunzip.js, as its gzip thread runs it) and its newlines counted, nothing else. deflate is one
 * sequential stream, inflated by one thread: no claude-mon built on this reader can read the file faster.
 *   node bench/inflate-floor.mjs FILE.gz   → {"lines": N}
 */
import { readFileChunks } from '../dist/input/decode.js';
import { gunzipMembers } from '../dist/input/gunzip.js';

const [file] = process.argv.slice(2);
let lines = 0;
for await (const chunk of gunzipMembers(readFileChunks(file), 1 << 20)) {
  for (let at = chunk.indexOf(0x0a); at >= 0; at = chunk.indexOf(0x0a, at + 1)) lines++;
}
process.stdout.write(`${JSON.stringify({ lines })}\n`);

/**
 * JSON documents (e.g. `gcloud logging read --format=json`): a top-level array streamed element by element with
 * stream-json (the only module that imports it), never loaded whole.
 */
import { Readable } from 'node:stream';

/**
 * True when the decoded bytes begin (after a BOM and whitespace) with '[' and then an object or ']' — not with
 * `[pod/api-7d9f/api] ...` (kubectl --prefix) or `[2026-11-26 10:00:00] INFO ...`. A line that still fools this
 * (`[{main}] INFO ...`) fails to parse as a document before its first element and is read as lines.
 */
export function looksLikeJsonArray(first: Buffer): boolean {
  let i = skipWhitespace(first, first[0] === 0xef && first[1] === 0xbb && first[2] === 0xbf ? 3 : 0);
  if (first[i] !== 0x5b) return false;
  i = skipWhitespace(first, i + 1);
  if (i >= first.length) return true; // '[' then nothing yet: only a document starts so
  return first[i] === 0x7b || first[i] === 0x5d;
}

function skipWhitespace(bytes: Buffer, i: number): number {
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  return i;
}

/** Yields each element of the array; throws the parser's error (with what came before already yielded). */
export async function* streamJsonArray(chunks: AsyncIterable<Buffer>): AsyncGenerator<unknown> {
  // Loaded on first use: most inputs are lines, and stream-json costs ~40 ms of start-up.
  const { default: streamArray } = await import('stream-json/streamers/stream-array.js');
  const parser = streamArray.withParserAsStream();
  const input = Readable.from(chunks, { objectMode: false });
  input.on('error', (error) => parser.destroy(error));
  input.pipe(parser);
  try {
    for await (const item of parser) yield (item as { value: unknown }).value;
  } finally {
    input.destroy();
    parser.destroy();
  }
}

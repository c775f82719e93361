/**
 * Bytes of one source as large chunks: gzip detected by its magic bytes (not the name), concatenated members
 * (rotated logs) read in full, and a truncated or corrupt gzip stream ending the source after everything that
 * decoded before the break.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

export const CHUNK_BYTES = 1 << 20;

export class GzipBreak extends Error {
  override readonly name = 'GzipBreak';
}

export function openFileChunks(path: string): AsyncIterable<Buffer> {
  return createReadStream(path, { highWaterMark: CHUNK_BYTES });
}

/** Yields decoded chunks; throws GzipBreak after the last good chunk when the gzip stream is cut or corrupt. */
export async function* decodeChunks(raw: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const iterator = raw[Symbol.asyncIterator]();
  let head: Buffer = Buffer.alloc(0);
  // A pipe may deliver a single byte first: gather enough to see the magic number.
  while (head.length < 2) {
    const next = await iterator.next();
    if (next.done === true) break;
    head = head.length === 0 ? next.value : Buffer.concat([head, next.value]);
  }
  if (head.length === 0) return;
  const rest = (async function* () {
    yield head;
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) return;
      yield next.value;
    }
  })();
  if (head[0] !== 0x1f || head[1] !== 0x8b) {
    try {
      yield* rest;
    } finally {
      await iterator.return?.();
    }
    return;
  }
  const compressed = Readable.from(rest, { objectMode: false });
  const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
  compressed.on('error', (error) => gunzip.destroy(error));
  compressed.pipe(gunzip);
  try {
    yield* drainInOrder(gunzip);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR' || code === 'Z_STREAM_ERROR') {
      throw new GzipBreak(code === 'Z_BUF_ERROR' ? 'truncated gzip (unexpected end of file)' : `corrupt gzip (${(error as Error).message})`);
    }
    throw error;
  } finally {
    compressed.destroy();
    gunzip.destroy();
    await iterator.return?.();
  }
}

/**
 * Like `for await (const chunk of stream)`, except that data emitted before an error is still delivered: the
 * stream iterator drops buffered chunks when gunzip fails at the end of a truncated file, losing the records
 * that did decode.
 */
async function* drainInOrder(stream: Readable): AsyncGenerator<Buffer> {
  const queue: Buffer[] = [];
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  stream.on('data', (chunk: Buffer) => {
    queue.push(chunk);
    if (queue.length >= 4) stream.pause();
    wake?.();
  });
  stream.on('end', () => {
    ended = true;
    wake?.();
  });
  stream.on('error', (error) => {
    failure = error;
    ended = true;
    wake?.();
  });
  for (;;) {
    const chunk = queue.shift();
    if (chunk !== undefined) {
      if (queue.length < 2) stream.resume();
      yield chunk;
    } else if (ended) {
      break;
    } else {
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  }
  if (failure !== undefined) throw failure;
}

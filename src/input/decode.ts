/**
 * Bytes of one source as large chunks: gzip detected by its magic bytes (not the name), concatenated members
 * (rotated logs) read in full, and a truncated or corrupt gzip stream ending the source after everything that
 * decoded before the break.
 */
import { promises as fs, read } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { GzipBreak, gunzipMembers, isGzipStart } from './gunzip.js';
import { gunzipOnThread, hasGunzipThread } from './gunzipThread.js';

export const CHUNK_BYTES = 1 << 20;

/**
 * A file's bytes in CHUNK_BYTES pieces read into two buffers used in turn, the next read running while the
 * caller works on the current piece. A piece is only valid until the next one is requested: keep a copy of what
 * must outlive it. (A fresh buffer per chunk, as fs.createReadStream allocates, costs more than the parse: 326 ms
 * vs 48 ms to read and split 1M lines here, from page faults on new memory.)
 */
export async function* readFileChunks(path: string, start = 0, end = Infinity): AsyncGenerator<Buffer> {
  const file = await fs.open(path, 'r');
  if (start !== 0 || end !== Infinity) {
    yield* readChunks(file, start, end);
    return;
  }
  const opened = await file.stat().catch(() => null);
  let bytes = 0;
  for await (const chunk of readChunks(file, start, end)) {
    bytes += chunk.length;
    yield chunk;
  }
  if (opened !== null && opened.isFile() && bytes < opened.size) {
    throw new FileShrank(`shrank while being read (truncated in place: copytruncate rotation?): ${opened.size} bytes when opened, ${bytes} read`);
  }
}

/** A plain file got shorter while it was read: what was read before counts, the line it cut is the casualty. */
export class FileShrank extends Error {
  override readonly name = 'FileShrank';
}

/** An open file's bytes from `start` to its end, as readFileChunks gives them; the file is closed after. */
export function readOpenFileChunks(file: FileHandle, start = 0): AsyncGenerator<Buffer> {
  return readChunks(file, start, Infinity);
}

/** No bytes: a source with nothing left to read. */
export async function* noChunks(): AsyncGenerator<Buffer> {}

/** The bytes [start, end) of a file a parse task shares (opened by the planner, closed by it). */
export async function* readRangeOfDescriptor(fd: number, start: number, end: number): AsyncGenerator<Buffer> {
  yield* readChunks(descriptorReader(fd), start, end);
}

/** The bytes of a descriptor this reader does not own (stdin redirected from a file), from where it stands. */
export function readDescriptorChunks(fd: number): AsyncGenerator<Buffer> {
  return readChunks(descriptorReader(fd), 0, Infinity);
}

/** A descriptor closed by its owner (the planner, the process): closing waits only for the read in flight. */
function descriptorReader(fd: number): Readable {
  return {
    read: (buffer, offset, length, position) =>
      new Promise((resolve, reject) => read(fd, buffer, offset, length, position, (error, bytesRead) => (error === null ? resolve({ bytesRead }) : reject(error)))),
    close: async () => {},
  };
}

interface Readable {
  read(buffer: Buffer, offset: number, length: number, position: number | null): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

async function* readChunks(file: Readable, start: number, end: number): AsyncGenerator<Buffer> {
  const buffers = [Buffer.allocUnsafeSlow(CHUNK_BYTES), Buffer.allocUnsafeSlow(CHUNK_BYTES)];
  // Positions only for a range: a file given as /dev/stdin or a FIFO cannot seek.
  const ranged = start !== 0 || end !== Infinity;
  let position = start;
  const readInto = async (buffer: Buffer): Promise<{ bytesRead: number }> => {
    const length = Math.min(CHUNK_BYTES, end - position);
    return length <= 0 ? { bytesRead: 0 } : file.read(buffer, 0, length, ranged ? position : null);
  };
  let turn = 0;
  let pending = readInto(buffers[0] as Buffer);
  pending.catch(() => undefined); // a read that fails while the caller works on a piece is thrown when it asks for the next
  try {
    for (;;) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) return;
      position += bytesRead;
      const current = buffers[turn] as Buffer;
      turn ^= 1;
      pending = readInto(buffers[turn] as Buffer);
      pending.catch(() => undefined);
      yield current.subarray(0, bytesRead);
    }
  } finally {
    await pending.catch(() => undefined); // never close the file under a read in flight
    await file.close();
  }
}

/** The source ended early, after everything before the break was read: a gzip stream cut short, a file truncated. */
export function isSourceBreak(error: unknown): error is GzipBreak | FileShrank {
  return error instanceof GzipBreak || error instanceof FileShrank;
}

/**
 * Where gzip is inflated: on a thread of its own (gunzipThread.ts) when the first piece read is a whole CHUNK_BYTES
 * — a file of 1 MiB or more — and here otherwise: a small file, where starting a thread costs more than it saves,
 * or a pipe, which hands over small pieces as they come (a live stream must not wait for more). `thread` and
 * `here` force one, for tests.
 */
export type GunzipPlace = 'auto' | 'thread' | 'here';

/**
 * Yields decoded chunks; throws GzipBreak after the last good chunk when the gzip stream is cut or corrupt. A chunk
 * is valid until the next is asked for (the readers reuse their buffers).
 */
export async function* decodeChunks(raw: AsyncIterable<Buffer>, gunzip: GunzipPlace = 'auto'): AsyncGenerator<Buffer> {
  const iterator = raw[Symbol.asyncIterator]();
  let head: Buffer = Buffer.alloc(0);
  // A pipe may deliver a single byte first: gather enough to see the magic number.
  while (head.length < 2) {
    const next = await iterator.next();
    if (next.done === true) break;
    head = Buffer.concat([head, next.value]); // a copy: the source may reuse its buffer
  }
  if (head.length === 0) return;
  const rest = (async function* (): AsyncGenerator<Buffer> {
    yield head;
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) return;
      yield next.value;
    }
  })();
  try {
    if (!isGzipStart(head)) {
      yield* rest;
      return;
    }
    if (gunzip === 'thread' || (gunzip === 'auto' && head.length >= CHUNK_BYTES && hasGunzipThread())) {
      yield* gunzipOnThread(rest);
      return;
    }
    const copies = (async function* () {
      // The gzip reader keeps views of a chunk (its look-ahead) after the source has reused the chunk's buffer.
      for await (const chunk of rest) yield Buffer.from(chunk);
    })();
    yield* gunzipMembers(copies, CHUNK_BYTES);
  } finally {
    await iterator.return?.();
  }
}

/**
 * Where each log file was left, and where to start reading it again. A file is matched to what an earlier run
 * read by its fingerprint (the hash of its first bytes), preferring the same device and inode, and confirmed by
 * the hash of the bytes just before the saved offset:
 * - appended to: confirmed at the same inode, read from the offset;
 * - renamed by logrotate (app.log → app.log.1), later gzipped (→ app.log.2.gz): found by its fingerprint under the
 *   new name, its decompressed bytes confirmed, read from the offset;
 * - copytruncate: the copy is the old file (read from the offset); the truncated file fails the check and is read
 *   from its start;
 * - replaced in place, or a reused inode: fails the check, read from its start.
 * Each saved file is claimed by one file at most. A saved file claimed by none is gone; it is reported when it may
 * have held lines not read yet.
 */
import { decodeChunks, noChunks, readFileChunks } from '../input/decode.js';
import { endOfLastLine, type FileLook, hashOf, hashOfRange, IDENTITY_BYTES, lookAt } from './fileIdentity.js';

/** A file as the last run left it. */
export interface FilePosition {
  readonly path: string;
  readonly dev: number;
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly gzip: boolean;
  /** Bytes read (decompressed, for gzip): the next run starts here. */
  readonly offset: number;
  /** The fingerprint: the hash of the first `headBytes` bytes (≤ IDENTITY_BYTES, ≤ offset). */
  readonly headBytes: number;
  readonly headHash: string;
  /** The hash of the min(IDENTITY_BYTES, offset) bytes before the offset. */
  readonly tailHash: string;
  /** A gzip file read to its end: it never changes again. */
  readonly complete: boolean;
  /** Lines were read from it in its last run, or more were waiting: it was still being written to. */
  readonly grew: boolean;
}

/** How one file is read this run, and where it is left after. */
export interface FileRead {
  readonly path: string;
  /** Where the read starts (0: the whole file). */
  readonly start: number;
  /** Nothing new to read: a complete gzip file seen before, or a plain file not written to since. */
  readonly unchanged: boolean;
  /** It goes on from a saved position (a gzip file's is confirmed as it is read). */
  readonly continues: boolean;
  /** The bytes to parse: from `start` on, decompressed. */
  chunks(): AsyncIterable<Buffer>;
  /** After the read: where the next run starts (null: nothing read). */
  position(): FilePosition | null;
}

export interface ReadPlan {
  /** In the order of `paths`. */
  readonly reads: readonly FileRead[];
  /** Saved files no file was found to be: gone, with lines maybe not read when `unread`. */
  readonly gone: readonly { readonly position: FilePosition; readonly unread: boolean }[];
  /** Paths that could not be looked at (gone since they were listed, unreadable), with why. */
  readonly unreadable: readonly { readonly path: string; readonly error: unknown }[];
}

/**
 * Plans the read of `paths` after a run that left `saved`. Throws CannotResume for a file that cannot be read
 * from where a run stopped (a pipe, a device, a JSON document).
 */
export async function planReads(paths: readonly string[], saved: readonly FilePosition[]): Promise<ReadPlan> {
  const unclaimed = new Set(saved);
  const looks: { path: string; look: FileLook }[] = [];
  const unreadable: { path: string; error: unknown }[] = [];
  for (const path of paths) {
    try {
      const look = await lookAt(path); // one at a time: thousands of files must not open thousands of descriptors
      if (look === null) throw new CannotResume(path, 'not a regular file (a pipe or a device)');
      if (!look.gzip && isDocument(look.head)) throw new CannotResume(path, 'a JSON document (read whole, not as lines)');
      looks.push({ path, look });
    } catch (error) {
      if (error instanceof CannotResume) throw error;
      unreadable.push({ path, error });
    }
  }
  const reads: FileRead[] = [];
  // Files at their saved inode claim first: a rotated copy must not take the place of the file it was copied from.
  const claims = new Map<string, FilePosition | null>();
  for (const pass of [true, false]) {
    for (const { path, look } of looks) {
      if (claims.has(path)) continue;
      const position = await claim(path, look, unclaimed, pass);
      if (position !== null || !pass) claims.set(path, position);
    }
  }
  for (const { path, look } of looks) {
    const position = claims.get(path) ?? null;
    reads.push(look.gzip ? gzipRead(path, look, position) : await plainRead(path, look, position));
  }
  const gone = [...unclaimed].map((position) => ({ position, unread: !position.complete && position.grew }));
  return { reads, gone, unreadable };
}

/** A file that cannot be read again from where a run stopped. */
export class CannotResume extends Error {
  override readonly name = 'CannotResume';
  constructor(
    readonly path: string,
    readonly what: string,
  ) {
    super(`${path} is ${what}`);
  }
}

/**
 * The saved position this file continues, taken from `unclaimed`: one whose fingerprint it shares, at the same
 * inode only when `sameInode`, and (plain files) whose bytes before the offset it still holds. A gzip file is
 * confirmed while it is read (its bytes are only known decompressed).
 */
async function claim(path: string, look: FileLook, unclaimed: Set<FilePosition>, sameInode: boolean): Promise<FilePosition | null> {
  for (const position of unclaimed) {
    if (sameInode !== (position.dev === look.dev && position.ino === look.ino)) continue;
    if (look.head.length < position.headBytes || hashOf(look.head.subarray(0, position.headBytes)) !== position.headHash) continue;
    if (!look.gzip && (look.size < position.offset || (await hashOfRange(path, tailStart(position.offset), position.offset)) !== position.tailHash)) continue;
    unclaimed.delete(position);
    return position;
  }
  return null;
}

function tailStart(offset: number): number {
  return Math.max(0, offset - IDENTITY_BYTES);
}

/** A JSON document (an array of calls) cannot be read on from the middle. */
function isDocument(head: Buffer): boolean {
  return /^\s*\[/.test(head.subarray(0, 64).toString('latin1'));
}

async function plainRead(path: string, look: FileLook, from: FilePosition | null): Promise<FileRead> {
  const start = from?.offset ?? 0;
  const end = await endOfLastLine(path, start, look.size);
  const position: FilePosition | null =
    end === 0
      ? null
      : {
          path,
          dev: look.dev,
          ino: look.ino,
          size: look.size,
          mtimeMs: look.mtimeMs,
          gzip: false,
          offset: end,
          headBytes: Math.min(IDENTITY_BYTES, end),
          headHash: hashOf(look.head.subarray(0, Math.min(IDENTITY_BYTES, end))),
          tailHash: (await hashOfRange(path, tailStart(end), end)) as string,
          complete: false,
          grew: end > start || look.size > end,
        };
  return {
    path,
    start,
    unchanged: end <= start,
    continues: from !== null,
    chunks: () => (end > start ? readFileChunks(path, start, end) : noChunks()),
    position: () => position,
  };
}

/**
 * A gzip file read decompressed: from the saved offset when the bytes before it are the saved ones (else from its
 * start), or not at all when it is the complete file it was. Its position is known once it is read.
 */
function gzipRead(path: string, look: FileLook, from: FilePosition | null): FileRead {
  if (from !== null && from.gzip && from.complete && look.size === from.size && look.mtimeMs === from.mtimeMs) {
    const same = { ...from, path, dev: look.dev, ino: look.ino, grew: false };
    return { path, start: from.offset, unchanged: true, continues: true, chunks: noChunks, position: () => same };
  }
  const seen = new Seen();
  let complete = false;
  let start = from?.offset ?? 0;
  return {
    path,
    unchanged: false,
    continues: from !== null,
    get start() {
      return start;
    },
    async *chunks() {
      const resumed = start > 0 && (yield* resumeAfter(path, from as FilePosition, seen));
      if (!resumed) {
        start = 0;
        seen.reset();
        for await (const chunk of decodeChunks(readFileChunks(path))) yield seen.pass(chunk);
      }
      complete = true; // not reached when the stream is cut short (a file still being compressed)
    },
    position: () => {
      // Read to its end, or — cut short — to the end of its last whole line, where the next run goes on.
      const [offset, tail] = complete ? [seen.bytes, seen.tail] : [seen.lineEnd, seen.lineEndTail];
      if (offset === 0) return null;
      const headBytes = Math.min(IDENTITY_BYTES, offset);
      return {
        path,
        dev: look.dev,
        ino: look.ino,
        size: look.size,
        mtimeMs: look.mtimeMs,
        gzip: true,
        offset,
        headBytes,
        headHash: hashOf(seen.head.subarray(0, headBytes)),
        tailHash: hashOf(tail),
        complete,
        grew: offset > start,
      };
    },
  };
}

/**
 * Decompresses `path`, passing over its first `from.offset` bytes; yields the rest when the bytes before the
 * offset are the saved ones. False (nothing yielded) when they are not: another file, read from its start.
 */
async function* resumeAfter(path: string, from: FilePosition, seen: Seen): AsyncGenerator<Buffer, boolean> {
  let confirmed = false;
  for await (const chunk of decodeChunks(readFileChunks(path))) {
    if (confirmed) {
      yield seen.pass(chunk);
      continue;
    }
    const before = Math.min(chunk.length, from.offset - seen.bytes);
    seen.pass(chunk.subarray(0, before));
    if (seen.bytes < from.offset) continue;
    if (hashOf(seen.tail) !== from.tailHash) return false;
    confirmed = true;
    if (before < chunk.length) yield seen.pass(chunk.subarray(before));
  }
  return confirmed;
}

/** The bytes passed so far: how many, the first and the last IDENTITY_BYTES of them, and where the last line ended. */
class Seen {
  bytes = 0;
  head: Buffer = Buffer.alloc(0);
  tail: Buffer = Buffer.alloc(0);
  lineEnd = 0;
  /** The last IDENTITY_BYTES before `lineEnd`. */
  lineEndTail: Buffer = Buffer.alloc(0);

  pass(chunk: Buffer): Buffer {
    const newline = chunk.lastIndexOf(0x0a);
    if (newline >= 0) {
      this.lineEnd = this.bytes + newline + 1;
      this.lineEndTail = lastBytes(this.tail, chunk.subarray(0, newline + 1));
    }
    this.bytes += chunk.length;
    if (this.head.length < IDENTITY_BYTES) this.head = Buffer.concat([this.head, chunk.subarray(0, IDENTITY_BYTES - this.head.length)]);
    this.tail = lastBytes(this.tail, chunk);
    return chunk;
  }

  reset(): void {
    this.bytes = this.lineEnd = 0;
    this.head = this.tail = this.lineEndTail = Buffer.alloc(0);
  }
}

/** The last IDENTITY_BYTES of `before` followed by `chunk` (a copy: the chunk's buffer is reused). */
function lastBytes(before: Buffer, chunk: Buffer): Buffer {
  return chunk.length >= IDENTITY_BYTES ? Buffer.from(chunk.subarray(chunk.length - IDENTITY_BYTES)) : Buffer.concat([before, chunk]).subarray(-IDENTITY_BYTES);
}

/**
 * Where a followed file has been read to, for `serve --positions` and `alerts --follow --positions`: told by the
 * follower (tailFile.ts's TailMark) as it reads, and asked for a position to save every few seconds.
 */
import type { FileHandle } from 'node:fs/promises';
import { type ReadBytes, stillTheSame } from '../input/followedFileChecks.js';
import { hashOf, IDENTITY_BYTES } from './fileIdentity.js';
import type { FilePosition } from './filePositions.js';

/**
 * Where a followed file has been read to: the open file and the end of its last whole line that was handed on.
 * Its position is computed from the open file, so a file renamed since is still the one described.
 */
export class FollowMark {
  private handle: FileHandle | null = null;
  private path = '';
  private offset = 0;
  /** What was read of the file up to there: a position is taken only while the file still has it. */
  private read: ReadBytes | null = null;

  /** `before`: the position until a file is read (the saved one, while a rotated tail is read first). */
  constructor(private before: FilePosition | null) {}

  /** The file now read (after a start, a rotation or a truncation), from `offset`; `read` of it so far. */
  reading(path: string, handle: FileHandle, offset: number, read: ReadBytes | null): void {
    this.path = path;
    this.handle = handle;
    this.offset = offset;
    this.read = read;
  }

  /** Bytes up to `offset` were handed on, to the end of their last line; `read` was read of the file. */
  handedOn(offset: number, read: ReadBytes): void {
    this.offset = offset;
    this.read = read;
  }

  /** Its file was truncated: nothing is said (the last position said stands) until a file is read again. */
  pause(): void {
    this.handle = null;
    this.before = null;
  }

  /** Its file is about to be closed: its position is kept. */
  async letGo(): Promise<void> {
    this.before = await this.position();
    this.handle = null;
  }

  /** Null when there is nothing to say yet (the saved position stands); offset 0: read the file under the name from its start. */
  async position(): Promise<FilePosition | null> {
    const { handle, offset, read: seen } = this;
    if (handle === null) return this.before;
    try {
      const stat = await handle.stat();
      const head = Buffer.alloc(Math.min(IDENTITY_BYTES, offset));
      const tail = Buffer.alloc(Math.min(IDENTITY_BYTES, offset));
      const read = [await handle.read(head, 0, head.length, 0), await handle.read(tail, 0, tail.length, offset - tail.length)];
      if (read[0]?.bytesRead !== head.length || read[1]?.bytesRead !== tail.length) return null; // truncated meanwhile: the next save
      // Truncated and written past the offset again, before the follower's next look found it: the bytes there are
      // not the ones read. The next save, after it is read again, has it.
      if (seen !== null && !(await stillTheSame(handle, seen.position, seen.head, seen.before))) return null;
      return {
        path: this.path,
        dev: stat.dev,
        ino: stat.ino,
        size: stat.size,
        mtimeMs: stat.mtimeMs,
        gzip: false,
        offset,
        headBytes: head.length,
        headHash: hashOf(head),
        tailHash: hashOf(tail),
        complete: false,
        grew: true,
      };
    } catch {
      // Closed under us: let go meanwhile (letGo keeps the position first, as when a run stops), or by a rotation,
      // where the next save has the new file.
      return this.handle === null ? this.before : null;
    }
  }
}

/**
 * A log file followed by name, like `tail -F`: from a position (its size when the command started: the lines
 * written from then on) or from its start; what is appended, checked every POLL_MS; after a rotation (the name now
 * names another file) the old file is read until it has had nothing new for ROTATE_IDLE_MS (an app may write a
 * last line or two to it after the rename), then the new one from its start; a file truncated in place
 * (copytruncate) is read again from its start; a name that is gone is waited for. Ends when `signal` aborts.
 */
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { CHUNK_BYTES } from './decode.js';

const POLL_MS = 200;
const ROTATE_IDLE_MS = 2000;
const NEWLINE = Buffer.from('\n');

/**
 * Request ids a followed input remembers per generation (two are kept), so memory stays bounded however long it
 * runs: duplicates arrive within seconds, not millions of calls apart.
 */
export const FOLLOW_DEDUPE_GENERATION_IDS = 1_000_000;

export interface TailOptions {
  /** Where to start: 0, or the file's size when the command started (a smaller file is read from its start). */
  readonly from: number;
  readonly signal: AbortSignal;
  readonly pollMs?: number;
  /** Told which file is read and how far its lines were handed on (`serve --positions`). */
  readonly mark?: TailMark;
}

/** Where a followed file has been read to. */
export interface TailMark {
  /** The file now read (at the start, after a rotation or a truncation), from `offset`. */
  reading(path: string, file: FileHandle, offset: number): void;
  /** The lines up to `offset` (the end of a line) were handed on. */
  handedOn(offset: number): void;
  /** The file is about to be closed (the end, or a rotation). */
  letGo(): Promise<void>;
}

export async function* tailFile(path: string, options: TailOptions): AsyncGenerator<Buffer> {
  const { signal } = options;
  const pollMs = options.pollMs ?? POLL_MS;
  const { mark } = options;
  let file = await fs.open(path, 'r');
  let position = Math.min(options.from, (await file.stat()).size);
  mark?.reading(path, file, position);
  // Started at the end of a line still being written: its rest is not a line of its own.
  let skipToNewline = position > 0 && !(await endsWithNewline(file, position));
  let lastByte = 0x0a;
  let buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  /** When the open file was last seen to grow, for the wait after a rotation. */
  let grewAt = Date.now();
  try {
    while (!signal.aborted) {
      const { bytesRead } = await file.read(buffer, 0, CHUNK_BYTES, position);
      if (bytesRead > 0) {
        position += bytesRead;
        grewAt = Date.now();
        let chunk = buffer.subarray(0, bytesRead);
        buffer = Buffer.allocUnsafe(CHUNK_BYTES); // the chunk keeps the old one
        if (skipToNewline) {
          const newline = chunk.indexOf(0x0a);
          if (newline < 0) continue;
          skipToNewline = false;
          chunk = chunk.subarray(newline + 1);
          if (chunk.length === 0) continue;
        }
        lastByte = chunk[chunk.length - 1] as number;
        const newline = chunk.lastIndexOf(0x0a);
        const handedOn = position - (chunk.length - newline - 1);
        yield chunk;
        if (newline >= 0) mark?.handedOn(handedOn); // the reader has taken the chunk when it asks for the next
        continue;
      }
      if ((await file.stat()).size < position) {
        position = 0; // truncated in place: start again
        mark?.reading(path, file, 0);
        skipToNewline = false;
        if (lastByte !== 0x0a) yield NEWLINE; // a line cut short ends here
        lastByte = 0x0a;
        continue;
      }
      // At the end: has the name moved on to another file, and has the old one stopped growing?
      const replacement = Date.now() - grewAt >= ROTATE_IDLE_MS ? await openIfReplaced(path, file) : null;
      if (replacement !== null) {
        await mark?.letGo();
        await file.close();
        file = replacement;
        position = 0;
        mark?.reading(path, file, 0);
        grewAt = Date.now();
        skipToNewline = false;
        if (lastByte !== 0x0a) yield NEWLINE;
        lastByte = 0x0a;
        continue;
      }
      try {
        await sleep(pollMs, undefined, { signal });
      } catch {
        return; // aborted
      }
    }
  } finally {
    await mark?.letGo();
    await file.close();
  }
}

async function endsWithNewline(file: FileHandle, size: number): Promise<boolean> {
  const last = Buffer.alloc(1);
  await file.read(last, 0, 1, size - 1);
  return last[0] === 0x0a;
}

/** The file now at `path` when it is not `current` (rotated, or created after being gone); null otherwise. */
async function openIfReplaced(path: string, current: FileHandle): Promise<FileHandle | null> {
  let named;
  try {
    named = await fs.stat(path);
  } catch {
    return null; // gone for now (rotated away, the new one not made yet): keep what is open
  }
  const open = await current.stat();
  if (open.ino === named.ino && open.dev === named.dev) return null;
  try {
    return await fs.open(path, 'r');
  } catch {
    return null;
  }
}

/**
 * What following a file by name asks of it: what the name holds now, whether the open file is still the one read
 * (not truncated or rewritten in place), and the bytes kept to tell.
 */
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { bytesAt, MATCH_BYTES } from './truncatedCopy.js';

export async function endsWithNewline(file: FileHandle, size: number): Promise<boolean> {
  const last = Buffer.alloc(1);
  await file.read(last, 0, 1, size - 1);
  return last[0] === 0x0a;
}

/**
 * The file now at `path` when it is none of `known` (rotated, or created after being gone); else whether it is one
 * of them, or gone (or could not be looked at). Opened first and then looked at, so that what is looked at is what
 * is open.
 */
export async function openIfNew(path: string, known: readonly FileHandle[]): Promise<FileHandle | 'known' | 'gone'> {
  let opened: FileHandle;
  try {
    opened = await fs.open(path, 'r');
  } catch {
    return 'gone'; // for now (rotated away, the new one not made yet): keep what is open
  }
  try {
    const named = await opened.stat();
    for (const handle of known) {
      const open = await handle.stat();
      if (open.ino === named.ino && open.dev === named.dev) {
        await opened.close();
        return 'known';
      }
    }
    return opened;
  } catch {
    await opened.close().catch(() => undefined);
    return 'gone';
  }
}

/** The bytes read of a followed file that tell whether it is still the file read (stillTheSame). */
export interface ReadBytes {
  /** How far it was read. */
  readonly position: number;
  /** Its first bytes, up to MATCH_BYTES. */
  readonly head: Buffer;
  /** The bytes just before `position`, up to MATCH_BYTES. */
  readonly before: Buffer;
}

/** Whether the file still has `head` at its start and `before` just before `position` (the bytes last read). */
export async function stillTheSame(file: FileHandle, position: number, head: Buffer, before: Buffer): Promise<boolean> {
  if ((await file.stat()).size < position) return false;
  if (head.length > 0 && !(await bytesAt(file, 0, head.length)).equals(head)) return false;
  return before.length === 0 || (await bytesAt(file, position - before.length, before.length)).equals(before);
}

/** The last MATCH_BYTES of `before` followed by `chunk`. */
export function lastBytes(before: Buffer, chunk: Buffer): Buffer {
  if (chunk.length >= MATCH_BYTES) return Buffer.from(chunk.subarray(chunk.length - MATCH_BYTES));
  const joined = Buffer.concat([before, chunk]);
  return joined.subarray(Math.max(0, joined.length - MATCH_BYTES));
}

/** What of `chunk` comes after the end of the line it starts in; null when that line does not end in it. */
export function pastFirstLine(chunk: Buffer): Buffer | null {
  const newline = chunk.indexOf(0x0a);
  return newline < 0 ? null : chunk.subarray(newline + 1);
}

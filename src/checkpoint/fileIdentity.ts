/**
 * What identifies a log file across runs, as the tools teams trust for tailing do: its device and inode, a
 * fingerprint of its first bytes (decompressed, for gzip: a rotated copy compressed later is still the same
 * file), and a hash of the bytes just before where the last run stopped (a file truncated and written again, or a
 * reused inode, fails it).
 */
import { promises as fs } from 'node:fs';
import { gunzipPrefix, isGzipStart } from '../input/gunzip.js';
import { sha256Hex } from '../input/sha256.js';

/** The fingerprint covers up to this many first bytes, the check before an offset this many bytes before it. */
export const IDENTITY_BYTES = 1024;
/** Compressed bytes read to find a gzip file's first decompressed bytes (≈8:1: far more than IDENTITY_BYTES). */
const GZIP_HEAD_BYTES = 64 << 10;

export function hashOf(bytes: Uint8Array): string {
  return sha256Hex(bytes).slice(0, 32);
}

/** A file as it is now: where it lives, and its first bytes (decompressed when it is gzip). */
export interface FileLook {
  readonly dev: number;
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly gzip: boolean;
  /** The first bytes of its content, up to IDENTITY_BYTES. */
  readonly head: Buffer;
}

/** Null when `path` is not a regular file. */
export async function lookAt(path: string): Promise<FileLook | null> {
  if (!(await fs.stat(path)).isFile()) return null; // before opening: opening a FIFO waits for a writer
  const file = await fs.open(path, 'r');
  try {
    const stat = await file.stat();
    if (!stat.isFile()) return null;
    const prefix = Buffer.alloc(Math.min(GZIP_HEAD_BYTES, stat.size));
    const { bytesRead } = await file.read(prefix, 0, prefix.length, 0);
    const first = prefix.subarray(0, bytesRead);
    const gzip = isGzipStart(first);
    const head = gzip ? gunzipPrefix(first) : first;
    return { dev: stat.dev, ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs, gzip, head: head.subarray(0, IDENTITY_BYTES) };
  } finally {
    await file.close();
  }
}

/** The hash of bytes [from, to) of a plain file, or null when it has fewer. */
export async function hashOfRange(path: string, from: number, to: number): Promise<string | null> {
  const file = await fs.open(path, 'r');
  try {
    const bytes = Buffer.alloc(to - from);
    const { bytesRead } = await file.read(bytes, 0, bytes.length, from);
    return bytesRead === bytes.length ? hashOf(bytes) : null;
  } finally {
    await file.close();
  }
}

/**
 * The end of the last complete line of a plain file in [start, size): a line still being written waits for its
 * newline (the next run reads it whole).
 */
export async function endOfLastLine(path: string, start: number, size: number): Promise<number> {
  const file = await fs.open(path, 'r');
  try {
    const block = Buffer.alloc(64 << 10);
    for (let end = size; end > start; ) {
      const from = Math.max(start, end - block.length);
      const { bytesRead } = await file.read(block, 0, end - from, from);
      const newline = block.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (newline >= 0) return from + newline + 1;
      end = from;
    }
    return start;
  } finally {
    await file.close();
  }
}

/**
 * The rest of a followed file truncated in place (logrotate's copytruncate): what was written to it after the last
 * read, before the truncation, is in the copy made beside it just before. The copy is the plain file named after
 * it (app.log.1, app.log-20261126) that begins with the bytes read first and holds the bytes read last just before
 * where reading stopped. A copy already compressed is not read (logrotate's `delaycompress` keeps the newest plain).
 */
import { promises as fs, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { describeFsError } from '../errors.js';
import { noChunks, readOpenFileChunks } from './decode.js';
import { isPermissionError, rotatedSiblings } from './rotatedSiblings.js';

/** How many of a file's first bytes, and of the bytes read last, a copy of it must hold. */
export const MATCH_BYTES = 1024;

/** What was read of a file, enough to know a copy of it by. */
export interface ReadSoFar {
  readonly offset: number;
  /** Its first bytes, up to MATCH_BYTES and `offset`. */
  readonly head: Buffer;
  /** The bytes just before `offset`, up to MATCH_BYTES. */
  readonly before: Buffer;
  /** When the file was last seen whole (the truncation came after): its copy was made since. */
  readonly wholeAtMs: number;
}

/**
 * A truncation in place of a followed file, and what became of what was written to it after the last read: read
 * from its copy (to its end, unless `cutShort` says why not), or lost, no copy found among the files beside it
 * that could be read (`unreadable`: those that could not, "path: why").
 */
export type Truncation =
  | { readonly kind: 'copied'; readonly read: ReadSoFar; readonly copy: string; readonly cutShort: string | null }
  | { readonly kind: 'lost'; readonly read: ReadSoFar; readonly unreadable: readonly string[] };

/** A copy found: its bytes after where the file was read to (none when it ends there or before), and its stats. */
export interface CopyRest {
  readonly path: string;
  readonly chunks: AsyncIterable<Buffer>;
  readonly stat: Stats;
}

/** The copy of a truncated file, when one is found; else the files beside it that may be it and may not be read. */
export interface CopySearch {
  readonly copy: CopyRest | null;
  /** "path: why", for each that claude-mon may not open. */
  readonly unreadable: readonly string[];
}

/** File times come from coarse clocks (a tick, or a whole second on some file systems). */
const FILE_CLOCK_SLACK_MS = 1000;

/**
 * The copy of what was read, when one is found. The newest sibling is tried first; a copy is opened once and read
 * from that handle. Nothing is known by an empty head or an empty end.
 */
export async function restOfCopy(followed: string, read: ReadSoFar): Promise<CopySearch> {
  const known = Math.min(MATCH_BYTES, read.offset);
  if (known === 0 || read.head.length < known || read.before.length < known) return { copy: null, unreadable: [] };
  // Made since the file was last seen whole (copytruncate copies, then truncates at once): an older copy
  // (`cp app.log app.log.bak`) begins the same.
  const siblings = (await rotatedSiblings(followed, { compressed: false }))
    .filter(({ stat }) => stat.mtimeMs >= read.wholeAtMs - FILE_CLOCK_SLACK_MS)
    .sort((a, b) => b.stat.mtimeMs - a.stat.mtimeMs);
  const unreadable: string[] = [];
  for (const { path } of siblings) {
    let copy: FileHandle;
    try {
      copy = await fs.open(path, 'r');
    } catch (error) {
      if (isPermissionError(error)) unreadable.push(`${path}: ${describeFsError(error)}`);
      continue; // else gone since it was listed, or out of descriptors for now
    }
    let found = false;
    try {
      const stat = await copy.stat();
      const rest = await restIn(copy, stat, read);
      if (rest === 'none') continue;
      found = true;
      if (rest === 'more') return { copy: { path, chunks: readOpenFileChunks(copy, read.offset), stat }, unreadable };
      await copy.close();
      return { copy: { path, chunks: noChunks(), stat }, unreadable };
    } catch {
      // gone or failing: not the copy, as far as can be told
    } finally {
      if (!found) await copy.close();
    }
  }
  return { copy: null, unreadable };
}

/** Whether `copy` is a copy of what was read: with more after it ('more'), or ending within it ('all read'). */
async function restIn(copy: FileHandle, { size, mtimeMs }: Stats, read: ReadSoFar): Promise<'more' | 'all read' | 'none'> {
  if (mtimeMs < read.wholeAtMs - FILE_CLOCK_SLACK_MS) return 'none'; // another, older file at that name since it was listed
  const head = read.head.subarray(0, Math.min(MATCH_BYTES, read.offset));
  if (!(await bytesAt(copy, 0, head.length)).equals(head)) return 'none';
  const beforeStart = read.offset - read.before.length;
  if (size >= read.offset) return (await bytesAt(copy, beforeStart, read.before.length)).equals(read.before) ? 'more' : 'none';
  // It ends before where the file was read to (the lines written between the copy and the truncation were read):
  // what it has of the bytes read last must be theirs.
  if (size <= beforeStart) return 'all read';
  return (await bytesAt(copy, beforeStart, size - beforeStart)).equals(read.before.subarray(0, size - beforeStart)) ? 'all read' : 'none';
}

export async function bytesAt(file: FileHandle, at: number, length: number): Promise<Buffer> {
  const found = Buffer.alloc(length);
  const { bytesRead } = await file.read(found, 0, length, at);
  return found.subarray(0, bytesRead);
}

/**
 * A log file followed by name, like `tail -F`, and by identity: from a position (its size when following began:
 * the lines written from then on) or from its start; what is appended, checked every POLL_MS. Each file the name
 * comes to name (a rotation) is opened as soon as it is seen — the name is looked at every POLL_MS, so rotations
 * that far apart or more are each read to their end, however long the old ones take to read: the old file until it
 * has had nothing new for ROTATE_IDLE_MS (an app may write a last line or two to it after the rename; for one poll
 * once the name has moved on twice since), then the next from its start. Rotations faster than that are found
 * beside the name (app.log.1, app.log-DATE), by identity, and read in turn (rotatedSiblings.ts). A file truncated
 * in place (copytruncate), or rewritten, is read again from its start — also when it has grown past where it was
 * read to, which its first and last bytes read, checked again every POLL_MS, tell — after the rest of it, from its
 * copy when one is found (truncatedCopy.ts). A name that is gone is waited for. Ends when `signal` aborts.
 */
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeFsError } from '../errors.js';
import { CHUNK_BYTES, readOpenFileChunks } from './decode.js';
import type { RotatedBeside } from './rotatedSiblings.js';
import { endsWithNewline, lastBytes, openIfNew, pastFirstLine, type ReadBytes, stillTheSame } from './followedFileChecks.js';
import { bytesAt, MATCH_BYTES, restOfCopy, type Truncation } from './truncatedCopy.js';

const POLL_MS = 200;
const ROTATE_IDLE_MS = 2000;
/** How often the files beside the name are taken as seen, while the name holds the file followed (RotatedBeside). */
const SIBLINGS_SEEN_EVERY_MS = 1000;
/**
 * Files the name moved on to, queued: from this many on, the old file is let go as soon as it is read to its end,
 * without waiting for it to be idle (an app that never reopens its log would otherwise keep it growing, and the
 * queue with it; what it writes to the old file after that is not read).
 */
const MAX_NEXT = 16;
const NEWLINE = Buffer.from('\n');

/**
 * Request ids a followed input remembers per generation (two are kept), so memory stays bounded however long it
 * runs: duplicates arrive within seconds, not millions of calls apart.
 */
export const FOLLOW_DEDUPE_GENERATION_IDS = 1_000_000;

export interface TailOptions {
  /**
   * The file the name held when following began, opened then; null when the name was gone (the first file it
   * names is read from its start, after any rotated beside it since `beside` was looked at).
   */
  readonly opened: FileHandle | null;
  /** Where to start in `opened`: 0, or its size when following began (the lines written from then on). */
  readonly from: number;
  readonly signal: AbortSignal;
  readonly pollMs?: number;
  /** Told which file is read and how far its lines were handed on (`serve --positions`). */
  readonly mark?: TailMark;
  /** Told of each truncation in place, once what was written before it has been read from its copy, if found. */
  readonly truncated?: (truncation: Truncation) => void;
  /**
   * The files beside the name, looked at when following began, before `opened` was: a file rotated there since is
   * one the name held, and is read in its turn.
   */
  readonly beside: RotatedBeside;
}

/** Where a followed file has been read to. */
export interface TailMark {
  /** The file now read (at the start, after a rotation or a truncation), from `offset`; `read` of it so far. */
  reading(path: string, file: FileHandle, offset: number, read: ReadBytes | null): void;
  /**
   * The lines up to `offset` (the end of a line) were handed on; `read` is what was read of the file to tell it
   * is still the same (its truncation is found at the next poll, and no position is to be taken in it meanwhile).
   */
  handedOn(offset: number, read: ReadBytes): void;
  /** The file was truncated: what was read of it is not in it any more, until `reading` again. */
  pause(): void;
  /** The file is about to be closed (the end, or a rotation). */
  letGo(): Promise<void>;
}

export async function* tailFile(path: string, options: TailOptions): AsyncGenerator<Buffer> {
  const { signal } = options;
  const pollMs = options.pollMs ?? POLL_MS;
  const { mark, beside } = options;
  let siblingsSeenAt = Date.now();
  /** The files the name has named since the open one, oldest first: opened when seen, so none is missed however
   * fast they are rotated away, and read in turn from their start. */
  const next: FileHandle[] = [];
  /** Files rotated beside the name that a listing missed, found later: read whole, in between. */
  const late: FileHandle[] = [];
  let file = options.opened ?? (await openWhenThere(path, pollMs, signal));
  if (options.opened === null) {
    try {
      // Opened now, not when following began: the files the name held meanwhile, rotated beside it, come first.
      next.push(...(await beside.openMissed([file])), file);
      file = next.shift() as FileHandle;
    } catch (error) {
      await file.close();
      throw error;
    }
  }
  let position = 0;
  let skipToNewline = false;
  let lastByte = 0x0a;
  let buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  /** When the open file was last seen to grow, for the wait after a rotation. */
  let grewAt = Date.now();
  let nameCheckedAt = 0;
  /** The last bytes read before `position`: a file replaced or truncated and grown past it has others there. */
  let before: Buffer = Buffer.alloc(0);
  /** The file's first bytes (up to MATCH_BYTES) once read: a file replaced in place begins otherwise. */
  let head: Buffer = Buffer.alloc(0);
  let checkedAt = Date.now();
  /** Reads `file` from its start (the next one, or the same truncated): the newline that ends a line cut short, if one was. */
  const startOver = (): Buffer | null => {
    position = 0;
    before = Buffer.alloc(0);
    head = Buffer.alloc(0);
    mark?.reading(path, file, 0, null);
    skipToNewline = false;
    const end = lastByte === 0x0a ? null : NEWLINE;
    lastByte = 0x0a;
    return end;
  };
  try {
    if (file === options.opened) position = Math.min(options.from, (await file.stat()).size);
    if (position > 0) {
      // Started at the end of a line still being written: its rest is not a line of its own.
      skipToNewline = !(await endsWithNewline(file, position));
      head = await bytesAt(file, 0, Math.min(MATCH_BYTES, position));
      before = await bytesAt(file, Math.max(0, position - MATCH_BYTES), Math.min(MATCH_BYTES, position));
    }
    mark?.reading(path, file, position, { position, head, before });
    while (!signal.aborted) {
      if (late.length > 0 && lastByte === 0x0a) {
        for await (const chunk of readOpenFileChunks(late.shift() as FileHandle)) {
          yield chunk;
          lastByte = chunk[chunk.length - 1] as number;
        }
        if (lastByte !== 0x0a) yield NEWLINE;
        lastByte = 0x0a;
      }
      if (Date.now() - nameCheckedAt >= pollMs) {
        nameCheckedAt = Date.now();
        const lookDue = nameCheckedAt - siblingsSeenAt >= SIBLINGS_SEEN_EVERY_MS;
        const looked = lookDue ? await beside.look() : null; // null too when the directory has not changed
        const named = await openIfNew(path, [file, ...next]);
        if (typeof named !== 'string') {
          // Each file the name held between two looks, rotated beside it meanwhile, before the one it holds now.
          const missed = await beside.openMissed([file, ...next, named]).catch(async (error: unknown) => {
            await named.close();
            throw error;
          });
          next.push(...missed, named);
        } else if (named === 'known' && lookDue) {
          siblingsSeenAt = nameCheckedAt;
          if (looked !== null) {
            // The name held a file followed throughout: what was made beside it since the newest was is a copy.
            beside.takeAsSeen(looked, (await (next.at(-1) ?? file).stat()).birthtimeMs);
            // What was made before and is still not seen is a file the name held that a listing missed (renamed
            // while it ran): read whole at the next end of a line, the one open now may still be written to.
            late.push(...(await beside.openMissed([file, ...next, ...late])));
          }
        }
      }
      // Every poll, before reading on: is the file still the one read up to here?
      if (Date.now() - checkedAt >= pollMs) {
        const wholeAtMs = checkedAt;
        checkedAt = Date.now();
        if (!(await stillTheSame(file, position, head, before))) {
          // Truncated (or rewritten) in place: what was written after `position` before that, from the copy, then
          // the file again from its start.
          mark?.pause();
          const read = { offset: position, head: head.subarray(0, position), before, wholeAtMs };
          const { copy, unreadable } = await restOfCopy(path, read).catch(() => ({ copy: null, unreadable: [] }));
          let cutShort: string | null = null;
          if (copy !== null) {
            beside.takeFileAsSeen(copy.stat); // a copy, never the name's
            try {
              for await (const copied of copy.chunks) {
                const chunk = skipToNewline ? pastFirstLine(copied) : copied;
                if (chunk === null) continue;
                skipToNewline = false;
                if (chunk.length === 0) continue;
                yield chunk;
                lastByte = chunk[chunk.length - 1] as number;
              }
            } catch (error) {
              cutShort = `${copy.path}: ${describeFsError(error)}`; // what it had after that is not read
            }
          }
          options.truncated?.(copy === null ? { kind: 'lost', read, unreadable } : { kind: 'copied', read, copy: copy.path, cutShort });
          const end = startOver();
          if (end !== null) yield end;
          siblingsSeenAt = Number.NEGATIVE_INFINITY; // its copy, beside it now, is seen at the next look
          continue;
        }
      }
      const { bytesRead } = await file.read(buffer, 0, CHUNK_BYTES, position);
      if (bytesRead > 0) {
        position += bytesRead;
        grewAt = Date.now();
        let chunk: Buffer = buffer.subarray(0, bytesRead);
        buffer = Buffer.allocUnsafe(CHUNK_BYTES); // the chunk keeps the old one
        before = lastBytes(before, chunk);
        if (head.length < MATCH_BYTES && position - bytesRead < MATCH_BYTES) head = await bytesAt(file, 0, MATCH_BYTES);
        if (skipToNewline) {
          const past = pastFirstLine(chunk);
          if (past === null) continue;
          skipToNewline = false;
          chunk = past;
          if (chunk.length === 0) continue;
        }
        lastByte = chunk[chunk.length - 1] as number;
        const newline = chunk.lastIndexOf(0x0a);
        const handedOn = position - (chunk.length - newline - 1);
        yield chunk;
        if (newline >= 0) mark?.handedOn(handedOn, { position, head, before }); // the reader has taken the chunk when it asks for the next
        continue;
      }
      // At the end of a file the name has moved on from: the next one, once this one has stopped growing (an app may
      // write a last line to it after the rename) — sooner once the name has moved on twice since: it is not written to.
      const idle = Date.now() - grewAt;
      if (next.length > 0 && (idle >= ROTATE_IDLE_MS || (next.length >= 2 && idle >= pollMs) || next.length >= MAX_NEXT)) {
        await mark?.letGo();
        await file.close();
        file = next.shift() as FileHandle;
        grewAt = Date.now();
        const end = startOver();
        if (end !== null) yield end;
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
    for (const handle of [...next, ...late]) await handle.close();
  }
}

/** The file at `path`, waited for while the name is gone (between a rotation's rename and the new file). */
async function openWhenThere(path: string, pollMs: number, signal: AbortSignal): Promise<FileHandle> {
  for (;;) {
    try {
      return await fs.open(path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || signal.aborted) throw error;
    }
    await sleep(pollMs, undefined, { signal });
  }
}

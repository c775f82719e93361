/**
 * Writing results: to stdout with back-pressure and a quiet stop when the reader went away (`| head`), or to a
 * file atomically (temp file + rename) so a cron job never leaves half a report.
 */
import { promises as fs, rmSync } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import type { StreamedText } from '../render/streamedText.js';
import { cleanUpOnInterrupt } from './interrupt.js';

/** Pieces of a streamed result are gathered into writes of about this many characters. */
const WRITE_CHARACTERS = 1 << 16;

/**
 * Writes a result piece by piece, waiting for each write to drain (back-pressure: a slow reader holds memory to one
 * write). Resolves 'closed' instead of failing when the other end of a pipe is gone (EPIPE), and stops rendering.
 */
export async function writeToStream(stream: Writable, text: StreamedText): Promise<'written' | 'closed'> {
  ignoreErrorEvents(stream);
  for (const piece of gathered(text)) {
    if ((await writeOnce(stream, piece)) === 'closed') return 'closed';
  }
  return 'written';
}

function writeOnce(stream: Writable, text: string): Promise<'written' | 'closed'> {
  return new Promise((resolve, reject) => {
    stream.write(text, (error) => {
      const code = (error as NodeJS.ErrnoException | null | undefined)?.code;
      if (error === undefined || error === null) resolve('written');
      else if (code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED') resolve('closed');
      else reject(error);
    });
  });
}

const guarded = new WeakSet<Writable>();

/**
 * Write failures reach the write callback; the 'error' event that follows them would otherwise crash the process
 * with a stack trace (`| head` closing stdout, a closed stderr).
 */
export function ignoreErrorEvents(stream: Writable): void {
  if (guarded.has(stream)) return;
  guarded.add(stream);
  stream.on('error', () => {});
}

/**
 * The result to `-o FILE`. A regular file (or a new one) is written atomically. Anything else is written in place,
 * through it: a device or FIFO, and a symbolic link (`-o /dev/stdout` is one, to a descriptor that may be a pipe
 * or a file) — renaming a temp file over them would replace the link or the device node itself. 'closed' when the
 * reader of a pipe went away.
 */
export async function writeResultFile(target: string, text: StreamedText): Promise<'written' | 'closed'> {
  const existing = await fs.lstat(target).catch(() => null);
  if (existing === null || existing.isFile()) {
    await writeFileAtomically(target, text);
    return 'written';
  }
  const file = await fs.open(target, 'w');
  try {
    await writePieces(file, text);
    return 'written';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') return 'closed';
    throw error;
  } finally {
    await file.close();
  }
}

/** A temp file beside the target, synced and renamed over it once complete: a failure (a full disk) leaves no half report. */
async function writeFileAtomically(target: string, text: StreamedText): Promise<void> {
  await replaceFile(target, (file) => writePieces(file, text));
}

/**
 * Replaces `target` with what `write` writes: into a temporary file beside it (removed on a failure or an
 * interrupt), synced, renamed over the target once complete, and the directory synced — a reader sees the old file
 * or the new one, never half of one, and a crash of the machine keeps it whole. The temporary files of this name
 * that runs killed while writing left behind (their process is gone) are removed first.
 */
export async function replaceFile(target: string, write: (file: fs.FileHandle) => Promise<void>): Promise<void> {
  const directory = path.dirname(target);
  await sweepStaleTemporaries(directory, path.basename(target));
  const temporary = path.join(directory, `.${path.basename(target)}.${process.pid}.${Date.now()}.tmp`);
  const forget = cleanUpOnInterrupt(() => rmSync(temporary, { force: true }));
  try {
    const file = await fs.open(temporary, 'wx');
    try {
      await write(file);
      await file.sync();
    } finally {
      await file.close();
    }
    await fs.rename(temporary, target);
    await syncDirectory(directory);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  } finally {
    forget();
  }
}

/** The directories and names already swept in this process: once is enough (positions are saved every 2 s). */
const swept = new Set<string>();
/** A temporary file younger than this may be another host's or container's, whose process ids are not ours. */
const STALE_MS = 60_000;

/**
 * `.NAME.PID.MS.tmp` files of this user whose process is gone and that are over a minute old: a run killed while it
 * wrote NAME. Best effort: one that cannot be removed is left.
 */
async function sweepStaleTemporaries(directory: string, name: string): Promise<void> {
  const key = path.join(directory, name);
  if (swept.has(key)) return;
  swept.add(key);
  const prefix = `.${name}.`;
  for (const entry of await fs.readdir(directory).catch(() => [])) {
    if (!entry.startsWith(prefix) || !entry.endsWith('.tmp')) continue;
    const pid = Number(/^(\d+)\.\d+\.tmp$/.exec(entry.slice(prefix.length))?.[1]);
    if (!Number.isSafeInteger(pid) || pid === process.pid || isRunning(pid)) continue;
    const file = path.join(directory, entry);
    const stats = await fs.lstat(file).catch(() => null);
    if (stats === null || !stats.isFile() || (process.getuid !== undefined && stats.uid !== process.getuid()) || Date.now() - stats.mtimeMs < STALE_MS) continue;
    await fs.unlink(file).catch(() => undefined);
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // running, as another user
  }
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await fs.open(directory, 'r').catch(() => null);
  if (handle === null) return;
  try {
    await handle.sync();
  } catch {
    // some file systems cannot sync a directory: the rename is still atomic
  } finally {
    await handle.close();
  }
}

async function writePieces(file: fs.FileHandle, text: StreamedText): Promise<void> {
  for (const piece of gathered(text)) await file.writeFile(piece);
}

/** The pieces of a result joined into writes of about WRITE_CHARACTERS (a string result: itself, once). */
function* gathered(text: StreamedText): Generator<string> {
  if (typeof text === 'string') {
    if (text !== '') yield text;
    return;
  }
  let pending = '';
  for (const piece of text) {
    pending += piece;
    if (pending.length >= WRITE_CHARACTERS) {
      yield pending;
      pending = '';
    }
  }
  if (pending !== '') yield pending;
}

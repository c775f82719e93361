/**
 * `--positions FILE` of `serve`: where each followed file was read to, saved every few seconds and at the end, so
 * that a restart goes on from there — the lines written while it was down are counted once, not lost (as Fluent
 * Bit's tail database does). A saved position is found again by the identity rules of --checkpoint
 * (filePositions.ts): the file still under its name, or — rotated while the exporter was down — a sibling named
 * after it (app.log.1, app.log.1.gz, app.log-20261126), whose unread tail is read before the new file.
 */
import { promises as fs, rmSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { StateReader } from '../core/engine/stateReader.js';
import { describeFsError, InputError } from '../errors.js';
import { cleanUpOnInterrupt } from '../io/interrupt.js';
import { filePosition } from './checkpointFile.js';
import { hashOf, IDENTITY_BYTES } from './fileIdentity.js';
import { type FilePosition, planReads } from './filePositions.js';

const FORMAT = 'claude-mon positions';
const FORMAT_VERSION = 1;

export async function loadPositions(file: string): Promise<FilePosition[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new InputError(`cannot read the positions ${file}: ${describeFsError(error)}`);
  }
  const reader = new StateReader(file);
  try {
    const fields = reader.object(JSON.parse(text), 'a positions file');
    if (fields['format'] !== FORMAT || fields['formatVersion'] !== FORMAT_VERSION) reader.fail(`not a file of ${FORMAT} ${FORMAT_VERSION}`);
    return reader.list(fields['files'], 'files').map((entry, i) => filePosition(entry, reader.at(`files[${i}]`)));
  } catch (error) {
    throw new InputError(`the positions ${file} cannot be used: ${(error as Error).message}. Remove it, and the next start reads as without it`);
  }
}

/** Written to a temporary file, synced and renamed into place: a crash leaves the last positions whole. */
export async function savePositions(file: string, positions: readonly FilePosition[]): Promise<void> {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  const forget = cleanUpOnInterrupt(() => rmSync(temporary, { force: true }));
  try {
    const handle = await fs.open(temporary, 'w');
    try {
      await handle.writeFile(`${JSON.stringify({ format: FORMAT, formatVersion: FORMAT_VERSION, files: positions })}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw new InputError(`cannot write the positions ${file}: ${describeFsError(error)}`);
  } finally {
    forget();
  }
}

/** Where a followed file goes on from after a restart. */
export interface Resumed {
  /** Where to start in the file under the name. */
  readonly from: number;
  /** Read first: the unread tail of the saved file, rotated away while the exporter was down. */
  readonly rotatedTail: AsyncIterable<Buffer> | null;
  /** The saved file was found nowhere: what it had after its position is lost (said on stderr). */
  readonly lost: boolean;
}

/** How `followed` goes on from `saved` (null: nothing saved for it). */
export async function resumeFrom(followed: string, saved: readonly FilePosition[]): Promise<Resumed | null> {
  const own = saved.filter((position) => path.resolve(position.path) === path.resolve(followed));
  if (own.length === 0) return null;
  const here = await planReads([followed], own).catch(() => null);
  const read = here?.reads[0];
  if (read !== undefined && here?.gone.length === 0) return { from: read.start, rotatedTail: null, lost: false };
  // Rotated while down: the saved file among its siblings, read from its position to its end; the new one whole.
  const siblings = await rotatedSiblings(followed);
  const plan = await planReads(siblings, own).catch(() => null);
  const found = plan?.reads.find((each) => each.continues);
  if (plan === null || found === undefined) return { from: 0, rotatedTail: null, lost: true };
  return { from: 0, rotatedTail: found.chunks(), lost: false };
}

/** The unread tail of the file rotated away (when there is one), then the followed file's chunks. */
export async function* rotatedTailThen(tail: AsyncIterable<Buffer> | null, followed: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  if (tail !== null) yield* tail;
  yield* followed;
}

/** The files beside `followed` named after it (app.log.1, app.log.2.gz, app.log-20261126), newest rotation first. */
async function rotatedSiblings(followed: string): Promise<string[]> {
  const directory = path.dirname(followed);
  const base = path.basename(followed);
  const names = await fs.readdir(directory).catch(() => []);
  return names
    .filter((name) => name !== base && name.startsWith(base) && /^[.-]/.test(name.slice(base.length)))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((name) => path.join(directory, name));
}

/**
 * Where a followed file has been read to: the open file and the end of its last whole line that was handed on.
 * Its position is computed from the open file, so a file renamed since is still the one described.
 */
export class FollowMark {
  private handle: FileHandle | null = null;
  private path = '';
  private offset = 0;

  /** `before`: the position until a file is read (the saved one, while a rotated tail is read first). */
  constructor(private before: FilePosition | null) {}

  /** The file now read (after a start or a rotation), from `offset`. */
  reading(path: string, handle: FileHandle, offset: number): void {
    this.path = path;
    this.handle = handle;
    this.offset = offset;
  }

  /** Bytes up to `offset` were handed on, to the end of their last line. */
  handedOn(offset: number): void {
    this.offset = offset;
  }

  /** Its file is about to be closed: its position is kept. */
  async letGo(): Promise<void> {
    this.before = await this.position();
    this.handle = null;
  }

  /** Null when there is nothing to say yet (the saved position stands); offset 0: read the file under the name from its start. */
  async position(): Promise<FilePosition | null> {
    const { handle, offset } = this;
    if (handle === null) return this.before;
    try {
      const stat = await handle.stat();
      const head = Buffer.alloc(Math.min(IDENTITY_BYTES, offset));
      await handle.read(head, 0, head.length, 0);
      const tail = Buffer.alloc(Math.min(IDENTITY_BYTES, offset));
      await handle.read(tail, 0, tail.length, offset - tail.length);
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
      return null; // closed under us (the file was let go): the next save has the new one
    }
  }
}

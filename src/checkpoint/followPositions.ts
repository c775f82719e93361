/**
 * `--positions FILE` of `serve`: where each followed file was read to, saved every few seconds and at the end, so
 * that a restart goes on from there — the lines written while it was down are counted once, not lost (as Fluent
 * Bit's tail database does). A saved position is found again by the identity rules of --checkpoint
 * (filePositions.ts): the file still under its name, or — rotated while the exporter was down — a sibling named
 * after it (app.log.1, app.log.1.gz, app.log-20261126), whose unread tail is read before the new file.
 */
import { promises as fs, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { StateReader } from '../core/engine/stateReader.js';
import { describeFsError, InputError } from '../errors.js';
import { compareRotations, RotatedBeside, rotatedSiblings } from '../input/rotatedSiblings.js';
import { tailFile } from '../input/tailFile.js';
import type { Truncation } from '../input/truncatedCopy.js';
import { replaceFile } from '../io/output.js';
import { filePosition } from './checkpointFile.js';
import { type FilePosition, planReads } from './filePositions.js';
import { FollowMark } from './followMark.js';

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
  const text = `${JSON.stringify({ format: FORMAT, formatVersion: FORMAT_VERSION, files: positions })}\n`;
  try {
    await replaceFile(file, (handle) => handle.writeFile(text));
  } catch (error) {
    throw new InputError(`cannot write the positions ${file}: ${describeFsError(error)}`);
  }
}

/** A followed file as a restart goes on with it: where it has been read to (to save), and its chunks from there. */
export interface Following {
  readonly mark: FollowMark;
  /** Its truncations in place so far, by whether the rest of what was written before was read from a copy. */
  readonly truncations: { copy: number; lost: number };
  /**
   * The tail of the file it was, rotated away meanwhile (when it was), then the file under the name, followed. Read
   * once, and at once: the files opened for it are closed when the reading ends.
   */
  chunks(signal: AbortSignal): AsyncIterable<Buffer>;
}

/**
 * How `followed` is read: after a restart, on from its position in `saved`, through files rotated meanwhile; with
 * none saved, from its start or its end now. A saved file found nowhere is told to `warn`. Where it starts is fixed
 * now (before `serve` says it is serving): the files beside the name are looked at, and the file it holds is opened
 * and its start taken (startIn), so that whatever the name holds from now on is read, however soon it is rotated
 * away.
 */
export async function following(followed: string, saved: readonly FilePosition[], from: 'start' | 'end', warn: (message: string) => void): Promise<Following> {
  // The files beside the name are looked at before the ones to read first are planned, and those planned are taken
  // as seen: a file rotated away from the name after the plan, while they are read, is read after them.
  const beside = new RotatedBeside(followed, (unread, error) =>
    warn(`${unread}, rotated beside ${followed}, could not be read: ${describeFsError(error)}. Its lines were not read: let claude-mon read the rotated files (logrotate's create mode and owner)`),
  );
  beside.takeAsSeen((await beside.look()) ?? new Map());
  const named = await fs.open(followed, 'r').catch(() => null);
  let resumed: Resumed | null;
  try {
    resumed = await resumeFrom(followed, saved);
  } catch (error) {
    await named?.close();
    throw error;
  }
  for (const stat of resumed?.planned ?? []) beside.takeFileAsSeen(stat);
  if (resumed?.lost === true) warn(`${followed}: the file it was read from before the restart is gone (not found rotated beside it): lines written to it after the last save were not read`);
  const { opened, start } = await startIn(named, followed, resumed, from);
  const mark = new FollowMark(resumed?.saved ?? null);
  const tail = resumed?.rotatedTail ?? null;
  const truncations = { copy: 0, lost: 0 };
  const truncated = (truncation: Truncation): void => {
    truncations[truncation.kind === 'copied' ? 'copy' : 'lost']++;
    const warning = truncationWarning(followed, truncation);
    if (warning !== null) warn(warning);
  };
  return {
    mark,
    truncations,
    chunks: (signal) => inTurn([...(tail === null ? [] : [tail]), tailFile(followed, { opened, from: start, signal, mark, truncated, beside })]),
  };
}

/** What stderr says of a truncation: nothing when its rest was read whole from its copy. */
function truncationWarning(followed: string, truncation: Truncation): string | null {
  if (truncation.kind === 'copied') {
    return truncation.cutShort === null ? null : `${followed} was truncated in place, and its copy could not be read to its end (${truncation.cutShort}): the lines after that were not read`;
  }
  const lost = `${followed} was truncated in place after ${truncation.read.offset} bytes were read, and the lines written to it after those, if any, were not read`;
  if (truncation.unreadable.length > 0) {
    return `${lost}: its copy may be one of the files beside it that claude-mon may not read (${truncation.unreadable.join('; ')}). Let it read them (logrotate's create mode and owner)`;
  }
  return `${lost}: no plain copy of it was found beside it. With logrotate's copytruncate, add delaycompress (the newest copy stays plain), or rotate with create instead`;
}

/**
 * Where reading starts in `named` (the file the name held, opened before a restart's reads were planned): its start
 * or its end, or the position found in it. It is let go (null: the file the name holds when it is read is read from
 * its start, after the files rotated beside it since the look) after a rotation while the follower was down — it
 * is read from its start after the rotated files anyway, and a copy copytruncate makes of it meanwhile is then read
 * whole — or when it is not the saved file and a rotation moved it from the name while the position was looked for.
 */
async function startIn(named: FileHandle | null, followed: string, resumed: Resumed | null, from: 'start' | 'end'): Promise<{ opened: FileHandle | null; start: number }> {
  if (named === null) return { opened: null, start: 0 };
  try {
    const stat = await named.stat();
    if (resumed === null) return { opened: named, start: from === 'start' ? 0 : stat.size };
    // The saved file itself (wherever it is now), or the file the name held throughout the plan.
    const saved = resumed.saved.dev === stat.dev && resumed.saved.ino === stat.ino;
    const moved = await fs.stat(followed).then((now) => now.dev !== stat.dev || now.ino !== stat.ino, () => true);
    if (resumed.rotatedTail === null && !resumed.lost && (saved || !moved)) return { opened: named, start: resumed.from };
  } catch {
    // gone from the name meanwhile: as if it were gone before
  }
  await named.close();
  return { opened: null, start: 0 };
}

/** Where a followed file goes on from after a restart. */
interface Resumed {
  /** The position saved for it. */
  readonly saved: FilePosition;
  /** Where to start in the file under the name. */
  readonly from: number;
  /** Read first: what was written after the saved position to the files it became, rotated while the follower was down. */
  readonly rotatedTail: AsyncIterable<Buffer> | null;
  /** The saved file was found nowhere: what it had after its position is lost (said on stderr). */
  readonly lost: boolean;
  /** The rotated files read first, as they were planned. */
  readonly planned: readonly Stats[];
}

/** How `followed` goes on from its position in `saved` (null: none is saved for it). */
async function resumeFrom(followed: string, saved: readonly FilePosition[]): Promise<Resumed | null> {
  const own = saved.find((position) => path.resolve(position.path) === path.resolve(followed));
  if (own === undefined) return null;
  const here = await planReads([followed], [own]).catch(() => null);
  const read = here?.reads[0];
  if (read !== undefined && read.continues) return { saved: own, from: read.start, rotatedTail: null, lost: false, planned: [] };
  // Rotated while down: the saved file among its siblings, read on from its position; then each sibling rotated
  // after it (a second rotation) whole, oldest first; then the file under the name from its start.
  const siblings = await rotatedSiblings(followed, { compressed: true });
  const plan = await planReads(siblings.map(({ path: sibling }) => sibling), [own]).catch(() => null);
  const found = plan?.reads.find((each) => each.continues);
  if (found === undefined) return { saved: own, from: 0, rotatedTail: null, lost: true, planned: [] };
  const stats = new Map(siblings.map((sibling) => [sibling.path, sibling.stat]));
  const written = new Map(siblings.map((sibling) => [sibling.path, sibling.stat.mtimeMs]));
  const foundAt = written.get(found.path) ?? Number.POSITIVE_INFINITY;
  // Written to at the same time or later (file times are coarse: a few ms), oldest first; on a tie, the higher
  // rotation number (app.log.2 before app.log.1).
  const later = (plan?.reads ?? [])
    .filter((each) => each !== found && (written.get(each.path) ?? 0) >= foundAt)
    .sort((a, b) => (written.get(a.path) ?? 0) - (written.get(b.path) ?? 0) || compareRotations(a.path, b.path));
  // Each opened now, at the name it has in the plan: a rotation while the first are read renames the others.
  const reads = [found, ...later];
  return {
    saved: own,
    from: 0,
    rotatedTail: inTurn(reads.map((each) => startedNow(each.chunks()))),
    lost: false,
    planned: reads.flatMap((each) => stats.get(each.path) ?? []),
  };
}

/** `source`, started now (its file opened, its first chunk asked for), to be read on later. */
function startedNow(source: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  const iterator = source[Symbol.asyncIterator]();
  const first = iterator.next();
  first.catch(() => undefined); // its failure is met when it is read
  return {
    async *[Symbol.asyncIterator]() {
      for (let result = await first; result.done !== true; result = await iterator.next()) yield result.value;
    },
  };
}

async function* inTurn(sources: readonly AsyncIterable<Buffer>[]): AsyncGenerator<Buffer> {
  for (const source of sources) yield* source;
}

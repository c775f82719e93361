/**
 * The files a followed name was rotated to: beside it, named after it (app.log.1, app.log.2.gz, app.log-20261126).
 * And, by `RotatedBeside`, those among them that the name held for less than a poll: rotated away before a look
 * saw them at the name.
 */
import { promises as fs, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';

/** Rotated files compressed by a rotation: read whole by `summary`, never followed. */
const COMPRESSED = /\.(gz|bz2|xz|zst|lz4|z|zip)$/i;

/** The files beside `followed` named after it, with their stats; without the compressed ones unless asked. */
export async function rotatedSiblings(followed: string, { compressed }: { compressed: boolean }): Promise<{ path: string; stat: Stats }[]> {
  const directory = path.dirname(followed);
  const base = path.basename(followed);
  const names = (await fs.readdir(directory).catch(() => [])).filter(
    (name) => name !== base && name.startsWith(base) && /^[.-]/.test(name.slice(base.length)) && (compressed || !COMPRESSED.test(name)),
  );
  const siblings: { path: string; stat: Stats }[] = [];
  for (const name of names) {
    const stat = await fs.stat(path.join(directory, name)).catch(() => null);
    if (stat?.isFile() === true) siblings.push({ path: path.join(directory, name), stat });
  }
  return siblings;
}

/**
 * A seen file absent from this many listings, and for this long, is forgotten (deleted): a listing can miss a file
 * renamed while it runs, but not for long.
 */
const ABSENT_LISTINGS = 3;
const ABSENT_MS = 10_000;
/** Listings at most for one search of missed files, when a file listed could not be opened at any name listed. */
const MAX_LISTINGS = 3;
/**
 * File times come from coarse clocks (a tick; a whole second on some file systems, and NFS caches them): a
 * directory changed this close to a listing may not show it.
 */
const CLOCK_SLACK_MS = 2000;

/** A look at the files beside the name: their stats, by identity. */
export type Look = ReadonlyMap<string, Stats>;

/**
 * The uncompressed files rotated beside a followed name, by identity (device and inode), as seen. A file beside the
 * name that was not seen there before, and that the follower has not opened, was the name's between two looks.
 */
export class RotatedBeside {
  /** Each identity seen, with the last listing it was in (or opened at) — its number, and when — and its birth time. */
  private readonly seen = new Map<string, { listing: number; atMs: number; bornMs: number }>();
  private listings = 0;
  /**
   * The directory's modification time at the last listing, when that listing started, and whether the file system
   * keeps birth times: where Node cannot get them (Linux without statx) it gives the change time instead, which a
   * rename moves — told by the directory's, which its files' renames move.
   */
  private listed = { directoryMs: Number.NaN, atMs: 0, realBirths: false };

  /** `unreadable` is told of a file found beside the name that could not be opened (its lines are not read). */
  constructor(
    private readonly followed: string,
    private readonly unreadable: (path: string, error: unknown) => void = () => undefined,
  ) {}

  /** The files beside the name now; null when the directory has not changed since the last listing. */
  async look(): Promise<Look | null> {
    const directoryMs = (await fs.stat(path.dirname(this.followed)).catch(() => null))?.mtimeMs ?? Number.NaN;
    if (directoryMs === this.listed.directoryMs && directoryMs < this.listed.atMs - CLOCK_SLACK_MS) return null;
    return new Map((await this.list()).map(({ stat }) => [identity(stat), stat]));
  }

  /**
   * Takes the files of `looked` that were made at `bornSince` or later as seen: none of them is missed later. For
   * a look taken while the name held the newest file followed, made at `bornSince`: a file made beside it since was
   * never the name's (a copy made by copytruncate), and is not mistaken for one should the name come to hold
   * another. One made before that and not seen yet may be a file the name held that a listing missed: it is left
   * to the next search. Without birth times (0), every file is taken.
   */
  takeAsSeen(looked: Look, bornSince = Number.NEGATIVE_INFINITY): void {
    this.listings++;
    for (const stat of looked.values()) if (this.wasSeen(stat) || stat.birthtimeMs >= bornSince || stat.birthtimeMs === 0) this.note(stat);
    this.forgetAbsent();
  }

  /** Takes one file as seen: the copy of a file truncated in place, found by its content. */
  takeFileAsSeen(stat: Stats): void {
    this.note(stat);
  }

  /**
   * Opens the files beside the name that are neither seen before nor `ours`, oldest written first (on a tie, the
   * higher rotation number first: app.log.2 before app.log.1); they and `ours` are seen from now on. A file renamed
   * while they are listed (a rotation shifting app.log.N to app.log.N+1) may be listed twice, or not at all: it is
   * opened under a name it is found at, and the listing is made again when it is found at none.
   */
  async openMissed(ours: readonly FileHandle[]): Promise<FileHandle[]> {
    const opened: FileHandle[] = [];
    try {
      for (let listing = 1; listing <= MAX_LISTINGS; listing++) {
        this.listings++;
        for (const handle of ours) this.note(await handle.stat());
        const { found, complete } = await this.openUnseen();
        opened.push(...found);
        if (complete) break;
      }
    } catch (error) {
      for (const handle of opened) await handle.close();
      throw error;
    }
    this.forgetAbsent();
    return opened;
  }

  /** Opens the files listed beside the name not seen yet; `complete` unless one could be opened at no name listed. */
  private async openUnseen(): Promise<{ found: FileHandle[]; complete: boolean }> {
    const unseen = new Map<string, { paths: string[]; mtimeMs: number; stat: Stats }>();
    for (const { path: sibling, stat } of await this.list()) {
      const id = identity(stat);
      if (this.wasSeen(stat)) {
        this.note(stat);
        continue;
      }
      const candidate = unseen.get(id) ?? { paths: [], mtimeMs: stat.mtimeMs, stat };
      candidate.paths.push(sibling);
      unseen.set(id, candidate);
    }
    const byAge = [...unseen].sort(([, a], [, b]) => a.mtimeMs - b.mtimeMs || compareRotations(a.paths[0] as string, b.paths[0] as string));
    const found: FileHandle[] = [];
    let complete = true;
    for (const [id, { paths, stat }] of byAge) {
      const opened = await openAs(paths, id);
      if (opened.kind === 'opened') {
        found.push(opened.handle);
        this.note(await opened.handle.stat());
      } else if (opened.kind === 'forbidden') {
        this.unreadable(opened.path, opened.error);
        this.note(stat); // told once
      } else {
        complete = false;
      }
    }
    return { found, complete };
  }

  private async list(): Promise<{ path: string; stat: Stats }[]> {
    const atMs = Date.now();
    const directory = await fs.stat(path.dirname(this.followed)).catch(() => null);
    const siblings = await rotatedSiblings(this.followed, { compressed: false });
    const realBirths = directory !== null && directory.birthtimeMs > 0 && directory.birthtimeMs !== directory.ctimeMs;
    this.listed = { directoryMs: directory?.mtimeMs ?? Number.NaN, atMs, realBirths };
    return siblings;
  }

  /**
   * Whether the file was seen: its identity, and the same birth time where births are kept — a deleted file's
   * inode is reused at once, by a file made since.
   */
  private wasSeen(stat: Stats): boolean {
    const seen = this.seen.get(identity(stat));
    if (seen === undefined) return false;
    return !this.listed.realBirths || seen.bornMs === 0 || seen.bornMs === stat.birthtimeMs;
  }

  private note(stat: Stats): void {
    this.seen.set(identity(stat), { listing: this.listings, atMs: Date.now(), bornMs: stat.birthtimeMs });
  }

  /** Forgets the files long absent from the listings: deleted, so memory stays bounded by the directory. */
  private forgetAbsent(): void {
    const now = Date.now();
    for (const [id, { listing, atMs }] of this.seen) if (listing <= this.listings - ABSENT_LISTINGS && atMs < now - ABSENT_MS) this.seen.delete(id);
  }
}

/**
 * The file with identity `id`, opened at one of `paths`; 'missing' when it is at none of them now (renamed since
 * it was listed) or could not be opened for now (out of descriptors), 'forbidden' when claude-mon may not read it.
 */
async function openAs(
  paths: readonly string[],
  id: string,
): Promise<{ kind: 'opened'; handle: FileHandle } | { kind: 'forbidden'; path: string; error: unknown } | { kind: 'missing' }> {
  for (const candidate of paths) {
    let handle: FileHandle;
    try {
      handle = await fs.open(candidate, 'r');
    } catch (error) {
      if (isPermissionError(error)) return { kind: 'forbidden', path: candidate, error };
      continue;
    }
    const same = await handle
      .stat()
      .then((stat) => identity(stat) === id)
      .catch(() => false);
    if (same) return { kind: 'opened', handle };
    await handle.close(); // renamed since it was listed: another file now
  }
  return { kind: 'missing' };
}

/** An error opening a file that waiting will not mend: claude-mon may not read it. */
export function isPermissionError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EACCES' || code === 'EPERM';
}

/** The higher rotation number first: app.log.2 before app.log.1. */
export function compareRotations(a: string, b: string): number {
  return b.localeCompare(a, 'en', { numeric: true });
}

/** A file by its device and inode. Its birth time tells a reused inode (wasSeen), where birth times are kept. */
function identity(stat: Stats): string {
  return `${stat.dev}:${stat.ino}`;
}

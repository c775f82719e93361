/**
 * The files a followed name was rotated to: beside it, named after it (app.log.1, app.log.2.gz, app.log-20261126).
 * And those among them that are new since the name was last looked at: generations the name held for less than a
 * poll, rotated away before a look saw them at the name.
 */
import { promises as fs, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';

/** Rotated files compressed by a rotation: read whole by `summary`, never followed. */
const COMPRESSED = /\.(gz|bz2|xz|zst|lz4|z|zip)$/i;

/** The files beside `followed` named after it, with when each was last written. */
export async function rotatedSiblings(followed: string): Promise<{ path: string; stat: Stats }[]> {
  const directory = path.dirname(followed);
  const base = path.basename(followed);
  const names = (await fs.readdir(directory).catch(() => [])).filter((name) => name !== base && name.startsWith(base) && /^[.-]/.test(name.slice(base.length)));
  const siblings: { path: string; stat: Stats }[] = [];
  for (const name of names) {
    const stat = await fs.stat(path.join(directory, name)).catch(() => null);
    if (stat?.isFile() === true) siblings.push({ path: path.join(directory, name), stat });
  }
  return siblings;
}

/** Files remembered as seen beside a name, at most (the oldest let go first): far more than a log directory holds. */
const MAX_SEEN = 10_000;

/**
 * The uncompressed files rotated beside a followed name, by identity (device, inode and birth time: an inode is
 * reused), as seen. A file beside the name that was not there before, and that the follower has not opened, was
 * the name's between two looks.
 */
export class RotatedBeside {
  /** Identities, in the order they were seen (a Map keeps it), so that the oldest go first past MAX_SEEN. */
  private readonly seen = new Map<string, true>();

  constructor(private readonly followed: string) {}

  /** The files beside the name now: their identities, with their birth times. */
  async look(): Promise<ReadonlyMap<string, number>> {
    return new Map((await this.plainSiblings()).map(({ stat }) => [identity(stat), stat.birthtimeMs]));
  }

  /**
   * Takes the files `looked` at, made at `bornSince` or later, as seen: none of them is missed later. For a look
   * taken while the name held the newest file followed, made at `bornSince`: a file made since then beside it was
   * never the name's (a copy made by copytruncate), and is not mistaken for one should the name come to hold
   * another. One made before may be a file the name held that a listing missed: it is left to the next.
   */
  seenAll(looked: ReadonlyMap<string, number>, bornSince = Number.NEGATIVE_INFINITY): void {
    for (const [id, bornMs] of looked) if (bornMs >= bornSince) this.note(id);
  }

  /**
   * The files beside the name that are neither seen before nor `ours`, opened, oldest written first (on a tie, the
   * higher rotation number first: app.log.2 before app.log.1); they and `ours` are seen from now on. A file renamed
   * while they are listed (a rotation shifting app.log.N to app.log.N+1) may be missed by the listing, or listed
   * twice: it is opened under the name it is found at, or else found by the next look.
   */
  async missed(ours: readonly FileHandle[]): Promise<FileHandle[]> {
    for (const handle of ours) this.note(identity(await handle.stat()));
    const candidates = new Map<string, { paths: string[]; mtimeMs: number }>();
    for (const { path: sibling, stat } of await this.plainSiblings()) {
      const id = identity(stat);
      if (this.seen.has(id)) continue;
      const candidate = candidates.get(id) ?? { paths: [], mtimeMs: stat.mtimeMs };
      candidate.paths.push(sibling);
      candidates.set(id, candidate);
    }
    const byAge = [...candidates].sort(([, a], [, b]) => a.mtimeMs - b.mtimeMs || compareRotations(a.paths[0] as string, b.paths[0] as string));
    const opened: FileHandle[] = [];
    for (const [id, { paths }] of byAge) {
      for (const sibling of paths) {
        const handle = await fs.open(sibling, 'r').catch(() => null);
        if (handle !== null && identity(await handle.stat()) === id) {
          opened.push(handle);
          this.note(id);
          break;
        }
        await handle?.close(); // renamed since it was listed: another file now
      }
    }
    return opened;
  }

  private note(id: string): void {
    this.seen.delete(id);
    this.seen.set(id, true);
    if (this.seen.size > MAX_SEEN) this.seen.delete(this.seen.keys().next().value as string);
  }

  private async plainSiblings(): Promise<{ path: string; stat: Stats }[]> {
    return (await rotatedSiblings(this.followed)).filter(({ path: sibling }) => !COMPRESSED.test(sibling));
  }
}

/** The higher rotation number first: app.log.2 before app.log.1. */
function compareRotations(a: string, b: string): number {
  return b.localeCompare(a, 'en', { numeric: true });
}

function identity(stat: Stats): string {
  return `${stat.dev}:${stat.ino}:${stat.birthtimeMs}`;
}

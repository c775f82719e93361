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

/**
 * The uncompressed files rotated beside a followed name, by identity (device, inode and birth time: an inode is
 * reused), as last seen. A file beside the name that was not there the last time, and that the follower has not
 * opened, was the name's between two looks.
 */
export class RotatedBeside {
  private seen = new Set<string>();

  constructor(private readonly followed: string) {}

  /** The files beside the name now, by identity. */
  async look(): Promise<ReadonlySet<string>> {
    return new Set((await this.plainSiblings()).map(({ stat }) => identity(stat)));
  }

  /**
   * Takes the files `looked` at as seen: none of them is missed later. For a look taken while the name held the
   * newest file followed, before and after (so that none of them was the name's since): a copy made by
   * copytruncate, say, is not mistaken for a file the name held, should the name come to hold another.
   */
  seenAll(looked: ReadonlySet<string>): void {
    this.seen = new Set(looked);
  }

  /**
   * The files beside the name that are neither seen before nor `ours`, opened, oldest written first (on a tie, the
   * higher rotation number first: app.log.2 before app.log.1). All of them are seen from now on. A file renamed
   * while they are listed (a rotation shifting app.log.N to app.log.N+1) may be missed by the listing: it is not
   * taken as seen, and found by the next.
   */
  async missed(ours: readonly FileHandle[]): Promise<FileHandle[]> {
    const siblings = await this.plainSiblings();
    const known = new Set(this.seen);
    for (const handle of ours) known.add(identity(await handle.stat()));
    this.seen = new Set(siblings.map(({ stat }) => identity(stat)));
    const missed = siblings
      .filter(({ stat }) => !known.has(identity(stat)))
      .sort((a, b) => a.stat.mtimeMs - b.stat.mtimeMs || b.path.localeCompare(a.path, 'en', { numeric: true }));
    const opened: FileHandle[] = [];
    for (const { path: sibling, stat } of missed) {
      const handle = await fs.open(sibling, 'r').catch(() => null);
      const found = handle === null ? null : identity(await handle.stat());
      if (found === identity(stat)) opened.push(handle as FileHandle);
      else {
        // Renamed since it was listed (or gone): not seen yet, found by the next look under its new name.
        await handle?.close();
        this.seen.delete(identity(stat));
      }
    }
    return opened;
  }

  private async plainSiblings(): Promise<{ path: string; stat: Stats }[]> {
    return (await rotatedSiblings(this.followed)).filter(({ path: sibling }) => !COMPRESSED.test(sibling));
  }
}

function identity(stat: Stats): string {
  return `${stat.dev}:${stat.ino}:${stat.birthtimeMs}`;
}

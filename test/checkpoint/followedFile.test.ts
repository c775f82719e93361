/**
 * A followed file (following(), what `serve` and `alerts --follow` read) through what the exporter cannot watch
 * happen: a rotation while a restart reads a rotated tail, and copytruncate's copies in their awkward shapes.
 * In-process, on real files: the lines read are counted by their tags.
 */
import { appendFileSync, readFileSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { hashOf } from '../../src/checkpoint/fileIdentity.js';
import type { FilePosition } from '../../src/checkpoint/filePositions.js';
import { type Following, following } from '../../src/checkpoint/followPositions.js';
import { RotatedBeside } from '../../src/input/rotatedSiblings.js';
import { temporaryDirectory } from '../helpers.js';

const line = (tag: string, i: number): string => `${JSON.stringify({ tag, i, pad: 'x'.repeat(60) })}\n`;
const lines = (tag: string, count: number): string => Array.from({ length: count }, (_, i) => line(tag, i)).join('');

/** Reads `place` until `done` says so (or 10 s), with `during` called on the first chunk; the lines read by tag. */
async function readTags(place: Following, done: (tags: Map<string, number>) => boolean, during: () => void = () => undefined): Promise<Map<string, number>> {
  const abort = new AbortController();
  const tags = new Map<string, number>();
  let text = '';
  let first = true;
  const reading = (async () => {
    for await (const chunk of place.chunks(abort.signal)) {
      if (first) during();
      first = false;
      text += chunk.toString();
      const end = text.lastIndexOf('\n');
      for (const each of text.slice(0, end + 1).split('\n').filter(Boolean)) {
        const { tag } = JSON.parse(each) as { tag: string };
        tags.set(tag, (tags.get(tag) ?? 0) + 1);
      }
      text = text.slice(end + 1);
    }
  })();
  for (let waited = 0; waited < 10_000 && !done(tags); waited += 50) await sleep(50);
  await sleep(500); // and nothing more comes
  abort.abort();
  await reading;
  return tags;
}

/** The position a run left after reading `file` to its end. */
function positionAtEnd(file: string): FilePosition {
  const bytes = readFileSync(file);
  const { dev, ino, mtimeMs } = statSync(file);
  return {
    path: file,
    dev,
    ino,
    size: bytes.length,
    mtimeMs,
    gzip: false,
    offset: bytes.length,
    headBytes: 1024,
    headHash: hashOf(bytes.subarray(0, 1024)),
    tailHash: hashOf(bytes.subarray(bytes.length - 1024)),
    complete: false,
    grew: true,
  };
}

describe('a followed file', () => {
  it('after a restart, reads the files rotated while it was down, then one the name held while they were read and was rotated from meanwhile', async () => {
    const file = path.join(temporaryDirectory(), 'app.log');
    writeFileSync(file, lines('X', 100));
    const saved = positionAtEnd(file);
    // While the follower was down: X grew by 60,000 lines and was rotated, W took the name and was rotated, and Y
    // took the name.
    appendFileSync(file, lines('X2', 60_000));
    renameSync(file, `${file}.1`);
    writeFileSync(file, lines('W', 50));
    await sleep(30); // W written after X, as file times tell
    renameSync(`${file}.1`, `${file}.2`);
    renameSync(file, `${file}.1`);
    writeFileSync(file, lines('Y', 10));
    const place = await following(file, [saved], 'start', () => undefined);
    // While X's tail is read, the files shift once more: Y is rotated away, W renamed, and Z takes the name.
    const rotate = (): void => {
      renameSync(`${file}.2`, `${file}.3`);
      renameSync(`${file}.1`, `${file}.2`);
      renameSync(file, `${file}.1`);
      writeFileSync(file, lines('Z', 10));
    };
    const tags = await readTags(place, (read) => read.get('Z') === 10, rotate);
    expect(Object.fromEntries(tags)).toEqual({ X2: 60_000, W: 50, Y: 10, Z: 10 });
  }, 30_000);

  it('after a restart, reads the copy that copytruncate makes of the new file while the rotated tail is read', async () => {
    const file = path.join(temporaryDirectory(), 'app.log');
    writeFileSync(file, lines('X', 100));
    const saved = positionAtEnd(file);
    appendFileSync(file, lines('X2', 60_000));
    renameSync(file, `${file}.1`);
    writeFileSync(file, lines('Y', 10));
    const place = await following(file, [saved], 'start', () => undefined);
    // While X's tail is read: logrotate's copytruncate of Y (the older copies shifted first), then Z is written.
    const copyTruncate = (): void => {
      renameSync(`${file}.1`, `${file}.2`);
      writeFileSync(`${file}.1`, readFileSync(file));
      truncateSync(file, 0);
      appendFileSync(file, lines('Z', 10));
    };
    const tags = await readTags(place, (read) => read.get('Z') === 10, copyTruncate);
    expect(Object.fromEntries(tags)).toEqual({ X2: 60_000, Y: 10, Z: 10 });
  }, 30_000);

  it.each([['without a position saved', false], ['on from a position saved', true]])(
    'reads what is written once it has begun (%s), also through rotations made before its first read',
    async (_, resuming) => {
      const file = path.join(temporaryDirectory(), 'app.log');
      writeFileSync(file, lines('OLD', 100));
      const place = await following(file, resuming ? [positionAtEnd(file)] : [], 'end', () => undefined);
      // Before anything is read (`serve` has said it is serving): A is written and rotated away, B takes the name
      // and is rotated away, and C takes the name.
      appendFileSync(file, lines('A', 30));
      renameSync(file, `${file}.1`);
      writeFileSync(file, lines('B', 20));
      renameSync(`${file}.1`, `${file}.2`);
      renameSync(file, `${file}.1`);
      writeFileSync(file, lines('C', 10));
      const tags = await readTags(place, (read) => read.get('C') === 10);
      expect(Object.fromEntries(tags)).toEqual({ A: 30, B: 20, C: 10 });
    },
    30_000,
  );

  it('takes no position in a file truncated and written past where it was read, before it finds the truncation', async () => {
    const file = path.join(temporaryDirectory(), 'app.log');
    writeFileSync(file, lines('A', 100));
    const readTo = statSync(file).size;
    const place = await following(file, [], 'start', () => undefined);
    const abort = new AbortController();
    const chunks = place.chunks(abort.signal)[Symbol.asyncIterator]();
    try {
      expect((await chunks.next()).value?.length).toBe(readTo);
      const more = chunks.next(); // A handed on; the follower waits for more
      appendFileSync(file, lines('B', 10));
      await more; // B read, not taken yet: the follower does not look at the file until it is
      expect(await place.mark.position()).toMatchObject({ offset: readTo });
      truncateSync(file, 0);
      appendFileSync(file, lines('C', 200));
      // A position at readTo now would be in C's lines: a restart from it would skip those before it.
      expect(await place.mark.position()).toBeNull();
    } finally {
      abort.abort();
      await chunks.return?.(undefined);
    }
  });

  it('takes a copy that ends before where the file was read to as read: nothing is read twice, nothing is said lost', async () => {
    const file = path.join(temporaryDirectory(), 'app.log');
    writeFileSync(file, lines('A', 100));
    const place = await following(file, [], 'start', () => undefined);
    let step = 0;
    const tags = await readTags(
      place,
      (read) => {
        if (step === 0 && read.get('A') === 100) {
          step = 1;
          appendFileSync(file, lines('B', 20));
        } else if (step === 1 && read.get('B') === 20) {
          // Truncated after the last 20 lines were read, into a copy made before they were written.
          step = 2;
          writeFileSync(`${file}.1`, lines('A', 100));
          truncateSync(file, 0);
          appendFileSync(file, lines('C', 5));
        }
        return step === 2 && read.get('C') === 5;
      },
    );
    expect(Object.fromEntries(tags)).toEqual({ A: 100, B: 20, C: 5 });
    expect(place.truncations).toEqual({ copy: 1, lost: 0 });
  }, 30_000);

  it('counts a truncation whose copy is compressed as lost, says what to change, and follows on — an older plain copy is not it', async () => {
    const directory = temporaryDirectory();
    const file = path.join(directory, 'app.log');
    writeFileSync(file, lines('A', 100));
    // Someone's copy, made before: it begins the same, but was made before the file was last seen whole.
    writeFileSync(`${file}.bak`, readFileSync(file));
    await sleep(3000);
    const warnings: string[] = [];
    const place = await following(file, [], 'start', (message) => warnings.push(message));
    let step = 0;
    const tags = await readTags(place, (read) => {
      if (step === 0 && read.get('A') === 100) {
        step = 1;
        writeFileSync(`${file}.1.gz`, gzipSync(readFileSync(file))); // copied and compressed at once: not read
        truncateSync(file, 0);
        appendFileSync(file, lines('C', 5));
      }
      return step === 1 && read.get('C') === 5;
    });
    expect(Object.fromEntries(tags)).toEqual({ A: 100, C: 5 });
    expect(place.truncations).toEqual({ copy: 0, lost: 1 });
    expect(warnings.join('\n')).toMatch(/no plain copy of it was found beside it.*delaycompress/);
  }, 30_000);
});

describe('the files rotated beside a followed name', () => {
  it('finds a file the name held between two looks whose inode was a deleted file\'s, and not the files there before', async () => {
    const file = path.join(temporaryDirectory(), 'app.log');
    writeFileSync(`${file}.1`, 'old\n');
    writeFileSync(file, 'A\n');
    const beside = new RotatedBeside(file);
    beside.takeAsSeen((await beside.look()) ?? new Map());
    const followed = await open(file, 'r');
    // Rotated twice within a poll, the oldest deleted each time: B, made right after a deletion, may take its inode.
    const old = statSync(`${file}.1`).ino;
    rmSync(`${file}.1`);
    renameSync(file, `${file}.1`);
    writeFileSync(file, 'B\n');
    const reused = statSync(file).ino === old;
    rmSync(`${file}.1`);
    renameSync(file, `${file}.1`);
    writeFileSync(file, 'C\n');
    const named = await open(file, 'r');
    const missed = await beside.openMissed([followed, named]);
    const contents = await Promise.all(missed.map(async (handle) => (await handle.readFile()).toString()));
    for (const handle of [followed, named, ...missed]) await handle.close();
    expect(contents).toEqual(['B\n']);
    expect(typeof reused).toBe('boolean'); // the file system may or may not reuse it: the answer is the same
  });
});

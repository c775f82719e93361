/**
 * The gzip thread (src/input/gunzipThread.ts) against inflating on this thread, the oracle: the same bytes decode
 * and the same break ends the source, after the same output, on gzip inputs of many chunks — whole, cut short,
 * with a bad CRC, corrupt deflate data, bytes after the last member, zero padding — and a read that fails.
 */
import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES, decodeChunks, type GunzipPlace } from '../../src/input/decode.js';
import { OUTPUT_BYTES } from '../../src/input/gunzipMessages.js';

/** Lines that compress about 2:1 (random hex), so a few MB of gzip are several chunks of compressed input. */
function logText(lines: number, seed: number): Buffer {
  return Buffer.from(
    Array.from({ length: lines }, (_, i) => `{"request_id":"${randomBytes(24).toString('hex')}","n":${seed * 1_000_000 + i}}\n`).join(''),
  );
}

/** Compressed input in chunks of CHUNK_BYTES, as a file is read; `failAfter` chunks, then a read error. */
async function* chunksOf(bytes: Buffer, failAfter = Infinity): AsyncGenerator<Buffer> {
  for (let at = 0, chunk = 0; at < bytes.length; at += CHUNK_BYTES, chunk++) {
    if (chunk >= failAfter) throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
    yield bytes.subarray(at, at + CHUNK_BYTES);
  }
}

/** Everything decoded, and what ended the source. */
async function decode(bytes: Buffer, place: GunzipPlace, failAfter?: number): Promise<{ output: Buffer; error: unknown }> {
  const parts: Buffer[] = [];
  try {
    for await (const chunk of decodeChunks(chunksOf(bytes, failAfter), place)) parts.push(Buffer.from(chunk));
    return { output: Buffer.concat(parts), error: null };
  } catch (error) {
    return { output: Buffer.concat(parts), error };
  }
}

const firstMember = gzipSync(logText(60_000, 1));
const members = Buffer.concat([firstMember, gzipSync(logText(60_000, 2))]);
const whole = members.length;

const cases: [string, Buffer, number?][] = [
  ['two members, whole', members],
  ['cut short in the middle of the second member', members.subarray(0, Math.floor(whole * 0.75))],
  ['a bad CRC in the first member', withByte(members, firstMember.length - 6, (byte) => byte ^ 0xff)],
  ['corrupt deflate data in the second member', withByte(members, firstMember.length + 1000, () => 0xff)],
  ['bytes after the last member that are not gzip', Buffer.concat([members, Buffer.from('not gzip\n')])],
  ['zero padding after the last member', Buffer.concat([members, Buffer.alloc(100_000)])],
  ['a read that fails after two chunks', members, 2],
  ['a read that fails after the first chunk', members, 1],
];

function withByte(bytes: Buffer, at: number, change: (byte: number) => number): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] = change(copy[at] as number);
  return copy;
}

describe('the gzip thread', () => {
  it('is given inputs of several chunks here', () => {
    expect(whole).toBeGreaterThan(3 * CHUNK_BYTES);
  });

  it.each(cases)('decodes as this thread does: %s', async (_name, bytes, failAfter) => {
    const here = await decode(bytes, 'here', failAfter);
    const thread = await decode(bytes, 'thread', failAfter);
    const auto = await decode(bytes, 'auto', failAfter);
    expect(auto.output.equals(thread.output)).toBe(true);
    expect(String(auto.error)).toBe(String(thread.error));
    expect(thread.output.equals(here.output)).toBe(true);
    expect(thread.output.length).toBeGreaterThan(0);
    if (here.error === null) {
      expect(thread.error).toBeNull();
      return;
    }
    expect(thread.error).toBeInstanceOf((here.error as Error).constructor);
    expect((thread.error as Error).message).toBe((here.error as Error).message);
    expect((thread.error as { code?: string }).code).toBe((here.error as { code?: string }).code);
  });

  it.each([
    // Stored blocks of 65,531 bytes make a deflate body of exactly two 32 KiB slices: the stream ends at a slice's
    // edge, and the next write (the trailer) consumes nothing.
    ['a deflate body that ends at the edge of a slice', gzipSync(Buffer.alloc(65_531, 'a'), { level: 0 }), 65_536 + 18],
    // 2 MiB of zeros fill the 1 MiB output buffer exactly twice from one slice.
    ['output that fills the output buffer exactly', gzipSync(Buffer.alloc(2 * OUTPUT_BYTES)), undefined],
  ] as const)('reads %s, as zlib does', async (_name, bytes, length) => {
    if (length !== undefined) expect(bytes.length).toBe(length);
    for (const place of ['here', 'thread'] as const) {
      const decoded = await decode(bytes, place);
      expect(decoded.error).toBeNull();
      expect(decoded.output.equals(gunzipSync(bytes))).toBe(true);
    }
  });

  it('is the default for a gzip of 1 MiB or more (its chunks travel back to the thread once read)', async () => {
    // A chunk from the gzip thread is transferred back when the next is asked for: its memory is gone here.
    const cameFromTheThread = async (bytes: Buffer, place: GunzipPlace): Promise<boolean> => {
      let first: Buffer | undefined;
      for await (const chunk of decodeChunks(chunksOf(bytes), place)) {
        if (first !== undefined) return first.buffer.byteLength === 0;
        first = chunk;
      }
      return first?.buffer.byteLength === 0;
    };
    expect(await cameFromTheThread(members, 'thread')).toBe(true);
    expect(await cameFromTheThread(members, 'auto')).toBe(true);
    expect(await cameFromTheThread(members, 'here')).toBe(false);
    const small = gzipSync(logText(2_000, 3));
    expect(small.length).toBeLessThan(CHUNK_BYTES);
    expect(await cameFromTheThread(small, 'auto')).toBe(false);
  });

  it('stops when the reader stops early, without hanging, and closes the source', async () => {
    let closed = false;
    const source = (async function* () {
      try {
        yield* chunksOf(members);
      } finally {
        closed = true;
      }
    })();
    let chunks = 0;
    for await (const chunk of decodeChunks(source, 'thread')) {
      expect(chunk.length).toBeGreaterThan(0);
      if (++chunks === 2) break;
    }
    expect(chunks).toBe(2);
    expect(closed).toBe(true);
  });
});

/**
 * gzip decoding that keeps every byte that decoded, member by member, as gzip(1) does. Node's Gunzip drops the
 * output of the write in which an error occurs — a bad CRC or bytes after the last member lost up to a whole
 * chunk of good records — so the gzip framing (RFC 1952) is read here and only the deflate body goes to zlib.
 */
import { constants, createInflateRaw, crc32, gunzipSync, type InflateRaw } from 'node:zlib';

/** Whether bytes start like a gzip stream (its magic number), whatever the file is named. */
export function isGzipStart(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** What decompresses from the first bytes of a gzip stream (nothing when it is corrupt there). */
export function gunzipPrefix(prefix: Buffer): Buffer {
  try {
    return gunzipSync(prefix, { finishFlush: constants.Z_SYNC_FLUSH });
  } catch {
    return Buffer.alloc(0);
  }
}

export class GzipBreak extends Error {
  override readonly name = 'GzipBreak';
}

const TRUNCATED = 'truncated gzip (unexpected end of file)';

/** Compressed bytes taken at a time (whatever they expand to goes through the one output buffer). */
const SLICE_BYTES = 32 * 1024;
const FLAG_HCRC = 2;
const FLAG_EXTRA = 4;
const FLAG_NAME = 8;
const FLAG_COMMENT = 16;

/**
 * Decoded bytes of a gzip stream whose first two bytes have been seen to be the magic number. Each chunk is a view
 * of one output buffer that the next fills: it is valid until the next chunk is asked for.
 */
export async function* gunzipMembers(compressed: AsyncIterable<Buffer>, outputChunkBytes: number): AsyncGenerator<Buffer> {
  const input = new ByteQueue(compressed[Symbol.asyncIterator]());
  // One output buffer for all the members: a BGZF file is thousands of small ones.
  const output = Buffer.allocUnsafe(outputChunkBytes);
  for (let member = 1; ; member++) {
    if (!(await input.fill(1))) return;
    if (input.peek(0) !== 0x1f) {
      // Zero padding (tape blocks, preallocated files) is ignored by gzip(1) too; anything else is reported.
      if (await input.skipZeros()) return;
      throw new GzipBreak(`ignored bytes after gzip member ${member - 1} that are not gzip`);
    }
    await readHeader(input, member);
    const { size, crc } = yield* inflateBody(input, member, output);
    if (!(await input.fill(8))) throw new GzipBreak(TRUNCATED);
    if (input.peekUInt32(0) !== crc || input.peekUInt32(4) !== size % 2 ** 32) {
      throw new GzipBreak(`corrupt gzip (CRC or length check failed in member ${member}; its records were kept)`);
    }
    input.skip(8);
  }
}

async function readHeader(input: ByteQueue, member: number): Promise<void> {
  if (!(await input.fill(10))) throw new GzipBreak(TRUNCATED);
  if (input.peek(1) !== 0x8b || input.peek(2) !== 8) {
    throw new GzipBreak(member === 1 ? 'corrupt gzip (not deflate)' : `ignored bytes after gzip member ${member - 1} that are not gzip`);
  }
  const flags = input.peek(3);
  input.skip(10);
  if ((flags & FLAG_EXTRA) !== 0) {
    if (!(await input.fill(2))) throw new GzipBreak(TRUNCATED);
    const length = input.peek(0) | (input.peek(1) << 8);
    input.skip(2);
    if (!(await input.skipBytes(length))) throw new GzipBreak(TRUNCATED);
  }
  for (const flag of [FLAG_NAME, FLAG_COMMENT]) {
    if ((flags & flag) !== 0 && !(await input.skipPastZero())) throw new GzipBreak(TRUNCATED);
  }
  if ((flags & FLAG_HCRC) !== 0 && !(await input.skipBytes(2))) throw new GzipBreak(TRUNCATED);
}

/**
 * Inflates one member's deflate body, a slice of compressed bytes at a time, into `output` (each chunk yielded is
 * a view of it, valid until the next is asked for). Leaves the input positioned just after the body.
 */
async function* inflateBody(input: ByteQueue, member: number, output: Buffer): AsyncGenerator<Buffer, { size: number; crc: number }> {
  const inflater = new RawInflater(output, member);
  let size = 0;
  let crc = 0;
  try {
    for (;;) {
      const slice = await input.take(SLICE_BYTES);
      if (slice.length === 0) throw new GzipBreak(TRUNCATED);
      for (let at = 0; ; ) {
        const step = inflater.inflate(slice, at);
        at += step.consumed;
        if (step.output.length > 0) {
          size += step.output.length;
          crc = crc32(step.output, crc);
          yield step.output;
        }
        if (step.ended) {
          input.unread(slice.subarray(at));
          return { size, crc };
        }
        if (at === slice.length && !step.full) break; // the slice is used up: the next one
      }
    }
  } finally {
    inflater.close();
  }
}

/** The part of a zlib stream this reader drives: its native handle, written synchronously. */
interface ZlibHandle {
  writeSync(flush: number, input: Buffer, inputOffset: number, inputLength: number, output: Buffer, outputOffset: number, outputLength: number): void;
  onerror: (message: string, errno: number, code: string) => void;
}

/**
 * A raw inflater that writes into one output buffer of its own, through the zlib stream's native handle (the
 * synchronous write Node's own zlib*Sync functions use; the same on Node 20, 22 and 24). The stream's async writes
 * give every output a new buffer: garbage that V8 let reach some 60 MB before collecting it, which was most of
 * the reader's memory on a large .gz.
 */
class RawInflater {
  private readonly stream: InflateRaw = createInflateRaw();
  private readonly handle: ZlibHandle;
  /** After each write: [output bytes left, input bytes left]. */
  private readonly state: Uint32Array;
  private failure: string | undefined;

  constructor(
    private readonly output: Buffer,
    private readonly member: number,
  ) {
    const internals = this.stream as unknown as { _handle?: ZlibHandle; _writeState?: unknown };
    const state = internals._writeState;
    if (typeof internals._handle?.writeSync !== 'function' || !(state instanceof Uint32Array) || state.length !== 2) {
      throw new Error(`Node ${process.version}'s zlib stream has no synchronous handle write, which claude-mon reads gzip with (Node 20, 22 and 24 have it): read the logs decompressed (zcat FILE | claude-mon …)`);
    }
    this.handle = internals._handle;
    this.state = state;
    this.handle.onerror = (message) => (this.failure = message);
  }

  /**
   * Inflates `input` from `at`: the bytes consumed, the output (a view of the reused buffer), whether the output
   * buffer filled (call again) and whether the deflate stream ended (the rest of the input is not its).
   */
  inflate(input: Buffer, at: number): { consumed: number; output: Buffer; full: boolean; ended: boolean } {
    const length = input.length - at;
    this.handle.writeSync(constants.Z_NO_FLUSH, input, at, length, this.output, 0, this.output.length);
    if (this.failure !== undefined) throw new GzipBreak(`corrupt gzip (${this.failure} in member ${this.member})`);
    const outputLeft = this.state[0] as number;
    const inputLeft = this.state[1] as number;
    // Input left over while output room remains: zlib took no more, the deflate stream has ended.
    return { consumed: length - inputLeft, output: this.output.subarray(0, this.output.length - outputLeft), full: outputLeft === 0, ended: inputLeft > 0 && outputLeft > 0 };
  }

  close(): void {
    this.stream.close();
  }
}

/** Compressed input with look-ahead, taken in slices. */
class ByteQueue {
  private head: Buffer = Buffer.alloc(0);
  private done = false;

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  /** Ensures `count` bytes are buffered; false at the end of input. */
  async fill(count: number): Promise<boolean> {
    while (this.head.length < count && !this.done) {
      const next = await this.source.next();
      if (next.done === true) this.done = true;
      else this.head = this.head.length === 0 ? next.value : Buffer.concat([this.head, next.value]);
    }
    return this.head.length >= count;
  }

  peek(offset: number): number {
    return this.head[offset] as number;
  }

  peekUInt32(offset: number): number {
    return this.head.readUInt32LE(offset);
  }

  skip(count: number): void {
    this.head = this.head.subarray(count);
  }

  async skipBytes(count: number): Promise<boolean> {
    while (count > 0) {
      if (!(await this.fill(1))) return false;
      const step = Math.min(count, this.head.length);
      this.skip(step);
      count -= step;
    }
    return true;
  }

  async skipPastZero(): Promise<boolean> {
    for (;;) {
      if (!(await this.fill(1))) return false;
      const zero = this.head.indexOf(0);
      if (zero >= 0) {
        this.skip(zero + 1);
        return true;
      }
      this.skip(this.head.length);
    }
  }

  /** True when everything left is zero bytes. */
  async skipZeros(): Promise<boolean> {
    for (;;) {
      if (!(await this.fill(1))) return true;
      for (const byte of this.head) if (byte !== 0) return false;
      this.skip(this.head.length);
    }
  }

  /** Up to `max` bytes (fewer only at the end of input). */
  async take(max: number): Promise<Buffer> {
    await this.fill(1);
    const slice = this.head.subarray(0, max);
    this.head = this.head.subarray(slice.length);
    return slice;
  }

  unread(bytes: Buffer): void {
    this.head = this.head.length === 0 ? bytes : Buffer.concat([bytes, this.head]);
  }
}

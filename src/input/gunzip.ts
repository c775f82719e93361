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

/** Compressed bytes per write: bounds what one write expands to (deflate's limit is ~1032:1) to ~34 MB. */
const SLICE_BYTES = 32 * 1024;
const FLAG_HCRC = 2;
const FLAG_EXTRA = 4;
const FLAG_NAME = 8;
const FLAG_COMMENT = 16;

/** Decoded bytes of a gzip stream whose first two bytes have been seen to be the magic number. */
export async function* gunzipMembers(compressed: AsyncIterable<Buffer>, outputChunkBytes: number): AsyncGenerator<Buffer> {
  const input = new ByteQueue(compressed[Symbol.asyncIterator]());
  for (let member = 1; ; member++) {
    if (!(await input.fill(1))) return;
    if (input.peek(0) !== 0x1f) {
      // Zero padding (tape blocks, preallocated files) is ignored by gzip(1) too; anything else is reported.
      if (await input.skipZeros()) return;
      throw new GzipBreak(`ignored bytes after gzip member ${member - 1} that are not gzip`);
    }
    await readHeader(input, member);
    const { size, crc } = yield* inflateBody(input, member, outputChunkBytes);
    if (!(await input.fill(8))) throw new GzipBreak('truncated gzip (unexpected end of file)');
    if (input.peekUInt32(0) !== crc || input.peekUInt32(4) !== size % 2 ** 32) {
      throw new GzipBreak(`corrupt gzip (CRC or length check failed in member ${member}; its records were kept)`);
    }
    input.skip(8);
  }
}

async function readHeader(input: ByteQueue, member: number): Promise<void> {
  if (!(await input.fill(10))) throw new GzipBreak('truncated gzip (unexpected end of file)');
  if (input.peek(1) !== 0x8b || input.peek(2) !== 8) {
    throw new GzipBreak(member === 1 ? 'corrupt gzip (not deflate)' : `ignored bytes after gzip member ${member - 1} that are not gzip`);
  }
  const flags = input.peek(3);
  input.skip(10);
  if ((flags & FLAG_EXTRA) !== 0) {
    if (!(await input.fill(2))) throw new GzipBreak('truncated gzip (unexpected end of file)');
    const length = input.peek(0) | (input.peek(1) << 8);
    input.skip(2);
    if (!(await input.skipBytes(length))) throw new GzipBreak('truncated gzip (unexpected end of file)');
  }
  for (const flag of [FLAG_NAME, FLAG_COMMENT]) {
    if ((flags & flag) !== 0 && !(await input.skipPastZero())) throw new GzipBreak('truncated gzip (unexpected end of file)');
  }
  if ((flags & FLAG_HCRC) !== 0 && !(await input.skipBytes(2))) throw new GzipBreak('truncated gzip (unexpected end of file)');
}

/**
 * Inflates one member's deflate body, one slice written ahead of the output being consumed so that zlib (on the
 * thread pool) and the parser overlap. Leaves the input positioned just after the body.
 */
async function* inflateBody(
  input: ByteQueue,
  member: number,
  outputChunkBytes: number,
): AsyncGenerator<Buffer, { size: number; crc: number }> {
  const inflater = new SliceInflater(outputChunkBytes);
  let size = 0;
  let crc = 0;
  try {
    let pending: Promise<Buffer[]> | undefined = inflater.write(await input.take(SLICE_BYTES));
    while (pending !== undefined) {
      let outputs: Buffer[];
      try {
        outputs = await pending;
      } catch (error) {
        throw new GzipBreak(`corrupt gzip (${(error as Error).message} in member ${member})`);
      }
      pending = undefined;
      let truncated = false;
      if (inflater.ended) {
        input.unread(inflater.unconsumed());
      } else {
        const slice = await input.take(SLICE_BYTES);
        if (slice.length === 0) truncated = true;
        else pending = inflater.write(slice);
      }
      for (const output of outputs) {
        size += output.length;
        crc = crc32(output, crc);
        yield output;
      }
      if (truncated) throw new GzipBreak('truncated gzip (unexpected end of file)');
    }
    return { size, crc };
  } finally {
    inflater.close();
  }
}

/** A raw inflater fed one slice at a time; knows when the deflate stream has ended and what it left unread. */
class SliceInflater {
  private readonly inflate: InflateRaw;
  private outputs: Buffer[] = [];
  private failure: Error | undefined;
  private written = 0;
  /** The last two slices written: unconsumed bytes after the end of the stream lie within them. */
  private recent: Buffer[] = [];
  private settlePending: () => void = () => undefined;

  constructor(outputChunkBytes: number) {
    this.inflate = createInflateRaw({ chunkSize: outputChunkBytes });
    this.inflate.on('data', (chunk: Buffer) => this.outputs.push(chunk));
    this.inflate.on('error', (error) => {
      this.failure ??= error;
      this.settlePending();
    });
    // A write after the end of the deflate stream may never be called back once the stream has closed: settle it.
    this.inflate.on('close', () => this.settlePending());
  }

  write(slice: Buffer): Promise<Buffer[]> {
    this.written += slice.length;
    this.recent = [this.recent[this.recent.length - 1] ?? Buffer.alloc(0), slice];
    if (this.inflate.closed || this.inflate.destroyed) {
      // Closed after the end of the deflate stream: nothing more will be read (the slice counts as unconsumed).
      const outputs = this.outputs;
      this.outputs = [];
      return this.failure === undefined ? Promise.resolve(outputs) : Promise.reject(this.failure);
    }
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (): void => {
        if (settled) return;
        settled = true;
        const outputs = this.outputs;
        this.outputs = [];
        if (this.failure !== undefined) reject(this.failure);
        else resolve(outputs);
      };
      this.settlePending = settle;
      // zlib ignores input after the end of the deflate stream and calls back at once.
      this.inflate.write(slice, settle);
    });
  }

  /** True once zlib has stopped taking input: the deflate stream ended. */
  get ended(): boolean {
    return this.inflate.bytesWritten < this.written;
  }

  unconsumed(): Buffer {
    const left = this.written - this.inflate.bytesWritten;
    const tail = Buffer.concat(this.recent);
    return tail.subarray(tail.length - left);
  }

  close(): void {
    this.inflate.destroy();
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

/**
 * Hashing and interning of byte ranges, so the hot path can recognise repeated values (feature, model, user ids)
 * and duplicate request ids without decoding a string per line. Hash tables are open-addressing over typed
 * arrays: a Map keyed by 32-bit hashes would box every key that is not a small integer.
 */

export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;
export const SECOND_SEED = 0x9747b28c;
export const SECOND_PRIME = 0x5bd1e995;

/** FNV-1a, 32 bit (as a signed int). */
export function hashBytesA(bytes: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ (bytes[i] as number), FNV_PRIME);
  return h | 0;
}

/** A second, independent 32-bit hash; with hashBytesA it forms the 64-bit key of a request id. */
export function hashBytesB(bytes: Uint8Array, start: number, end: number): number {
  let h = SECOND_SEED;
  for (let i = start; i < end; i++) h = Math.imul(h ^ (bytes[i] as number), SECOND_PRIME) ^ (h >>> 13);
  return h | 0;
}

/**
 * Maps byte ranges to strings, returning the same string object for the same bytes. Bounded: past `capacity`
 * distinct values (a log keyed by a million user ids) new values are decoded but not remembered. Known values'
 * bytes live in one arena, so checking a candidate touches two arrays, not an object per value.
 */
export class ByteInterner {
  private slots = new Int32Array(1024);
  private mask = 1023;
  private arena = new Uint8Array(1 << 16);
  private arenaUsed = 0;
  private readonly hashes: number[] = [];
  private readonly offsets: number[] = [];
  private readonly lengths: number[] = [];
  private readonly texts: string[] = [];

  constructor(private readonly capacity = 100_000) {}

  /** `hash` must be hashBytesA of the range (the scanner computes it while it looks for the closing quote). */
  intern(bytes: Buffer, start: number, end: number, hash: number): string {
    const { slots, mask, hashes } = this;
    const length = end - start;
    let i = hash & mask;
    for (let entry = slots[i] as number; entry !== 0; entry = slots[(i = (i + 1) & mask)] as number) {
      const index = entry - 1;
      if (hashes[index] === hash && this.lengths[index] === length && this.sameBytes(index, bytes, start, length)) {
        return this.texts[index] as string;
      }
    }
    const text = bytes.toString('utf8', start, end);
    if (this.texts.length < this.capacity) this.remember(bytes, start, length, hash, text, i);
    return text;
  }

  private sameBytes(index: number, bytes: Uint8Array, start: number, length: number): boolean {
    const arena = this.arena;
    const offset = this.offsets[index] as number;
    for (let k = 0; k < length; k++) {
      if (arena[offset + k] !== bytes[start + k]) return false;
    }
    return true;
  }

  private remember(bytes: Uint8Array, start: number, length: number, hash: number, text: string, slot: number): void {
    if (this.arenaUsed + length > this.arena.length) {
      const grown = new Uint8Array(Math.max(this.arena.length * 2, this.arenaUsed + length));
      grown.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = grown;
    }
    this.arena.set(bytes.subarray(start, start + length), this.arenaUsed);
    this.hashes.push(hash);
    this.offsets.push(this.arenaUsed);
    this.lengths.push(length);
    this.texts.push(text);
    this.arenaUsed += length;
    this.slots[slot] = this.texts.length;
    if (this.texts.length * 2 > this.mask) this.grow();
  }

  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    this.mask = this.slots.length - 1;
    for (let entry = 0; entry < this.hashes.length; entry++) {
      let i = (this.hashes[entry] as number) & this.mask;
      while (this.slots[i] !== 0) i = (i + 1) & this.mask;
      this.slots[i] = entry + 1;
    }
  }
}

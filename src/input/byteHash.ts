/**
 * Hashing and interning of byte ranges, so the hot path can recognise repeated values (feature, model, user ids)
 * and duplicate request ids without decoding a string per line.
 */

/** FNV-1a, 32 bit. */
export function hashBytesA(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
  }
  return h >>> 0;
}

/** A second, independent 32-bit hash (multiply-rotate with a murmur3 finaliser); with hashBytesA it forms a 64-bit key. */
export function hashBytesB(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x9747b28c ^ (end - start);
  for (let i = start; i < end; i++) {
    h = Math.imul(h ^ (bytes[i] as number), 0x5bd1e995);
    h ^= h >>> 15;
  }
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

interface InternEntry {
  readonly bytes: Uint8Array;
  readonly text: string;
  next: InternEntry | undefined;
}

/**
 * Maps byte ranges to strings, returning the same string object for the same bytes. Bounded: past `capacity`
 * distinct values (a log keyed by a million user ids) new values are decoded but not remembered.
 */
export class ByteInterner {
  private readonly table = new Map<number, InternEntry>();
  private size = 0;

  constructor(private readonly capacity = 100_000) {}

  intern(bytes: Buffer, start: number, end: number): string {
    const hash = hashBytesA(bytes, start, end);
    const head = this.table.get(hash);
    for (let entry = head; entry !== undefined; entry = entry.next) {
      if (sameBytes(entry.bytes, bytes, start, end)) return entry.text;
    }
    const text = bytes.toString('utf8', start, end);
    if (this.size < this.capacity) {
      const copy = Uint8Array.prototype.slice.call(bytes, start, end);
      this.table.set(hash, { bytes: copy, text, next: head });
      this.size++;
    }
    return text;
  }
}

function sameBytes(known: Uint8Array, bytes: Uint8Array, start: number, end: number): boolean {
  if (known.length !== end - start) return false;
  for (let i = 0; i < known.length; i++) {
    if (known[i] !== bytes[start + i]) return false;
  }
  return true;
}

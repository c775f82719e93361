/**
 * The request ids seen so far, for dropping duplicate deliveries of a call (at-least-once shippers, overlapping
 * files). Stores a 64-bit hash per id in an open-addressing table of 32-bit pairs: 8 bytes per slot at ≤ 75% load,
 * so 11–21 bytes per distinct id (16 when sized from the file) instead of a string per id. Two ids collide with probability ~n²/2^65
 * (about 3·10^-6 for ten million ids).
 */
/** What the duplicate check needs: add a 64-bit id hash (of a call at `timestampMs`), false when it was already there. */
export interface IdSet {
  add(a: number, b: number, timestampMs?: number): boolean;
}

/** Linear probing stays short up to 3/4 full (2.5 probes for a new id at 1/2, 8.5 at 3/4). */
const MAX_LOAD = 0.75;

export class RequestIdSet implements IdSet {
  private slots: Uint32Array;
  private mask: number;
  private count = 0;

  /** Sized for `expectedIds` up front when the input's size is known: growing rehashes every id seen so far. */
  constructor(expectedIds = 0) {
    let capacity = 4096;
    while (capacity * MAX_LOAD < expectedIds && capacity < 1 << 24) capacity *= 2;
    this.slots = new Uint32Array(2 * capacity);
    this.mask = capacity - 1;
  }

  /** Ids added so far. */
  get size(): number {
    return this.count;
  }

  /** Whether the id hash (a, b) was added. */
  has(a: number, b: number): boolean {
    const i = this.slotOf(a, b);
    return this.slots[2 * i] !== 0 || this.slots[2 * i + 1] !== 0;
  }

  /** Adds the id hash (a, b); false when it was already present. */
  add(a: number, b: number): boolean {
    const i = this.slotOf(a, b);
    const slots = this.slots;
    if (slots[2 * i] !== 0 || slots[2 * i + 1] !== 0) return false;
    if (a === 0 && b === 0) b = 1; // (0, 0) marks an empty slot
    slots[2 * i] = a >>> 0; // the table holds unsigned halves
    slots[2 * i + 1] = b >>> 0;
    if (++this.count > (this.mask + 1) * MAX_LOAD) this.grow();
    return true;
  }

  /** The slot that holds (a, b), or the empty slot where it would go (linear probing). */
  private slotOf(a: number, b: number): number {
    if (a === 0 && b === 0) b = 1;
    a >>>= 0;
    b >>>= 0;
    const slots = this.slots;
    const mask = this.mask;
    for (let i = spread(a, b) & mask; ; i = (i + 1) & mask) {
      const sa = slots[2 * i];
      const sb = slots[2 * i + 1];
      if ((sa === 0 && sb === 0) || (sa === a && sb === b)) return i;
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    this.mask = this.slots.length / 2 - 1;
    this.count = 0;
    for (let i = 0; i < old.length; i += 2) {
      const a = old[i] as number;
      const b = old[i + 1] as number;
      if (a !== 0 || b !== 0) this.add(a, b);
    }
  }
}

/**
 * The slot index: FNV-1a's low bits barely change between ids that differ only in their last characters
 * (req_…a1, req_…a2), which makes linear probing walk long runs (it cost 4× the table's own time here). murmur3's
 * finaliser spreads every input bit over the index.
 */
function spread(a: number, b: number): number {
  let h = a ^ Math.imul(b, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * For inputs without end (--follow): the ids of the last two generations of `generationSize` ids each. A
 * duplicate delivery comes soon after the first one, so memory stays bounded without missing real duplicates.
 */
export class RecentIdSet implements IdSet {
  private previous = new RequestIdSet();
  private current = new RequestIdSet();

  constructor(private readonly generationSize: number) {}

  add(a: number, b: number): boolean {
    if (this.previous.has(a, b)) return false;
    if (!this.current.add(a, b)) return false;
    if (this.current.size >= this.generationSize) {
      this.previous = this.current;
      this.current = new RequestIdSet();
    }
    return true;
  }
}

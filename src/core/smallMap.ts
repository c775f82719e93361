/**
 * A map for a handful of keys — a group's stop reasons, error types, models — kept in one exact-size array of
 * keys and values searched in order, so it costs tens of bytes instead of a hash table's ~190 (a `--by user`
 * report has a group per user). Past SMALL_KEYS keys (hostile input: every call a new error type) it moves into a
 * real Map. Keys are compared with `===`; iteration is in insertion order, like Map.
 */
const SMALL_KEYS = 8;

/** Shared by every empty map: the array is replaced, never grown in place, so sharing it is safe and free. */
const EMPTY: never[] = [];

export class SmallMap<K, V> {
  /** Keys at even indexes, each followed by its value. */
  private pairs: (K | V)[] = EMPTY;
  private index: Map<K, V> | null = null;

  get size(): number {
    return this.index === null ? this.pairs.length / 2 : this.index.size;
  }

  get(key: K): V | undefined {
    if (this.index !== null) return this.index.get(key);
    const pairs = this.pairs;
    for (let i = 0; i < pairs.length; i += 2) {
      if (pairs[i] === key) return pairs[i + 1] as V;
    }
    return undefined;
  }

  set(key: K, value: V): void {
    if (this.index !== null) {
      this.index.set(key, value);
      return;
    }
    const pairs = this.pairs;
    for (let i = 0; i < pairs.length; i += 2) {
      if (pairs[i] === key) {
        pairs[i + 1] = value;
        return;
      }
    }
    if (pairs.length === 2 * SMALL_KEYS) {
      this.index = new Map(this.entries());
      this.index.set(key, value);
      this.pairs = EMPTY;
      return;
    }
    // A new array of the exact size (concat; a push or a spread reserves 17 slots, most of them never used).
    this.pairs = pairs.concat([key, value]);
  }

  /** Adds `by` to the count under `key`, in a map of counts. */
  increment(this: SmallMap<K, number>, key: K, by: number): void {
    if (this.index === null) {
      const pairs = this.pairs;
      for (let i = 0; i < pairs.length; i += 2) {
        if (pairs[i] === key) {
          pairs[i + 1] = (pairs[i + 1] as number) + by;
          return;
        }
      }
    }
    this.set(key, (this.get(key) ?? 0) + by);
  }

  /** Calls back with each value and key in order: no iterator or pair allocated (merges of a million groups). */
  forEach(visit: (value: V, key: K) => void): void {
    if (this.index !== null) {
      this.index.forEach(visit);
      return;
    }
    const pairs = this.pairs;
    for (let i = 0; i < pairs.length; i += 2) visit(pairs[i + 1] as V, pairs[i] as K);
  }

  *entries(): Generator<[K, V]> {
    if (this.index !== null) {
      yield* this.index;
      return;
    }
    const pairs = this.pairs;
    for (let i = 0; i < pairs.length; i += 2) yield [pairs[i] as K, pairs[i + 1] as V];
  }

  [Symbol.iterator](): Generator<[K, V]> {
    return this.entries();
  }
}

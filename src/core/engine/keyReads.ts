/**
 * The reads of a token ledger kept to go on from: a read of one key from one start stops at a window's end, and the
 * next read of that key from that start, to a later end, goes on from there instead of from the start. An alert
 * backtest steps through a day (from its start to each minute, and to its end, in turns), `--follow` re-reads a
 * week of minutes every interval while only the newest change, and the whole input is read after its scopes over
 * the same windows. A read that went past where a cell changed since starts again.
 */
import { ModelTokens } from '../modelTokens.js';
import type { PriceBook } from '../pricing.js';
import type { Edge, TimeWindow } from '../window.js';

/** Where a read of one key from one start stopped, and what it had added up. */
export interface KeyRead {
  /** The next of the key's rows to look at. */
  at: number;
  /** The end of the window the rows before `at` were read up to. */
  endMs: number;
  endIncluded: boolean;
  calls: number;
  readonly tokens: ModelTokens;
}

/** Reads kept per key and start, the least recently used let go first. */
const READS_PER_START = 4;

export class KeyReads {
  private readonly reads = new Map<string, KeyRead[]>();
  /** The earliest bucket a change touched since the last read: reads that went past it start again. */
  private changedFrom = Number.POSITIVE_INFINITY;

  constructor(private readonly pricing: PriceBook) {}

  /** A cell of `bucket` changed (a call or a folded cell came in). */
  changed(bucket: number): void {
    if (bucket < this.changedFrom) this.changedFrom = bucket;
  }

  /** Cells were let go or read back: no read holds. */
  clear(): void {
    this.reads.clear();
    this.changedFrom = Number.POSITIVE_INFINITY;
  }

  /**
   * The read of `key` over `window` to go on from: one that ended exactly at the window's end, as it is; else a
   * copy of the one that went furthest without passing the end (the read it starts from may be asked for again: a
   * day up to its same time of day, after the whole day was read), or a new one at `firstRow`. The caller moves
   * it on to the end.
   */
  readOf(key: string, window: TimeWindow, firstRow: () => number): KeyRead {
    this.dropStale();
    const name = `${key}\u0000${window.from.ms}\u0000${window.from.included}`;
    const list = this.reads.get(name) ?? [];
    let read: KeyRead | undefined;
    for (const candidate of list) {
      if (notPast(candidate, window.to) && (read === undefined || isFurther(candidate, read))) read = candidate;
    }
    if (read !== undefined) {
      list.splice(list.indexOf(read), 1);
      list.push(read); // used last: let go last
      if (read.endMs === window.to.ms && read.endIncluded === window.to.included) return read;
    }
    const next: KeyRead =
      read === undefined
        ? { at: firstRow(), endMs: window.from.ms, endIncluded: false, calls: 0, tokens: new ModelTokens(this.pricing) }
        : { ...read, tokens: copyOf(read.tokens, this.pricing) };
    if (list.length >= READS_PER_START) list.shift();
    list.push(next);
    this.reads.set(name, list);
    return next;
  }

  /** Reads that took a cell changed since, or went past where a new cell came in, start again. */
  private dropStale(): void {
    if (this.changedFrom === Number.POSITIVE_INFINITY) return;
    for (const [name, list] of this.reads) {
      const kept = list.filter((read) => read.endMs < this.changedFrom || (read.endMs === this.changedFrom && !read.endIncluded));
      if (kept.length === 0) this.reads.delete(name);
      else this.reads.set(name, kept);
    }
    this.changedFrom = Number.POSITIVE_INFINITY;
  }
}

function notPast(read: KeyRead, end: Edge): boolean {
  return read.endMs < end.ms || (read.endMs === end.ms && (!read.endIncluded || end.included));
}

function isFurther(read: KeyRead, than: KeyRead): boolean {
  return read.endMs > than.endMs || (read.endMs === than.endMs && read.endIncluded && !than.endIncluded);
}

export function copyOf(tokens: ModelTokens, pricing: PriceBook): ModelTokens {
  const copy = new ModelTokens(pricing);
  copy.merge(tokens);
  return copy;
}

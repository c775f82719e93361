/**
 * What a ledger keeps per cell. Every measure knows how many calls it holds and when the first and the last were,
 * so a cell folded elsewhere (a `.cmstate` group, which cannot be split) can be placed against a window exactly.
 */
import type { CallRecord } from '../types.js';

export interface Measure<M> {
  readonly calls: number;
  /** ±Infinity while empty. */
  readonly firstCallMs: number;
  readonly lastCallMs: number;
  add(record: CallRecord): void;
  merge(other: M): void;
}

/** How many calls, the first and the last: what a `.cmstate` keeps of the 429s by hour, feature and user. */
export class CallCount implements Measure<CallCount> {
  calls = 0;
  firstCallMs = Number.POSITIVE_INFINITY;
  lastCallMs = Number.NEGATIVE_INFINITY;

  add(record: CallRecord): void {
    this.note(1, record.timestampMs, record.timestampMs);
  }

  merge(other: CallCount): void {
    this.note(other.calls, other.firstCallMs, other.lastCallMs);
  }

  /** `calls` calls from `firstMs` to `lastMs`. */
  note(calls: number, firstMs: number, lastMs: number): void {
    this.calls += calls;
    if (firstMs < this.firstCallMs) this.firstCallMs = firstMs;
    if (lastMs > this.lastCallMs) this.lastCallMs = lastMs;
  }
}

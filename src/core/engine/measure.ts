/**
 * What a ledger keeps per cell. Every measure knows how many calls it holds and when the first and the last were,
 * so a cell folded elsewhere (a `.cmstate` group, which cannot be split) can be placed against a window exactly.
 */
import type { CallRecord } from '../types.js';
import type { StateReader } from './stateReader.js';

export interface Measure<M> {
  readonly calls: number;
  /** ±Infinity while empty. */
  readonly firstCallMs: number;
  readonly lastCallMs: number;
  add(record: CallRecord): void;
  merge(other: M): void;
  /** Everything it counted, as plain JSON data (a checkpoint). */
  toState(): unknown;
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

  toState(): { calls: number; firstMs: number; lastMs: number } {
    return { calls: this.calls, firstMs: this.firstCallMs, lastMs: this.lastCallMs };
  }

  static fromState(state: unknown, reader: StateReader): CallCount {
    const fields = reader.object(state, 'a count');
    const count = new CallCount();
    count.note(reader.count(fields['calls'], 'calls'), reader.number(fields['firstMs'], 'firstMs'), reader.number(fields['lastMs'], 'lastMs'));
    if (count.calls === 0 || count.firstCallMs > count.lastCallMs) reader.fail('a count without calls, or its first after its last');
    return count;
  }

  /** `calls` calls from `firstMs` to `lastMs`. */
  note(calls: number, firstMs: number, lastMs: number): void {
    this.calls += calls;
    if (firstMs < this.firstCallMs) this.firstCallMs = firstMs;
    if (lastMs > this.lastCallMs) this.lastCallMs = lastMs;
  }
}

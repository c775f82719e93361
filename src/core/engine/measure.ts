/**
 * What a ledger keeps per cell. Every measure knows how many calls it holds and when the first and the last were,
 * so a cell folded elsewhere (a `.cmstate` group, which cannot be split) can be placed against a window exactly.
 */
import { isFailure, isRateLimited } from '../callOutcome.js';
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

/** How many calls, failed calls and 429s: the hours of `report`'s timelines. */
export class OutcomeCounts implements Measure<OutcomeCounts> {
  private readonly count = new CallCount();
  errors = 0;
  rateLimited = 0;

  get calls(): number {
    return this.count.calls;
  }

  get firstCallMs(): number {
    return this.count.firstCallMs;
  }

  get lastCallMs(): number {
    return this.count.lastCallMs;
  }

  add(record: CallRecord): void {
    this.count.add(record);
    if (!isFailure(record)) return;
    this.errors++;
    if (isRateLimited(record)) this.rateLimited++;
  }

  merge(other: OutcomeCounts): void {
    this.note(other.count, other.errors, other.rateLimited);
  }

  /** Calls counted elsewhere (a `.cmstate` group): `count` of them, `errors` failed, `rateLimited` 429s. */
  note(count: CallCount, errors: number, rateLimited: number): void {
    this.count.merge(count);
    this.errors += errors;
    this.rateLimited += rateLimited;
  }

  toState(): { count: unknown; errors: number; rateLimited: number } {
    return { count: this.count.toState(), errors: this.errors, rateLimited: this.rateLimited };
  }
}

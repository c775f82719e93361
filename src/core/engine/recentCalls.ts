/**
 * The calls of a short window, (now − 10m, now], in time order: what the alert rules and the dashboard's slow
 * window read call by call (a rule's drivers and slow calls need each call, not a sum). Every in-order
 * record is recent when it arrives, so they are kept in columns (a Float64Array for the numbers, an array for the
 * strings), not as an object per record: appending copies a few values and allocates nothing, dropping the oldest
 * moves a start index, and objects are made only for the records a query returns. A record that arrives out of
 * order is inserted at its place (logs are nearly in order: it moves a few records, not all). What is kept of each
 * call is set by its columns: every field, or only what a reader needs (the slow window's time, feature and
 * latency: a fifth of the copying).
 */
import { MutableCallRecord, PACKED_NUMBERS, packNumbers, unpackNumbers } from '../packedRecord.js';
import type { CallRecord } from '../types.js';
import type { TimeWindow } from '../window.js';
import type { StateReader } from './stateReader.js';
import { Span } from './span.js';

/** What is kept of each call: its numbers (the first is its time) and strings, and what a read gives back of it. */
export interface CallColumns<R> {
  readonly numbersPerCall: number;
  /** Per string, whether it may be null. */
  readonly nullable: readonly boolean[];
  pack(record: CallRecord, numbers: Float64Array, n: number, strings: (string | null)[], s: number): void;
  unpack(numbers: Float64Array, n: number, strings: readonly (string | null)[], s: number): R;
}

/**
 * The fields of the call the alert rules and the 429 panel read: all but the rate-limit limits and resets and a
 * reported cost, which only ledgers keep (a call kept whole is a dozen more numbers, on every call of a window).
 */
export const WHOLE_CALLS: CallColumns<CallRecord> = {
  numbersPerCall: PACKED_NUMBERS,
  nullable: [false, false, false, true, true],
  pack(record, numbers, n, strings, s) {
    packNumbers(record, numbers, n);
    strings[s] = record.userId;
    strings[s + 1] = record.feature;
    strings[s + 2] = record.model;
    strings[s + 3] = record.stopReason;
    strings[s + 4] = record.error;
  },
  unpack(numbers, n, strings, s) {
    const record = new MutableCallRecord();
    unpackNumbers(numbers, n, record);
    record.userId = strings[s] as string;
    record.feature = strings[s + 1] as string;
    record.model = strings[s + 2] as string;
    record.stopReason = strings[s + 3] ?? null;
    record.error = strings[s + 4] ?? null;
    return record;
  },
};

/** A call's time, feature and latency: what a slow window's latencies by feature need. */
export type LatencyCall = Pick<CallRecord, 'timestampMs' | 'feature' | 'latencyMs'>;

export const LATENCY_CALLS: CallColumns<LatencyCall> = {
  numbersPerCall: 2,
  nullable: [false],
  pack(record, numbers, n, strings, s) {
    numbers[n] = record.timestampMs;
    numbers[n + 1] = record.latencyMs;
    strings[s] = record.feature;
  },
  unpack(numbers, n, strings, s) {
    return { timestampMs: numbers[n] as number, latencyMs: numbers[n + 1] as number, feature: strings[s] as string };
  },
};

export class RecentCalls<R> {
  /** The calls it takes; the engine moves it with now. */
  readonly span = new Span();
  private readonly numbersPerCall: number;
  private readonly stringsPerCall: number;
  private numbers: Float64Array;
  private strings: (string | null)[];
  /** Live records are [start, end). */
  private start = 0;
  private end = 0;

  /** `keeps`: only these calls are kept (the dashboard's 429s). */
  constructor(
    private readonly columns: CallColumns<R>,
    private readonly keeps?: (record: CallRecord) => boolean,
  ) {
    this.numbersPerCall = this.columns.numbersPerCall;
    this.stringsPerCall = this.columns.nullable.length;
    this.numbers = new Float64Array(1024 * this.numbersPerCall);
    this.strings = new Array<string | null>(1024 * this.stringsPerCall).fill(null);
  }

  /** Keeps the call when the window takes it. */
  add(record: CallRecord): void {
    if (this.span.takes(record.timestampMs) && (this.keeps === undefined || this.keeps(record))) this.push(record);
  }

  /** The calls as plain data: their packed numbers (NaN for none) in one column, their strings in a list. */
  toState(): { numbers: Float64Array; strings: (string | null)[] } {
    const { numbersPerCall: width, stringsPerCall: count } = this;
    return { numbers: this.numbers.slice(this.start * width, this.end * width), strings: this.strings.slice(this.start * count, this.end * count) };
  }

  restore(state: unknown, reader: StateReader): void {
    const { numbersPerCall: width, stringsPerCall: count, columns } = this;
    const fields = reader.object(state, 'recent calls');
    const packed = reader.column(fields['numbers'], Float64Array, 'numbers');
    const strings = reader.list(fields['strings'], 'strings');
    if (packed.length % width !== 0 || strings.length !== (packed.length / width) * count) reader.fail('numbers and strings of a different number of calls');
    for (let i = 0; i < packed.length; i++) if (packed[i] === Number.POSITIVE_INFINITY || packed[i] === Number.NEGATIVE_INFINITY) reader.fail(`numbers[${i}] must be a number`);
    const texts = strings.map((value, i) => (value === null && columns.nullable[i % count] === true ? null : reader.string(value, `strings[${i}]`)));
    for (let call = 0; call < packed.length / width; call++) {
      const at = this.slotFor(packed[call * width] as number);
      this.numbers.set(packed.subarray(call * width, (call + 1) * width), at * width);
      for (let i = 0; i < count; i++) this.strings[at * count + i] = texts[call * count + i] as string | null;
    }
  }

  /** Lets go of the calls before the window (its start moved with now). */
  prune(): void {
    const { span } = this;
    while (this.start < this.end && span.isBeforeStart(this.timeAt(this.start))) this.start++;
    if (this.start === this.end) this.start = this.end = 0;
  }

  /** The calls in `window`, oldest first. */
  callsIn(window: TimeWindow): readonly R[] {
    const first = window.from.included ? this.firstAtOrAfter(window.from.ms) : this.firstAfter(window.from.ms);
    const last = window.to.included ? this.firstAfter(window.to.ms) : this.firstAtOrAfter(window.to.ms);
    const { numbersPerCall: width, stringsPerCall: count } = this;
    return Array.from({ length: Math.max(0, last - first) }, (_, k) => this.columns.unpack(this.numbers, (first + k) * width, this.strings, (first + k) * count));
  }

  /** Keeps a copy of the record's values: the readers reuse the record object for the next line. */
  push(record: CallRecord): void {
    const at = this.slotFor(record.timestampMs);
    this.columns.pack(record, this.numbers, at * this.numbersPerCall, this.strings, at * this.stringsPerCall);
  }

  /** The index of a new call at `time`, made free: after the calls up to that time (ties keep their order of arrival). */
  private slotFor(time: number): number {
    const { numbersPerCall: width, stringsPerCall: count } = this;
    if (this.end * width === this.numbers.length) this.makeRoom();
    let at = this.end;
    if (at > this.start && time < this.timeAt(at - 1)) {
      at = this.firstAfter(time);
      this.numbers.copyWithin((at + 1) * width, at * width, this.end * width);
      this.strings.copyWithin((at + 1) * count, at * count, this.end * count);
    }
    this.end++;
    return at;
  }

  private timeAt(index: number): number {
    return this.numbers[index * this.numbersPerCall] as number;
  }

  /**
   * Full: the live records move to the front, into arrays twice as large when they fill more than an eighth (so a
   * record is moved a seventh of a time on average, not once). The strings past the live ones are left to be
   * overwritten: at most the arrays' length of them is kept.
   */
  private makeRoom(): void {
    const { numbersPerCall: width, stringsPerCall: count } = this;
    const live = this.end - this.start;
    const capacity = this.numbers.length / width;
    if (live * 8 <= capacity) {
      this.numbers.copyWithin(0, this.start * width, this.end * width);
      this.strings.copyWithin(0, this.start * count, this.end * count);
    } else {
      const numbers = new Float64Array(capacity * 2 * width);
      numbers.set(this.numbers.subarray(this.start * width, this.end * width));
      const strings = this.strings.slice(this.start * count, this.end * count);
      strings.length = capacity * 2 * count;
      this.numbers = numbers;
      this.strings = strings.fill(null, live * count);
    }
    this.start = 0;
    this.end = live;
  }

  private firstAtOrAfter(time: number): number {
    let low = this.start;
    let high = this.end;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.timeAt(middle) < time) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private firstAfter(time: number): number {
    let low = this.start;
    let high = this.end;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.timeAt(middle) <= time) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

/**
 * The calls of a short window, (now − 10m, now], in time order: what the alert rules and the dashboard's slow
 * window read call by call (a rule's drivers and slow calls need each call, not a sum). Every in-order
 * record is recent when it arrives, so they are kept in columns (a Float64Array for the numbers, an array for the
 * strings), not as an object per record: appending copies 18 values and allocates nothing, dropping the oldest
 * moves a start index, and objects are made only for the records a query returns. A record that arrives out of
 * order is inserted at its place (logs are nearly in order: it moves a few records, not all).
 */
import { MutableCallRecord, PACKED_NUMBERS, packedTime, packNumbers, unpackNumbers } from '../packedRecord.js';
import type { CallRecord } from '../types.js';
import type { TimeWindow } from '../window.js';
import type { StateReader } from './stateReader.js';
import { Span } from './span.js';

/** Strings per record. */
const USER = 0;
const FEATURE = 1;
const MODEL = 2;
const STOP = 3;
const ERROR = 4;
const STRINGS = 5;
const NUMBERS = PACKED_NUMBERS;

export class RecentCalls {
  /** The calls it takes; the engine moves it with now. */
  readonly span = new Span();
  private numbers = new Float64Array(1024 * NUMBERS);
  private strings: (string | null)[] = new Array<string | null>(1024 * STRINGS).fill(null);
  /** Live records are [start, end). */
  private start = 0;
  private end = 0;

  /** `keeps`: only these calls are kept (the dashboard's 429s). */
  constructor(private readonly keeps?: (record: CallRecord) => boolean) {}

  /** Keeps the call when the window takes it. */
  add(record: CallRecord): void {
    if (this.span.takes(record.timestampMs) && (this.keeps === undefined || this.keeps(record))) this.push(record);
  }

  /** Its calls as plain JSON data: their numbers (null for none) and strings, a call after another. */
  toState(): { numbers: (number | null)[]; strings: (string | null)[] } {
    const numbers = [...this.numbers.subarray(this.start * NUMBERS, this.end * NUMBERS)].map((value) => (Number.isNaN(value) ? null : value));
    return { numbers, strings: this.strings.slice(this.start * STRINGS, this.end * STRINGS) };
  }

  restore(state: unknown, reader: StateReader): void {
    const fields = reader.object(state, 'recent calls');
    const numbers = reader.list(fields['numbers'], 'numbers');
    const strings = reader.list(fields['strings'], 'strings');
    if (numbers.length % NUMBERS !== 0 || strings.length !== (numbers.length / NUMBERS) * STRINGS) reader.fail('numbers and strings of a different number of calls');
    const record = new MutableCallRecord();
    const packed = new Float64Array(NUMBERS);
    for (let call = 0; call < numbers.length / NUMBERS; call++) {
      for (let i = 0; i < NUMBERS; i++) {
        const value = numbers[call * NUMBERS + i];
        packed[i] = value === null ? NaN : reader.number(value, `numbers[${call * NUMBERS + i}]`);
      }
      unpackNumbers(packed, 0, record);
      const text = (i: number, optional: boolean): string | null => {
        const value = strings[call * STRINGS + i];
        return value === null && optional ? null : reader.string(value, `strings[${call * STRINGS + i}]`);
      };
      record.userId = text(USER, false) as string;
      record.feature = text(FEATURE, false) as string;
      record.model = text(MODEL, false) as string;
      record.stopReason = text(STOP, true);
      record.error = text(ERROR, true);
      this.push(record);
    }
  }

  /** Lets go of the calls before the window (its start moved with now). */
  prune(): void {
    const { span } = this;
    while (this.start < this.end && span.isBeforeStart(this.timeAt(this.start))) this.start++;
    if (this.start === this.end) this.start = this.end = 0;
  }

  /** The calls in `window`, oldest first. */
  callsIn(window: TimeWindow): readonly CallRecord[] {
    const first = window.from.included ? this.firstAtOrAfter(window.from.ms) : this.firstAfter(window.from.ms);
    const last = window.to.included ? this.firstAfter(window.to.ms) : this.firstAtOrAfter(window.to.ms);
    return Array.from({ length: Math.max(0, last - first) }, (_, k) => this.recordAt(first + k));
  }

  /** Keeps a copy of the record's values: the readers reuse the record object for the next line. */
  push(record: CallRecord): void {
    if (this.end * NUMBERS === this.numbers.length) this.makeRoom();
    const time = record.timestampMs;
    let at = this.end;
    if (at > this.start && time < this.timeAt(at - 1)) {
      at = this.firstAfter(time); // after the records of the same time: ties keep their order of arrival
      this.numbers.copyWithin((at + 1) * NUMBERS, at * NUMBERS, this.end * NUMBERS);
      this.strings.copyWithin((at + 1) * STRINGS, at * STRINGS, this.end * STRINGS);
    }
    packNumbers(record, this.numbers, at * NUMBERS);
    const s = at * STRINGS;
    const strings = this.strings;
    strings[s + USER] = record.userId;
    strings[s + FEATURE] = record.feature;
    strings[s + MODEL] = record.model;
    strings[s + STOP] = record.stopReason;
    strings[s + ERROR] = record.error;
    this.end++;
  }

  private timeAt(index: number): number {
    return packedTime(this.numbers, index * NUMBERS);
  }

  private recordAt(index: number): CallRecord {
    const record = new MutableCallRecord();
    unpackNumbers(this.numbers, index * NUMBERS, record);
    const s = index * STRINGS;
    const strings = this.strings;
    record.userId = strings[s + USER] as string;
    record.feature = strings[s + FEATURE] as string;
    record.model = strings[s + MODEL] as string;
    record.stopReason = strings[s + STOP] ?? null;
    record.error = strings[s + ERROR] ?? null;
    return record;
  }

  /**
   * Full: the live records move to the front, into arrays twice as large when they fill more than an eighth (so a
   * record is moved a seventh of a time on average, not once). The strings past the live ones are left to be
   * overwritten: at most the arrays' length of them is kept.
   */
  private makeRoom(): void {
    const live = this.end - this.start;
    const capacity = this.numbers.length / NUMBERS;
    if (live * 8 <= capacity) {
      this.numbers.copyWithin(0, this.start * NUMBERS, this.end * NUMBERS);
      this.strings.copyWithin(0, this.start * STRINGS, this.end * STRINGS);
    } else {
      const numbers = new Float64Array(capacity * 2 * NUMBERS);
      numbers.set(this.numbers.subarray(this.start * NUMBERS, this.end * NUMBERS));
      const strings = this.strings.slice(this.start * STRINGS, this.end * STRINGS);
      strings.length = capacity * 2 * STRINGS;
      this.numbers = numbers;
      this.strings = strings.fill(null, live * STRINGS);
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

/**
 * A ledger of calls and token sums only (so of cost, priced when read), for tables with many cells: the minutes of
 * each alert scope over a week, the users of a day. A cell is a row of a ModelTable — typed arrays, no object per
 * cell — with its calls and the times of its first and last call beside it; a key's rows are kept in time order.
 *
 * Its cells are read over windows (the minutes of yesterday before this time of day), each taken when all its calls
 * are inside and left when none are: a cell folded elsewhere that a window cuts is a CutError, never split. A read
 * of a key goes on from an earlier read of it from the same start when it can (keyReads.ts).
 */
import { DAY_MS, HOUR_MS } from '../durations.js';
import { type GroupDimension, groupKeyOf, groupValuesOfKey, keyOfValues } from '../grouping.js';
import { ModelTable } from '../modelTable.js';
import { ModelTokens } from '../modelTokens.js';
import type { PriceBook } from '../pricing.js';
import type { TimeZone } from '../timezone.js';
import type { CallRecord } from '../types.js';
import { isBeforeEnd, placeOf, type TimeWindow } from '../window.js';
import { type Bucketing, bucketInterior, bucketOf, bucketStart } from './bucketing.js';
import { CutError } from './cutError.js';
import { copyOf, type KeyRead, KeyReads } from './keyReads.js';
import { checkTokenColumns, type TokenColumns } from './tokenColumns.js';
import type { FoldedValues } from './ledger.js';
import type { StateReader } from './stateReader.js';
import { Span } from './span.js';

/** A TokenLedger as plain data (see toState). */
export interface TokenLedgerState {
  readonly keys: readonly string[];
  readonly rowKey: Uint32Array;
  readonly bucket: Float64Array;
  readonly calls: Float64Array;
  readonly first: Float64Array;
  readonly last: Float64Array;
  readonly tokens: TokenColumns;
}

export interface TokenLedgerSpec {
  readonly bucketing: Bucketing;
  readonly dims: readonly GroupDimension[];
  readonly tz: TimeZone;
  readonly pricing: PriceBook;
}

/** Calls and token sums of some cells. */
export interface Usage {
  readonly calls: number;
  readonly tokens: ModelTokens;
}

/**
 * A cell folded elsewhere (a `.cmstate` day of a user) spans at most a day from its first call; a row starts at
 * its first call's bucket, so one that starts this much before a window cannot reach into it.
 */
const MAX_FOLDED_SPAN_MS = DAY_MS + HOUR_MS;
const CALLS = 0;
const FIRST = 1;
const LAST = 2;
const WIDTH = 3;

export class TokenLedger {
  readonly span = new Span();
  private readonly table: ModelTable;
  /**
   * A key's rows in the order of their buckets (so of their first calls): a call nearly always goes to its key's
   * newest row or a new one after it, and a key's reads walk its rows in time order.
   */
  private readonly byKey = new Map<string, number[]>();
  /**
   * A key's newest row (the last of its rows), for the call that nearly always goes to it: one lookup, not the
   * key's array and then its row — each a likely cache miss in a table of thousands of users.
   */
  private readonly newestRow = new Map<string, number>();
  /** Per row: calls, first and last call. */
  private values = new Float64Array(64 * WIDTH);
  private bucketOfRow = new Float64Array(64);
  private rowCount = 0;
  /** Rows let go by prune, to reuse. */
  private readonly freeRows: number[] = [];
  private readonly reads: KeyReads;
  /** How far before its bucket's start a cell's calls may begin: 0 until a cell folded elsewhere (a day) came. */
  private reachBackMs = 0;
  /** The bucket of the last call, and the times strictly inside it: the bucket of every call between them. */
  private bucket = Number.NaN;
  private bucketFrom = Number.NaN;
  private bucketTo = Number.NaN;

  constructor(readonly spec: TokenLedgerSpec) {
    this.table = new ModelTable(spec.pricing);
    this.reads = new KeyReads(spec.pricing);
  }

  add(record: CallRecord): void {
    const time = record.timestampMs;
    if (!this.span.takes(time)) return;
    // The time's bucket and the key's row, found without a call nearly always (a number passed to a call that is
    // not inlined is a new heap number, three a call here): the bucket of the last call's, the key's newest row.
    if (!(time > this.bucketFrom && time < this.bucketTo)) this.enterBucket(time);
    const bucket = this.bucket;
    const key = groupKeyOf(this.spec.dims, record, this.spec.tz);
    const newest = this.newestRow.get(key);
    const row = newest !== undefined && this.bucketOfRow[newest] === bucket ? newest : this.rowOf(key, bucket);
    const values = this.values;
    const at = row * WIDTH;
    values[at + CALLS] = (values[at + CALLS] as number) + 1;
    if (time < (values[at + FIRST] as number)) values[at + FIRST] = time;
    if (time > (values[at + LAST] as number)) values[at + LAST] = time;
    this.table.add(row, record);
    this.reads.changed(bucket);
  }

  /**
   * Calls folded elsewhere (a `.cmstate` group's), taken whole into the cell of their first call: all inside the
   * window, or none (else a CutError names `what` and the edge). A window read later must not cut them either.
   */
  addFolded(values: FoldedValues, calls: number, firstMs: number, lastMs: number, tokens: ModelTokens, what: () => string): void {
    const place = placeOf(this.span.window, firstMs, lastMs);
    if (place === 'outside') return;
    if (place !== 'inside') throw new CutError(what(), place);
    const bucket = bucketOf(this.spec.bucketing, firstMs);
    const row = this.rowOf(keyOfValues(this.spec.dims, values, firstMs, this.spec.tz), bucket);
    this.note(row, calls, firstMs, lastMs);
    this.table.addTokens(row, tokens);
    this.reads.changed(bucket);
    this.reachBackMs = MAX_FOLDED_SPAN_MS;
  }

  /**
   * The calls and token sums of the cells in `window`, of `key` (every key's when not given). A folded cell the
   * window cuts is a CutError.
   */
  sum(window: TimeWindow, key?: string): Usage {
    if (key !== undefined) {
      const { calls, tokens } = this.readKey(window, key);
      return { calls, tokens: copyOf(tokens, this.spec.pricing) };
    }
    const tokens = new ModelTokens(this.spec.pricing);
    let calls = 0;
    for (const each of this.byKey.keys()) {
      if (!this.hasCallsIn(each, window)) continue;
      const read = this.readKey(window, each);
      calls += read.calls;
      tokens.merge(read.tokens);
    }
    return { calls, tokens };
  }

  /** Every key's calls and token sums, one key at a time. */
  *usageByKey(): Generator<[key: string, usage: Usage]> {
    for (const [key, rows] of this.byKey) yield [key, this.usageOf(rows)];
  }

  /** Calls per model without a price, of every cell (none are read when every model seen has a price). */
  unpricedModels(): Record<string, number> {
    if (this.table.models.every((model) => this.spec.pricing.resolve(model) !== null)) return {};
    const tokens = new ModelTokens(this.spec.pricing);
    for (const rows of this.byKey.values()) tokens.merge(this.usageOf(rows).tokens);
    return tokens.cost().unpricedModels;
  }

  /** The keys with cells, in the order first seen. */
  keys(): IterableIterator<string> {
    return this.byKey.keys();
  }

  /** Whether `key` (any key, when not given) has a cell with a call in `window`. */
  hasCallsIn(key: string | undefined, window: TimeWindow): boolean {
    if (key === undefined) {
      for (const each of this.byKey.keys()) if (this.hasCallsIn(each, window)) return true;
      return false;
    }
    const rows = this.byKey.get(key) ?? [];
    for (let at = this.firstRowFrom(rows, window.from.ms - this.reachBackMs); at < rows.length; at++) {
      const row = rows[at] as number;
      if (!isBeforeEnd(window.to, this.first(row))) return false;
      if (placeOf(window, this.first(row), this.last(row)) !== 'outside') return true;
    }
    return false;
  }

  valuesOf(key: string): string[] {
    return groupValuesOfKey(this.spec.dims, key);
  }

  /**
   * Its cells as plain data, in columns (a week of minutes by scope is hundreds of thousands of them): the keys,
   * and per row its key's index, bucket, calls, first and last call; the token sums by row.
   */
  toState(): TokenLedgerState {
    let count = 0;
    for (const rows of this.byKey.values()) count += rows.length;
    const keys: string[] = [];
    const state = { keys, rowKey: new Uint32Array(count), bucket: new Float64Array(count), calls: new Float64Array(count), first: new Float64Array(count), last: new Float64Array(count) };
    const order = new Int32Array(count);
    let owner = 0;
    for (const [key, rows] of this.byKey) {
      keys.push(key);
      for (const row of rows) {
        order[owner] = row;
        state.rowKey[owner] = keys.length - 1;
        state.bucket[owner] = this.bucketOfRow[row] as number;
        state.calls[owner] = this.values[row * WIDTH + CALLS] as number;
        state.first[owner] = this.first(row);
        state.last[owner] = this.last(row);
        owner++;
      }
    }
    return { ...state, tokens: this.table.columnsOf(order) };
  }

  /** Takes a state written by toState, into this ledger while it is empty (before any call). */
  restore(state: unknown, reader: StateReader): void {
    if (this.rowCount !== 0) throw new Error('a token ledger is restored only while empty');
    const fields = reader.object(state, 'a token ledger');
    const keys = reader.list(fields['keys'], 'keys').map((key, i) => reader.string(key, `keys[${i}]`));
    const rowKey = reader.column(fields['rowKey'], Uint32Array, 'rowKey');
    const count = rowKey.length;
    const [bucket, calls, first, last] = (['bucket', 'calls', 'first', 'last'] as const).map((name) => reader.finiteColumn(fields[name], name, count)) as [Float64Array, Float64Array, Float64Array, Float64Array];
    const { columns, callsOfOwner } = checkTokenColumns(fields['tokens'], reader.at('tokens'), count);
    // A key's rows, in the order of their buckets, as written: row i of the state is row i here.
    for (let i = 0; i < count; i++) {
      const key = keys[rowKey[i] as number] ?? reader.fail(`rowKey[${i}] names no key`);
      if (!Number.isSafeInteger(calls[i]) || (calls[i] as number) < 0 || callsOfOwner[i] !== calls[i]) reader.fail(`row ${i}: ${calls[i]} calls, where its models' add up to ${callsOfOwner[i]}`);
      const row = this.newRow(bucket[i] as number);
      const rows = this.byKey.get(key);
      if (rows === undefined) this.byKey.set(key, [row]);
      else if ((this.bucketOfRow[rows[rows.length - 1] as number] as number) < (bucket[i] as number)) rows.push(row);
      else reader.fail(`row ${i}: the rows of ${JSON.stringify(key)} are not in the order of their buckets`);
      this.newestRow.set(key, row);
      this.note(row, calls[i] as number, first[i] as number, last[i] as number);
    }
    this.table.adopt(columns, Int32Array.from({ length: count }, (_, i) => i));
    this.reads.clear();
  }

  /** Lets go of the cells whose calls all fell before the window. */
  prune(): void {
    const window = this.span.window;
    let pruned = false;
    for (const [key, rows] of this.byKey) {
      const kept = rows.filter((row) => {
        if (placeOf(window, this.first(row), this.last(row)) !== 'outside') return true;
        this.table.clear(row);
        this.values.fill(0, row * WIDTH, (row + 1) * WIDTH);
        this.freeRows.push(row);
        return false;
      });
      if (kept.length === rows.length) continue;
      pruned = true;
      if (kept.length === 0) {
        this.byKey.delete(key);
        this.newestRow.delete(key);
      } else {
        this.byKey.set(key, kept);
        this.newestRow.set(key, kept[kept.length - 1] as number);
      }
    }
    if (pruned) this.reads.clear();
  }

  /** One key's cells in `window`: a read kept, moved on to the window's end. */
  private readKey(window: TimeWindow, key: string): KeyRead {
    const rows = this.byKey.get(key) ?? [];
    const read = this.reads.readOf(key, window, () => this.firstRowFrom(rows, window.from.ms - this.reachBackMs));
    for (; read.at < rows.length; read.at++) {
      const row = rows[read.at] as number;
      // Rows are in the order of their first calls: one starting after the end waits for a later window.
      if (!isBeforeEnd(window.to, this.first(row))) break;
      if (!this.inside(row, key, window)) continue; // wholly before the start
      read.calls += this.values[row * WIDTH + CALLS] as number;
      this.table.addRowTo(read.tokens, row);
    }
    read.endMs = window.to.ms;
    read.endIncluded = window.to.included;
    return read;
  }

  /** The calls and token sums of some rows. */
  private usageOf(rows: readonly number[]): Usage {
    const tokens = new ModelTokens(this.spec.pricing);
    let calls = 0;
    for (const row of rows) {
      calls += this.values[row * WIDTH + CALLS] as number;
      this.table.addRowTo(tokens, row);
    }
    return { calls, tokens };
  }

  private inside(row: number, key: string, window: TimeWindow): boolean {
    const place = placeOf(window, this.first(row), this.last(row));
    if (place === 'outside') return false;
    if (place === 'inside') return true;
    throw new CutError(`the calls of ${key}`, place);
  }

  /**
   * Where to start looking for the cells of a window from `ms`: the first of `rows` (in bucket order) whose bucket
   * starts at or after it, less one — the cell before may hold calls after it.
   */
  private firstRowFrom(rows: readonly number[], ms: number): number {
    let low = 0;
    let high = rows.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (bucketStart(this.bucketOfRow[rows[middle] as number] as number) < ms) low = middle + 1;
      else high = middle;
    }
    return Math.max(0, low - 1);
  }

  private first(row: number): number {
    return this.values[row * WIDTH + FIRST] as number;
  }

  private last(row: number): number {
    return this.values[row * WIDTH + LAST] as number;
  }

  private note(row: number, calls: number, firstMs: number, lastMs: number): void {
    const at = row * WIDTH;
    const values = this.values;
    values[at + CALLS] = (values[at + CALLS] as number) + calls;
    if (firstMs < (values[at + FIRST] as number)) values[at + FIRST] = firstMs;
    if (lastMs > (values[at + LAST] as number)) values[at + LAST] = lastMs;
  }

  private enterBucket(time: number): void {
    this.bucket = bucketOf(this.spec.bucketing, time);
    ({ from: this.bucketFrom, to: this.bucketTo } = bucketInterior(this.spec.bucketing, time));
  }

  /** The row of `key` in `bucket`, made in bucket order when there is none (`add` tries the key's newest row first). */
  private rowOf(key: string, bucket: number): number {
    const rows = this.byKey.get(key);
    if (rows === undefined) {
      // A literal of one: an empty array grown by push reserves 17 slots, ~130 bytes a key of a day's users.
      const row = this.newRow(bucket);
      this.byKey.set(key, [row]);
      this.newestRow.set(key, row);
      return row;
    }
    const at = this.placeOf(rows, bucket);
    if (at > 0 && this.bucketOfRow[rows[at - 1] as number] === bucket) return rows[at - 1] as number;
    const row = this.newRow(bucket);
    if (at === rows.length) {
      rows.push(row);
      this.newestRow.set(key, row);
    } else {
      rows.splice(at, 0, row);
    }
    return row;
  }

  /**
   * Where a row of `bucket` goes among a key's rows: after those whose buckets are not later. A call late by a
   * little is a step or two back from the newest; an older file read after a newer one is found by binary search
   * (a walk back over the newer file's rows, call after call, made such a read quadratic).
   */
  private placeOf(rows: readonly number[], bucket: number): number {
    let at = rows.length;
    for (let steps = 0; steps < 4 && at > 0 && (this.bucketOfRow[rows[at - 1] as number] as number) > bucket; steps++) at--;
    if (at === 0 || (this.bucketOfRow[rows[at - 1] as number] as number) <= bucket) return at;
    let low = 0;
    let high = at;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.bucketOfRow[rows[middle] as number] as number) <= bucket) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private newRow(bucket: number): number {
    const row = this.freeRows.pop() ?? this.rowCount++;
    if ((row + 1) * WIDTH > this.values.length) {
      const values = new Float64Array(this.values.length * 2);
      values.set(this.values);
      this.values = values;
      const buckets = new Float64Array(this.bucketOfRow.length * 2);
      buckets.set(this.bucketOfRow);
      this.bucketOfRow = buckets;
    }
    const at = row * WIDTH;
    this.values[at + FIRST] = Number.POSITIVE_INFINITY;
    this.values[at + LAST] = Number.NEGATIVE_INFINITY;
    this.bucketOfRow[row] = bucket;
    return row;
  }
}

/**
 * The engine's table: a measure per time bucket × group key (feature, model, user, day, hour, status), for the
 * calls of its window. Every report reads one: summary's groups, trend's days, the dashboard's days, `serve`'s
 * series, the hours and users of a `.cmstate`. Mergeable cell by cell, and plain data cell by cell (a measure's
 * state), so a ledger written out is what a `.cmstate` holds.
 */
import { type GroupDimension, groupKeyOf, groupValuesOfKey, keyOfValues } from '../grouping.js';
import type { TimeZone } from '../timezone.js';
import type { CallRecord } from '../types.js';
import { placeOf } from '../window.js';
import { type Bucketing, boundaryName, bucketInterior, bucketOf, bucketStart } from './bucketing.js';
import { CutError } from './cutError.js';
import type { Measure } from './measure.js';
import type { StateReader } from './stateReader.js';
import { Span } from './span.js';

export interface LedgerSpec<M> {
  readonly bucketing: Bucketing;
  readonly dims: readonly GroupDimension[];
  /** For days, hours and keys of local time. */
  readonly tz: TimeZone;
  readonly newMeasure: () => M;
  /** Only the calls it keeps count (the 429s); the others pass by. */
  readonly keeps?: (record: CallRecord) => boolean;
  /** Whether the call may make a new cell (serve's --max-series); when not, it is not counted. */
  readonly admits?: (record: CallRecord) => boolean;
  /** A measure from its plain-data state (a checkpoint); without it the ledger cannot be read back. */
  readonly measureFromState?: (state: unknown, reader: StateReader) => M;
}

export interface Cell<M> {
  readonly bucket: number;
  readonly key: string;
  readonly measure: M;
}

/** The fields a cell folded elsewhere is grouped by: its dimensions' values; time dimensions come from its calls. */
export type FoldedValues = Readonly<Partial<Record<'feature' | 'model' | 'user', string>>>;

export class Ledger<M extends Measure<M>> {
  /** The calls it takes; the engine moves it with now. */
  readonly span = new Span();
  private readonly buckets = new Map<number, Map<string, M>>();
  /**
   * The cells of the last call's bucket, and the times strictly inside it: the bucket of every call between
   * them, found without a call (a number passed to a call that is not inlined is a new heap number).
   */
  private lastCells: Map<string, M> = new Map();
  private lastFrom = Number.NaN;
  private lastTo = Number.NaN;

  constructor(readonly spec: LedgerSpec<M>) {}

  get dims(): readonly GroupDimension[] {
    return this.spec.dims;
  }

  /** Counts a call in its cell, when the window takes it and the ledger keeps it; false when a new cell was refused. */
  add(record: CallRecord): boolean {
    const time = record.timestampMs;
    if (!this.span.takes(time)) return true;
    const { keeps } = this.spec;
    if (keeps !== undefined && !keeps(record)) return true;
    if (!(time > this.lastFrom && time < this.lastTo)) this.enterBucket(time);
    const cells = this.lastCells;
    const key = groupKeyOf(this.spec.dims, record, this.spec.tz);
    let measure = cells.get(key);
    if (measure === undefined) {
      if (this.spec.admits !== undefined && !this.spec.admits(record)) return false;
      measure = this.spec.newMeasure();
      cells.set(key, measure);
    }
    measure.add(record);
    return true;
  }

  /** Adds `measure` to the cell of `bucket` and `key` (another ledger's, or one read back from a state). */
  addCell(bucket: number, key: string, measure: M): void {
    const cells = this.cellsOf(bucket);
    let mine = cells.get(key);
    if (mine === undefined) {
      mine = this.spec.newMeasure();
      cells.set(key, mine);
    }
    mine.merge(measure);
  }

  /**
   * A cell folded elsewhere (a `.cmstate` group), taken whole: it must lie wholly inside or outside the window and
   * in one bucket (and one day or hour of a key), else a CutError names `what` and the edge between its calls.
   */
  addFolded(values: FoldedValues, measure: M, what: () => string): void {
    const first = measure.firstCallMs;
    const last = measure.lastCallMs;
    const place = placeOf(this.span.window, first, last);
    if (place === 'outside') return;
    if (place !== 'inside') throw new CutError(what(), place);
    const { bucketing, dims, tz } = this.spec;
    const bucket = bucketOf(bucketing, first);
    if (bucketOf(bucketing, last) !== bucket) {
      throw new CutError(what(), { ms: bucketStart(bucketOf(bucketing, last)), included: true, name: boundaryName(bucketing) });
    }
    const key = keyOfValues(dims, values, first, tz);
    if (keyOfValues(dims, values, last, tz) !== key) {
      throw new CutError(what(), { ms: last, included: true, name: `the start of ${dims.includes('hour') ? 'an hour' : 'a day'} in ${tz.name}` });
    }
    this.addCell(bucket, key, measure);
  }

  /** Lets go of the cells whose calls all fell before the window (its start moved with now). */
  prune(): void {
    if (this.buckets.size === 0) return; // a ledger of folded cells only, read from logs: pruned on every call
    const window = this.span.window;
    for (const [bucket, cells] of this.buckets) {
      for (const [key, measure] of cells) if (placeOf(window, measure.firstCallMs, measure.lastCallMs) === 'outside') cells.delete(key);
      if (cells.size === 0) {
        this.buckets.delete(bucket);
        if (cells === this.lastCells) this.lastFrom = this.lastTo = Number.NaN;
      }
    }
  }

  /** Its cells as plain JSON data: [bucket, key, the measure's state]. */
  toState(): { cells: [number, string, unknown][] } {
    return { cells: [...this.cells()].map(({ bucket, key, measure }) => [bucket, key, measure.toState()]) };
  }

  restore(state: unknown, reader: StateReader): void {
    const { measureFromState } = this.spec;
    if (measureFromState === undefined) reader.fail('cells of this ledger cannot be read back');
    reader.list(reader.object(state, 'a ledger').cells, 'cells').forEach((cell, i) => {
      const [bucket, key, measure] = reader.list(cell, `cells[${i}]`);
      this.addCell(reader.number(bucket, `cells[${i}] bucket`), reader.string(key, `cells[${i}] key`), measureFromState(measure, reader.at(`cells[${i}]`)));
    });
  }

  /** Every cell, bucket by bucket in the order they were made. */
  *cells(): Generator<Cell<M>> {
    for (const [bucket, cells] of this.buckets) for (const [key, measure] of cells) yield { bucket, key, measure };
  }

  /** The cells of one bucket, by key. */
  bucket(bucket: number): ReadonlyMap<string, M> {
    return this.buckets.get(bucket) ?? EMPTY;
  }

  /** A key's values by dimension, in the ledger's order. */
  valuesOf(key: string): string[] {
    return groupValuesOfKey(this.spec.dims, key);
  }

  /** Every cell's measure. */
  *measures(): Generator<M> {
    for (const cells of this.buckets.values()) yield* cells.values();
  }

  /** Every cell merged (a report's total). */
  total(): M {
    const total = this.spec.newMeasure();
    for (const cells of this.buckets.values()) for (const measure of cells.values()) total.merge(measure);
    return total;
  }

  private enterBucket(time: number): void {
    this.lastCells = this.cellsOf(bucketOf(this.spec.bucketing, time));
    ({ from: this.lastFrom, to: this.lastTo } = bucketInterior(this.spec.bucketing, time));
  }

  private cellsOf(bucket: number): Map<string, M> {
    let cells = this.buckets.get(bucket);
    if (cells === undefined) {
      cells = new Map();
      this.buckets.set(bucket, cells);
    }
    return cells;
  }
}

const EMPTY = new Map<string, never>();

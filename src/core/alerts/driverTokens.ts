/**
 * Today's token sums of each alert scope by feature, user and model — what a firing daily_cost alert names as its
 * drivers, priced from token sums like every cost. They are asked for only when a daily_cost alert fires, so calls
 * are noted in columns and added up when asked, or when the columns are full: added up call by call, the per-scope
 * maps of thousands of users missed the CPU cache on nearly every call (a fifth of `alerts` on a log of a few
 * hundred thousand calls a day), and with a moving now every day but the last is let go unread.
 */
import { type GroupDimension, groupKeyOf } from '../grouping.js';
import { ModelTable } from '../modelTable.js';
import { ModelTokens } from '../modelTokens.js';
import { checkTokenColumns, type TokenColumns } from '../engine/tokenColumns.js';
import { finiteOrNull, type StateReader } from '../engine/stateReader.js';
import { MutableCallRecord } from '../packedRecord.js';
import type { PriceBook } from '../pricing.js';
import { Span } from '../engine/span.js';
import type { TimeZone } from '../timezone.js';
import type { CallRecord } from '../types.js';

export const DRIVER_DIMENSIONS = ['feature', 'user', 'model'] as const;
export type DriverDimension = (typeof DRIVER_DIMENSIONS)[number];

/** A scope's (or every scope's) token sums by dimension and value. */
export type TokensBy = ReadonlyMap<DriverDimension, ReadonlyMap<string, ModelTokens>>;

/** Calls noted before they are added up, at most: 53 bytes each, so ~14 MB (a day of most apps is never added up). */
const DEFAULT_CAPACITY = 1 << 18;
/**
 * The columns are chunks of this many calls, made as calls come and kept for the next day: grown by copying, the
 * columns cost more than the calls written into them, and a chunk's strings stay a small array.
 */
const CHUNK_BITS = 11;
const CHUNK_MASK = (1 << CHUNK_BITS) - 1;
/** Strings per call: scope, feature, user, model. */
const STRINGS = 4;
/** Token counts per call: input, output, cache read, cache write, of them 1 h. */
const NUMBERS = 5;

/** Counts noted in 32 bits; a call with a larger one is added up at once. */
const MAX_NOTED = 2 ** 32 - 1;

/** The columns of CHUNK_MASK + 1 calls: their strings, token counts, and whether each was a batch call. */
interface Chunk {
  readonly strings: string[];
  readonly numbers: Uint32Array;
  readonly batch: Uint8Array;
}

function newChunk(): Chunk {
  const calls = CHUNK_MASK + 1;
  return { strings: new Array<string>(calls * STRINGS).fill(''), numbers: new Uint32Array(calls * NUMBERS), batch: new Uint8Array(calls) };
}

export class DriverTokens {
  /** The calls it takes (today); the engine moves it with now. */
  readonly span = new Span();
  /** Each scope's rows of `table` by dimension and value. */
  private readonly byScope = new Map<string, Map<DriverDimension, Map<string, number>>>();
  /** The token sums by model of each (scope, dimension, value): one row each, no object per row. */
  private table: ModelTable;
  private rows = 0;
  /** The start of the span its calls were taken in: a later one (a new day) lets them go. */
  private spanStart = Number.NaN;
  /** The calls noted, not yet added up. */
  private readonly chunks: Chunk[] = [];
  private pending = 0;
  private readonly replay = new MutableCallRecord();

  constructor(
    /** The dimensions scopes are split by. */
    private readonly breakdown: readonly GroupDimension[],
    private readonly tz: TimeZone,
    private readonly pricing: PriceBook,
    private readonly capacity = DEFAULT_CAPACITY,
  ) {
    this.table = new ModelTable(pricing);
  }

  add(record: CallRecord): void {
    if (!this.span.takes(record.timestampMs)) return;
    this.keepToSpan();
    if (record.inputTokens > MAX_NOTED || record.outputTokens > MAX_NOTED || record.cacheReadTokens > MAX_NOTED || record.cacheWriteTokens > MAX_NOTED) {
      this.addPending();
      this.addCall(groupKeyOf(this.breakdown, record, this.tz), record);
      return;
    }
    const at = this.pending;
    const { chunks } = this;
    if (at >>> CHUNK_BITS === chunks.length) chunks.push(newChunk());
    const { strings, numbers, batch } = chunks[at >>> CHUNK_BITS] as Chunk;
    const i = at & CHUNK_MASK;
    const s = i * STRINGS;
    strings[s] = groupKeyOf(this.breakdown, record, this.tz);
    strings[s + 1] = record.feature;
    strings[s + 2] = record.userId;
    strings[s + 3] = record.model;
    const n = i * NUMBERS;
    numbers[n] = record.inputTokens;
    numbers[n + 1] = record.outputTokens;
    numbers[n + 2] = record.cacheReadTokens;
    numbers[n + 3] = record.cacheWriteTokens;
    numbers[n + 4] = record.cacheWrite1hTokens;
    batch[i] = record.batch ? 1 : 0;
    this.pending = at + 1;
    if (this.pending === this.capacity) this.addPending();
  }

  prune(): void {
    this.keepToSpan();
  }

  /**
   * What it holds as plain data: the start of its span, the owners of the sums (scope, dimension and value, three
   * strings each) and their token sums in columns.
   */
  toState(): { spanStart: number | null; owners: string[]; tokens: TokenColumns } {
    this.addPending();
    const owners: string[] = [];
    const rows: number[] = [];
    for (const [scope, byDimension] of this.byScope) {
      for (const [dimension, byValue] of byDimension) {
        for (const [value, row] of byValue) {
          owners.push(scope, dimension, value);
          rows.push(row);
        }
      }
    }
    return { spanStart: finiteOrNull(this.spanStart), owners, tokens: this.table.columnsOf(rows) };
  }

  restore(state: unknown, reader: StateReader): void {
    const fields = reader.object(state, 'drivers');
    const spanStart = reader.time(fields['spanStart'], 'spanStart', Number.NaN);
    this.keepToSpan();
    // Sums of another span (yesterday's, for a run today) are not today's.
    if (spanStart !== this.spanStart) return;
    const names = reader.list(fields['owners'], 'owners').map((name, i) => reader.string(name, `owners[${i}]`));
    if (names.length % 3 !== 0) reader.fail('owners must be (scope, dimension, value) triples');
    const rows = new Int32Array(names.length / 3);
    for (let i = 0; i < rows.length; i++) {
      const dimension = names[3 * i + 1] as DriverDimension;
      if (!DRIVER_DIMENSIONS.includes(dimension)) reader.fail(`owners[${3 * i + 1}]: an unknown dimension`);
      rows[i] = this.rowOf(this.sumsOf(names[3 * i] as string).get(dimension) as Map<string, number>, names[3 * i + 2] as string);
    }
    this.table.adopt(checkTokenColumns(fields['tokens'], reader.at('tokens'), rows.length).columns, rows);
  }

  /** The token sums of a scope (every scope: undefined) by dimension and value. */
  of(scope: string | undefined): TokensBy {
    this.keepToSpan();
    this.addPending();
    const result = new Map<DriverDimension, Map<string, ModelTokens>>(DRIVER_DIMENSIONS.map((dimension) => [dimension, new Map()]));
    for (const [key, byDimension] of this.byScope) {
      if (scope !== undefined && key !== scope) continue;
      for (const [dimension, byValue] of byDimension) {
        const into = result.get(dimension) as Map<string, ModelTokens>;
        for (const [value, row] of byValue) {
          let tokens = into.get(value);
          if (tokens === undefined) into.set(value, (tokens = new ModelTokens(this.pricing)));
          this.table.addRowTo(tokens, row);
        }
      }
    }
    return result;
  }

  /** A new span (a new day): what was noted for the last one goes. */
  private keepToSpan(): void {
    const start = this.span.fromEdgeMs;
    if (start === this.spanStart) return;
    this.spanStart = start;
    this.byScope.clear();
    this.table = new ModelTable(this.pricing);
    this.rows = 0;
    this.pending = 0;
  }

  private addPending(): void {
    const record = this.replay;
    for (let at = 0; at < this.pending; at++) {
      const { strings, numbers, batch } = this.chunks[at >>> CHUNK_BITS] as Chunk;
      const i = at & CHUNK_MASK;
      const s = i * STRINGS;
      const n = i * NUMBERS;
      record.feature = strings[s + 1] as string;
      record.userId = strings[s + 2] as string;
      record.model = strings[s + 3] as string;
      record.inputTokens = numbers[n] as number;
      record.outputTokens = numbers[n + 1] as number;
      record.cacheReadTokens = numbers[n + 2] as number;
      record.cacheWriteTokens = numbers[n + 3] as number;
      record.cacheWrite1hTokens = numbers[n + 4] as number;
      record.batch = batch[i] === 1;
      this.addCall(strings[s] as string, record);
    }
    this.pending = 0;
  }

  private addCall(scope: string, record: CallRecord): void {
    const byDimension = this.sumsOf(scope);
    this.table.add(this.rowOf(byDimension.get('feature') as Map<string, number>, record.feature), record);
    this.table.add(this.rowOf(byDimension.get('user') as Map<string, number>, record.userId), record);
    this.table.add(this.rowOf(byDimension.get('model') as Map<string, number>, record.model), record);
  }

  /** The row of a value, made on first use. */
  private rowOf(byValue: Map<string, number>, value: string): number {
    let row = byValue.get(value);
    if (row === undefined) byValue.set(value, (row = this.rows++));
    return row;
  }

  /** A scope's rows by dimension and value, made on first use. */
  private sumsOf(scope: string): Map<DriverDimension, Map<string, number>> {
    let byDimension = this.byScope.get(scope);
    if (byDimension === undefined) this.byScope.set(scope, (byDimension = new Map(DRIVER_DIMENSIONS.map((dimension) => [dimension, new Map()]))));
    return byDimension;
  }
}

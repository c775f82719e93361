/**
 * Token sums by model for many numbered rows (the minutes of two days, the users of a day) without an object per
 * row: each row is a short list of entries, one per model and variant it has seen, in typed arrays — an entry's
 * kind, link, calls and 5 sums side by side, so a call's walk down its row reads one cache line an entry (a user's
 * row in a table of thousands is rarely in the cache). Memory follows the (row, model) pairs used, not rows ×
 * models (model names are free text: a log can hold hundreds). A row is priced by adding it to a ModelTokens
 * (`addRowTo`).
 */
import type { TokenColumns } from './engine/tokenColumns.js';
import { FIELDS_PER_VARIANT, type ModelTokens, VARIANTS, variantOf } from './modelTokens.js';
import type { PriceBook } from './pricing.js';
import type { CallRecord } from './types.js';

/** An entry: model × VARIANTS + variant, the next entry of its row plus one (0: the last), its calls, and the 5 sums of its variant. */
const KIND = 0;
const NEXT = 1;
const CALLS = 2;
const SUMS = 3;
const ENTRY_WIDTH = SUMS + FIELDS_PER_VARIANT;
/** An entry's values in a checkpoint's columns: calls, then the sums. */
const VALUES_PER_ENTRY = 1 + FIELDS_PER_VARIANT;
const CHUNK_BITS = 16;
const CHUNK_ENTRIES = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_ENTRIES - 1;

/** The largest count or sum kept in 32 bits: a table holding a larger one is widened to 64-bit floats, once. */
const MAX_NARROW = 2 ** 32 - 1;

/** Entries in 32-bit integers while every count and sum fits (a minute's or a user's nearly always do: half the memory). */
type Entries = Uint32Array | Float64Array;

function newChunk(entries: number, wide: boolean): Entries {
  return wide ? new Float64Array(entries * ENTRY_WIDTH) : new Uint32Array(entries * ENTRY_WIDTH);
}

export class ModelTable {
  private readonly index = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly thresholds: number[] = [];
  private lastModel = '';
  private lastIndex = -1;
  /** A row's first entry (−1: none). */
  private heads = new Int32Array(64).fill(-1);
  /**
   * The entries, in chunks of CHUNK_ENTRIES (the first grows to that size): a table of a week of minutes by scope
   * holds tens of MB of them, which a single array would copy whole to grow, twice the memory for a moment.
   */
  private readonly chunks: Entries[] = [newChunk(64, false)];
  private entries = 0;
  /** Values in 64-bit floats (some sum passed 2^32), else in 32-bit integers. */
  private wide = false;
  /** Entries of cleared rows, to reuse (−1: none). */
  private free = -1;

  constructor(private readonly pricing: PriceBook) {}

  /** Every model the table has seen (rows cleared since included), in the order first seen. */
  get models(): readonly string[] {
    return this.names;
  }

  add(row: number, record: CallRecord): void {
    let model = this.lastIndex;
    if (record.model !== this.lastModel || model < 0) {
      model = this.modelIndex(record.model);
      this.lastModel = record.model;
      this.lastIndex = model;
    }
    const entry = this.entryOf(row, model * VARIANTS + variantOf(record, this.thresholds[model] as number));
    let values = this.chunks[entry >>> CHUNK_BITS] as Entries;
    const at = (entry & CHUNK_MASK) * ENTRY_WIDTH + CALLS;
    const cacheWrite5m = record.cacheWriteTokens - record.cacheWrite1hTokens;
    if (!this.wide && ((values[at + 1] as number) + record.inputTokens > MAX_NARROW || (values[at + 2] as number) + record.outputTokens > MAX_NARROW ||
      (values[at + 3] as number) + record.cacheReadTokens > MAX_NARROW || (values[at + 4] as number) + cacheWrite5m > MAX_NARROW ||
      (values[at + 5] as number) + record.cacheWrite1hTokens > MAX_NARROW)) {
      this.widen();
      values = this.chunks[entry >>> CHUNK_BITS] as Entries;
    }
    // Written out, not by addTokensAt: code that sees both plain arrays (ModelTokens') and typed arrays is slow.
    values[at] = (values[at] as number) + 1;
    values[at + 1] = (values[at + 1] as number) + record.inputTokens;
    values[at + 2] = (values[at + 2] as number) + record.outputTokens;
    values[at + 3] = (values[at + 3] as number) + record.cacheReadTokens;
    values[at + 4] = (values[at + 4] as number) + cacheWrite5m;
    values[at + 5] = (values[at + 5] as number) + record.cacheWrite1hTokens;
  }

  /**
   * Adds token sums counted elsewhere (a `.cmstate` group's) to a row: each model's sums by variant, its calls on
   * the first variant it has (a row is read back per model, so that is where they are counted).
   */
  addTokens(row: number, tokens: ModelTokens): void {
    tokens.forEachVariant((name, variant, calls, sums, at) => this.addEntry(row, name, variant, calls, sums, at));
  }

  /** Adds to a row's entry of a model and variant: its calls, and its 5 sums from `at` of `sums`. */
  addEntry(row: number, name: string, variant: number, calls: number, sums: ArrayLike<number>, at: number): void {
    const entry = this.entryOf(row, this.modelIndex(name) * VARIANTS + variant);
    let values = this.chunks[entry >>> CHUNK_BITS] as Entries;
    const to = (entry & CHUNK_MASK) * ENTRY_WIDTH + CALLS;
    let fits = (values[to] as number) + calls <= MAX_NARROW;
    for (let field = 0; field < FIELDS_PER_VARIANT; field++) fits &&= (values[to + 1 + field] as number) + (sums[at + field] as number) <= MAX_NARROW;
    if (!this.wide && !fits) {
      this.widen();
      values = this.chunks[entry >>> CHUNK_BITS] as Entries;
    }
    values[to] = (values[to] as number) + calls;
    for (let field = 0; field < FIELDS_PER_VARIANT; field++) values[to + 1 + field] = (values[to + 1 + field] as number) + (sums[at + field] as number);
  }

  /**
   * The entries of `rows` as columns, the owner of an entry its row's index in `rows` (a checkpoint's token sums;
   * a week of minutes by scope holds hundreds of thousands of entries: one pass, no call per entry).
   */
  columnsOf(rows: ArrayLike<number>): TokenColumns {
    const { chunks, heads } = this;
    let count = 0;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as number;
      for (let entry = row < heads.length ? (heads[row] as number) : -1; entry >= 0; count++) {
        entry = ((chunks[entry >>> CHUNK_BITS] as Entries)[(entry & CHUNK_MASK) * ENTRY_WIDTH + NEXT] as number) - 1;
      }
    }
    const owner = new Uint32Array(count);
    const model = new Uint32Array(count);
    const variant = new Uint8Array(count);
    const values = this.wide ? new Float64Array(count * VALUES_PER_ENTRY) : new Uint32Array(count * VALUES_PER_ENTRY);
    let to = 0;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as number;
      for (let entry = row < heads.length ? (heads[row] as number) : -1; entry >= 0; to++) {
        const entries = chunks[entry >>> CHUNK_BITS] as Entries;
        const at = (entry & CHUNK_MASK) * ENTRY_WIDTH;
        const kind = entries[at + KIND] as number;
        owner[to] = i;
        variant[to] = kind % VARIANTS;
        model[to] = (kind - (kind % VARIANTS)) / VARIANTS;
        for (let field = 0; field < VALUES_PER_ENTRY; field++) values[to * VALUES_PER_ENTRY + field] = entries[at + CALLS + field] as number;
        entry = (entries[at + NEXT] as number) - 1;
      }
    }
    return { models: [...this.names], owner, model, variant, values };
  }

  /**
   * Takes checked columns into this table while it is empty (a checkpoint read back): entry i goes to row
   * `rowOfOwner[owner[i]]`, in one pass.
   */
  adopt(columns: TokenColumns, rowOfOwner: ArrayLike<number>): void {
    if (this.entries !== 0) throw new Error('a model table adopts entries only while empty');
    const { owner, model, variant, values } = columns;
    const index = columns.models.map((name) => this.modelIndex(name));
    const count = owner.length;
    let wide = false;
    for (let i = 0; i < values.length; i++) if ((values[i] as number) > MAX_NARROW) wide = true;
    this.wide = wide;
    this.chunks.length = 0;
    for (let start = 0; start < count || start === 0; start += CHUNK_ENTRIES) this.chunks.push(newChunk(start === 0 ? Math.max(64, Math.min(CHUNK_ENTRIES, count)) : CHUNK_ENTRIES, wide));
    let rows = 0;
    for (let i = 0; i < rowOfOwner.length; i++) rows = Math.max(rows, (rowOfOwner[i] as number) + 1);
    if (rows > this.heads.length) this.growRows(rows);
    const { chunks, heads } = this;
    for (let entry = 0; entry < count; entry++) {
      const row = rowOfOwner[owner[entry] as number] as number;
      const entries = chunks[entry >>> CHUNK_BITS] as Entries;
      const at = (entry & CHUNK_MASK) * ENTRY_WIDTH;
      entries[at + KIND] = (index[model[entry] as number] as number) * VARIANTS + (variant[entry] as number);
      entries[at + NEXT] = (heads[row] as number) + 1;
      for (let field = 0; field < VALUES_PER_ENTRY; field++) entries[at + CALLS + field] = values[entry * VALUES_PER_ENTRY + field] as number;
      heads[row] = entry;
    }
    this.entries = count;
  }

  /** Empties a row for reuse. */
  clear(row: number): void {
    if (row >= this.heads.length) return;
    for (let entry = this.heads[row] as number; entry >= 0; ) {
      const values = this.chunks[entry >>> CHUNK_BITS] as Entries;
      const at = (entry & CHUNK_MASK) * ENTRY_WIDTH;
      const following = (values[at + NEXT] as number) - 1;
      values[at + NEXT] = this.free + 1;
      this.free = entry;
      entry = following;
    }
    this.heads[row] = -1;
  }

  /** Adds a row's calls and sums to `tokens`. */
  addRowTo(tokens: ModelTokens, row: number): void {
    if (row >= this.heads.length) return;
    for (let entry = this.heads[row] as number; entry >= 0; ) {
      const values = this.chunks[entry >>> CHUNK_BITS] as Entries;
      const at = (entry & CHUNK_MASK) * ENTRY_WIDTH;
      const kind = values[at + KIND] as number;
      const variant = kind % VARIANTS;
      tokens.addVariant(this.names[(kind - variant) / VARIANTS] as string, variant, values[at + CALLS] as number, values, at + SUMS);
      entry = (values[at + NEXT] as number) - 1;
    }
  }

  /** The row's entry of a model and variant, made when first used. */
  private entryOf(row: number, kind: number): number {
    if (row >= this.heads.length) this.growRows(row + 1);
    let entry = this.heads[row] as number;
    while (entry >= 0) {
      const values = this.chunks[entry >>> CHUNK_BITS] as Entries;
      const at = (entry & CHUNK_MASK) * ENTRY_WIDTH;
      if (values[at + KIND] === kind) return entry;
      entry = (values[at + NEXT] as number) - 1;
    }
    return this.newEntry(row, kind);
  }

  private modelIndex(name: string): number {
    return this.index.get(name) ?? this.addModel(name);
  }

  private addModel(name: string): number {
    const model = this.names.length;
    this.index.set(name, model);
    this.names.push(name);
    this.thresholds.push(this.pricing.longContextThreshold(name));
    return model;
  }

  private newEntry(row: number, kind: number): number {
    let entry = this.free;
    if (entry >= 0) {
      const values = this.chunks[entry >>> CHUNK_BITS] as Entries;
      const at = (entry & CHUNK_MASK) * ENTRY_WIDTH;
      this.free = (values[at + NEXT] as number) - 1;
      values.fill(0, at, at + ENTRY_WIDTH);
    } else {
      entry = this.entries++;
      this.makeRoom(entry);
    }
    const values = this.chunks[entry >>> CHUNK_BITS] as Entries;
    const at = (entry & CHUNK_MASK) * ENTRY_WIDTH;
    values[at + KIND] = kind;
    values[at + NEXT] = (this.heads[row] as number) + 1;
    this.heads[row] = entry;
    return entry;
  }

  private growRows(rows: number): void {
    const heads = new Int32Array(Math.max(rows, this.heads.length * 2)).fill(-1);
    heads.set(this.heads);
    this.heads = heads;
  }

  /** Room for entry number `entry`: the first chunk doubles up to its full size, then whole chunks are added. */
  private makeRoom(entry: number): void {
    const chunk = entry >>> CHUNK_BITS;
    if (chunk < this.chunks.length) {
      const first = this.chunks[0] as Entries;
      if (chunk > 0 || (entry & CHUNK_MASK) * ENTRY_WIDTH < first.length) return;
      const grown = newChunk(Math.min(CHUNK_ENTRIES, (first.length / ENTRY_WIDTH) * 2), this.wide);
      grown.set(first);
      this.chunks[0] = grown;
      return;
    }
    this.chunks.push(newChunk(CHUNK_ENTRIES, this.wide));
  }

  /** Moves every value to 64-bit floats: a sum is about to pass 2^32. */
  private widen(): void {
    this.wide = true;
    this.chunks.forEach((chunk, i) => (this.chunks[i] = Float64Array.from(chunk)));
  }
}

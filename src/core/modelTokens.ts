/**
 * Token sums by model, split by the long-context tier and batch — what a set of calls costs is priced from them,
 * never summed per call. The sums are integers, so any split and any order of the calls gives the same sums, and
 * the cost, priced from them in a fixed order, the same float to the last bit: a day's cost from a fold of its
 * hours equals the cost from its calls.
 */
import { compareStrings } from './order.js';
import { costOfTokens, type PriceBook, promptTokensOf } from './pricing.js';
import { SmallMap } from './smallMap.js';
import type { CallRecord, TokenTotals } from './types.js';

/**
 * Token sums of one model, by [longContext][batch] variant: input, output, cacheRead, cacheWrite5m, cacheWrite1h.
 * `sums` holds the variants up to the highest one seen (most groups only ever see the first: 5 numbers, not 20).
 */
interface ModelUsage {
  calls: number;
  readonly longContextThreshold: number;
  sums: number[];
}

const FIELDS_PER_VARIANT = 5;

/** One model's entry in a state: [model, calls, token sums by variant, the long-context threshold (null: none)]. */
export type ModelTokensEntry = readonly [string, number, readonly number[], number | null];

export interface CostOfTokens {
  readonly costUsd: number;
  readonly unpricedCalls: number;
  /** Calls by model without a price, sorted by model. */
  readonly unpricedModels: Record<string, number>;
}

export class ModelTokens {
  private readonly models = new SmallMap<string, ModelUsage>();

  constructor(private readonly pricing: PriceBook) {}

  /** Calls added or merged. */
  get calls(): number {
    let calls = 0;
    this.models.forEach((usage) => (calls += usage.calls));
    return calls;
  }

  add(record: CallRecord): void {
    let usage = this.models.get(record.model);
    if (usage === undefined) {
      usage = this.newUsage(record.model);
      this.models.set(record.model, usage);
    }
    usage.calls++;
    const at = variantOf(record, usage.longContextThreshold) * FIELDS_PER_VARIANT;
    if (at >= usage.sums.length) usage.sums = grownSums(usage.sums, at + FIELDS_PER_VARIANT);
    addTokensAt(usage.sums, at, record);
  }

  merge(other: ModelTokens): void {
    other.models.forEach((theirs, model) => this.addSums(model, theirs.calls, theirs.sums, 0, theirs.sums.length));
  }

  /** Calls of `model` and their sums by variant, `length` numbers from `from` (a ModelTable row). */
  addSums(model: string, calls: number, theirs: ArrayLike<number>, from: number, length: number): void {
    let usage = this.models.get(model);
    if (usage === undefined) {
      usage = this.newUsage(model);
      this.models.set(model, usage);
    }
    usage.calls += calls;
    if (length > usage.sums.length) usage.sums = grownSums(usage.sums, length);
    const sums = usage.sums;
    for (let i = 0; i < length; i++) sums[i] = (sums[i] as number) + (theirs[from + i] as number);
  }

  /** Adds its calls of models without a price to `byModel`. */
  countUnpricedCalls(byModel: Map<string, number>): void {
    this.models.forEach((usage, model) => {
      if (this.pricing.resolve(model) === null) byModel.set(model, (byModel.get(model) ?? 0) + usage.calls);
    });
  }

  /** Cost from token sums, in a fixed order (models by name, then variant) so the float sum is reproducible. */
  cost(): CostOfTokens {
    let costUsd = 0;
    let unpricedCalls = 0;
    const unpriced: [string, number][] = [];
    for (const [model, usage] of [...this.models].sort(([a], [b]) => compareStrings(a, b))) {
      const price = this.pricing.resolve(model);
      if (price === null) {
        unpricedCalls += usage.calls;
        unpriced.push([model, usage.calls]);
        continue;
      }
      const s = usage.sums;
      for (let at = 0; at < s.length; at += FIELDS_PER_VARIANT) {
        const sums = { input: s[at] as number, output: s[at + 1] as number, cacheRead: s[at + 2] as number, cacheWrite5m: s[at + 3] as number, cacheWrite1h: s[at + 4] as number };
        const variant = at / FIELDS_PER_VARIANT;
        costUsd += costOfTokens(price, sums, variant >= 2, variant % 2 === 1);
      }
    }
    return { costUsd, unpricedCalls, unpricedModels: Object.fromEntries(unpriced) };
  }

  /** Input, output, cache read and cache write sums over every model (each token counted once). */
  totals(): TokenTotals {
    let input = 0;
    let output = 0;
    let cacheRead = 0;
    let cacheWrite = 0;
    this.models.forEach(({ sums }) => {
      for (let at = 0; at < sums.length; at += FIELDS_PER_VARIANT) {
        input += sums[at] as number;
        output += sums[at + 1] as number;
        cacheRead += sums[at + 2] as number;
        cacheWrite += (sums[at + 3] as number) + (sums[at + 4] as number);
      }
    });
    return { input, output, cacheRead, cacheWrite };
  }

  /** As plain data, sorted by model (a state's `models`). */
  toState(): ModelTokensEntry[] {
    const entries: ModelTokensEntry[] = [];
    this.models.forEach((usage, model) => {
      const threshold = Number.isFinite(usage.longContextThreshold) ? usage.longContextThreshold : null;
      entries.push([model, usage.calls, [...usage.sums], threshold]);
    });
    return entries.sort(([a], [b]) => compareStrings(a, b));
  }

  /**
   * The sums a state lists (see toState). `fail` throws with where the entry is; `count` and `amount` check a
   * whole number and a finite amount ≥ 0. Sums split by another long-context threshold than this report's prices
   * cannot be priced again: refused.
   */
  static fromState(
    entries: unknown,
    pricing: PriceBook,
    fail: (what: string) => never,
    count: (value: unknown, name: string) => number,
    amount: (value: unknown, name: string) => number,
  ): ModelTokens {
    if (!Array.isArray(entries)) fail('models must be a list');
    const tokens = new ModelTokens(pricing);
    for (const entry of entries as unknown[]) {
      const [model, calls, sums, threshold] = Array.isArray(entry) ? entry : [];
      if (typeof model !== 'string' || !Array.isArray(sums) || sums.length === 0 || sums.length > 4 * FIELDS_PER_VARIANT || sums.length % FIELDS_PER_VARIANT !== 0) {
        fail('models must be a list of [model, calls, token sums, long-context threshold]');
      }
      if (tokens.models.get(model as string) !== undefined) fail(`model ${JSON.stringify(model)} is listed twice`);
      const usage = tokens.newUsage(model as string);
      // Token sums are split by the long-context threshold of the prices the state was folded with.
      const folded = threshold === null || threshold === undefined ? Number.POSITIVE_INFINITY : amount(threshold, 'long-context threshold');
      if (folded !== usage.longContextThreshold) {
        const text = (n: number): string => (Number.isFinite(n) ? `${n} tokens` : 'none');
        fail(`${model} was folded with a long-context threshold of ${text(folded)}, and this report's prices say ${text(usage.longContextThreshold)}: fold again with the same --prices`);
      }
      usage.calls = count(calls, 'model calls');
      usage.sums = (sums as unknown[]).map((sum) => amount(sum, 'token sums'));
      tokens.models.set(model as string, usage);
    }
    return tokens;
  }

  private newUsage(model: string): ModelUsage {
    return {
      calls: 0,
      longContextThreshold: this.pricing.longContextThreshold(model),
      // A plain array: a typed array per group (a --by user report has one per user) costs far more to allocate.
      sums: [0, 0, 0, 0, 0],
    };
  }
}

/**
 * Token sums by model for many numbered rows (the minutes of two days, the users of a day) without an object per
 * row: each row is a short list of entries, one per model and variant it has seen, in typed arrays — an entry's
 * calls and its 5 sums side by side. Memory follows the (row, model) pairs used, not rows × models (model names are
 * free text: a log can hold hundreds). A row is priced by adding it to a ModelTokens (`addRowTo`).
 */
export class ModelTable {
  private readonly index = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly thresholds: number[] = [];
  private lastModel = '';
  private lastIndex = -1;
  /** A row's first entry (−1: none). */
  private heads = new Int32Array(64).fill(-1);
  /** Per entry: model × 4 + variant, and the next entry of its row (−1: the last). */
  private kinds = new Int32Array(64);
  private next = new Int32Array(64);
  /** Per entry: calls, then input, output, cache read, cache write 5 m, 1 h. */
  private values = new Float64Array(64 * ENTRY_WIDTH);
  private entries = 0;
  /** Entries of cleared rows, to reuse (−1: none). */
  private free = -1;

  constructor(private readonly pricing: PriceBook) {}

  add(row: number, record: CallRecord): void {
    let model = this.lastIndex;
    if (record.model !== this.lastModel || model < 0) {
      model = this.index.get(record.model) ?? this.addModel(record.model);
      this.lastModel = record.model;
      this.lastIndex = model;
    }
    const kind = model * 4 + variantOf(record, this.thresholds[model] as number);
    if (row >= this.heads.length) this.growRows(row + 1);
    let entry = this.heads[row] as number;
    while (entry >= 0 && this.kinds[entry] !== kind) entry = this.next[entry] as number;
    if (entry < 0) entry = this.newEntry(row, kind);
    const at = entry * ENTRY_WIDTH;
    const values = this.values;
    values[at] = (values[at] as number) + 1;
    addTokensAt(values, at + 1, record);
  }

  /** Empties a row for reuse. */
  clear(row: number): void {
    if (row >= this.heads.length) return;
    for (let entry = this.heads[row] as number; entry >= 0; ) {
      const following = this.next[entry] as number;
      this.next[entry] = this.free;
      this.free = entry;
      entry = following;
    }
    this.heads[row] = -1;
  }

  /** Adds a row's calls and sums to `tokens`. */
  addRowTo(tokens: ModelTokens, row: number): void {
    if (row >= this.heads.length) return;
    for (let entry = this.heads[row] as number; entry >= 0; entry = this.next[entry] as number) {
      const kind = this.kinds[entry] as number;
      const variant = kind % 4;
      const at = entry * ENTRY_WIDTH;
      const sums = new Array<number>((variant + 1) * FIELDS_PER_VARIANT).fill(0);
      for (let field = 0; field < FIELDS_PER_VARIANT; field++) sums[variant * FIELDS_PER_VARIANT + field] = this.values[at + 1 + field] as number;
      tokens.addSums(this.names[(kind - variant) / 4] as string, this.values[at] as number, sums, 0, sums.length);
    }
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
      this.free = this.next[entry] as number;
      this.values.fill(0, entry * ENTRY_WIDTH, (entry + 1) * ENTRY_WIDTH);
    } else {
      entry = this.entries++;
      if (entry >= this.kinds.length) this.growEntries();
    }
    this.kinds[entry] = kind;
    this.next[entry] = this.heads[row] as number;
    this.heads[row] = entry;
    return entry;
  }

  private growRows(rows: number): void {
    const heads = new Int32Array(Math.max(rows, this.heads.length * 2)).fill(-1);
    heads.set(this.heads);
    this.heads = heads;
  }

  private growEntries(): void {
    const capacity = this.kinds.length * 2;
    const kinds = new Int32Array(capacity);
    kinds.set(this.kinds);
    const next = new Int32Array(capacity);
    next.set(this.next);
    const values = new Float64Array(capacity * ENTRY_WIDTH);
    values.set(this.values);
    this.kinds = kinds;
    this.next = next;
    this.values = values;
  }
}

/** An entry of a ModelTable: its calls and the 5 sums of its variant. */
const ENTRY_WIDTH = 1 + FIELDS_PER_VARIANT;

/** A call's variant: 0–3, long context (its prompt above the model's threshold) × batch. */
function variantOf(record: CallRecord, longContextThreshold: number): number {
  return (promptTokensOf(record) > longContextThreshold ? 2 : 0) + (record.batch ? 1 : 0);
}

/** Adds a call's tokens to the 5 sums of its variant, from `at`: input, output, cache read, cache write 5 m, 1 h. */
function addTokensAt(sums: number[] | Float64Array, at: number, record: CallRecord): void {
  sums[at] = (sums[at] as number) + record.inputTokens;
  sums[at + 1] = (sums[at + 1] as number) + record.outputTokens;
  sums[at + 2] = (sums[at + 2] as number) + record.cacheReadTokens;
  sums[at + 3] = (sums[at + 3] as number) + (record.cacheWriteTokens - record.cacheWrite1hTokens);
  sums[at + 4] = (sums[at + 4] as number) + record.cacheWrite1hTokens;
}

/** Token sums widened to `length` numbers, the new variants at zero. */
function grownSums(sums: readonly number[], length: number): number[] {
  return sums.concat(new Array<number>(length - sums.length).fill(0));
}

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

export const FIELDS_PER_VARIANT = 5;
/** Variants a model's sums are split into: long context or not × batch or not (variantOf). */
export const VARIANTS = 4;

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

  /** Calls of `model` and the 5 sums of one variant, from `at` of `values` (a ModelTable entry). */
  addVariant(model: string, variant: number, calls: number, values: ArrayLike<number>, at: number): void {
    let usage = this.models.get(model);
    if (usage === undefined) {
      usage = this.newUsage(model);
      this.models.set(model, usage);
    }
    usage.calls += calls;
    const from = variant * FIELDS_PER_VARIANT;
    if (from + FIELDS_PER_VARIANT > usage.sums.length) usage.sums = grownSums(usage.sums, from + FIELDS_PER_VARIANT);
    const sums = usage.sums;
    for (let i = 0; i < FIELDS_PER_VARIANT; i++) sums[from + i] = (sums[from + i] as number) + (values[at + i] as number);
  }

  /** Adds its calls of models without a price to `byModel`. */
  countUnpricedCalls(byModel: Map<string, number>): void {
    this.models.forEach((usage, model) => {
      if (this.pricing.resolve(model) === null) byModel.set(model, (byModel.get(model) ?? 0) + usage.calls);
    });
  }

  /**
   * Each model's variants with sums, in the order first seen: calls (a model's on its first variant; `addVariant`
   * adds them back to the model), and the 5 sums from `at` of `sums`.
   */
  forEachVariant(visit: (model: string, variant: number, calls: number, sums: readonly number[], at: number) => void): void {
    this.models.forEach((usage, model) => {
      for (let variant = 0; variant * FIELDS_PER_VARIANT < usage.sums.length; variant++) {
        const at = variant * FIELDS_PER_VARIANT;
        if (variant > 0 && usage.sums.slice(at, at + FIELDS_PER_VARIANT).every((sum) => sum === 0)) continue;
        visit(model, variant, variant === 0 ? usage.calls : 0, usage.sums, at);
      }
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

/** A call's variant: 0–3, long context (its prompt above the model's threshold) × batch. */
export function variantOf(record: CallRecord, longContextThreshold: number): number {
  return (promptTokensOf(record) > longContextThreshold ? 2 : 0) + (record.batch ? 1 : 0);
}

/** Adds a call's tokens to the 5 sums of its variant, from `at`: input, output, cache read, cache write 5 m, 1 h. */
function addTokensAt(sums: number[], at: number, record: CallRecord): void {
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

/**
 * A day's calls, tokens and cost by user, for the dashboard's top users. A user's calls and tokens sit side by side
 * in one Float64Array, found through a map of user → row (with an object per user, each call's lookup chased the
 * map entry, the object and its boxed numbers through memory that the parser had pushed out of the CPU cache); the
 * cost is priced from the user's token sums by model (a ModelTable row), so it does not depend on the order of
 * the calls and a fold of the user's day (a .cmstate) gives the same cost to the last bit.
 */
import { ModelTable, ModelTokens } from './modelTokens.js';
import type { PriceBook } from './pricing.js';
import type { CallRecord } from './types.js';

const TOKENS = 0;
const CALLS = 1;
const WIDTH = 2;

export interface UserUsage {
  readonly user: string;
  readonly tokens: number;
  /** Unrounded. */
  readonly costUsd: number;
  readonly calls: number;
  readonly unpricedCalls: number;
}

export class UsersOfDay {
  private readonly rows = new Map<string, number>();
  private values = new Float64Array(64 * WIDTH);
  /** Token sums by model, a row per user. */
  private readonly sums: ModelTable;
  /** Users' days folded elsewhere, by row. */
  private readonly folded = new Map<number, ModelTokens>();

  constructor(private readonly pricing: PriceBook) {
    this.sums = new ModelTable(pricing);
  }

  add(record: CallRecord): void {
    const row = this.rowOf(record.userId);
    const at = row * WIDTH;
    const values = this.values;
    values[at + CALLS] = (values[at + CALLS] as number) + 1;
    values[at + TOKENS] = (values[at + TOKENS] as number) + record.inputTokens + record.outputTokens + record.cacheReadTokens + record.cacheWriteTokens;
    this.sums.add(row, record);
  }

  /** A user's calls folded elsewhere (a .cmstate day of the user): their count and token sums by model. */
  merge(user: string, calls: number, tokens: ModelTokens): void {
    const row = this.rowOf(user);
    const at = row * WIDTH;
    const { input, output, cacheRead, cacheWrite } = tokens.totals();
    this.values[at + CALLS] = (this.values[at + CALLS] as number) + calls;
    this.values[at + TOKENS] = (this.values[at + TOKENS] as number) + input + output + cacheRead + cacheWrite;
    let folded = this.folded.get(row);
    if (folded === undefined) this.folded.set(row, (folded = new ModelTokens(this.pricing)));
    folded.merge(tokens);
  }

  /** Every user of the day, in the order of their first call. */
  *[Symbol.iterator](): Generator<UserUsage> {
    const values = this.values;
    for (const [user, row] of this.rows) {
      const at = row * WIDTH;
      const tokens = new ModelTokens(this.pricing);
      this.sums.addRowTo(tokens, row);
      const folded = this.folded.get(row);
      if (folded !== undefined) tokens.merge(folded);
      const { costUsd, unpricedCalls } = tokens.cost();
      yield { user, tokens: values[at + TOKENS] as number, costUsd, calls: values[at + CALLS] as number, unpricedCalls };
    }
  }

  private rowOf(user: string): number {
    let row = this.rows.get(user);
    if (row !== undefined) return row;
    row = this.rows.size;
    this.rows.set(user, row);
    if ((row + 1) * WIDTH > this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    return row;
  }
}

/**
 * Token sums of many owners (the rows of a week of minutes, the users of a day) as a few columns of numbers: how a
 * checkpoint keeps its large tables, read back without an object per sum.
 */
import type { StateReader } from './stateReader.js';

/** Per entry: its owner, its model (an index into `models`), its variant, and its calls and 5 sums. */
export interface TokenColumns {
  readonly models: readonly string[];
  readonly owner: Uint32Array;
  readonly model: Uint32Array;
  readonly variant: Uint8Array;
  /** VALUES_PER_ENTRY per entry: calls, then the 5 sums. */
  readonly values: Float64Array;
}

const SUMS = 5;
const VALUES_PER_ENTRY = 1 + SUMS;
/** Variants of a model's sums (long context × batch). */
const VARIANTS = 4;

export class TokenColumnsWriter {
  private readonly models = new Map<string, number>();
  private readonly owner: number[] = [];
  private readonly model: number[] = [];
  private readonly variant: number[] = [];
  private readonly values: number[] = [];

  /** An entry of `owner`: calls, and the 5 sums from `at` of `sums`. */
  add(owner: number, name: string, variant: number, calls: number, sums: ArrayLike<number>, at: number): void {
    let model = this.models.get(name);
    if (model === undefined) {
      model = this.models.size;
      this.models.set(name, model);
    }
    this.owner.push(owner);
    this.model.push(model);
    this.variant.push(variant);
    this.values.push(calls);
    for (let i = 0; i < SUMS; i++) this.values.push(sums[at + i] as number);
  }

  columns(): TokenColumns {
    return {
      models: [...this.models.keys()],
      owner: Uint32Array.from(this.owner),
      model: Uint32Array.from(this.model),
      variant: Uint8Array.from(this.variant),
      values: Float64Array.from(this.values),
    };
  }
}

/**
 * Each entry of a TokenColumns state, checked (owners below `owners`, known models and variants, counts and sums
 * whole and ≥ 0): `visit` gets calls and the 5 sums from `at` of `values`. Returns the calls of each owner.
 */
export function readTokenColumns(
  state: unknown,
  reader: StateReader,
  owners: number,
  visit: (owner: number, name: string, variant: number, calls: number, values: Float64Array, at: number) => void,
): Float64Array {
  const fields = reader.object(state, 'token sums');
  const models = reader.list(fields['models'], 'models').map((name, i) => reader.string(name, `models[${i}]`));
  const owner = reader.column(fields['owner'], Uint32Array, 'owner');
  const entries = owner.length;
  const model = reader.column(fields['model'], Uint32Array, 'model', entries);
  const variant = reader.column(fields['variant'], Uint8Array, 'variant', entries);
  const values = reader.column(fields['values'], Float64Array, 'values', entries * VALUES_PER_ENTRY);
  for (let i = 0; i < values.length; i++) if (!Number.isSafeInteger(values[i]) || (values[i] as number) < 0) reader.fail(`values[${i}] must be a whole number ≥ 0`);
  const calls = new Float64Array(owners);
  for (let i = 0; i < entries; i++) {
    const who = owner[i] as number;
    const name = models[model[i] as number];
    if (who >= owners || name === undefined || (variant[i] as number) >= VARIANTS) reader.fail(`entry ${i} names an owner, model or variant that is not there`);
    calls[who] = (calls[who] as number) + (values[i * VALUES_PER_ENTRY] as number);
    visit(who, name, variant[i] as number, values[i * VALUES_PER_ENTRY] as number, values, i * VALUES_PER_ENTRY + 1);
  }
  return calls;
}

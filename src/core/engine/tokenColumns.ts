/**
 * Token sums of many owners (the rows of a week of minutes, the users of a day) as a few columns of numbers: how a
 * checkpoint keeps its large tables, read back without an object per sum.
 */
import { VARIANTS } from '../modelTable.js';
import { FIELDS_PER_VARIANT } from '../modelTokens.js';
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

const SUMS = FIELDS_PER_VARIANT;
const VALUES_PER_ENTRY = 1 + SUMS;

export class TokenColumnsWriter {
  private readonly models = new Map<string, number>();
  private owner: Uint32Array;
  private model: Uint32Array;
  private variant: Uint8Array;
  private values: Float64Array;
  private entries = 0;

  /** `expected`: about how many entries will come (to size the columns once). */
  constructor(expected = 0) {
    const size = Math.max(1024, expected);
    this.owner = new Uint32Array(size);
    this.model = new Uint32Array(size);
    this.variant = new Uint8Array(size);
    this.values = new Float64Array(size * VALUES_PER_ENTRY);
  }

  /** An entry of `owner`: calls, and the 5 sums from `at` of `sums`. */
  add(owner: number, name: string, variant: number, calls: number, sums: ArrayLike<number>, at: number): void {
    let model = this.models.get(name);
    if (model === undefined) {
      model = this.models.size;
      this.models.set(name, model);
    }
    if (this.entries === this.owner.length) this.grow();
    const entry = this.entries++;
    this.owner[entry] = owner;
    this.model[entry] = model;
    this.variant[entry] = variant;
    const to = entry * VALUES_PER_ENTRY;
    this.values[to] = calls;
    for (let i = 0; i < SUMS; i++) this.values[to + 1 + i] = sums[at + i] as number;
  }

  columns(): TokenColumns {
    const entries = this.entries;
    return {
      models: [...this.models.keys()],
      owner: this.owner.subarray(0, entries),
      model: this.model.subarray(0, entries),
      variant: this.variant.subarray(0, entries),
      values: this.values.subarray(0, entries * VALUES_PER_ENTRY),
    };
  }

  private grow(): void {
    const grown = <T extends Uint32Array | Uint8Array | Float64Array>(column: T): T => {
      const bigger = new (column.constructor as new (length: number) => T)(column.length * 2);
      bigger.set(column);
      return bigger;
    };
    this.owner = grown(this.owner);
    this.model = grown(this.model);
    this.variant = grown(this.variant);
    this.values = grown(this.values);
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

/**
 * Token sums of many owners (the rows of a week of minutes, the users of a day) as a few columns of numbers: how a
 * checkpoint keeps its large tables, read back without an object per sum.
 */
import { FIELDS_PER_VARIANT, VARIANTS } from '../modelTokens.js';
import type { StateReader } from './stateReader.js';

/** Per entry: its owner, its model (an index into `models`), its variant, and its calls and 5 sums (ModelTable.columnsOf). */
export interface TokenColumns {
  readonly models: readonly string[];
  readonly owner: Uint32Array;
  readonly model: Uint32Array;
  readonly variant: Uint8Array;
  /** Per entry: calls, then the 5 sums; in 32 bits while every one fits (half the bytes to write and sync). */
  readonly values: Float64Array | Uint32Array;
}

/** An entry's values: calls, then the sums. */
const VALUES_PER_ENTRY = 1 + FIELDS_PER_VARIANT;

/**
 * A TokenColumns state checked: owners below `owners`, known models and variants, counts and sums whole and ≥ 0.
 * Returns the columns and the calls of each owner.
 */
export function checkTokenColumns(state: unknown, reader: StateReader, owners: number): { columns: TokenColumns; callsOfOwner: Float64Array } {
  const fields = reader.object(state, 'token sums');
  const models = reader.list(fields['models'], 'models').map((name, i) => reader.string(name, `models[${i}]`));
  const owner = reader.column(fields['owner'], Uint32Array, 'owner');
  const entries = owner.length;
  const model = reader.column(fields['model'], Uint32Array, 'model', entries);
  const variant = reader.column(fields['variant'], Uint8Array, 'variant', entries);
  const values = fields['values'] instanceof Uint32Array ? fields['values'] : reader.column(fields['values'], Float64Array, 'values', entries * VALUES_PER_ENTRY);
  if (values.length !== entries * VALUES_PER_ENTRY) reader.fail(`values holds ${values.length} numbers, where ${entries * VALUES_PER_ENTRY} are read`);
  for (let i = 0; i < values.length; i++) if (!Number.isSafeInteger(values[i]) || (values[i] as number) < 0) reader.fail(`values[${i}] must be a whole number ≥ 0`);
  const callsOfOwner = new Float64Array(owners);
  for (let i = 0; i < entries; i++) {
    const who = owner[i] as number;
    if (who >= owners || (model[i] as number) >= models.length || (variant[i] as number) >= VARIANTS) reader.fail(`entry ${i} names an owner, model or variant that is not there`);
    callsOfOwner[who] = (callsOfOwner[who] as number) + (values[i * VALUES_PER_ENTRY] as number);
  }
  return { columns: { models, owner, model, variant, values }, callsOfOwner };
}

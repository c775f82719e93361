/**
 * Calls after a run's now: not in its answer, but in a later run's, so the checkpoint carries them (as plain data)
 * and the next run hands them to its engine before reading on.
 */
import { StateReader } from '../core/engine/stateReader.js';
import { MutableCallRecord } from '../core/packedRecord.js';
import type { CallRecord } from '../core/types.js';

const TEMPLATE = new MutableCallRecord();
const FIELDS = Object.keys(TEMPLATE) as (keyof MutableCallRecord)[];

/** A copy of a (reused) record, as plain data. */
export function copyOfCall(record: CallRecord): CallRecord {
  const copy = new MutableCallRecord();
  for (const field of FIELDS) (copy as unknown as Record<string, unknown>)[field] = record[field];
  return copy;
}

/** A call of a checkpoint, every field checked against the record's own types. */
export function callOfState(value: unknown, reader: StateReader): CallRecord {
  const fields = reader.object(value, 'a postponed call');
  const call = new MutableCallRecord();
  for (const field of FIELDS) {
    const given = fields[field];
    const expected = TEMPLATE[field];
    const nullable = expected === null;
    const fits = given === null ? nullable : typeof given === (nullable ? typeof given : typeof expected) && (typeof given !== 'number' || Number.isFinite(given));
    if (!fits || (typeof given === 'object' && given !== null)) reader.fail(`a postponed call's ${field} is ${JSON.stringify(given)}`);
    (call as unknown as Record<string, unknown>)[field] = given;
  }
  return call;
}

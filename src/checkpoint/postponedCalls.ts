/**
 * Calls after a run's now: not in its answer, but in a later run's, so the checkpoint carries them (as plain data)
 * and the next run hands them to its engine before reading on.
 */
import type { Engine } from '../core/engine/engine.js';
import type { StateReader } from '../core/engine/stateReader.js';
import { MutableCallRecord } from '../core/packedRecord.js';
import type { CallRecord } from '../core/types.js';

const TEMPLATE = new MutableCallRecord();
const FIELDS = Object.keys(TEMPLATE) as (keyof MutableCallRecord)[];

/** Where a checkpointed run's calls go: into the engine, or — after `afterMs` — kept for a later run. */
export class PostponingSink {
  readonly postponed: CallRecord[] = [];

  constructor(
    private readonly engine: Engine,
    private readonly afterMs: number,
  ) {}

  add(record: CallRecord): void {
    if (record.timestampMs > this.afterMs) {
      this.postponed.push(copyOfCall(record));
      this.engine.advanceTo(record.timestampMs); // read, though not in a span yet
    } else {
      this.engine.add(record);
    }
  }

  /** The calls an earlier run postponed, handed on again (into the engine, or kept once more). */
  restore(calls: readonly unknown[], reader: StateReader): void {
    const checked = calls.map((call, i) => callOfState(call, reader.at(`[${i}]`)));
    for (const call of checked) this.add(call);
  }
}

/** A copy of a (reused) record, as plain data. */
function copyOfCall(record: CallRecord): CallRecord {
  const copy = new MutableCallRecord();
  for (const field of FIELDS) (copy as unknown as Record<string, unknown>)[field] = record[field];
  return copy;
}

/** A call of a checkpoint, every field checked against the record's own types. */
function callOfState(value: unknown, reader: StateReader): CallRecord {
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

/**
 * The ledgers of a fold as a `.cmstate` file: one JSON document, written a cell per line (a state of a million
 * users is never one string). Cells in a fixed order (hour, feature, model; day, user; hour, feature, user; hour,
 * model; hour), so the same logs give the same file.
 */
import { bucketStart, isEdgeBucket } from '../core/engine/bucketing.js';
import type { Cell, Ledger } from '../core/engine/ledger.js';
import type { Measure } from '../core/engine/measure.js';
import { type FoldLedgers, STATE_FORMAT, STATE_VERSION } from '../core/foldState.js';
import { compareStrings } from '../core/order.js';
import type { LineCounts } from '../core/types.js';

export function* renderStateFile(ledgers: FoldLedgers, newestMs: number | null, timezone: string, input: LineCounts, createdBy: string): Generator<string> {
  const header = { format: STATE_FORMAT, version: STATE_VERSION, createdBy, timezone, newestMs, input };
  yield `${JSON.stringify(header).slice(0, -1)},\n"hours":[`;
  yield* jsonLines(ledgers.hours, ([feature, model], cell) => ({ hour: bucketStart(cell.bucket), ...edge(cell), feature, model, stats: cell.measure.toState() }));
  yield '\n],\n"users":[';
  const { tz } = ledgers.users.spec;
  yield* jsonLines(ledgers.users, ([user], cell) => ({ day: tz.dayKey(bucketStart(cell.bucket)), ...edge(cell), user, stats: cell.measure.toState() }));
  yield '\n],\n"rateLimited":[';
  yield* jsonLines(ledgers.rateLimited, ([feature, user], cell) => ({
    hour: bucketStart(cell.bucket),
    ...edge(cell),
    feature,
    user,
    calls: cell.measure.calls,
    firstMs: cell.measure.firstCallMs,
    lastMs: cell.measure.lastCallMs,
  }));
  yield '\n],\n"rateLimitHeaders":[';
  yield* jsonLines(ledgers.rateLimitHeaders, ([model], cell) => ({ hour: bucketStart(cell.bucket), ...edge(cell), model, ...(cell.measure.toState() as object) }));
  yield '\n],\n"reportedCost":[';
  yield* jsonLines(ledgers.reportedCost, (_, cell) => ({ hour: bucketStart(cell.bucket), ...edge(cell), ...(cell.measure.toState() as object) }));
  yield '\n]}\n';
}

/** `"edge": true` for a cell of the calls exactly at its hour's (day's) start, nothing for the others. */
function edge(cell: Cell<unknown>): { edge?: true } {
  return isEdgeBucket(cell.bucket) ? { edge: true } : {};
}

/**
 * A ledger's cells a line each — by time, the edge cell of a bucket before the rest of it, then by the key's
 * values — each made plain data as its line is written.
 */
function* jsonLines<M extends Measure<M>>(ledger: Ledger<M>, plain: (values: string[], cell: Cell<M>) => unknown): Generator<string> {
  const cells = [...ledger.cells()].map((cell) => ({ cell, values: ledger.valuesOf(cell.key) }));
  cells.sort((a, b) => bucketStart(a.cell.bucket) - bucketStart(b.cell.bucket) || Number(isEdgeBucket(b.cell.bucket)) - Number(isEdgeBucket(a.cell.bucket)) || compareValues(a.values, b.values));
  let first = true;
  for (const { cell, values } of cells) {
    yield `${first ? '' : ','}\n${JSON.stringify(plain(values, cell))}`;
    first = false;
  }
}

function compareValues(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    const order = compareStrings(a[i] as string, b[i] as string);
    if (order !== 0) return order;
  }
  return 0;
}

/**
 * A ledger's cells as the groups of a report, in report order — time buckets in order, then the biggest groups
 * first, then by name — and their total, the merge of every cell, made when asked so the hot path records each
 * call once.
 */
import type { Ledger } from '../engine/ledger.js';
import { type GroupDimension, isTimeDimension } from '../grouping.js';
import { compareStrings } from '../order.js';
import type { StatsAccumulator } from '../stats.js';
import type { Stats } from '../types.js';

export interface GroupSnapshot {
  readonly key: Readonly<Partial<Record<GroupDimension, string>>>;
  readonly stats: Stats;
}

/**
 * The groups in report order, each snapshot made when the iteration reaches it, so a million groups never exist as
 * snapshots at once. Iterable any number of times (a table measures its columns, then writes them). It reads the
 * ledger's cells: add nothing to the ledger once it is read.
 */
export interface GroupList extends Iterable<GroupSnapshot> {
  readonly size: number;
}

export interface AggregateSnapshot {
  readonly groupBy: readonly GroupDimension[];
  readonly groups: GroupList;
  readonly total: Stats;
}

interface Group {
  readonly values: readonly string[];
  readonly stats: StatsAccumulator;
}

/**
 * The groups of summary's ledger: a group per key, its cells merged when the ledger keeps days (a span that moves
 * with now lets go of days; one bucket would keep a group's old calls as long as it has new ones).
 */
export function groupsOf(ledger: Ledger<StatsAccumulator>): AggregateSnapshot {
  const groupBy = ledger.dims;
  const byKey = new Map<string, StatsAccumulator>();
  for (const { key, measure } of ledger.cells()) {
    const kept = byKey.get(key);
    if (kept === undefined) {
      byKey.set(key, measure);
      continue;
    }
    // A new accumulator: the ledger's own cells are left as they are.
    const merged = ledger.spec.newMeasure();
    merged.merge(kept);
    merged.merge(measure);
    byKey.set(key, merged);
  }
  const ordered: Group[] = [];
  for (const [key, stats] of byKey) ordered.push({ values: ledger.valuesOf(key), stats });
  ordered.sort((a, b) => compareGroups(groupBy, a, b));
  const groups: GroupList = {
    size: ordered.length,
    *[Symbol.iterator]() {
      for (const group of ordered) {
        const key = Object.fromEntries(groupBy.map((dimension, i) => [dimension, group.values[i] as string]));
        yield { key, stats: group.stats.snapshot() };
      }
    },
  };
  return { groupBy, groups, total: ledger.total().snapshot() };
}

/** Time buckets in order, then the biggest groups first, then by name: a stable order for every format. */
function compareGroups(groupBy: readonly GroupDimension[], a: Group, b: Group): number {
  for (let i = 0; i < groupBy.length; i++) {
    const dimension = groupBy[i] as GroupDimension;
    if (!isTimeDimension(dimension)) continue;
    const [x, y] = [a.values[i] as string, b.values[i] as string];
    // Hour keys carry their offset: compare instants, or a repeated DST hour east of UTC sorts backwards.
    const order = dimension === 'hour' ? Date.parse(x) - Date.parse(y) : compareStrings(x, y);
    if (order !== 0) return order;
  }
  if (a.stats.calls !== b.stats.calls) return b.stats.calls - a.stats.calls;
  for (let i = 0; i < groupBy.length; i++) {
    const order = compareStrings(a.values[i] as string, b.values[i] as string);
    if (order !== 0) return order;
  }
  return 0;
}

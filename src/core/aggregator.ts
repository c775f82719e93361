/**
 * Records → one StatsAccumulator per group key. Mergeable (per file, per worker), and the total is the merge of
 * the groups, computed at snapshot time, so the hot path records each call once.
 */
import { accumulatorIn, compareStrings, StatsAccumulator } from './stats.js';
import { type GroupDimension, groupKeyOf, groupValuesOfKey, isTimeDimension } from './grouping.js';
import type { PriceBook } from './pricing.js';
import type { TimeZone } from './timezone.js';
import type { CallRecord, Stats } from './types.js';

export interface GroupSnapshot {
  readonly key: Readonly<Partial<Record<GroupDimension, string>>>;
  readonly stats: Stats;
}

/**
 * The groups in report order, each snapshot made when the iteration reaches it, so a million groups never exist as
 * snapshots at once. Iterable any number of times (a table measures its columns, then writes them). It reads the
 * aggregator's accumulators: add nothing to the aggregator once it is snapshotted.
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

export class Aggregator {
  /** By group key; the key's values are read back from it at snapshot (nothing else kept per group). */
  private readonly groups = new Map<string, StatsAccumulator>();

  constructor(
    readonly groupBy: readonly GroupDimension[],
    private readonly tz: TimeZone,
    private readonly pricing: PriceBook,
  ) {}

  add(record: CallRecord): void {
    accumulatorIn(this.groups, groupKeyOf(this.groupBy, record, this.tz), this.pricing).add(record);
  }

  /** Calls counted elsewhere (a .cmstate group) whose group is the one of `record` (only its grouped fields are read). */
  mergeAccumulator(record: CallRecord, stats: StatsAccumulator): void {
    accumulatorIn(this.groups, groupKeyOf(this.groupBy, record, this.tz), this.pricing).merge(stats);
  }

  merge(other: Aggregator): void {
    for (const [key, theirs] of other.groups) accumulatorIn(this.groups, key, this.pricing).merge(theirs);
  }

  snapshot(): AggregateSnapshot {
    const total = new StatsAccumulator(this.pricing);
    for (const stats of this.groups.values()) total.merge(stats);
    const ordered: Group[] = [];
    for (const [key, stats] of this.groups) ordered.push({ values: groupValuesOfKey(this.groupBy, key), stats });
    ordered.sort((a, b) => this.compareGroups(a, b));
    const groupBy = this.groupBy;
    const groups: GroupList = {
      size: ordered.length,
      *[Symbol.iterator]() {
        for (const group of ordered) {
          const key = Object.fromEntries(groupBy.map((dimension, i) => [dimension, group.values[i] as string]));
          yield { key, stats: group.stats.snapshot() };
        }
      },
    };
    return { groupBy, groups, total: total.snapshot() };
  }

  /** Time buckets in order, then the biggest groups first, then by name: a stable order for every format. */
  private compareGroups(a: Group, b: Group): number {
    for (let i = 0; i < this.groupBy.length; i++) {
      const dimension = this.groupBy[i] as GroupDimension;
      if (!isTimeDimension(dimension)) continue;
      const [x, y] = [a.values[i] as string, b.values[i] as string];
      // Hour keys carry their offset: compare instants, or a repeated DST hour east of UTC sorts backwards.
      const order = dimension === 'hour' ? Date.parse(x) - Date.parse(y) : compareStrings(x, y);
      if (order !== 0) return order;
    }
    if (a.stats.calls !== b.stats.calls) return b.stats.calls - a.stats.calls;
    for (let i = 0; i < this.groupBy.length; i++) {
      const order = compareStrings(a.values[i] as string, b.values[i] as string);
      if (order !== 0) return order;
    }
    return 0;
  }
}

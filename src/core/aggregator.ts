/**
 * Records → one StatsAccumulator per group key. Mergeable (per file, per worker), and the total is the merge of
 * the groups, computed at snapshot time, so the hot path records each call once.
 */
import { compareStrings, StatsAccumulator } from './stats.js';
import { dimensionValue, type GroupDimension, groupKeyOf, isTimeDimension } from './grouping.js';
import type { PriceBook } from './pricing.js';
import type { TimeZone } from './timezone.js';
import type { CallRecord, Stats } from './types.js';

export interface GroupSnapshot {
  readonly key: Readonly<Partial<Record<GroupDimension, string>>>;
  readonly stats: Stats;
}

export interface AggregateSnapshot {
  readonly groupBy: readonly GroupDimension[];
  readonly groups: readonly GroupSnapshot[];
  readonly total: Stats;
}

interface Group {
  readonly values: readonly string[];
  readonly stats: StatsAccumulator;
}

export class Aggregator {
  private readonly groups = new Map<string, Group>();

  constructor(
    readonly groupBy: readonly GroupDimension[],
    private readonly tz: TimeZone,
    private readonly pricing: PriceBook,
  ) {}

  add(record: CallRecord): void {
    const key = groupKeyOf(this.groupBy, record, this.tz);
    let group = this.groups.get(key);
    if (group === undefined) {
      const values = this.groupBy.map((dimension) => dimensionValue(dimension, record, this.tz));
      group = { values, stats: new StatsAccumulator(this.pricing) };
      this.groups.set(key, group);
    }
    group.stats.add(record);
  }

  merge(other: Aggregator): void {
    for (const [key, theirs] of other.groups) {
      let group = this.groups.get(key);
      if (group === undefined) {
        group = { values: theirs.values, stats: new StatsAccumulator(this.pricing) };
        this.groups.set(key, group);
      }
      group.stats.merge(theirs.stats);
    }
  }

  snapshot(): AggregateSnapshot {
    const total = new StatsAccumulator(this.pricing);
    const groups: GroupSnapshot[] = [];
    for (const group of this.groups.values()) {
      total.merge(group.stats);
      const key = Object.fromEntries(this.groupBy.map((dimension, i) => [dimension, group.values[i] as string]));
      groups.push({ key, stats: group.stats.snapshot() });
    }
    groups.sort((a, b) => this.compareGroups(a, b));
    return { groupBy: this.groupBy, groups, total: total.snapshot() };
  }

  /** Time buckets in order, then the biggest groups first, then by name: a stable order for every format. */
  private compareGroups(a: GroupSnapshot, b: GroupSnapshot): number {
    for (const dimension of this.groupBy) {
      if (!isTimeDimension(dimension)) continue;
      const [x, y] = [a.key[dimension] as string, b.key[dimension] as string];
      // Hour keys carry their offset: compare instants, or a repeated DST hour east of UTC sorts backwards.
      const order = dimension === 'hour' ? Date.parse(x) - Date.parse(y) : compareStrings(x, y);
      if (order !== 0) return order;
    }
    if (a.stats.calls !== b.stats.calls) return b.stats.calls - a.stats.calls;
    for (const dimension of this.groupBy) {
      const order = compareStrings(a.key[dimension] as string, b.key[dimension] as string);
      if (order !== 0) return order;
    }
    return 0;
  }
}

/**
 * What the alert rules look at, kept in bounded memory: the recent records themselves (for the rate and latency
 * windows, whose edges are exact) and, per calendar day in --tz, each scope's cost and calls by minute of the day
 * (for daily_cost, at minute resolution). The one engine behind `alerts`, `alerts --follow` (which keeps moving
 * the retention forward) and `alerts --backtest` (which retains a whole historical range).
 */
import { type GroupDimension, groupKeyOf, groupValuesOf } from '../grouping.js';
import { costOfRecord, type PriceBook } from '../pricing.js';
import type { TimeZone } from '../timezone.js';
import type { CallRecord } from '../types.js';
import { DRIVER_DIMENSIONS, DriverCosts, type DriverDimension } from './driverCosts.js';
import { MinuteSeries } from './minuteSeries.js';
import { RecentRecords } from './recentRecords.js';

export { DRIVER_DIMENSIONS, type DriverDimension } from './driverCosts.js';

const MS_PER_MINUTE = 60_000;

/** The whole input's scope. */
export const ALL = '';

/** What is kept: recent records after `recentFrom`, day ledgers from `daysFrom`; records after `until` are ignored. */
export interface Retention {
  readonly recentFrom: number;
  readonly daysFrom: number;
  readonly until: number;
}

/** One scope on one day. */
interface ScopeDay {
  readonly minutes: MinuteSeries;
}

interface Scope {
  readonly values: Readonly<Record<string, string>>;
  /** Its newest call: a scope whose calls all fell out of retention is let go. */
  lastMs: number;
}

export class AlertTimeline {
  private readonly recent = new RecentRecords();
  private readonly days = new Map<number, Map<string, ScopeDay>>();
  private readonly scopesByKey = new Map<string, Scope>();
  private newestMs = Number.NEGATIVE_INFINITY;
  /** The newest day, whose cost by feature, user and model `drivers` keeps. */
  private driverDay = Number.NEGATIVE_INFINITY;
  private readonly drivers: DriverCosts;
  /** The day of the last call added (let go by retain). */
  private lastDayStart = Number.NaN;
  private lastDay: Map<string, ScopeDay> | undefined;

  constructor(
    /** The breakdown of scopes besides the whole input (--by; default feature). */
    readonly breakdown: readonly GroupDimension[],
    private readonly tz: TimeZone,
    private readonly pricing: PriceBook,
    private retention: Retention,
  ) {
    this.drivers = new DriverCosts(breakdown);
  }

  /** The newest timestamp added, retained or not (for "the newest record is 3 h old"). */
  get newestRecordMs(): number | null {
    return this.newestMs === Number.NEGATIVE_INFINITY ? null : this.newestMs;
  }

  add(record: CallRecord): void {
    const time = record.timestampMs;
    if (time > this.newestMs) this.newestMs = time;
    if (time > this.retention.until || time < this.retention.daysFrom) return;
    const scope = this.touchScope(record);
    if (time > this.retention.recentFrom) this.recent.push(record);
    const dayStart = this.tz.startOfDay(time);
    // Nearly every call falls on the day of the one before: a lookup by a number key costs 2% of `alerts`.
    let day = dayStart === this.lastDayStart ? this.lastDay : this.days.get(dayStart);
    if (day === undefined) {
      day = new Map();
      this.days.set(dayStart, day);
    }
    this.lastDayStart = dayStart;
    this.lastDay = day;
    if (dayStart > this.driverDay) {
      // A daily_cost alert names drivers for the newest day only: the users of every past day would cost memory.
      this.drivers.clear();
      this.driverDay = dayStart;
    }
    const minute = Math.floor((time - dayStart) / MS_PER_MINUTE);
    const cost = costOfRecord(this.pricing, record);
    scopeDay(day, ALL).minutes.add(minute, cost);
    if (scope === ALL) return;
    scopeDay(day, scope).minutes.add(minute, cost);
    if (dayStart === this.driverDay && cost !== null) this.drivers.note(scope, record.feature, record.userId, record.model, cost);
  }

  /** Moves retention forward (--follow, or while reading with --now latest) and lets go of what falls before it. */
  retain(retention: Retention): void {
    this.retention = retention;
    this.recent.dropThrough(retention.recentFrom);
    this.lastDayStart = Number.NaN;
    this.lastDay = undefined;
    for (const dayStart of this.days.keys()) {
      if (this.tz.addDays(dayStart, 1) <= retention.daysFrom) this.days.delete(dayStart);
    }
    for (const [key, scope] of this.scopesByKey) {
      if (scope.lastMs < retention.daysFrom) this.scopesByKey.delete(key);
    }
  }

  /** Every scope with retained calls: the whole input first, then by their values (feature names, ...) in order. */
  scopes(): [key: string, values: Readonly<Record<string, string>>][] {
    const order = (values: Readonly<Record<string, string>>): string => Object.values(values).join('\u0000');
    const sorted = [...this.scopesByKey]
      .map(([key, scope]): [string, Readonly<Record<string, string>>] => [key, scope.values])
      .sort(([, a], [, b]) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
    return [[ALL, {}], ...sorted];
  }

  /** The scope a record belongs to besides the whole input. */
  scopeKeyOf(record: CallRecord): string {
    return groupKeyOf(this.breakdown, record, this.tz);
  }

  /** The record's scope key, the scope registered on its first call and its newest call noted. */
  private touchScope(record: CallRecord): string {
    const key = this.scopeKeyOf(record);
    if (key === ALL) return key;
    const scope = this.scopesByKey.get(key);
    if (scope === undefined) {
      this.scopesByKey.set(key, { values: groupValuesOf(this.breakdown, record, this.tz), lastMs: record.timestampMs });
    } else if (record.timestampMs > scope.lastMs) {
      scope.lastMs = record.timestampMs;
    }
    return key;
  }

  /** Recent records with timestamps in (from, to], oldest first. */
  recentIn(from: number, to: number): readonly CallRecord[] {
    return this.recent.between(from, to);
  }

  /**
   * A scope's cost and calls on the local day starting at dayStart, in the minutes that ended by `through`
   * (minute resolution: a call in the minute that `through` falls in counts from the next minute on; Infinity: the
   * whole day).
   */
  dayTotals(scope: string, dayStart: number, through: number): { costUsd: number; calls: number; unpricedCalls: number } {
    const series = this.days.get(dayStart)?.get(scope)?.minutes;
    if (series === undefined) return { costUsd: 0, calls: 0, unpricedCalls: 0 };
    const minute = through === Number.POSITIVE_INFINITY ? Number.POSITIVE_INFINITY : Math.floor((through - dayStart) / MS_PER_MINUTE);
    return { ...series.before(minute), unpricedCalls: series.unpricedCalls };
  }

  /** Whether the scope has any record on that day. */
  hasRecordsOn(scope: string, dayStart: number): boolean {
    return this.days.get(dayStart)?.has(scope) === true;
  }

  /**
   * The newest day's cost of the scope by feature, user and model (empty for other days). Kept per scope only;
   * the whole input's is their sum, made when asked (only for a firing daily_cost).
   */
  dayCostBy(scope: string, dayStart: number): ReadonlyMap<DriverDimension, ReadonlyMap<string, number>> {
    const result = new Map<DriverDimension, Map<string, number>>(DRIVER_DIMENSIONS.map((dimension) => [dimension, new Map()]));
    const add = (dimension: DriverDimension, value: string, usd: number): void => {
      const amounts = result.get(dimension) as Map<string, number>;
      amounts.set(value, (amounts.get(value) ?? 0) + usd);
    };
    for (const [key, entry] of this.days.get(dayStart) ?? []) {
      if (key === ALL || (scope !== ALL && key !== scope)) continue;
      for (const dimension of DRIVER_DIMENSIONS) {
        // A dimension the scopes are split by is not counted per call: each scope has one value of it.
        const value = this.scopesByKey.get(key)?.values[dimension];
        if (this.breakdown.includes(dimension)) add(dimension, value ?? '', entry.minutes.before(Number.POSITIVE_INFINITY).costUsd);
        else if (dayStart === this.driverDay) for (const [name, slot] of this.drivers.of(key)?.[dimension] ?? []) add(dimension, name, slot.usd);
      }
    }
    return result;
  }
}

function scopeDay(day: Map<string, ScopeDay>, scope: string): ScopeDay {
  let entry = day.get(scope);
  if (entry === undefined) {
    entry = { minutes: new MinuteSeries() };
    day.set(scope, entry);
  }
  return entry;
}

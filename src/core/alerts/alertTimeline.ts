/**
 * What the alert rules look at, kept in bounded memory: the recent records themselves (for the rate and latency
 * windows, whose edges are exact) and, per calendar day in --tz, each scope's cost and calls by minute of the day
 * (for daily_cost, at minute resolution). The one engine behind `alerts`, `alerts --follow` (which keeps moving
 * the retention forward) and `alerts --backtest` (which retains a whole historical range).
 */
import { dimensionValue, type GroupDimension } from '../grouping.js';
import { costOfRecord, type PriceBook } from '../pricing.js';
import type { TimeZone } from '../timezone.js';
import type { CallRecord } from '../types.js';
import { RecentRecords } from './recentRecords.js';

export const MS_PER_MINUTE = 60_000;
/** Local days last 23–25 hours. */
const MINUTES_PER_DAY_MAX = 25 * 60;
/** Dimensions a daily_cost alert names as its drivers. */
export const DRIVER_DIMENSIONS = ['feature', 'user', 'model'] as const;
export type DriverDimension = (typeof DRIVER_DIMENSIONS)[number];

/** The whole input's scope. */
export const ALL = '';

/** What is kept: recent records after `recentFrom`, day ledgers from `daysFrom`; records after `until` are ignored. */
export interface Retention {
  readonly recentFrom: number;
  readonly daysFrom: number;
  readonly until: number;
}

/** One scope's minutes of one day. */
interface ScopeDay {
  readonly costByMinute: Float64Array;
  readonly callsByMinute: Uint32Array;
  unpricedCalls: number;
  /** Cumulative cost and calls through each minute; rebuilt when the day changed. */
  cumulativeCost: Float64Array | null;
  cumulativeCalls: Float64Array | null;
  /** Cost by feature, user and model (not by the dimensions scopes are split by): a daily_cost alert's drivers. */
  readonly costBy: CostBy;
  cumulativeTotal(): number;
}

export class AlertTimeline {
  private readonly recent = new RecentRecords();
  private readonly days = new Map<number, Map<string, ScopeDay>>();
  private readonly scopeValues = new Map<string, Readonly<Record<string, string>>>();
  private newestMs = Number.NEGATIVE_INFINITY;
  private driverDay = Number.NEGATIVE_INFINITY;

  constructor(
    /** The breakdown of scopes besides the whole input (--by; default feature). */
    readonly breakdown: readonly GroupDimension[],
    private readonly tz: TimeZone,
    private readonly pricing: PriceBook,
    private retention: Retention,
  ) {}

  /** The newest timestamp added, retained or not (for "the newest record is 3 h old"). */
  get newestRecordMs(): number | null {
    return this.newestMs === Number.NEGATIVE_INFINITY ? null : this.newestMs;
  }

  add(record: CallRecord): void {
    const time = record.timestampMs;
    if (time > this.newestMs) this.newestMs = time;
    if (time > this.retention.until || time < this.retention.daysFrom) return;
    const scope = this.scopeKeyOf(record);
    if (time > this.retention.recentFrom) this.recent.push(record);
    const dayStart = this.tz.startOfDay(time);
    let day = this.days.get(dayStart);
    if (day === undefined) {
      day = new Map();
      this.days.set(dayStart, day);
    }
    if (dayStart > this.driverDay) this.moveDriverDay(dayStart);
    const minute = Math.min(Math.floor((time - dayStart) / MS_PER_MINUTE), MINUTES_PER_DAY_MAX - 1);
    const cost = costOfRecord(this.pricing, record);
    const drivers = dayStart === this.driverDay ? this.breakdown : null;
    addToDay(day, ALL, minute, cost, record, drivers);
    if (scope !== ALL) addToDay(day, scope, minute, cost, record, drivers);
  }

  /**
   * Cost by user, feature and model is kept for the newest day only: a daily_cost alert names drivers for today,
   * and the users of every past day would cost memory for nothing.
   */
  private moveDriverDay(dayStart: number): void {
    for (const entry of this.days.get(this.driverDay)?.values() ?? []) {
      for (const dimension of DRIVER_DIMENSIONS) entry.costBy[dimension].clear();
    }
    this.driverDay = dayStart;
  }

  /** Moves retention forward (--follow) and lets go of what falls before it. */
  retain(retention: Retention): void {
    this.retention = retention;
    this.recent.dropThrough(retention.recentFrom);
    for (const dayStart of this.days.keys()) {
      if (this.tz.addDays(dayStart, 1) <= retention.daysFrom) this.days.delete(dayStart);
    }
  }

  /** Every scope seen: the whole input first, then by their values (feature names, ...) in order. */
  scopes(): [key: string, values: Readonly<Record<string, string>>][] {
    const order = (values: Readonly<Record<string, string>>): string => Object.values(values).join('\u0000');
    const sorted = [...this.scopeValues].sort(([, a], [, b]) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
    return [[ALL, {}], ...sorted];
  }

  /** The scope a record belongs to besides the whole input. */
  scopeKeyOf(record: CallRecord): string {
    if (this.breakdown.length === 0) return ALL;
    let key = '';
    for (const dimension of this.breakdown) {
      const value = dimensionValue(dimension, record, this.tz);
      key += `${value.length}:${value}`;
    }
    if (!this.scopeValues.has(key)) {
      this.scopeValues.set(key, Object.fromEntries(this.breakdown.map((dimension) => [dimension, dimensionValue(dimension, record, this.tz)])));
    }
    return key;
  }

  /** Recent records with timestamps in (from, to], oldest first. */
  recentIn(from: number, to: number): readonly CallRecord[] {
    return this.recent.between(from, to);
  }

  /**
   * A scope's cost and calls on the local day starting at dayStart, through the minute containing `through`
   * (Infinity: the whole day); calls 0 when the scope has no record that day.
   */
  dayTotals(scope: string, dayStart: number, through: number): { costUsd: number; calls: number; unpricedCalls: number } {
    const day = this.days.get(dayStart)?.get(scope);
    if (day === undefined) return { costUsd: 0, calls: 0, unpricedCalls: 0 };
    if (day.cumulativeCost === null || day.cumulativeCalls === null) {
      day.cumulativeCost = cumulative(day.costByMinute);
      day.cumulativeCalls = cumulative(day.callsByMinute);
    }
    const minute = through === Number.POSITIVE_INFINITY ? MINUTES_PER_DAY_MAX - 1 : Math.floor((through - dayStart) / MS_PER_MINUTE);
    const at = Math.max(-1, Math.min(minute, MINUTES_PER_DAY_MAX - 1));
    if (at < 0) return { costUsd: 0, calls: 0, unpricedCalls: 0 };
    return { costUsd: day.cumulativeCost[at] as number, calls: day.cumulativeCalls[at] as number, unpricedCalls: day.unpricedCalls };
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
    const day = this.days.get(dayStart);
    const result = new Map<DriverDimension, Map<string, number>>(DRIVER_DIMENSIONS.map((dimension) => [dimension, new Map()]));
    const add = (dimension: DriverDimension, value: string, usd: number): void => {
      const amounts = result.get(dimension) as Map<string, number>;
      amounts.set(value, (amounts.get(value) ?? 0) + usd);
    };
    for (const [key, entry] of day ?? []) {
      if (key === ALL || (scope !== ALL && key !== scope)) continue;
      for (const dimension of DRIVER_DIMENSIONS) {
        // A dimension the scopes are split by is not counted per call: each scope has one value of it.
        if (this.breakdown.includes(dimension)) add(dimension, this.scopeValues.get(key)?.[dimension] ?? '', entry.cumulativeTotal());
        else for (const [value, slot] of entry.costBy[dimension]) add(dimension, value, slot.usd);
      }
    }
    return result;
  }

}

type CostBy = Readonly<Record<DriverDimension, Map<string, { usd: number }>>>;

function addToDay(
  day: Map<string, ScopeDay>,
  scope: string,
  minute: number,
  cost: number | null,
  record: CallRecord,
  /** The scopes' breakdown when the call's cost by user, feature and model is kept (today), else null. */
  breakdown: readonly string[] | null,
): void {
  let entry = day.get(scope);
  if (entry === undefined) {
    entry = {
      costByMinute: new Float64Array(MINUTES_PER_DAY_MAX),
      callsByMinute: new Uint32Array(MINUTES_PER_DAY_MAX),
      unpricedCalls: 0,
      cumulativeCost: null,
      cumulativeCalls: null,
      costBy: { feature: new Map(), user: new Map(), model: new Map() },
      cumulativeTotal(): number {
        let sum = 0;
        for (const usd of this.costByMinute) sum += usd;
        return sum;
      },
    };
    day.set(scope, entry);
  }
  entry.callsByMinute[minute] = (entry.callsByMinute[minute] as number) + 1;
  entry.cumulativeCost = null;
  entry.cumulativeCalls = null;
  if (cost === null) {
    entry.unpricedCalls++;
    return;
  }
  entry.costByMinute[minute] = (entry.costByMinute[minute] as number) + cost;
  if (scope === ALL || breakdown === null) return;
  if (!breakdown.includes('feature')) addCost(entry.costBy.feature, record.feature, cost);
  if (!breakdown.includes('user')) addCost(entry.costBy.user, record.userId, cost);
  if (!breakdown.includes('model')) addCost(entry.costBy.model, record.model, cost);
}

/** One lookup per call in the common case: the slot is updated in place. */
function addCost(amounts: Map<string, { usd: number }>, value: string, cost: number): void {
  const slot = amounts.get(value);
  if (slot === undefined) amounts.set(value, { usd: cost });
  else slot.usd += cost;
}

function cumulative(values: Float64Array | Uint32Array): Float64Array {
  const sums = new Float64Array(values.length);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i] as number;
    sums[i] = sum;
  }
  return sums;
}

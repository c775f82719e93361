/**
 * The ratelimit_headroom rule: for each configured limit of a model class, its use in the peak clock minute of the
 * window (counted as `limits` counts it: calls that were not 429s, ITPM's tokens, output tokens; batch calls left
 * out), over the limit. It fires when that is over the threshold (80% by default), and names the features, users
 * and models with the most of that minute.
 */
import { MINUTE_MS } from '../durations.js';
import type { LimitPools, PoolLimit } from '../limits/limitPools.js';
import { peakOf } from '../limits/limitsReport.js';
import { addUsage, drawsOnLimits, hitLimits, LIMIT_KINDS, type Usage } from '../limits/rateUsage.js';
import { formatWindow } from '../timeRange.js';
import type { CallRecord } from '../types.js';
import type { TimeWindow } from '../window.js';
import type { RuleSettings } from './alertConfig.js';
import { DRIVER_DIMENSIONS, type DriverDimension } from './alertParts.js';
import type { Evaluation } from './evaluate.js';
import { type Driver, topDrivers } from './topDrivers.js';

/** One class's calls of a window: those that drew on its limits, by minute, and its 429s. */
interface PoolWindow {
  readonly calls: readonly CallRecord[];
  readonly rateLimited: number;
  /** Minute start → RPM, ITPM, OTPM, in time order. */
  readonly minutes: readonly [number, Usage][];
}

/** The windows' calls split by class once, however many limits of a class are evaluated. */
export class PoolWindows {
  private readonly byPool = new Map<string, { calls: CallRecord[]; rateLimited: number; minutes: Map<number, Usage> }>();

  constructor(
    readonly window: TimeWindow,
    records: readonly CallRecord[],
    private readonly pools: LimitPools,
  ) {
    for (const record of records) {
      const draws = drawsOnLimits(record);
      if (!draws && !hitLimits(record)) continue; // a batch call: limits of its own
      const pool = pools.groupOf(record.model);
      let sums = this.byPool.get(pool);
      if (sums === undefined) this.byPool.set(pool, (sums = { calls: [], rateLimited: 0, minutes: new Map() }));
      if (!draws) {
        sums.rateLimited++;
        continue;
      }
      sums.calls.push(record);
      addUsage(sums.minutes, Math.floor(record.timestampMs / MINUTE_MS) * MINUTE_MS, pools.usageOf(record));
    }
  }

  of(pool: string): PoolWindow {
    const sums = this.byPool.get(pool);
    if (sums === undefined) return { calls: [], rateLimited: 0, minutes: [] };
    return { calls: sums.calls, rateLimited: sums.rateLimited, minutes: [...sums.minutes].sort(([a], [b]) => a - b) };
  }

  /** A call's use of the limits. */
  usageOf(record: CallRecord): Usage {
    return this.pools.usageOf(record);
  }
}

export function evaluateHeadroom({ pool, kind, limit }: PoolLimit, settings: RuleSettings, windows: PoolWindows, nowMs: number): Evaluation {
  const k = LIMIT_KINDS.indexOf(kind);
  const { calls, rateLimited, minutes } = windows.of(pool);
  const base = {
    rule: 'ratelimit_headroom',
    scope: { class: pool, limit: kind },
    scopeKey: JSON.stringify([pool, kind]),
    severity: settings.severity,
    window: formatWindow(nowMs - windows.window.from.ms),
    fromMs: windows.window.from.ms,
    toMs: nowMs,
    threshold: settings.threshold,
  } as const;
  if (calls.length === 0) {
    // Only 429s: at its limits, maybe, but with no use to measure (the rate_limited rule fires on them).
    if (rateLimited > 0) {
      const reason = `no call of ${pool} served in the window, ${rateLimited} rate-limited: no use to measure (rate_limited judges them)`;
      return { ...base, state: 'insufficient', value: null, sample: { calls: 0, rateLimited, limit }, drivers: [], reason };
    }
    return { ...base, state: 'no_data', value: null, sample: { calls: 0, rateLimited, limit }, drivers: [], reason: `no calls of ${pool} in the window` };
  }
  const { value: peak, atMs: peakAtMs } = peakOf(minutes, k);
  const value = peak / limit;
  const firing = value > settings.threshold;
  return {
    ...base,
    state: firing ? 'firing' : 'ok',
    value,
    sample: { calls: calls.length, rateLimited, peak, peakAtMs, limit },
    drivers: firing ? driversOf(calls, peakAtMs, k, windows) : [],
    reason: null,
  };
}

/** The features, users and models with most of limit `k` in the minute from `minuteMs`, among the window's values. */
function driversOf(calls: readonly CallRecord[], minuteMs: number, k: number, windows: PoolWindows): Driver[] {
  const amounts = byDimension();
  const population = byDimension();
  for (const record of calls) {
    const inMinute = record.timestampMs >= minuteMs && record.timestampMs < minuteMs + MINUTE_MS;
    const amount = inMinute ? (windows.usageOf(record)[k] as number) : 0;
    for (const dimension of DRIVER_DIMENSIONS) {
      const value = dimension === 'feature' ? record.feature : dimension === 'user' ? record.userId : record.model;
      population.get(dimension)?.set(value, 1);
      if (!inMinute) continue;
      const sums = amounts.get(dimension) as Map<string, number>;
      sums.set(value, (sums.get(value) ?? 0) + amount);
    }
  }
  return topDrivers(amounts, [], population);
}

function byDimension(): Map<DriverDimension, Map<string, number>> {
  return new Map(DRIVER_DIMENSIONS.map((dimension) => [dimension, new Map<string, number>()]));
}

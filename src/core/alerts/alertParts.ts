/**
 * What the alert rules read, as parts of the engine: the calls of the rate and latency windows themselves (their
 * edges are exact, and drivers and slow calls are counted call by call), each scope's calls and token sums by
 * minute over the baseline days (daily_cost: today so far exactly, the days before up to the same minute of the
 * day), and today's token sums by driver. The one source of `alerts`, `alerts --follow` (whose now moves) and
 * `alerts --backtest` (whose spans cover a whole historical range).
 */
import { MINUTE_MS } from '../durations.js';
import type { Bucketing } from '../engine/bucketing.js';
import type { Engine, SpanRule } from '../engine/engine.js';
import { RecentCalls, WHOLE_CALLS } from '../engine/recentCalls.js';
import { TokenLedger } from '../engine/tokenLedger.js';
import { type GroupDimension, groupKeyOf } from '../grouping.js';
import { compareStrings } from '../order.js';
import type { PriceBook } from '../pricing.js';
import type { TimeZone } from '../timezone.js';
import type { CallRecord } from '../types.js';
import type { ModelTokens } from '../modelTokens.js';
import { calendarSpan, sinceStart, type TimeWindow } from '../window.js';
import { DriverTokens, type TokensBy } from './driverTokens.js';

export { DRIVER_DIMENSIONS, type DriverDimension } from './driverTokens.js';

/** The whole input's scope: every scope's cells together (no scope's key is empty: every label has a default). */
export const ALL = '';

/**
 * The spans of the parts — the recent calls, the baseline days, today's drivers — and how the baseline days are
 * cut: by minute, or, at a fixed now, only at the starts of the days and at the minute of now's time of day on each
 * (all the rules ever ask of them).
 */
export interface AlertSpans {
  readonly recent: SpanRule;
  readonly days: SpanRule;
  readonly today: SpanRule;
  readonly minutes: Bucketing;
}

/** Calls, cost and unpriced calls of a scope over a window. */
export interface ScopeUsage {
  readonly calls: number;
  readonly costUsd: number;
  readonly unpricedCalls: number;
}

function usageOf(calls: number, tokens: ModelTokens): ScopeUsage {
  const { costUsd, unpricedCalls } = tokens.cost();
  return { calls, costUsd, unpricedCalls };
}

/** The minutes' key of a scope: none for the whole input (every key's cells). */
function ledgerKeyOf(scope: string): string | undefined {
  return scope === ALL ? undefined : scope;
}

export class AlertParts {
  private readonly recent: RecentCalls<CallRecord>;
  /** By scope; the whole input is the sum of the scopes. */
  private readonly minutes: TokenLedger;
  private readonly drivers: DriverTokens;

  constructor(
    private readonly engine: Engine,
    /** The breakdown of scopes besides the whole input (--by; default feature). */
    readonly breakdown: readonly GroupDimension[],
    private readonly tz: TimeZone,
    pricing: PriceBook,
    spans: AlertSpans,
  ) {
    this.recent = engine.part(new RecentCalls(WHOLE_CALLS), spans.recent);
    this.minutes = engine.part(new TokenLedger({ bucketing: spans.minutes, dims: breakdown, tz, pricing }), spans.days);
    this.drivers = engine.part(new DriverTokens(breakdown, tz, pricing), spans.today);
  }

  /** The newest call read, in a span or not (for "the newest record is 3 h old"). */
  get newestRecordMs(): number | null {
    return this.engine.newestMs;
  }

  /** Every scope with calls in the baseline days: the whole input first, then by their values in order. */
  scopes(): [key: string, values: Readonly<Record<string, string>>][] {
    const scopes = [...this.minutes.keys()].map((key): [string, Record<string, string>] => {
      const values = this.minutes.valuesOf(key);
      return [key, Object.fromEntries(this.breakdown.map((dimension, i) => [dimension, values[i] as string]))];
    });
    const order = (values: Readonly<Record<string, string>>): string => Object.values(values).join('\u0000');
    scopes.sort(([, a], [, b]) => compareStrings(order(a), order(b)));
    return [[ALL, {}], ...scopes];
  }

  /** The scope a call belongs to besides the whole input. */
  scopeKeyOf(record: CallRecord): string {
    return groupKeyOf(this.breakdown, record, this.tz);
  }

  /** The calls in `window`, oldest first. */
  callsIn(window: TimeWindow): readonly CallRecord[] {
    return this.recent.callsIn(window);
  }

  /** A scope's calls and cost over a window of whole minutes (a day, the part of a day before a minute). */
  wholeMinutes(scope: string, window: TimeWindow): ScopeUsage {
    const { calls, tokens } = this.minutes.sum(window, ledgerKeyOf(scope));
    return usageOf(calls, tokens);
  }

  /**
   * A scope's calls and cost from `startMs` (a day's start) up to and including now, exactly: the whole minutes
   * before now's minute, and the calls of that minute up to now (the recent calls cover it; later calls of the
   * minute, kept by a backtest or --follow, are left out).
   */
  soFar(scope: string, startMs: number, nowMs: number): ScopeUsage {
    const split = Math.max(startMs, Math.floor(nowMs / MINUTE_MS) * MINUTE_MS);
    const { calls, tokens } = this.minutes.sum(calendarSpan(startMs, split), ledgerKeyOf(scope));
    let more = 0;
    for (const record of this.recent.callsIn(sinceStart(split, nowMs))) {
      if (scope !== ALL && this.scopeKeyOf(record) !== scope) continue;
      tokens.add(record);
      more++;
    }
    return usageOf(calls + more, tokens);
  }

  /** Whether the scope has a call in `window`. */
  hasCallsIn(scope: string, window: TimeWindow): boolean {
    return this.minutes.hasCallsIn(ledgerKeyOf(scope), window);
  }

  /** Today's token sums of the scope by feature, user and model. */
  todayBy(scope: string): TokensBy {
    return this.drivers.of(scope === ALL ? undefined : scope);
  }

  /** Calls per model without a price over the baseline days. */
  unpricedModels(): Record<string, number> {
    return this.minutes.unpricedModels();
  }
}

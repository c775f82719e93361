/**
 * The folded state of some logs (`claude-mon fold`, a `.cmstate` file): the engine's ledgers of a StatsAccumulator
 * per UTC hour × feature × model and per day (in the fold's time zone) × user — everything `summary` reports of
 * those groups, exactly: token sums by model (priced when a report is made), latencies exact for small groups and
 * as an HDR histogram above, the counts by stop reason, error type and status — and beside them the rate-limited
 * calls by hour × feature × user (how many, the first and the last: the dashboard's 429 panel), few in any log, and
 * the rate-limit headers logged by hour × model (the lowest remaining, the highest limit), and by hour the cost a
 * proxy reported for its calls beside their cost priced here.
 * States merge by adding their cells, so the summary of the states of N shards equals the summary of the shards'
 * logs read in one pass (duplicates are dropped within a shard, not across shards).
 *
 * The calls exactly at an hour's start (a day's, for users) are a cell of their own, so that a window that ends at
 * and includes a whole hour, (now − 1h, now], never cuts a cell at any resolution of the logs' timestamps.
 */
import { CallCount } from './engine/measure.js';
import { Ledger } from './engine/ledger.js';
import { COUNT_MEASURE, statsMeasure } from './engine/measureKinds.js';
import type { GroupDimension } from './grouping.js';
import { StatsAccumulator, type AccumulatorState } from './stats.js';
import type { PriceBook } from './pricing.js';
import type { TimeZone } from './timezone.js';
import type { LineCounts } from './types.js';
import { isRateLimited } from './callOutcome.js';
import { logsRateLimitHeaders, RATE_LIMIT_HEADERS_MEASURE, type RateLimitHeaders } from './rateLimitHeaders.js';
import { type ReportedCost, reportedCostMeasure, reportsCost } from './reportedCost.js';

export const STATE_FORMAT = 'claude-mon-state';
/**
 * 2 added `rateLimited`; version 1 states are read without it (the dashboard refuses them). 3 added
 * `rateLimitHeaders` and `reportedCost`; older states are read without them, as if no call had logged a header or
 * a reported cost (they did not keep them).
 */
export const STATE_VERSION = 3;

/** The ledgers a `.cmstate` holds. */
export interface FoldLedgers {
  readonly hours: Ledger<StatsAccumulator>;
  readonly users: Ledger<StatsAccumulator>;
  readonly rateLimited: Ledger<CallCount>;
  readonly rateLimitHeaders: Ledger<RateLimitHeaders>;
  readonly reportedCost: Ledger<ReportedCost>;
}

export function makeFoldLedgers(tz: TimeZone, pricing: PriceBook): FoldLedgers {
  return {
    hours: new Ledger({ bucketing: { unit: 'hour', edges: true }, dims: ['feature', 'model'], tz, ...statsMeasure(pricing) }),
    users: new Ledger({ bucketing: { unit: 'day', tz, edges: true }, dims: ['user'], tz, ...statsMeasure(pricing) }),
    rateLimited: new Ledger({ bucketing: { unit: 'hour', edges: true }, dims: ['feature', 'user'], tz, ...COUNT_MEASURE, keeps: isRateLimited }),
    rateLimitHeaders: rateLimitHeadersByHour(tz),
    reportedCost: new Ledger({ bucketing: { unit: 'hour', edges: true }, dims: [], tz, ...reportedCostMeasure(pricing), keeps: reportsCost }),
  };
}

/** The rate-limit headers by hour (the calls at its start apart) and model: a fold's, and the folded ones a report reads. */
export function rateLimitHeadersByHour(tz: TimeZone): Ledger<RateLimitHeaders> {
  return new Ledger({ bucketing: { unit: 'hour', edges: true }, dims: ['model'], tz, ...RATE_LIMIT_HEADERS_MEASURE, keeps: logsRateLimitHeaders });
}

export interface HourGroup {
  readonly hourMs: number;
  /** The calls exactly at the hour's start, kept apart from the rest of the hour. */
  readonly edge: boolean;
  readonly feature: string;
  readonly model: string;
  readonly stats: StatsAccumulator;
}

export interface UserDayGroup {
  /** YYYY-MM-DD in the state's time zone. */
  readonly day: string;
  /** The calls exactly at the day's start (midnight), kept apart like an hour's. */
  readonly edge: boolean;
  readonly user: string;
  readonly stats: StatsAccumulator;
}

export interface RateLimitGroup {
  readonly hourMs: number;
  /** The calls exactly at the hour's start, kept apart like an hour's. */
  readonly edge: boolean;
  readonly feature: string;
  readonly user: string;
  readonly count: CallCount;
}

export interface RateLimitHeadersGroup {
  readonly hourMs: number;
  /** The calls exactly at the hour's start, kept apart like an hour's. */
  readonly edge: boolean;
  readonly model: string;
  readonly headers: RateLimitHeaders;
}

export interface ReportedCostGroup {
  readonly hourMs: number;
  /** The calls exactly at the hour's start, kept apart like an hour's. */
  readonly edge: boolean;
  readonly cost: ReportedCost;
}

export type StateSection = 'hours' | 'users' | 'rateLimited' | 'rateLimitHeaders' | 'reportedCost';

/** The dimensions each section's cells are grouped by (time aside). */
export const SECTION_DIMENSIONS: Readonly<Record<StateSection, readonly GroupDimension[]>> = {
  hours: ['feature', 'model'],
  users: ['user'],
  rateLimited: ['feature', 'user'],
  rateLimitHeaders: ['model'],
  reportedCost: [],
};

/** A state file's document, as written (src/render/stateFile.ts) and read (src/input/stateDocument.ts). */
export interface StateDocument {
  readonly format: typeof STATE_FORMAT;
  readonly version: number;
  readonly createdBy: string;
  readonly timezone: string;
  readonly input: LineCounts;
  /** The newest call (null: none), since version 2: a report at --now latest need not read the groups for it. */
  readonly newestMs?: number | null;
  /** `edge` (since version 2): the group of the calls exactly at the hour's (the day's) start. */
  readonly hours: readonly { readonly hour: number; readonly edge?: true; readonly feature: string; readonly model: string; readonly stats: AccumulatorState }[];
  readonly users: readonly { readonly day: string; readonly edge?: true; readonly user: string; readonly stats: AccumulatorState }[];
  /** Since version 2. */
  readonly rateLimited?: readonly { readonly hour: number; readonly edge?: true; readonly feature: string; readonly user: string; readonly calls: number; readonly firstMs: number; readonly lastMs: number }[];
  /** Since version 3: beside hour, edge and model, the fields of a RateLimitHeaders' state. */
  readonly rateLimitHeaders?: readonly { readonly hour: number; readonly edge?: true; readonly model: string }[];
  /** Since version 3: beside hour and edge, the fields of a ReportedCost's state. */
  readonly reportedCost?: readonly { readonly hour: number; readonly edge?: true }[];
}

export interface ReadState {
  readonly version: number;
  /** The newest call (−Infinity: none); in a version 1 state, of the sections read. */
  readonly newestMs: number;
  readonly timezone: string;
  readonly input: LineCounts;
  readonly hours: readonly HourGroup[];
  readonly users: readonly UserDayGroup[];
  /** Empty in a version 1 state. */
  readonly rateLimited: readonly RateLimitGroup[];
  /** Empty before version 3. */
  readonly rateLimitHeaders: readonly RateLimitHeadersGroup[];
  readonly reportedCost: readonly ReportedCostGroup[];
}

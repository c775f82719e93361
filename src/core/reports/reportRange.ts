/**
 * The report page's filters: the summary columns of a range of whole days and a set of features, recomputed from
 * the report's aggregates (reportAggregates.ts) by the formulas StatsAccumulator divides with (figures.ts). Bundled
 * into the page (page/reportPage.ts) and run by the tests beside `summary --since DAY --until DAY`: pure, and it
 * imports nothing but the formulas and the string order.
 */
import { type OutcomeSums, type Rates, ratesOf, roundUsd } from '../figures.js';
import { compareStrings } from '../order.js';

/** The columns of a `byDay` row, in order. */
export const DAY_COLUMNS = ['day', 'feature', 'calls', 'errors', 'rateLimited', 'maxTokensStops', 'okPromptTokens', 'okCacheReadTokens', 'pricedCalls', 'costUsd'] as const;
/** The columns of a `byHour` row, in order. */
export const HOUR_COLUMNS = ['hour', 'feature', 'calls', 'errors', 'rateLimited'] as const;
/** The columns of a `latencyByDay` row, in order (milliseconds). */
export const LATENCY_COLUMNS = ['day', 'feature', 'p50Ms', 'p95Ms'] as const;
/** The columns of a `rateLimitedByUser` row, in order; user −1 is every user not in `users`. */
export const RATE_LIMITED_COLUMNS = ['hour', 'feature', 'user', 'count'] as const;

/** A row's column indexes by name: `row[DAY.calls]`. */
function indexesOf<const C extends readonly string[]>(columns: C): Readonly<Record<C[number], number>> {
  return Object.fromEntries(columns.map((column, i) => [column, i])) as Record<C[number], number>;
}

export const DAY = indexesOf(DAY_COLUMNS);
export const HOUR = indexesOf(HOUR_COLUMNS);
export const LATENCY = indexesOf(LATENCY_COLUMNS);
export const RATE_LIMITED = indexesOf(RATE_LIMITED_COLUMNS);

/** A row of `columns` from its values by name. */
export function rowOf<const C extends readonly string[], V>(columns: C, values: Readonly<Record<C[number], V>>): V[] {
  return columns.map((column: C[number]) => values[column]);
}

/** Sums, never calls: what the page's filters recompute from (the `aggregates` of the page's data). */
export interface ReportAggregates {
  /** Now, to the microsecond: what `--now` takes to give the same figures (printed times stop at milliseconds). */
  readonly now: string;
  /** The days' starts (UTC ms), as the trend's days, and their dates (YYYY-MM-DD in the report's zone). */
  readonly dayStartsMs: readonly number[];
  readonly days: readonly string[];
  /** The first hour's start (UTC ms); hour i starts i hours later. */
  readonly firstHourMs: number;
  readonly hourCount: number;
  readonly features: readonly string[];
  /** The users whose 429s are kept apart, most 429s first. */
  readonly users: readonly string[];
  /** Rows of DAY_COLUMNS, HOUR_COLUMNS, RATE_LIMITED_COLUMNS and LATENCY_COLUMNS; day, hour, feature and user are indexes. */
  readonly byDay: readonly (readonly number[])[];
  readonly byHour: readonly (readonly number[])[];
  readonly rateLimitedByUser: readonly (readonly number[])[];
  readonly latencyByDay: readonly (readonly (number | null)[])[];
  /**
   * With rate limits in the config: each limit's use in every minute of the 24 hours up to now (minute i starts i
   * minutes after the first), as `limits` counts it; null without limits, or from states.
   */
  readonly limitMinutes: {
    readonly firstMinuteMs: number;
    readonly series: readonly { readonly class: string; readonly kind: 'rpm' | 'itpm' | 'otpm'; readonly limit: number; readonly values: readonly number[] }[];
  } | null;
}

/** A feature's (or the features') figures over the range: what `summary --json` gives, latency aside. */
export interface RangeGroup extends Rates {
  readonly feature: string;
  readonly calls: number;
  readonly errors: number;
  readonly rateLimited: number;
  readonly maxTokensStops: number;
}

export interface RangeSummary {
  /** Most calls first, then by name (summary's order). */
  readonly groups: readonly RangeGroup[];
  readonly total: RangeGroup;
}

type Sums = { -readonly [K in keyof OutcomeSums | 'rateLimited']: number };

/** Days `fromDay` to `toDay` (indexes of dayStartsMs, both included), of `features` (null: all). */
export function rangeSummary(aggregates: ReportAggregates, fromDay: number, toDay: number, features: ReadonlySet<string> | null): RangeSummary {
  const byFeature = new Map<string, Sums>();
  const total = emptySums();
  const summed = ['calls', 'errors', 'rateLimited', 'maxTokensStops', 'okPromptTokens', 'okCacheReadTokens', 'pricedCalls'] as const;
  for (const row of aggregates.byDay) {
    const day = row[DAY.day] as number;
    const name = aggregates.features[row[DAY.feature] as number] ?? '';
    if (day < fromDay || day > toDay || (features !== null && !features.has(name))) continue;
    const sums = byFeature.get(name) ?? (byFeature.set(name, emptySums()).get(name) as Sums);
    for (const into of [sums, total]) {
      for (const column of summed) into[column] += row[DAY[column]] as number;
      // Each day's cost is rounded to 10⁻¹⁰ USD; so is their sum, as summary rounds the range's.
      into.costUsd = roundUsd(into.costUsd + (row[DAY.costUsd] as number));
    }
  }
  const groups = [...byFeature].map(([feature, sums]) => groupOf(feature, sums)).sort((a, b) => b.calls - a.calls || compareStrings(a.feature, b.feature));
  return { groups, total: groupOf('TOTAL', total) };
}

function emptySums(): Sums {
  return { calls: 0, errors: 0, rateLimited: 0, maxTokensStops: 0, okPromptTokens: 0, okCacheReadTokens: 0, pricedCalls: 0, costUsd: 0 };
}

function groupOf(feature: string, sums: Sums): RangeGroup {
  return { feature, calls: sums.calls, errors: sums.errors, rateLimited: sums.rateLimited, maxTokensStops: sums.maxTokensStops, ...ratesOf(sums) };
}

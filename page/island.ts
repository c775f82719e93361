/**
 * The page's data island, as far as the page reads it: `dashboard`, `summary` and `trend` are those commands' --json
 * output (their JSON Schemas are in schemas/), `aggregates` the sums the filters recompute from.
 */
import type { ReportAggregates } from '../src/core/reports/reportRange.js';

export interface Island {
  readonly dashboard: Dashboard;
  readonly summary: Summary;
  readonly trend: Trend;
  readonly aggregates: ReportAggregates;
}

interface Dashboard {
  readonly now: string;
  readonly timezone: string;
  readonly costToday: { readonly todayUsd: number; readonly yesterdayUsd: number; readonly yesterdaySameTimeUsd: number; readonly changePct: number | null };
  readonly slowestFeature: {
    readonly window: string;
    readonly feature: string | null;
    readonly p95Ms: number | null;
    readonly calls: number | null;
    readonly ranking: readonly { readonly feature: string; readonly p95Ms: number | null; readonly calls: number }[];
  };
  readonly rateLimits: { readonly window: string; readonly count: number; readonly byFeature: Readonly<Record<string, number>>; readonly byUser: Readonly<Record<string, number>> };
  readonly topUsersByCost: readonly { readonly user: string; readonly costUsd: number; readonly calls: number }[];
}

export interface SummaryGroup {
  readonly calls: number;
  readonly errors: number;
  readonly errorRate: number | null;
  readonly rateLimited: number;
  readonly maxTokensStops: number;
  readonly latencyMs: { readonly p50: number | null; readonly p95: number | null; readonly p99: number | null };
  readonly costUsd: number;
  readonly costPerCallUsd: number | null;
  readonly cacheHitRate: number | null;
  readonly maxTokensRate: number | null;
}

interface Summary {
  readonly range: { readonly from: string; readonly to: string };
  readonly groups: readonly (SummaryGroup & { readonly key: { readonly feature: string } })[];
  readonly total: SummaryGroup;
}

interface Trend {
  readonly series: readonly { readonly key: { readonly feature: string }; readonly flags: readonly { readonly kind: string; readonly change: number }[] }[];
}

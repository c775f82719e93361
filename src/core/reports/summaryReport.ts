/** Everything a `summary` renderer needs, as plain data. */
import type { AggregateSnapshot } from './groups.js';
import type { ModelRateLimits } from '../rateLimitHeaders.js';
import type { ReportedCostSummary } from '../reportedCost.js';
import type { LineCounts } from '../types.js';

export interface SummaryReport {
  /** The requested range, or the data's own first/last record where a bound was not given; null when unknown. */
  readonly range: { readonly fromMs: number | null; readonly toMs: number | null };
  readonly timezone: string;
  readonly aggregate: AggregateSnapshot;
  readonly input: LineCounts;
  readonly pricing: {
    readonly asOf: string;
    readonly unpricedModels: Readonly<Record<string, number>>;
    /** The cost a proxy reported for its calls in the range, beside the cost priced here (null: no call reported one). */
    readonly reportedCost: ReportedCostSummary | null;
  };
  /** The rate-limit headers logged in the range, per model (none when no call logged one). */
  readonly rateLimits: readonly ModelRateLimits[];
}

/**
 * The figures divided out of a group's sums, by one formula wherever they are shown: StatsAccumulator's snapshot,
 * and the report page's filters, which recompute them in the browser from the days' sums (page/reportPage.ts).
 * Pure, with no imports: it is bundled into the page too.
 */

/** Rounds money to 10⁻¹⁰ USD, so sums print as 0.0193, not 0.019299999999999998. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e10) / 1e10;
}

/** numerator ÷ denominator; null when there is nothing to divide by. */
export function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

/** The sums the rates of a group are divided from. */
export interface OutcomeSums {
  readonly calls: number;
  readonly errors: number;
  readonly maxTokensStops: number;
  /** Prompt tokens (input, cache reads, cache writes) of the successful calls, and cache reads among them. */
  readonly okPromptTokens: number;
  readonly okCacheReadTokens: number;
  /** Calls of models with a price, and their cost. */
  readonly pricedCalls: number;
  readonly costUsd: number;
}

export interface Rates {
  readonly errorRate: number | null;
  readonly costUsd: number;
  readonly costPerCallUsd: number | null;
  readonly cacheHitRate: number | null;
  readonly maxTokensRate: number | null;
}

export function ratesOf(sums: OutcomeSums): Rates {
  return {
    errorRate: ratio(sums.errors, sums.calls),
    costUsd: roundUsd(sums.costUsd),
    costPerCallUsd: sums.pricedCalls === 0 ? null : roundUsd(sums.costUsd / sums.pricedCalls),
    cacheHitRate: ratio(sums.okCacheReadTokens, sums.okPromptTokens),
    maxTokensRate: ratio(sums.maxTokensStops, sums.calls - sums.errors),
  };
}

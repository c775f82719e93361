import { describe, expect, it } from 'vitest';
import { PriceBook } from '../../src/core/pricing.js';
import { StatsAccumulator } from '../../src/core/stats.js';
import { call } from './records.js';

const pricing = PriceBook.embedded();

/** Seven calls whose every metric is worked out by hand below. */
const CALLS = [
  call({ inputTokens: 1000, outputTokens: 500, cacheReadTokens: 2000, latencyMs: 100, stopReason: 'end_turn' }),
  call({ inputTokens: 500, outputTokens: 1000, cacheWriteTokens: 1000, cacheWrite1hTokens: 400, latencyMs: 200, stopReason: 'max_tokens' }),
  call({ latencyMs: 50, stopReason: 'error', error: 'RateLimitError', errorStatus: 429 }),
  call({ model: 'claude-haiku-4-5', inputTokens: 100, latencyMs: 3000, errorStatus: 500 }),
  call({ model: 'mystery-model', inputTokens: 10, outputTokens: 10, latencyMs: 400, stopReason: 'end_turn' }),
  call({ model: 'claude-haiku-4-5', latencyMs: 60, error: 'OverloadedError' }),
  call({ model: 'claude-haiku-4-5', inputTokens: 1000, outputTokens: 1000, latencyMs: 500, stopReason: 'max_tokens', batch: true }),
];

function fold(calls: typeof CALLS): StatsAccumulator {
  const stats = new StatsAccumulator(pricing);
  for (const record of calls) stats.add(record);
  return stats;
}

describe('StatsAccumulator', () => {
  it('computes every metric of docs/definitions.md exactly as defined', () => {
    const cost1 = (1000 * 3 + 500 * 15 + 2000 * 0.3) / 1e6; // Sonnet 4.5: input, output, cache read
    const cost2 = (500 * 3 + 1000 * 15 + 600 * 3.75 + 400 * 6) / 1e6; // 5m and 1h cache writes priced apart
    const cost4 = (100 * 1) / 1e6; // Haiku 4.5, a failed call that still billed its input
    const cost7 = ((1000 * 1 + 1000 * 5) / 1e6) * 0.5; // batch: half price
    const snapshot = fold(CALLS).snapshot();
    expect(snapshot).toMatchObject({
      calls: 7,
      errors: 3, // RateLimitError/429, status 500 without a name, OverloadedError without a status
      rateLimited: 1,
      overloaded: 1,
      latencyMs: { p50: 200, p95: 3000, p99: 3000, max: 3000 },
      tokens: { input: 2610, output: 2510, cacheRead: 2000, cacheWrite: 1000 },
      unpricedCalls: 1,
      unpricedModels: { 'mystery-model': 1 },
      maxTokensStops: 2,
      maxTokensRate: 2 / 4, // over the 4 successful calls
      stopReasons: { end_turn: 2, error: 1, max_tokens: 2 },
      errorTypes: { OverloadedError: 1, RateLimitError: 1 },
      errorStatuses: { '429': 1, '500': 1 },
    });
    expect(snapshot.errorRate).toBeCloseTo(3 / 7, 15);
    expect(snapshot.latencyMs.mean).toBe(615.714); // 4310 / 7, to the µs the sums are kept in
    expect(snapshot.costUsd).toBeCloseTo(cost1 + cost2 + cost4 + cost7, 10); // money is kept to 10⁻¹⁰ USD
    expect(snapshot.costPerCallUsd).toBeCloseTo((cost1 + cost2 + cost4 + cost7) / 6, 10); // 6 priced calls
    // Cache reads over all prompt tokens (input + reads + writes) of successful calls — not reads / input.
    expect(snapshot.cacheHitRate).toBeCloseTo(2000 / (3000 + 1500 + 10 + 1000), 15);
  });

  it('prices a whole call at the long-context rates only above the threshold (a cliff)', () => {
    const snapshot = fold([
      call({ inputTokens: 150_000, cacheReadTokens: 50_000, outputTokens: 1000 }), // exactly 200,000: base rates
      call({ inputTokens: 150_001, cacheReadTokens: 50_000, outputTokens: 1000 }), // 200,001: every token at the tier
    ]).snapshot();
    const base = (150_000 * 3 + 50_000 * 0.3 + 1000 * 15) / 1e6;
    const tier = (150_001 * 6 + 50_000 * 0.6 + 1000 * 22.5) / 1e6;
    expect(snapshot.costUsd).toBeCloseTo(base + tier, 12);
  });

  it('has null rates and percentiles when empty, never NaN', () => {
    const snapshot = new StatsAccumulator(pricing).snapshot();
    expect(snapshot).toMatchObject({
      calls: 0,
      errorRate: null,
      costUsd: 0,
      costPerCallUsd: null,
      cacheHitRate: null,
      maxTokensRate: null,
      latencyMs: { p50: null, p95: null, p99: null, max: null, mean: null },
    });
  });

  it('merges to exactly the same snapshot as one pass, in any split', () => {
    const whole = fold(CALLS).snapshot();
    for (let cut = 0; cut <= CALLS.length; cut++) {
      const left = fold(CALLS.slice(0, cut));
      left.merge(fold(CALLS.slice(cut)));
      expect(left.snapshot()).toEqual(whole);
      const right = fold(CALLS.slice(cut));
      right.merge(fold(CALLS.slice(0, cut)));
      expect(right.snapshot()).toEqual(whole);
    }
  });

  it('counts keys like __proto__ and constructor as ordinary values', () => {
    const snapshot = fold([
      call({ error: '__proto__', stopReason: 'constructor' }),
      call({ error: '__proto__', stopReason: 'hasOwnProperty' }),
    ]).snapshot();
    expect(Object.getOwnPropertyNames(snapshot.errorTypes)).toEqual(['__proto__']);
    expect(snapshot.errorTypes['__proto__']).toBe(2);
    expect(JSON.parse(JSON.stringify(snapshot.stopReasons))).toEqual(JSON.parse('{"constructor":1,"hasOwnProperty":1}'));
  });
});

describe('latency percentiles', () => {
  /** Exact nearest-rank percentile of a sample. */
  function nearestRank(sorted: readonly number[], p: number): number {
    return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1] as number;
  }

  it.each([12_000, 100_000])('are within 0.1 percent of the exact nearest-rank value on %i lognormal samples', (n) => {
    let seed = n;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return (seed + 1) / (2 ** 31 + 1);
    };
    const latencies = Array.from({ length: n }, () => {
      const gaussian = Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next());
      return Math.round(Math.exp(7 + 1.1 * gaussian) * 1000) / 1000; // ~1.1 s median, long tail, µs precision
    });
    const stats = fold(latencies.map((latencyMs) => call({ latencyMs })));
    const sorted = [...latencies].sort((a, b) => a - b);
    const { latencyMs } = stats.snapshot();
    for (const [p, value] of [[50, latencyMs.p50], [95, latencyMs.p95], [99, latencyMs.p99]] as const) {
      const exact = nearestRank(sorted, p);
      expect(Math.abs((value as number) - exact) / exact, `p${p}: ${value} vs ${exact}`).toBeLessThanOrEqual(0.001);
    }
    expect(latencyMs.max).toBe(sorted[sorted.length - 1]);
  });

  it('are exact for small groups (up to 256 calls)', () => {
    const latencies = Array.from({ length: 200 }, (_, i) => 1000 + i * 7.25);
    const { latencyMs } = fold(latencies.map((latencyMs) => call({ latencyMs }))).snapshot();
    expect(latencyMs.p50).toBe(latencies[99]);
    expect(latencyMs.p95).toBe(latencies[189]);
  });
});

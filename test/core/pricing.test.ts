import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { EMBEDDED_PRICES, type ModelPrice } from '../../src/core/priceTable.js';
import { PriceBook, costOfTokens, type TokenSums } from '../../src/core/pricing.js';
import { StatsAccumulator } from '../../src/core/stats.js';
import { call } from './records.js';

const book = PriceBook.embedded();

function priceOf(model: string, from: PriceBook = book): ModelPrice {
  const price = from.resolve(model);
  if (price === null) throw new Error(`${model} did not resolve`);
  return price;
}

function tokens(sums: Partial<TokenSums>): TokenSums {
  return { input: 0, output: 0, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0, ...sums };
}

/** Cents of a cent are plenty; the float error of these sums is ~1e-18. */
const DIGITS = 12;
/** Reported costs are rounded to 1e-10 USD. */
const COST_DIGITS = 9;

/** One call's cost as the summary computes it: a StatsAccumulator holding that call alone. */
function costOfCall(model: string, sums: TokenSums, batch: boolean): number | null {
  const stats = new StatsAccumulator(book);
  stats.add(
    call({
      model,
      inputTokens: sums.input,
      outputTokens: sums.output,
      cacheReadTokens: sums.cacheRead,
      cacheWriteTokens: sums.cacheWrite5m + sums.cacheWrite1h,
      cacheWrite1hTokens: sums.cacheWrite1h,
      batch,
    }),
  );
  return stats.snapshot().costUsd;
}

describe('the cost of calls, through the accumulator that computes it', () => {
  it('prices a plain call', () => {
    const cost = costOfCall('claude-sonnet-4-5', tokens({ input: 1000, output: 500 }), false);
    expect(cost).toBeCloseTo((1000 * 3 + 500 * 15) / 1e6, COST_DIGITS);
  });

  it('prices cache reads and 5-minute and 1-hour writes separately', () => {
    const call = tokens({ input: 2000, cacheRead: 10_000, cacheWrite5m: 3000, cacheWrite1h: 1000, output: 800 });
    const cost = costOfCall('claude-opus-4-6', call, false);
    expect(cost).toBeCloseTo((2000 * 5 + 10_000 * 0.5 + 3000 * 6.25 + 1000 * 10 + 800 * 25) / 1e6, COST_DIGITS);
  });

  it('keeps Sonnet 4.5 at base prices at exactly 200,000 prompt tokens', () => {
    const call = tokens({ input: 150_000, cacheRead: 40_000, cacheWrite5m: 6000, cacheWrite1h: 4000, output: 1000 });
    const cost = costOfCall('claude-sonnet-4-5', call, false);
    expect(cost).toBeCloseTo((150_000 * 3 + 40_000 * 0.3 + 6000 * 3.75 + 4000 * 6 + 1000 * 15) / 1e6, COST_DIGITS);
  });

  it('bills every Sonnet 4.5 token at long-context prices one token past 200,000', () => {
    const call = tokens({ input: 150_001, cacheRead: 40_000, cacheWrite5m: 6000, cacheWrite1h: 4000, output: 1000 });
    const cost = costOfCall('claude-sonnet-4-5', call, false);
    expect(cost).toBeCloseTo((150_001 * 6 + 40_000 * 0.6 + 6000 * 7.5 + 4000 * 12 + 1000 * 22.5) / 1e6, COST_DIGITS);
  });

  it('puts the Haiku 5.5 cliff at 100,000 prompt tokens', () => {
    const below = costOfCall('claude-haiku-5-5', tokens({ input: 60_000, cacheRead: 40_000, output: 2000 }), false);
    expect(below).toBeCloseTo((60_000 * 0.1 + 40_000 * 0.01 + 2000 * 0.5) / 1e6, COST_DIGITS);
    const above = costOfCall('claude-haiku-5-5', tokens({ input: 60_001, cacheRead: 40_000, output: 2000 }), false);
    expect(above).toBeCloseTo((60_001 * 0.5 + 40_000 * 0.05 + 2000 * 2.5) / 1e6, COST_DIGITS);
  });

  it('halves a batch call, stacking with long context', () => {
    const cost = costOfCall('claude-haiku-5-5', tokens({ input: 100_001, cacheWrite5m: 1000, output: 2000 }), true);
    expect(cost).toBeCloseTo(((100_001 * 0.5 + 1000 * 0.625 + 2000 * 2.5) / 1e6) * 0.5, COST_DIGITS);
  });

  it('sums calls on each side of the cliff at their own prices', () => {
    const stats = new StatsAccumulator(book);
    stats.add(call({ model: 'claude-sonnet-4-5', inputTokens: 200_000, outputTokens: 100 }));
    stats.add(call({ model: 'claude-sonnet-4-5', inputTokens: 200_001, outputTokens: 100 }));
    stats.add(call({ model: 'claude-sonnet-4-5', inputTokens: 200_001, outputTokens: 100, batch: true }));
    const base = (200_000 * 3 + 100 * 15) / 1e6;
    const long = (200_001 * 6 + 100 * 22.5) / 1e6;
    expect(stats.snapshot().costUsd).toBeCloseTo(base + long + long / 2, COST_DIGITS);
  });

  it('ignores prompt size for a model without a long-context tier', () => {
    const cost = costOfCall('claude-opus-4-6', tokens({ input: 900_000, output: 10 }), false);
    expect(cost).toBeCloseTo((900_000 * 5 + 10 * 25) / 1e6, COST_DIGITS);
  });
});

describe('costOfTokens', () => {
  const sums = tokens({ input: 3_000_000, cacheRead: 1_000_000, cacheWrite5m: 200_000, output: 50_000 });

  it('uses the tier the caller decided, whatever the sums add up to', () => {
    const cost = costOfTokens(priceOf('claude-sonnet-4-5'), sums, true, false);
    expect(cost).toBeCloseTo((3_000_000 * 6 + 1_000_000 * 0.6 + 200_000 * 7.5 + 50_000 * 22.5) / 1e6, DIGITS);
    const base = costOfTokens(priceOf('claude-sonnet-4-5'), sums, false, true);
    expect(base).toBeCloseTo(((3_000_000 * 3 + 1_000_000 * 0.3 + 200_000 * 3.75 + 50_000 * 15) / 1e6) * 0.5, DIGITS);
  });

  it('falls back to base prices when asked for long context on a model without a tier', () => {
    const cost = costOfTokens(priceOf('claude-haiku-4-5'), sums, true, false);
    expect(cost).toBeCloseTo((3_000_000 * 1 + 1_000_000 * 0.1 + 200_000 * 1.25 + 50_000 * 5) / 1e6, DIGITS);
  });
});

describe('PriceBook.resolve', () => {
  it('returns null for an unknown model, and no long-context threshold', () => {
    expect(book.resolve('gpt-4o')).toBeNull();
    expect(book.resolve('claude-opus-4-6-fast')).toBeNull();
    expect(book.resolve('')).toBeNull();
    expect(book.longContextThreshold('gpt-4o')).toBe(Number.POSITIVE_INFINITY);
  });

  it('knows the long-context thresholds', () => {
    expect(book.longContextThreshold('claude-sonnet-4-5')).toBe(200_000);
    expect(book.longContextThreshold('claude-sonnet-4-20250514')).toBe(200_000);
    expect(book.longContextThreshold('claude-haiku-5-5')).toBe(100_000);
    expect(book.longContextThreshold('claude-sonnet-4-6')).toBe(Number.POSITIVE_INFINITY);
  });

  // [input, output, cache write 5m, cache write 1h, cache read], copied from claude-prices.json (2026-11-26).
  const reference: Record<string, [number, number, number, number, number]> = {
    'claude-fable-5-2': [8, 40, 10, 16, 0.2],
    'claude-mythos-5-2': [8, 40, 10, 16, 0.2],
    'claude-fable-5-1': [10, 50, 12.5, 20, 0.25],
    'claude-fable-5': [10, 50, 12.5, 20, 1],
    'claude-opus-5-5': [4, 20, 5, 8, 0.2],
    'claude-opus-5': [5, 25, 6.25, 10, 0.5],
    'claude-opus-4-5': [5, 25, 6.25, 10, 0.5],
    'claude-opus-4-1-20250805': [15, 75, 18.75, 30, 1.5],
    'claude-4-opus-20250514': [15, 75, 18.75, 30, 1.5],
    'claude-sonnet-5-5': [2, 10, 2.5, 4, 0.1],
    'claude-sonnet-5': [2, 10, 2.5, 4, 0.2],
    'claude-sonnet-4-6': [3, 15, 3.75, 6, 0.3],
    'claude-haiku-4-5-20251001': [1, 5, 1.25, 2, 0.1],
    'claude-3-5-haiku-latest': [0.8, 4, 1, 1.6, 0.08],
    'claude-3-haiku-20240307': [0.25, 1.25, 0.3, 0.5, 0.03],
    // The reference has no cache prices for these: standard multipliers of input (1.25×, 2×, 0.1×).
    'claude-3-sonnet-20240229': [3, 15, 3.75, 6, 0.3],
    'claude-2.1': [8, 24, 10, 16, 0.8],
    'claude-instant-1.2': [0.8, 2.4, 1, 1.6, 0.08],
  };
  for (const [id, [input, output, cacheWrite5m, cacheWrite1h, cacheRead]] of Object.entries(reference)) {
    it(`prices ${id} as the reference does`, () => {
      expect(priceOf(id)).toEqual({ input, output, cacheWrite5m, cacheWrite1h, cacheRead });
    });
  }

  it('carries the long-context tiers of the reference', () => {
    const sonnet4Tier = {
      thresholdTokens: 200_000,
      input: 6,
      output: 22.5,
      cacheWrite5m: 7.5,
      cacheWrite1h: 12,
      cacheRead: 0.6,
    };
    const sonnet4Ids = ['claude-sonnet-4-5', 'claude-sonnet-4-5-20250929', 'claude-sonnet-4-20250514'];
    for (const id of [...sonnet4Ids, 'claude-sonnet-4-0']) {
      expect(priceOf(id).longContext).toEqual(sonnet4Tier);
    }
    expect(priceOf('claude-haiku-5-5').longContext).toEqual({
      thresholdTokens: 100_000,
      input: 0.5,
      output: 2.5,
      cacheWrite5m: 0.625,
      cacheWrite1h: 1,
      cacheRead: 0.05,
    });
  });

  // The 43 ids of claude-prices.json, Bedrock's legacy names, and LiteLLM's dated keys for dateless models.
  const allIds = [
    'claude-fable-5-2', 'claude-mythos-5-2', 'claude-fable-5-1', 'claude-mythos-5-1', 'claude-fable-5',
    'claude-mythos-5', 'claude-opus-5-5', 'claude-opus-5', 'claude-opus-4-8', 'claude-opus-4-7', 'claude-opus-4-6',
    'claude-opus-4-5', 'claude-opus-4-5-20251101', 'claude-opus-4-1', 'claude-opus-4-1-20250805',
    'claude-opus-4-20250514', 'claude-opus-4-0', 'claude-4-opus-20250514', 'claude-sonnet-5-5', 'claude-sonnet-5',
    'claude-sonnet-4-6', 'claude-sonnet-4-5', 'claude-sonnet-4-5-20250929', 'claude-sonnet-4-20250514',
    'claude-sonnet-4-0', 'claude-4-sonnet-20250514', 'claude-3-7-sonnet-20250219', 'claude-3-7-sonnet-latest',
    'claude-haiku-5-5', 'claude-haiku-4-5', 'claude-haiku-4-5-20251001', 'claude-3-5-haiku-20241022',
    'claude-3-5-haiku-latest', 'claude-3-5-sonnet-20241022', 'claude-3-5-sonnet-20240620', 'claude-3-5-sonnet-latest',
    'claude-3-opus-20240229', 'claude-3-opus-latest', 'claude-3-haiku-20240307', 'claude-3-sonnet-20240229',
    'claude-2.1', 'claude-2.0', 'claude-instant-1.2',
    'claude-v2', 'claude-v2:1', 'claude-instant-v1', 'claude-opus-4-6-20260205', 'claude-opus-4-7-20260416',
  ];
  it('resolves all 48 known ids', () => {
    expect(allIds).toHaveLength(48);
    expect(allIds.filter((id) => book.resolve(id) === null)).toEqual([]);
  });

  it('gives dated and dateless ids of one model the same price', () => {
    const pairs = [
      ['claude-sonnet-4-5', 'claude-sonnet-4-5-20250929'],
      ['claude-opus-4-0', 'claude-opus-4-20250514'],
      ['claude-3-5-sonnet-latest', 'claude-3-5-sonnet-20241022'],
      ['claude-v2:1', 'claude-2.1'],
      ['claude-v2', 'claude-2.0'],
      ['claude-instant-v1', 'claude-instant-1.2'],
      ['claude-opus-4-6-20260205', 'claude-opus-4-6'],
    ] as const;
    for (const [alias, id] of pairs) expect(priceOf(alias)).toBe(priceOf(id));
  });

  it('reads provider forms of model ids', () => {
    const sonnet45 = priceOf('claude-sonnet-4-5-20250929');
    for (const raw of [
      'anthropic/claude-sonnet-4-5',
      'anthropic.claude-sonnet-4-5-20250929-v1:0',
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'claude-sonnet-4-5@20250929',
      'CLAUDE-SONNET-4-5',
    ]) {
      expect(book.resolve(raw), raw).toBe(sonnet45);
    }
    const haiku35 = priceOf('claude-3-5-haiku-20241022');
    expect(book.resolve('bedrock/us.anthropic.claude-3-5-haiku-20241022-v1:0')).toBe(haiku35);
    expect(book.resolve('claude-opus-4-6-20260205')).toBe(priceOf('claude-opus-4-6'));
    expect(book.resolve('anthropic.claude-v2:1')).toBe(priceOf('claude-2.1'));
  });

  it('answers a repeated model string from its cache', () => {
    expect(book.resolve('anthropic/claude-opus-4-6')).toBe(book.resolve('anthropic/claude-opus-4-6'));
  });
});

describe('EMBEDDED_PRICES', () => {
  it('is dated and sourced', () => {
    expect(EMBEDDED_PRICES.asOf).toBe('2026-11-26');
    expect(book.asOf).toBe('2026-11-26');
    expect(EMBEDDED_PRICES.sources.length).toBeGreaterThan(10);
  });

  it('points every alias at a model', () => {
    const models = Object.keys(EMBEDDED_PRICES.models);
    for (const target of Object.values(EMBEDDED_PRICES.aliases)) expect(models).toContain(target);
  });
});

describe('PriceBook.withOverrides', () => {
  it('replaces a whole model, through its aliases, leaving the original book alone', () => {
    const next = book.withOverrides({ models: { 'claude-sonnet-4-5': { input: 1, output: 2 } } }, 'prices.json');
    const expected = { input: 1, output: 2, cacheWrite5m: 1.25, cacheWrite1h: 2, cacheRead: 0.1 };
    expect(priceOf('claude-sonnet-4-5', next)).toEqual(expected);
    expect(priceOf('claude-sonnet-4-5-20250929', next)).toEqual(expected);
    expect(priceOf('claude-sonnet-4-5', next).longContext).toBeUndefined();
    expect(priceOf('claude-sonnet-4-5').input).toBe(3);
    expect(next.asOf).toBe('2026-11-26');
  });

  it('adds a model with cache prices defaulted from input and a long-context tier', () => {
    const next = book.withOverrides(
      {
        asOf: '2026-12-01',
        models: {
          'My-Model': {
            input: 4,
            output: 20,
            cache_read: 0.2,
            display_name: 'ignored',
            long_context: { threshold_tokens: 500_000, input: 8, output: 30 },
          },
        },
        aliases: { 'prod-model': 'my-model', 'prod-sonnet': 'claude-sonnet-4-5' },
      },
      'prices.json',
    );
    expect(next.asOf).toBe('2026-12-01');
    expect(priceOf('anthropic/my-model', next)).toEqual({
      input: 4,
      output: 20,
      cacheWrite5m: 4 * 1.25,
      cacheWrite1h: 4 * 2,
      cacheRead: 0.2,
      longContext: {
        thresholdTokens: 500_000,
        input: 8,
        output: 30,
        cacheWrite5m: 8 * 1.25,
        cacheWrite1h: 8 * 2,
        cacheRead: 0.8,
      },
    });
    expect(priceOf('prod-model', next)).toBe(priceOf('my-model', next));
    expect(priceOf('prod-sonnet', next)).toBe(priceOf('claude-sonnet-4-5-20250929', next));
    expect(next.longContextThreshold('my-model')).toBe(500_000);
  });

  it('treats null cache prices as missing', () => {
    const next = book.withOverrides(
      { models: { old: { input: 8, output: 24, cache_write_5m: null, cache_write_1h: null, cache_read: null } } },
      'p.json',
    );
    expect(priceOf('old', next)).toEqual({ input: 8, output: 24, cacheWrite5m: 10, cacheWrite1h: 16, cacheRead: 0.8 });
  });

  // [what, file JSON, the exact message]
  const rejects: [string, unknown, string][] = [
    [
      'a string price',
      { models: { x: { input: '3', output: 5 } } },
      'prices.json: models["x"].input: expected a non-negative number, got "3"',
    ],
    [
      'a missing output',
      { models: { x: { input: 3 } } },
      'prices.json: models["x"].output: expected a non-negative number, got nothing',
    ],
    [
      'a negative price',
      { models: { x: { input: 3, output: 5, cache_read: -1 } } },
      'prices.json: models["x"].cache_read: expected a non-negative number, got -1',
    ],
    [
      'a camelCase key',
      { models: { x: { input: 3, output: 5, cacheRead: 0.3 } } },
      'prices.json: models["x"].cacheRead: unknown key (did you mean "cache_read"?); ' +
        'expected one of input, output, cache_write_5m, cache_write_1h, cache_read, long_context',
    ],
    [
      'a model that is not an object',
      { models: { x: 3 } },
      'prices.json: models["x"]: expected an object of prices in USD per million tokens, got 3',
    ],
    [
      'a fractional threshold',
      { models: { x: { input: 3, output: 5, long_context: { threshold_tokens: 1.5, input: 6, output: 9 } } } },
      'prices.json: models["x"].long_context.threshold_tokens: expected a non-negative integer, got 1.5',
    ],
    [
      'an alias to nothing',
      { aliases: { y: 'claude-nope' } },
      'prices.json: aliases["y"]: expected a model id from "models" or the embedded table, got "claude-nope"',
    ],
    [
      'an alias shadowing a model',
      { aliases: { 'claude-opus-4-6': 'claude-opus-4-7' } },
      'prices.json: aliases["claude-opus-4-6"]: "claude-opus-4-6" is already a model; price it under "models" instead',
    ],
    [
      'a bad asOf',
      { asOf: 'yesterday', models: {} },
      'prices.json: asOf: expected a date like "2026-11-26", got "yesterday"',
    ],
    ['an array', [], 'prices.json: expected an object with "models" and/or "aliases", got an array'],
    ['models as an array', { models: [] }, 'prices.json: models: expected an object, got an array'],
  ];
  for (const [what, json, message] of rejects) {
    it(`rejects ${what}`, () => {
      expect(() => book.withOverrides(json, 'prices.json')).toThrow(new UsageError(message));
    });
  }

  it('throws a UsageError', () => {
    expect(() => book.withOverrides(null, 'p.json')).toThrow(UsageError);
  });
});

import { build, type JsHistogram } from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { countsIndexOf, HdrCounts, lowestValueAt } from '../../src/core/hdrCounts.js';

/** hdr-histogram-js itself, as the reference: lowest discernible value 1, 3 significant digits. */
function reference(values: readonly number[]) {
  const histogram = build({ lowestDiscernibleValue: 1, numberOfSignificantValueDigits: 3 });
  for (const value of values) histogram.recordValue(value);
  return histogram;
}

function viaCounts(values: readonly number[]) {
  const counts = new HdrCounts();
  for (const value of values) counts.record(value);
  const histogram = build({ lowestDiscernibleValue: 1, numberOfSignificantValueDigits: 3 });
  counts.forEachBucket((value, count) => histogram.recordValueWithCount(value, count));
  return histogram;
}

describe('HdrCounts ≡ hdr-histogram-js', () => {
  it('puts every value in the bucket the library would', () => {
    const values = [0, 1, 2047, 2048, 2049, 4095, 4096, 123_456, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 12345, 3.6e9, 2 ** 40 + 7];
    for (let v = 0; v < 70_000; v += 7) values.push(v);
    const lib = reference([1]) as JsHistogram; // build() returns the JS implementation unless asked for WASM
    for (const value of values) {
      const index = countsIndexOf(value);
      // The bucket's lowest value maps back to the same index, and the library agrees on that bucket.
      expect(countsIndexOf(lowestValueAt(index)), String(value)).toBe(index);
      expect(lib.lowestEquivalentValue(value), String(value)).toBe(lowestValueAt(index));
    }
  });

  it('gives the same percentiles, totals and maxima on 200,000 lognormal µs latencies', () => {
    let seed = 99;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return (seed + 1) / (2 ** 31 + 1);
    };
    const values = Array.from({ length: 200_000 }, () =>
      Math.round(Math.exp(13.5 + 1.3 * Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next()))),
    );
    const expected = reference(values);
    const actual = viaCounts(values);
    for (const p of [1, 10, 50, 90, 95, 99, 99.9, 99.99, 100]) {
      expect(actual.getValueAtPercentile(p), `p${p}`).toBe(expected.getValueAtPercentile(p));
    }
    expect(actual.totalCount).toBe(expected.totalCount);
  });

  it('adds like the library merges', () => {
    const a = new HdrCounts();
    const b = new HdrCounts();
    for (let i = 0; i < 5000; i++) (i % 2 === 0 ? a : b).record(i * i);
    a.add(b);
    const merged = build({ lowestDiscernibleValue: 1, numberOfSignificantValueDigits: 3 });
    a.forEachBucket((value, count) => merged.recordValueWithCount(value, count));
    const expected = reference(Array.from({ length: 5000 }, (_, i) => i * i));
    for (const p of [25, 50, 75, 99]) expect(merged.getValueAtPercentile(p)).toBe(expected.getValueAtPercentile(p));
  });
});

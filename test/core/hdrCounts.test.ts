import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type JsHistogram } from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { countsIndexOf, HdrCounts, lowestValueAt } from '../../src/core/hdrCounts.js';
import { decodeHdr, encodeHdr } from '../../src/core/hdrEncoding.js';

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

describe('HdrHistogram V2 compressed encoding (src/core/hdrEncoding.ts)', () => {
  const values = Array.from({ length: 20_000 }, (_, i) => Math.round(1000 + ((i * 7919) % 9973) ** 1.7));

  it('writes what hdr-histogram-js reads, bucket for bucket', () => {
    const counts = new HdrCounts();
    for (const value of values) counts.record(value);
    const decoded = decodeFromCompressedBase64(encodeHdr(counts));
    // What the library reads back from its own encoding (a decoded maximum is its bucket's highest value).
    const expected = decodeFromCompressedBase64(encodeIntoCompressedBase64(reference(values)));
    expect(decoded.totalCount).toBe(values.length);
    expect(decoded.maxValue).toBe(expected.maxValue);
    for (const p of [1, 50, 95, 99.9, 100]) expect(decoded.getValueAtPercentile(p), `p${p}`).toBe(expected.getValueAtPercentile(p));
  });

  it('reads what hdr-histogram-js writes, and what it writes itself', () => {
    const library = reference(values);
    const fromLibrary = decodeHdr(encodeIntoCompressedBase64(library));
    const ours = new HdrCounts();
    for (const value of values) ours.record(value);
    const roundTrip = decodeHdr(encodeHdr(ours));
    for (const { counts, total } of [fromLibrary, roundTrip]) {
      expect(total).toBe(values.length);
      const seen: [number, number][] = [];
      counts.forEachIndex((index, count) => seen.push([index, count]));
      const want: [number, number][] = [];
      ours.forEachIndex((index, count) => want.push([index, count]));
      expect(seen).toEqual(want);
    }
    expect(() => decodeHdr('bm90IGEgaGlzdG9ncmFt')).toThrow(/not a V2 compressed HdrHistogram/);
    const twoDigits = build({ lowestDiscernibleValue: 1, numberOfSignificantValueDigits: 2 });
    twoDigits.recordValue(5);
    expect(() => decodeHdr(encodeIntoCompressedBase64(twoDigits))).toThrow(/3 significant digits was expected/);
  });

  it('keeps the same buckets past its sparse phase (more than 512 buckets used)', () => {
    const counts = new HdrCounts();
    const many = Array.from({ length: 5000 }, (_, i) => i * 37 + 3);
    for (const value of many) counts.record(value);
    const viaLibrary = reference(many);
    const rebuilt = build({ lowestDiscernibleValue: 1, numberOfSignificantValueDigits: 3 });
    counts.forEachBucket((value, count) => rebuilt.recordValueWithCount(value, count));
    for (const p of [10, 50, 90, 99]) expect(rebuilt.getValueAtPercentile(p)).toBe(viaLibrary.getValueAtPercentile(p));
  });
});

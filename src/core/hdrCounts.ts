/**
 * The counts array of an HdrHistogram (lowest discernible value 1, 3 significant digits), filled with integer
 * arithmetic. hdr-histogram-js spends ~150 ns a value in Math.log2 and Math.pow; this index is the library's own
 * countsArrayIndex computed with Math.clz32, ~10 ns. The counts are handed to a real HDR histogram, bucket for
 * bucket, only when percentiles are asked for (test/core/hdrCounts.test.ts holds the two to the same answers).
 */

/** log2 of half the sub-bucket count for 3 significant digits: 2 × 10³ → 2048 sub-buckets. */
const HALF_MAGNITUDE = 10;
const HALF_COUNT = 1 << HALF_MAGNITUDE;
const SUB_BUCKET_COUNT = HALF_COUNT * 2;

/** HdrHistogram's countsArrayIndex for a non-negative integer value. */
export function countsIndexOf(value: number): number {
  if (value < SUB_BUCKET_COUNT) return value;
  const magnitude = value < 0x80000000 ? 31 - Math.clz32(value) : Math.floor(Math.log2(value));
  const bucket = magnitude - HALF_MAGNITUDE;
  const subBucket = value < 0x80000000 ? value >>> bucket : Math.floor(value / 2 ** bucket);
  return ((bucket + 1) << HALF_MAGNITUDE) + subBucket - HALF_COUNT;
}

/** The lowest value that lands at a counts index: recording it puts a count in the same bucket. */
export function lowestValueAt(index: number): number {
  if (index < SUB_BUCKET_COUNT) return index;
  const bucket = (index >> HALF_MAGNITUDE) - 1;
  const subBucket = (index & (HALF_COUNT - 1)) + HALF_COUNT;
  return subBucket * 2 ** bucket;
}

export class HdrCounts {
  counts = new Int32Array(SUB_BUCKET_COUNT);

  record(value: number): void {
    const index = countsIndexOf(value);
    if (index >= this.counts.length) this.grow(index);
    this.counts[index] = (this.counts[index] as number) + 1;
  }

  /** `count` values at a counts index (a decoded histogram's bucket). */
  addAt(index: number, count: number): void {
    if (index >= this.counts.length) this.grow(index);
    this.counts[index] = (this.counts[index] as number) + count;
  }

  add(other: HdrCounts): void {
    if (other.counts.length > this.counts.length) this.grow(other.counts.length - 1);
    const counts = this.counts;
    const theirs = other.counts;
    for (let i = 0; i < theirs.length; i++) counts[i] = (counts[i] as number) + (theirs[i] as number);
  }

  /** Calls back once per non-empty bucket with a value of that bucket and its count. */
  forEachBucket(visit: (value: number, count: number) => void): void {
    const counts = this.counts;
    for (let i = 0; i < counts.length; i++) {
      const count = counts[i] as number;
      if (count !== 0) visit(lowestValueAt(i), count);
    }
  }

  /** A value above every recorded one: the highest trackable value a histogram of these counts needs. */
  valuesBelow(): number {
    let last = this.counts.length - 1;
    while (last > 0 && this.counts[last] === 0) last--;
    return lowestValueAt(last + 1);
  }

  private grow(index: number): void {
    let length = this.counts.length;
    while (length <= index) length += HALF_COUNT * 4;
    const grown = new Int32Array(length);
    grown.set(this.counts);
    this.counts = grown;
  }
}

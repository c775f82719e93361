/**
 * The counts array of an HdrHistogram (lowest discernible value 1, 3 significant digits), filled with integer
 * arithmetic. hdr-histogram-js spends ~150 ns a value in Math.log2 and Math.pow; this index is the library's own
 * countsArrayIndex computed with Math.clz32, ~10 ns. The counts are handed to a real HDR histogram, bucket for
 * bucket, only when percentiles are asked for (test/core/hdrCounts.test.ts holds the two to the same answers).
 */
import { lowerBound } from './lowerBound.js';

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

/** Buckets kept as (index, count) pairs before the counts array is made: ~8 KB at most instead of ~64 KB. */
const SPARSE_LIMIT = 512;

/**
 * The counts of one histogram: while few buckets are used (most groups of a `--by user` report or of a .cmstate's
 * hours), the used buckets in ascending order; past SPARSE_LIMIT, the counts array itself (~64 KB for latencies up
 * to a minute). The same answers either way.
 */
export class HdrCounts {
  private indexes: number[] | null = [];
  private sparse: number[] = [];
  private dense: Int32Array | null = null;

  record(value: number): void {
    this.addAt(countsIndexOf(value), 1);
  }

  /** `count` values at a counts index (a bucket). */
  addAt(index: number, count: number): void {
    const dense = this.dense;
    if (dense !== null && index < dense.length) {
      dense[index] = (dense[index] as number) + count;
      return;
    }
    const indexes = this.indexes;
    if (indexes === null) {
      this.grow(index);
      (this.dense as Int32Array)[index] = count;
      return;
    }
    const low = lowerBound(indexes, index);
    if (indexes[low] === index) {
      this.sparse[low] = (this.sparse[low] as number) + count;
    } else if (indexes.length < SPARSE_LIMIT) {
      indexes.splice(low, 0, index);
      this.sparse.splice(low, 0, count);
    } else {
      this.toDense();
      this.addAt(index, count);
    }
  }

  add(other: HdrCounts): void {
    other.forEachIndex((index, count) => this.addAt(index, count));
  }

  /** Calls back once per non-empty bucket with a value of that bucket and its count, in ascending order. */
  forEachBucket(visit: (value: number, count: number) => void): void {
    this.forEachIndex((index, count) => visit(lowestValueAt(index), count));
  }

  /** A value above every recorded one: the highest trackable value a histogram of these counts needs. */
  valuesBelow(): number {
    let last = 0;
    this.forEachIndex((index) => (last = index));
    return lowestValueAt(last + 1);
  }

  /** Calls back once per non-empty bucket with its counts index and count, in ascending order. */
  forEachIndex(visit: (index: number, count: number) => void): void {
    const { indexes, dense } = this;
    if (indexes !== null) {
      for (let i = 0; i < indexes.length; i++) visit(indexes[i] as number, this.sparse[i] as number);
      return;
    }
    const counts = dense as Int32Array;
    for (let i = 0; i < counts.length; i++) {
      const count = counts[i] as number;
      if (count !== 0) visit(i, count);
    }
  }

  private toDense(): void {
    const indexes = this.indexes as number[];
    this.indexes = null;
    this.grow(indexes[indexes.length - 1] as number);
    const dense = this.dense as Int32Array;
    for (let i = 0; i < indexes.length; i++) dense[indexes[i] as number] = this.sparse[i] as number;
    this.sparse = [];
  }

  private grow(index: number): void {
    let length = this.dense?.length ?? SUB_BUCKET_COUNT;
    while (length <= index) length = Math.max(length * 2, length + HALF_COUNT * 4);
    if (this.dense !== null && length === this.dense.length) return;
    const grown = new Int32Array(length);
    if (this.dense !== null) grown.set(this.dense);
    this.dense = grown;
  }
}

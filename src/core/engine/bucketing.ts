/**
 * How a ledger cuts time into buckets: not at all (one bucket), by calendar day in a time zone, by UTC hour, or by
 * UTC minute. With `edges`, the calls exactly at a bucket's start are a bucket of their own (a `.cmstate` keeps
 * them apart, so that a window ending on a whole hour, (now − 1 h, now], never cuts a bucket whatever the
 * resolution of the logs' timestamps).
 *
 * A bucket is a number: its start in epoch ms, plus ½ for the edge bucket (starts are whole milliseconds).
 */
import { MINUTE_MS, HOUR_MS } from '../durations.js';
import type { TimeZone } from '../timezone.js';

export type Bucketing =
  | { readonly unit: 'all' }
  | { readonly unit: 'day'; readonly tz: TimeZone; readonly edges?: boolean }
  | { readonly unit: 'hour' | 'minute'; readonly edges?: boolean }
  /**
   * Buckets that start at given instants, in order (a call before the first is in the first): the halves of the
   * days around a fixed now's time of day, when nothing finer is ever asked.
   */
  | { readonly unit: 'starts'; readonly starts: readonly number[] };

const EDGE = 0.5;

/** The one bucket of an `all` ledger. */
const ALL_BUCKET = 0;

export function bucketOf(bucketing: Bucketing, ms: number): number {
  switch (bucketing.unit) {
    case 'all':
      return ALL_BUCKET;
    case 'minute':
    case 'hour': {
      const size = bucketing.unit === 'hour' ? HOUR_MS : MINUTE_MS;
      const start = Math.floor(ms / size) * size;
      return bucketing.edges === true && ms === start ? start + EDGE : start;
    }
    case 'day': {
      const start = bucketing.tz.startOfDay(ms);
      return bucketing.edges === true && ms === start ? start + EDGE : start;
    }
    case 'starts': {
      const { starts } = bucketing;
      let low = 0;
      let high = starts.length - 1;
      while (low < high) {
        const middle = (low + high + 1) >>> 1;
        if ((starts[middle] as number) <= ms) low = middle;
        else high = middle - 1;
      }
      return starts[low] ?? ALL_BUCKET;
    }
  }
}

export function bucketStart(bucket: number): number {
  return Math.floor(bucket);
}

/** Whether the bucket holds only the calls exactly at its start. */
export function isEdgeBucket(bucket: number): boolean {
  return bucket !== Math.floor(bucket);
}

/** What a message calls a bucket's boundary. */
export function boundaryName(bucketing: Bucketing): string {
  if (bucketing.unit === 'all' || bucketing.unit === 'starts') return 'the start of a bucket';
  return `the start of ${bucketing.unit === 'hour' ? 'an hour' : `a ${bucketing.unit}`}`;
}

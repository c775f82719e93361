/**
 * How a ledger cuts time into buckets: not at all (one bucket), by calendar day in a time zone, by UTC hour, by
 * UTC minute, or at given instants. With `edges`, the calls exactly at a bucket's start are a bucket of their own (a `.cmstate` keeps
 * them apart, so that a window ending on a whole hour, (now − 1 h, now], never cuts a bucket whatever the
 * resolution of the logs' timestamps).
 *
 * A bucket is a number: its start in epoch ms, plus ½ for the edge bucket (starts are whole milliseconds).
 */
import { HOUR_MS, MINUTE_MS, SECOND_MS } from '../durations.js';
import { lowerBound } from '../lowerBound.js';
import type { TimeZone } from '../timezone.js';

export type Bucketing =
  | { readonly unit: 'all' }
  | { readonly unit: 'day'; readonly tz: TimeZone; readonly edges?: boolean }
  | { readonly unit: 'hour' | 'minute' | 'second'; readonly edges?: boolean }
  /**
   * Buckets that start at given instants, in order (a call before the first is in the first): the halves of the
   * days around a fixed now's time of day, when nothing finer is ever asked.
   */
  | { readonly unit: 'starts'; readonly starts: readonly number[] };

const EDGE = 0.5;

/** The length of a bucket of each fixed unit, in ms. */
const SIZES = { second: SECOND_MS, minute: MINUTE_MS, hour: HOUR_MS } as const;

/** The one bucket of an `all` ledger. */
const ALL_BUCKET = 0;

export function bucketOf(bucketing: Bucketing, ms: number): number {
  switch (bucketing.unit) {
    case 'all':
      return ALL_BUCKET;
    case 'second':
    case 'minute':
    case 'hour': {
      const size = SIZES[bucketing.unit];
      const start = Math.floor(ms / size) * size;
      return bucketing.edges === true && ms === start ? start + EDGE : start;
    }
    case 'day': {
      const start = bucketing.tz.startOfDay(ms);
      return bucketing.edges === true && ms === start ? start + EDGE : start;
    }
    case 'starts':
      return bucketing.starts[indexOfStart(bucketing.starts, ms)] ?? ALL_BUCKET;
  }
}

/** The index of the last of `starts` at or before `ms` (the first when none is). */
function indexOfStart(starts: readonly number[], ms: number): number {
  const at = lowerBound(starts, ms);
  return starts[at] === ms ? at : Math.max(0, at - 1);
}

/** An interval no time is in: an edge bucket's interior. */
const NO_TIMES = { from: Number.NaN, to: Number.NaN } as const;

/**
 * The times strictly between the edges of the bucket that holds `ms` (none when `ms` is in an edge bucket of its
 * own): every call between them is in the bucket a call at `ms` is in. A ledger keeps the last one, to find the
 * bucket of the next call without a call.
 */
export function bucketInterior(bucketing: Bucketing, ms: number): { readonly from: number; readonly to: number } {
  switch (bucketing.unit) {
    case 'all':
      return { from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY };
    case 'second':
    case 'minute':
    case 'hour': {
      const size = SIZES[bucketing.unit];
      const start = Math.floor(ms / size) * size;
      return bucketing.edges === true && ms === start ? NO_TIMES : { from: start, to: start + size };
    }
    case 'day': {
      const start = bucketing.tz.startOfDay(ms);
      return bucketing.edges === true && ms === start ? NO_TIMES : { from: start, to: bucketing.tz.addDays(start, 1) };
    }
    case 'starts': {
      const { starts } = bucketing;
      const i = indexOfStart(starts, ms);
      return { from: i === 0 ? Number.NEGATIVE_INFINITY : (starts[i] as number), to: starts[i + 1] ?? Number.POSITIVE_INFINITY };
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

/**
 * A ledger finds the bucket of most calls from the interior of the last call's bucket, without calling bucketOf:
 * every time strictly inside that interior must be in the same bucket, and its ends must be the bucket's edges.
 */
import { describe, expect, it } from 'vitest';
import { type Bucketing, bucketInterior, bucketOf, isEdgeBucket } from '../../../src/core/engine/bucketing.js';
import { TimeZone } from '../../../src/core/timezone.js';
import { random } from '../../helpers.js';

const newYork = new TimeZone('America/New_York');
// Around the end of summer time in New York (2026-11-01), when a day lasts 25 hours.
const FROM = Date.UTC(2026, 9, 30);
const SPAN = 4 * 86_400_000;
const starts = [FROM + 3_600_000, FROM + 86_400_000 + 60_000, FROM + 2 * 86_400_000];

const BUCKETINGS: [string, Bucketing][] = [
  ['all', { unit: 'all' }],
  ['minutes', { unit: 'minute' }],
  ['hours with edges', { unit: 'hour', edges: true }],
  ['days in New York', { unit: 'day', tz: newYork }],
  ['days in New York with edges', { unit: 'day', tz: newYork, edges: true }],
  ['starts', { unit: 'starts', starts }],
];

describe.each(BUCKETINGS)('bucketInterior, %s', (_name, bucketing) => {
  it('holds only times of the bucket of the time it was asked for, up to the bucket edges', () => {
    const next = random(11);
    // Random times, whole minutes and hours among them (the edges), and the starts themselves.
    const times = [...starts, ...Array.from({ length: 400 }, (_, i) => FROM + (i % 3 === 0 ? Math.floor(next() * 96) * 3_600_000 : next() * SPAN))];
    for (const ms of times) {
      const bucket = bucketOf(bucketing, ms);
      const { from, to } = bucketInterior(bucketing, ms);
      if (isEdgeBucket(bucket)) {
        // A call exactly at a bucket's start, in a bucket of its own: no time is inside.
        expect(from < ms + 1 && ms - 1 < to).toBe(false);
        continue;
      }
      expect(from <= ms && ms <= to).toBe(true);
      // Every time strictly inside is in its bucket.
      for (const inside of [from + 0.001, to - 0.001, (from + to) / 2].filter(Number.isFinite)) expect(bucketOf(bucketing, inside)).toBe(bucket);
      // The interior ends where the bucket does: just outside is another bucket.
      if (Number.isFinite(to)) expect(bucketOf(bucketing, to)).not.toBe(bucketOf(bucketing, to - 0.001));
      if (Number.isFinite(from)) expect(bucketOf(bucketing, from - 0.001)).not.toBe(bucket);
    }
  });
});

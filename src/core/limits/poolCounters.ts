/**
 * `serve`'s counters of the rate limits' use by model class, counted as `limits` counts it: the calls that drew on
 * the limits (not 429s, not batch calls), ITPM's tokens and output tokens. The `ratelimit_headroom` rule of
 * `claude-mon rules` reads how much they grow in a minute, so they count only the calls of the last LATE_MS by the
 * wall clock: a backlog read at once (`--from-start`, a pipe of `kubectl logs -f` that begins with the pod's past,
 * a restart catching up) is not a burst. Those calls are counted apart, as late. A class's three series are made
 * together at its first call, when they fit under the series cap, and shown at zero by the first scrape that sees
 * them (a series first seen at 1 shows no increase).
 */
import { MINUTE_MS } from '../durations.js';
import { FAMILY_NAMES } from '../metricNames.js';
import { labelValue, MAX_LABEL_LENGTH, type MetricFamily, type Shown } from '../metricFamilies.js';
import { compareStrings } from '../order.js';
import type { PriceBook } from '../pricing.js';
import type { CallRecord } from '../types.js';
import { LimitPools } from './limitPools.js';
import { addUsage, drawsOnLimits, LIMIT_KINDS, type LimitKind, type Usage } from './rateUsage.js';

/** The family of each limit's use. */
export const LIMIT_FAMILIES: Readonly<Record<LimitKind, string>> = {
  rpm: FAMILY_NAMES.limitRequests,
  itpm: FAMILY_NAMES.limitInputTokens,
  otpm: FAMILY_NAMES.limitOutputTokens,
};

/** How old a call may be, by the wall clock, and still count as use of the minute it is read in. */
export const LATE_MS = 2 * MINUTE_MS;

const HELP: Readonly<Record<LimitKind, string>> = {
  rpm: 'Calls that drew on the requests-per-minute limit (not 429s, not batch calls), by model class.',
  itpm: 'Tokens counted by the input-tokens-per-minute limit (uncached input and cache writes; cache reads on Haiku 3 and 3.5), by model class.',
  otpm: 'Output tokens counted by the output-tokens-per-minute limit, by model class.',
};

export class PoolCounters {
  private readonly pools: LimitPools;
  private readonly usage = new Map<string, Usage>();
  /** Calls that drew on the limits, read more than LATE_MS after their time. */
  private late = 0;
  /** Classes a scrape has shown (at zero, the first time). */
  private readonly scraped = new Set<string>();

  /** `takeSeries(n)`: whether n more series fit under the cap (and takes them); `clockMs`: the wall clock. */
  constructor(
    pricing: PriceBook,
    private readonly takeSeries: (count: number) => boolean,
    private readonly clockMs: () => number,
  ) {
    this.pools = new LimitPools(pricing, 'class');
  }

  /** False when the call's class could not be given series (the cap, or a name too long): it counts as dropped. */
  add(record: CallRecord): boolean {
    if (!drawsOnLimits(record)) return true;
    if (record.timestampMs < this.clockMs() - LATE_MS) {
      this.late++;
      return true;
    }
    const pool = labelValue(this.pools.groupOf(record.model));
    if (!this.usage.has(pool)) {
      if (pool.length > MAX_LABEL_LENGTH || !this.takeSeries(LIMIT_KINDS.length)) return false;
      this.usage.set(pool, [0, 0, 0]);
    }
    addUsage(this.usage, pool, this.pools.usageOf(record));
    return true;
  }

  /** The families, each class shown at zero the first time; and whether any was. */
  families(): Shown {
    const pools = [...this.usage.keys()].sort(compareStrings);
    const fresh = new Set(pools.filter((pool) => !this.scraped.has(pool)));
    for (const pool of fresh) this.scraped.add(pool);
    const families: MetricFamily[] = LIMIT_KINDS.map((kind, k) => ({
      name: LIMIT_FAMILIES[kind],
      type: 'counter',
      help: HELP[kind],
      samples: pools.map((pool) => ({ suffix: '_total', labels: [['class', pool]], value: fresh.has(pool) ? 0 : ((this.usage.get(pool) as Usage)[k] as number) })),
    }));
    const late = `Calls that drew on the rate limits but were read more than ${LATE_MS / MINUTE_MS} minutes after their time (a backlog): not in the use by class.`;
    families.push({ name: FAMILY_NAMES.limitLateCalls, type: 'counter', help: late, samples: [{ suffix: '_total', labels: [], value: this.late }] });
    return { families, showedNew: fresh.size > 0 };
  }
}

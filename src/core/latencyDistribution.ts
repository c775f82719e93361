/**
 * Latencies of one group: exact while the group is small, an HDR histogram (3 significant digits, so within 0.1%
 * of the exact value) once it holds more than SMALL_LIMIT calls — its counts kept in HdrCounts while recording,
 * handed to hdr-histogram-js for percentiles. Values are recorded as integer microseconds
 * (hdr-histogram-js drops fractions), so sub-millisecond latencies keep their precision. Most groups of a
 * `--by user` report are small, and cost a few hundred bytes instead of a histogram's tens of kilobytes.
 * The representation depends only on the count, so merging in any order gives the same answers.
 * This is the only module that imports hdr-histogram-js: its JS Int32Histogram directly, because the package index
 * also loads the WebAssembly build (69 ms of start-up against 16 ms; WASM gave no end-to-end gain here).
 */
import type { Histogram } from 'hdr-histogram-js';
import Int32HistogramModule from 'hdr-histogram-js/dist/Int32Histogram.js';
import { appended } from './appended.js';
import { HdrCounts } from './hdrCounts.js';
import { decodeHdr, encodeHdr } from './hdrEncoding.js';

type HistogramClass = new (lowest: number, highest: number, digits: number) => Histogram;
// Node hands a CommonJS module's exports object to a default import; bundlers such as Vite unwrap its `default`.
const loaded: unknown = Int32HistogramModule;
const Int32Histogram = (typeof loaded === 'function' ? loaded : (loaded as { default: unknown }).default) as HistogramClass;

/**
 * 1 µs to (auto-resized) any latency, 3 significant digits: within 0.1% of every recorded value. Sized for the
 * highest value it will hold (`highest`): growing one bucket at a time, as values are added in order, resized it
 * dozens of times — a sixth of `trend`'s time. The size changes no answer: buckets depend on the digits only.
 */
function newHistogram(highest: number): Histogram {
  const histogram = new Int32Histogram(1, Math.max(2, highest), 3);
  histogram.autoResize = true;
  return histogram;
}

const SMALL_LIMIT = 256;

/**
 * A distribution as a .cmstate holds it: the exact values (µs) of a small group, or the histogram in HdrHistogram's
 * standard V2 compressed Base64 encoding (lowest 1 µs, 3 significant digits), which other HdrHistogram libraries read.
 */
export type LatencyState = { readonly values: readonly number[] } | { readonly hdr: string };

/** The empty list every new distribution starts with (shared: see appended). */
const NONE: number[] = [];

export class LatencyDistribution {
  /** Exact values (µs) while the group is small; null once they have moved into `counts`. */
  private small: number[] | null = NONE;
  private counts: HdrCounts | null = null;
  /** The HDR histogram of `counts`, built when percentiles are asked for; dropped when more values arrive. */
  private histogram: Histogram | null = null;
  private count = 0;

  /** Values recorded. */
  get size(): number {
    return this.count;
  }

  /**
   * A latency in whole microseconds (as recorded): callers round once, and a whole number passed to a call stays
   * a small integer, where milliseconds with a fraction would be a new heap number on every call.
   */
  recordMicros(micros: number): void {
    if (this.small === null) {
      (this.counts as HdrCounts).record(micros);
      this.histogram = null;
    } else if (this.count < SMALL_LIMIT) {
      this.small = appended(this.small, micros);
    } else {
      this.toCounts().record(micros);
    }
    this.count++;
  }

  merge(other: LatencyDistribution): void {
    if (other.count === 0) return;
    if (other.small !== null) {
      for (let i = 0; i < other.count; i++) this.recordMicros(other.small[i] as number);
      return;
    }
    this.toCounts().add(other.counts as HdrCounts);
    this.histogram = null;
    this.count += other.count;
  }

  /** Nearest-rank percentile (p in 0–100) in ms, or null when empty. */
  percentileMs(p: number): number | null {
    if (this.count === 0) return null;
    if (this.small === null) return this.toHistogram().getValueAtPercentile(p) / 1000;
    const sorted = this.small.slice(0, this.count).sort((a, b) => a - b);
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    return (sorted[rank - 1] as number) / 1000;
  }

  toState(): LatencyState {
    // Sorted: the same calls in any order give the same state (a state file is the same for the same logs).
    if (this.small !== null) return { values: this.small.slice(0, this.count).sort((a, b) => a - b) };
    return { hdr: encodeHdr(this.counts as HdrCounts) };
  }

  /** `where` names the state in errors ("host.cmstate: hours[3]"). */
  static fromState(state: LatencyState, where: string): LatencyDistribution {
    const distribution = new LatencyDistribution();
    if (typeof state !== 'object' || state === null) throw new Error(`${where}: expected {"values": [...]} or {"hdr": "..."}`);
    if ('values' in state) {
      if (!Array.isArray(state.values) || !state.values.every((value) => Number.isSafeInteger(value) && value >= 0)) {
        throw new Error(`${where}: latency values must be whole microseconds`);
      }
      if (state.values.length > SMALL_LIMIT) throw new Error(`${where}: more than ${SMALL_LIMIT} exact latency values`);
      for (const micros of state.values) distribution.recordMicros(micros);
      return distribution;
    }
    let decoded;
    try {
      decoded = decodeHdr(String(state.hdr));
    } catch (error) {
      throw new Error(`${where}: not an HdrHistogram in V2 compressed Base64 (${(error as Error).message})`);
    }
    if (decoded.total <= SMALL_LIMIT) throw new Error(`${where}: a histogram of ${decoded.total} values (a group that small keeps exact values)`);
    distribution.counts = decoded.counts;
    distribution.small = null;
    distribution.count = decoded.total;
    return distribution;
  }

  private toCounts(): HdrCounts {
    if (this.counts === null) {
      const counts = new HdrCounts();
      const small = this.small as number[];
      for (let i = 0; i < this.count; i++) counts.record(small[i] as number);
      this.counts = counts;
      this.small = null;
    }
    return this.counts;
  }

  private toHistogram(): Histogram {
    if (this.histogram === null) {
      const counts = this.counts as HdrCounts;
      const histogram = newHistogram(counts.valuesBelow());
      counts.forEachBucket((value, count) => histogram.recordValueWithCount(value, count));
      this.histogram = histogram;
    }
    return this.histogram;
  }
}

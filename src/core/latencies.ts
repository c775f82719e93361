/**
 * A group's latencies as every report reads them: the distribution, the exact maximum, the first and last call —
 * and the percentile rule, defined once: nearest-rank, exact for small groups, from the HDR histogram above that,
 * and never above the exact maximum (an HDR percentile is its bucket's upper bound). StatsAccumulator keeps one;
 * the dashboard's slowest feature keeps one per feature, so its p95 is summary's to the last digit.
 */
import type { Measure } from './engine/measure.js';
import type { StateReader } from './engine/stateReader.js';
import { LatencyDistribution, type LatencyState } from './latencyDistribution.js';
import type { CallRecord } from './types.js';

/** The p-th percentile (0–100) in ms of `distribution`, within its exact maximum; null when empty. */
export function percentileWithin(distribution: LatencyDistribution, p: number, maxMs: number): number | null {
  const value = distribution.percentileMs(p);
  return value === null ? null : Math.min(value, maxMs);
}

export class Latencies implements Measure<Latencies> {
  readonly distribution = new LatencyDistribution();
  maxMs = Number.NEGATIVE_INFINITY;
  firstCallMs = Number.POSITIVE_INFINITY;
  lastCallMs = Number.NEGATIVE_INFINITY;

  get calls(): number {
    return this.distribution.size;
  }

  add(record: Pick<CallRecord, 'latencyMs' | 'timestampMs'>): void {
    this.note(record.latencyMs, record.timestampMs);
  }

  merge(other: Latencies): void {
    this.distribution.merge(other.distribution);
    this.maxMs = Math.max(this.maxMs, other.maxMs);
    this.firstCallMs = Math.min(this.firstCallMs, other.firstCallMs);
    this.lastCallMs = Math.max(this.lastCallMs, other.lastCallMs);
  }

  /** Latencies counted elsewhere (a folded cell's). */
  mergeDistribution(distribution: LatencyDistribution, maxMs: number, firstMs: number, lastMs: number): void {
    this.distribution.merge(distribution);
    this.maxMs = Math.max(this.maxMs, maxMs);
    this.firstCallMs = Math.min(this.firstCallMs, firstMs);
    this.lastCallMs = Math.max(this.lastCallMs, lastMs);
  }

  toState(): { latency: LatencyState; maxMs: number; firstMs: number; lastMs: number } {
    return { latency: this.distribution.toState(), maxMs: this.maxMs, firstMs: this.firstCallMs, lastMs: this.lastCallMs };
  }

  static fromState(state: unknown, reader: StateReader): Latencies {
    const fields = reader.object(state, 'latencies');
    const latencies = new Latencies();
    const distribution = LatencyDistribution.fromState(fields['latency'] as LatencyState, reader.at('latency').where);
    latencies.mergeDistribution(distribution, reader.number(fields['maxMs'], 'maxMs'), reader.number(fields['firstMs'], 'firstMs'), reader.number(fields['lastMs'], 'lastMs'));
    if (latencies.calls === 0) reader.fail('latencies without calls');
    return latencies;
  }

  percentileMs(p: number): number | null {
    return percentileWithin(this.distribution, p, this.maxMs);
  }

  private note(latencyMs: number, timeMs: number): void {
    this.distribution.recordMicros(Math.round(latencyMs * 1000));
    if (latencyMs > this.maxMs) this.maxMs = latencyMs;
    if (timeMs < this.firstCallMs) this.firstCallMs = timeMs;
    if (timeMs > this.lastCallMs) this.lastCallMs = timeMs;
  }
}

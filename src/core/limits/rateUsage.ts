/**
 * What a cell of `limits` counts towards the rate limits: requests (calls that were not 429s), uncached input and
 * cache writes, cache reads (counted towards ITPM only on the models that count them), and output tokens.
 */
import { isRateLimited } from '../callOutcome.js';
import type { Measure } from '../engine/measure.js';
import type { MeasureKind } from '../engine/measureKinds.js';
import type { StateReader } from '../engine/stateReader.js';
import type { CallRecord } from '../types.js';

/** The limits, in this order everywhere. */
export const LIMIT_KINDS = ['rpm', 'itpm', 'otpm'] as const;
export type LimitKind = (typeof LIMIT_KINDS)[number];

/**
 * Whether a call draws on the limits: not a Message Batches call (those have limits of their own), and not a 429
 * (a call the limiter turned away was not served).
 */
export function drawsOnLimits(record: CallRecord): boolean {
  return !record.batch && !isRateLimited(record);
}

export class RateUsage implements Measure<RateUsage> {
  calls = 0;
  firstCallMs = Number.POSITIVE_INFINITY;
  lastCallMs = Number.NEGATIVE_INFINITY;
  /** Uncached input and cache writes: ITPM on every model. */
  inputTokens = 0;
  cacheReadTokens = 0;
  outputTokens = 0;

  add(record: CallRecord): void {
    this.calls++;
    this.inputTokens += record.inputTokens + record.cacheWriteTokens;
    this.cacheReadTokens += record.cacheReadTokens;
    this.outputTokens += record.outputTokens;
    const time = record.timestampMs;
    if (time < this.firstCallMs) this.firstCallMs = time;
    if (time > this.lastCallMs) this.lastCallMs = time;
  }

  merge(other: RateUsage): void {
    this.calls += other.calls;
    this.inputTokens += other.inputTokens;
    this.cacheReadTokens += other.cacheReadTokens;
    this.outputTokens += other.outputTokens;
    this.firstCallMs = Math.min(this.firstCallMs, other.firstCallMs);
    this.lastCallMs = Math.max(this.lastCallMs, other.lastCallMs);
  }

  /** RPM, ITPM and OTPM of these calls, in LIMIT_KINDS order; `cacheReadsCount`: the model counts cache reads in ITPM. */
  perLimit(cacheReadsCount: boolean): [number, number, number] {
    return [this.calls, this.inputTokens + (cacheReadsCount ? this.cacheReadTokens : 0), this.outputTokens];
  }

  toState(): unknown {
    return { calls: this.calls, firstMs: this.firstCallMs, lastMs: this.lastCallMs, input: this.inputTokens, cacheRead: this.cacheReadTokens, output: this.outputTokens };
  }

  /** The usage a state was made from (a checkpoint's); `reader` names it in errors. */
  static fromState(state: unknown, reader: StateReader): RateUsage {
    const fields = reader.object(state, 'a rate usage');
    const usage = new RateUsage();
    usage.calls = reader.count(fields['calls'], 'calls');
    usage.firstCallMs = reader.number(fields['firstMs'], 'firstMs');
    usage.lastCallMs = reader.number(fields['lastMs'], 'lastMs');
    usage.inputTokens = reader.count(fields['input'], 'input');
    usage.cacheReadTokens = reader.count(fields['cacheRead'], 'cacheRead');
    usage.outputTokens = reader.count(fields['output'], 'output');
    if (usage.calls === 0 || usage.firstCallMs > usage.lastCallMs) reader.fail('a rate usage without calls, or its first after its last');
    return usage;
  }
}

/** How a ledger makes a RateUsage, and reads one back. */
export const RATE_USAGE_MEASURE: MeasureKind<RateUsage> = { newMeasure: () => new RateUsage(), measureFromState: (state, reader) => RateUsage.fromState(state, reader) };

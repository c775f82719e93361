/**
 * What counts towards the rate limits (Anthropic's rate-limit documentation): requests (calls that were not 429s),
 * input tokens — uncached input and cache writes, and cache reads only on the models that count them — and output
 * tokens. Message Batches calls have limits of their own and count towards none of these.
 */
import { isRateLimited } from '../callOutcome.js';
import type { Measure } from '../engine/measure.js';
import type { MeasureKind } from '../engine/measureKinds.js';
import type { StateReader } from '../engine/stateReader.js';
import type { CallRecord } from '../types.js';

/** The limits, in this order everywhere (a Usage's too). */
export const LIMIT_KINDS = ['rpm', 'itpm', 'otpm'] as const;
export type LimitKind = (typeof LIMIT_KINDS)[number];

/** A configured limit per minute of each kind, by model or class name (the config's `limits`). */
export type ConfiguredLimits = ReadonlyMap<string, Readonly<Partial<Record<LimitKind, number>>>>;

/** RPM, ITPM and OTPM of some calls. */
export type Usage = [number, number, number];

/** Whether a call draws on the limits: served (not a 429), and not a batch call. */
export function drawsOnLimits(record: CallRecord): boolean {
  return !record.batch && !isRateLimited(record);
}

/** Whether a call was turned away by the limits a batch call does not share: a 429 of the API's own calls. */
export function hitLimits(record: CallRecord): boolean {
  return !record.batch && isRateLimited(record);
}

/** One call's usage; `cacheReadsCount`: its model counts cache reads in ITPM. */
export function usageOf(record: CallRecord, cacheReadsCount: boolean): Usage {
  return [1, inputTokensOf(record.inputTokens + record.cacheWriteTokens, record.cacheReadTokens, cacheReadsCount), record.outputTokens];
}

/** ITPM's tokens: uncached input and cache writes, and the cache reads where they count. */
function inputTokensOf(inputAndWrites: number, cacheReads: number, cacheReadsCount: boolean): number {
  return inputAndWrites + (cacheReadsCount ? cacheReads : 0);
}

/** Adds `usage` to the sum kept at `key`. */
export function addUsage<K>(sums: Map<K, Usage>, key: K, usage: Readonly<Usage>): void {
  const sum = sums.get(key) ?? (sums.set(key, [0, 0, 0]).get(key) as Usage);
  for (let k = 0; k < 3; k++) sum[k] = (sum[k] as number) + (usage[k] as number);
}

/** The calls of a cell, summed: ITPM is made when read, once the model (whether cache reads count) is known. */
export class RateUsage implements Measure<RateUsage> {
  calls = 0;
  firstCallMs = Number.POSITIVE_INFINITY;
  lastCallMs = Number.NEGATIVE_INFINITY;
  /** Uncached input and cache writes. */
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

  /** RPM, ITPM and OTPM of these calls. */
  usage(cacheReadsCount: boolean): Usage {
    return [this.calls, inputTokensOf(this.inputTokens, this.cacheReadTokens, cacheReadsCount), this.outputTokens];
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

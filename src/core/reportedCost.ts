/**
 * The cost a proxy reported for its calls (LiteLLM's `response_cost`) beside the cost priced here from the same
 * calls' tokens: a cross-check of the price table, or of the proxy's model map. A ledger measure (summary's).
 */
import type { Measure } from './engine/measure.js';
import type { MeasureKind } from './engine/measureKinds.js';
import type { StateReader } from './engine/stateReader.js';
import type { PriceBook } from './pricing.js';
import { roundUsd } from './figures.js';
import { type AccumulatorState, StatsAccumulator } from './stats.js';
import type { CallRecord } from './types.js';

export class ReportedCost implements Measure<ReportedCost> {
  reportedUsd = 0;

  /** The calls, priced here. */
  constructor(readonly priced: StatsAccumulator) {}

  get calls(): number {
    return this.priced.calls;
  }

  get firstCallMs(): number {
    return this.priced.firstCallMs;
  }

  get lastCallMs(): number {
    return this.priced.lastCallMs;
  }

  add(record: CallRecord): void {
    this.priced.add(record);
    this.reportedUsd += record.reportedCostUsd ?? 0;
  }

  merge(other: ReportedCost): void {
    this.priced.merge(other.priced);
    this.reportedUsd += other.reportedUsd;
  }

  toState(): unknown {
    return { priced: this.priced.toState(), reportedUsd: this.reportedUsd };
  }
}

/** Only the calls that carry a reported cost. */
export function reportsCost(record: CallRecord): boolean {
  return record.reportedCostUsd !== null;
}

export function reportedCostMeasure(pricing: PriceBook): MeasureKind<ReportedCost> {
  return {
    newMeasure: () => new ReportedCost(new StatsAccumulator(pricing)),
    measureFromState: (state: unknown, reader: StateReader) => {
      const fields = reader.object(state, 'a reported cost');
      const measure = new ReportedCost(StatsAccumulator.fromState(reader.object(fields['priced'], 'priced') as unknown as AccumulatorState, pricing, reader.where));
      measure.reportedUsd = reader.number(fields['reportedUsd'], 'reportedUsd');
      return measure;
    },
  };
}

/** What summary says of it: the calls, the cost they reported, the cost priced here (null: none reported). */
export interface ReportedCostSummary {
  readonly calls: number;
  readonly reportedUsd: number;
  readonly pricedUsd: number;
  readonly unpricedCalls: number;
}

export function summaryOfReported(measure: ReportedCost): ReportedCostSummary | null {
  if (measure.calls === 0) return null;
  const priced = measure.priced.snapshot();
  return { calls: measure.calls, reportedUsd: roundUsd(measure.reportedUsd), pricedUsd: priced.costUsd, unpricedCalls: priced.unpricedCalls };
}

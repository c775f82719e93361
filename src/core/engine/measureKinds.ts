/** The measures of the engine's ledgers: how a ledger makes one, and reads one back from its plain-data state. */
import { CallCount } from './measure.js';
import type { StateReader } from './stateReader.js';
import { Latencies } from '../latencies.js';
import type { PriceBook } from '../pricing.js';
import { type AccumulatorState, StatsAccumulator } from '../stats.js';

export interface MeasureKind<M> {
  readonly newMeasure: () => M;
  readonly measureFromState: (state: unknown, reader: StateReader) => M;
}

/** Everything summary reports of a group. */
export function statsMeasure(pricing: PriceBook): MeasureKind<StatsAccumulator> {
  return {
    newMeasure: () => new StatsAccumulator(pricing),
    measureFromState: (state, reader) => StatsAccumulator.fromState(reader.object(state, 'stats') as unknown as AccumulatorState, pricing, reader.where),
  };
}

/** How many calls, the first and the last (the 429s of a .cmstate). */
export const COUNT_MEASURE: MeasureKind<CallCount> = { newMeasure: () => new CallCount(), measureFromState: (state, reader) => CallCount.fromState(state, reader) };

/** The latencies of a group (the dashboard's slow window by feature). */
export const LATENCIES_MEASURE: MeasureKind<Latencies> = { newMeasure: () => new Latencies(), measureFromState: (state, reader) => Latencies.fromState(state, reader) };

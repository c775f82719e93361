/**
 * Metric families as plain data, what `serve` exposes: names, types, help and samples with their labels. The text
 * formats are src/render/exposition.ts.
 */

export type Labels = readonly (readonly [name: string, value: string])[];

export interface Sample {
  /** Appended to the family name: '' for gauges, '_total' for counters, '_bucket', '_sum', '_count' for histograms. */
  readonly suffix: string;
  readonly labels: Labels;
  readonly value: number;
}

export interface MetricFamily {
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly help: string;
  readonly samples: readonly Sample[];
}

/** Families as one scrape shows them. */
export interface Shown {
  readonly families: MetricFamily[];
  /** Some series are shown at zero, new: the next scrape shows them with their counts. */
  readonly showedNew: boolean;
}

/** Longer label values are not exposed (their calls count as dropped): a scrape repeats each one in ~30 series. */
export const MAX_LABEL_LENGTH = 256;

/** A label value as exposed: lone surrogates (which UTF-8 cannot carry) replaced. */
export function labelValue(text: string): string {
  return (text as string & { toWellFormed(): string }).toWellFormed();
}

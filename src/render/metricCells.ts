/** A registry metric's value for people: formatted by its unit, marked when it leaves out unpriced calls. */
import type { Metric, Unit } from '../core/metrics.js';
import type { Stats } from '../core/types.js';
import { formatCount, formatMs, formatPercent, formatUsd, formatUsdPrecise, MISSING } from './numbers.js';

const FORMATS: Readonly<Record<Unit, (value: number | null) => string>> = {
  count: (value) => (value === null ? MISSING : formatCount(value)),
  ratio: formatPercent,
  ms: formatMs,
  usd: formatUsd,
  usdPerCall: formatUsdPrecise,
};

export function formatValue(metric: Metric, value: number | null): string {
  return FORMATS[metric.unit](value);
}

/** The metric of a group as a table cell: "$3.38*" when the cost leaves out calls of unpriced models. */
export function metricCell(metric: Metric, stats: Stats): string {
  const value = metric.value(stats);
  const text = formatValue(metric, value);
  return metric.leavesOutUnpriced === true && value !== null && stats.unpricedCalls > 0 ? `${text}*` : text;
}

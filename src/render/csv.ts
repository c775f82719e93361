/** Summary as CSV: one row per group and a total row, raw numbers (rates as fractions, money in USD): every metric. */
import { METRIC_REGISTRY } from '../core/metrics.js';
import type { SummaryReport } from '../core/reports/summaryReport.js';
import type { Stats } from '../core/types.js';
import { csvCell } from './escape.js';

export function* renderSummaryCsv(report: SummaryReport): Generator<string> {
  const dimensions = report.aggregate.groupBy;
  yield `${['row', ...dimensions, ...METRIC_REGISTRY.map((metric) => metric.csv)].join(',')}\r\n`;
  for (const group of report.aggregate.groups) {
    const labels = dimensions.map((dimension) => csvCell(group.key[dimension] ?? ''));
    yield `${['group', ...labels, ...statCells(group.stats)].join(',')}\r\n`;
  }
  yield `${['total', ...dimensions.map(() => ''), ...statCells(report.aggregate.total)].join(',')}\r\n`;
}

function statCells(stats: Stats): string[] {
  return METRIC_REGISTRY.map((metric) => csvCell(metric.value(stats)));
}

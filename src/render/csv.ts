/** Summary as CSV: one row per group and a total row, raw numbers (rates as fractions, money in USD). */
import type { SummaryReport } from '../core/reports/summaryReport.js';
import type { Stats } from '../core/types.js';
import { csvCell } from './escape.js';

const STAT_COLUMNS: readonly [string, (stats: Stats) => number | null][] = [
  ['calls', (s) => s.calls],
  ['errors', (s) => s.errors],
  ['error_rate', (s) => s.errorRate],
  ['rate_limited', (s) => s.rateLimited],
  ['overloaded', (s) => s.overloaded],
  ['p50_ms', (s) => s.latencyMs.p50],
  ['p95_ms', (s) => s.latencyMs.p95],
  ['p99_ms', (s) => s.latencyMs.p99],
  ['max_ms', (s) => s.latencyMs.max],
  ['mean_ms', (s) => s.latencyMs.mean],
  ['input_tokens', (s) => s.tokens.input],
  ['output_tokens', (s) => s.tokens.output],
  ['cache_read_tokens', (s) => s.tokens.cacheRead],
  ['cache_write_tokens', (s) => s.tokens.cacheWrite],
  ['cost_usd', (s) => s.costUsd],
  ['cost_per_call_usd', (s) => s.costPerCallUsd],
  ['unpriced_calls', (s) => s.unpricedCalls],
  ['cache_hit_rate', (s) => s.cacheHitRate],
  ['max_tokens_stops', (s) => s.maxTokensStops],
  ['max_tokens_rate', (s) => s.maxTokensRate],
];

export function* renderSummaryCsv(report: SummaryReport): Generator<string> {
  const dimensions = report.aggregate.groupBy;
  yield `${['row', ...dimensions, ...STAT_COLUMNS.map(([name]) => name)].join(',')}\r\n`;
  for (const group of report.aggregate.groups) {
    const labels = dimensions.map((dimension) => csvCell(group.key[dimension] ?? ''));
    yield `${['group', ...labels, ...statCells(group.stats)].join(',')}\r\n`;
  }
  yield `${['total', ...dimensions.map(() => ''), ...statCells(report.aggregate.total)].join(',')}\r\n`;
}

function statCells(stats: Stats): string[] {
  return STAT_COLUMNS.map(([, value]) => csvCell(value(stats)));
}

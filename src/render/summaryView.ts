/** What a person sees of a summary, shared by the table and Markdown renderers: headline, columns, notes. */
import type { GroupDimension } from '../core/grouping.js';
import type { SummaryReport } from '../core/reports/summaryReport.js';
import type { TimeZone } from '../core/timezone.js';
import type { Stats } from '../core/types.js';
import { describeUnpriced } from './inputReport.js';
import { formatLocalTime } from './localTime.js';
import { formatCount, formatMs, formatPercent, formatUsd, formatUsdPrecise, MISSING } from './numbers.js';

export interface Column {
  readonly header: string;
  readonly cell: (stats: Stats) => string;
  /** 'error' cells are highlighted when the rate is high; 'warn' ones more gently. */
  readonly alarm?: (stats: Stats) => 'error' | 'warn' | undefined;
}

export const SUMMARY_COLUMNS: readonly Column[] = [
  { header: 'calls', cell: (s) => formatCount(s.calls) },
  { header: 'errors', cell: (s) => formatCount(s.errors) },
  {
    header: 'err %',
    cell: (s) => formatPercent(s.errorRate),
    alarm: (s) => ((s.errorRate ?? 0) > 0.05 ? 'error' : (s.errorRate ?? 0) > 0.01 ? 'warn' : undefined),
  },
  { header: '429s', cell: (s) => formatCount(s.rateLimited), alarm: (s) => (s.rateLimited > 0 ? 'warn' : undefined) },
  { header: 'p50', cell: (s) => formatMs(s.latencyMs.p50) },
  { header: 'p95', cell: (s) => formatMs(s.latencyMs.p95) },
  { header: 'p99', cell: (s) => formatMs(s.latencyMs.p99) },
  { header: 'cost', cell: (s) => formatUsd(s.costUsd) + (s.unpricedCalls > 0 ? '*' : '') },
  { header: '$/call', cell: (s) => formatUsdPrecise(s.costPerCallUsd) },
  { header: 'cache hit', cell: (s) => formatPercent(s.cacheHitRate) },
  {
    header: 'max_tok',
    cell: (s) => formatPercent(s.maxTokensRate),
    alarm: (s) => ((s.maxTokensRate ?? 0) > 0.05 ? 'warn' : undefined),
  },
];

export const TOTAL_LABEL = 'TOTAL';

export function summaryHeadline(report: SummaryReport, tz: TimeZone): string {
  const { fromMs, toMs } = report.range;
  const range =
    fromMs === null && toMs === null
      ? 'no records'
      : `${fromMs === null ? 'start' : formatLocalTime(fromMs, tz)} → ${toMs === null ? 'end' : formatLocalTime(toMs, tz)} ${tz.name}`;
  const records = report.aggregate.total.calls;
  return `claude-mon summary · ${range} · ${formatCount(records)} ${records === 1 ? 'record' : 'records'} · by ${report.aggregate.groupBy.join(', ')}`;
}

export function groupLabels(report: SummaryReport, key: Readonly<Partial<Record<GroupDimension, string>>>): string[] {
  return report.aggregate.groupBy.map((dimension) => key[dimension] ?? MISSING);
}

/** Lines under the table: what the numbers leave out. */
export function summaryNotes(report: SummaryReport): string[] {
  const notes: string[] = [];
  const unpriced = describeUnpriced(report.pricing.unpricedModels);
  if (unpriced !== undefined) notes.push(`* cost excludes ${unpriced}. Add them with --prices FILE.`);
  if (report.aggregate.total.calls === 0 && report.input.records > 0) {
    notes.push(`no records in the range (${formatCount(report.input.records)} records outside it).`);
  }
  return notes;
}

export { MISSING };

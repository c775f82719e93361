/** What a person sees of a summary, shared by the table and Markdown renderers: headline, columns, notes. */
import type { GroupDimension } from '../core/grouping.js';
import type { SummaryReport } from '../core/reports/summaryReport.js';
import type { TimeZone } from '../core/timezone.js';
import { describeUnpriced } from './inputReport.js';
import { formatLocalTime } from './localTime.js';
import type { ReportedCostSummary } from '../core/reportedCost.js';
import { formatCount, formatUsd, MISSING } from './numbers.js';
import { rateLimitLines } from './rateLimitText.js';

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
export function summaryNotes(report: SummaryReport, tz: TimeZone): string[] {
  const notes: string[] = [];
  const unpriced = describeUnpriced(report.pricing.unpricedModels);
  if (unpriced !== undefined) notes.push(`* cost excludes ${unpriced}. Add them with --prices FILE.`);
  if (report.aggregate.total.calls === 0 && report.input.records > 0) {
    notes.push(`no records in the range (${formatCount(report.input.records)} records outside it).`);
  }
  notes.push(...rateLimitLines(report.rateLimits, tz));
  const reported = report.pricing.reportedCost;
  if (reported !== null) notes.push(describeReportedCost(reported));
  return notes;
}

/** "the proxy's response_cost for 3 calls: $0.0193; priced here: $0.0193", and how far apart when they differ. */
function describeReportedCost(reported: ReportedCostSummary): string {
  const calls = `${formatCount(reported.calls)} ${reported.calls === 1 ? 'call' : 'calls'}`;
  const text = `the proxy's response_cost for ${calls}: ${formatUsd(reported.reportedUsd)}; priced here: ${formatUsd(reported.pricedUsd)}`;
  const apart = Math.abs(reported.reportedUsd - reported.pricedUsd);
  // Apart by a cent or 1%: prices of another date, or rounding.
  if (apart <= Math.max(0.01, 0.01 * Math.max(reported.reportedUsd, reported.pricedUsd))) return text;
  return `${text} (${formatUsd(apart)} apart: check the prices, --prices FILE, or the proxy's model map)`;
}

export { MISSING };

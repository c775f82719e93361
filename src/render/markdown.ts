/** Summary as a Markdown table, for posting to chat or a wiki from cron: every group, in report order. */
import type { SummaryReport } from '../core/reports/summaryReport.js';
import { TABLE_METRICS } from '../core/metrics.js';
import type { TimeZone } from '../core/timezone.js';
import { markdownCell } from './escape.js';
import { metricCell } from './metricCells.js';
import { groupLabels, summaryHeadline, summaryNotes, TOTAL_LABEL } from './summaryView.js';

export function* renderSummaryMarkdown(report: SummaryReport, tz: TimeZone): Generator<string> {
  const dimensions = report.aggregate.groupBy;
  const header = [...dimensions, ...TABLE_METRICS.map((metric) => metric.header as string)];
  const align = [...dimensions.map(() => ':---'), ...TABLE_METRICS.map(() => '---:')];
  yield `**${markdownCell(summaryHeadline(report, tz))}**\n\n`;
  yield `${tableRow(header.map(markdownCell))}\n${tableRow(align)}\n`;
  for (const group of report.aggregate.groups) {
    const labels = groupLabels(report, group.key).map(markdownCell);
    yield `${tableRow([...labels, ...TABLE_METRICS.map((metric) => markdownCell(metricCell(metric, group.stats)))])}\n`;
  }
  const totalLabels = dimensions.map((_, i) => (i === 0 ? `**${TOTAL_LABEL}**` : ''));
  yield `${tableRow([...totalLabels, ...TABLE_METRICS.map((metric) => `**${markdownCell(metricCell(metric, report.aggregate.total))}**`)])}\n`;
  const notes = summaryNotes(report, tz).map(markdownCell);
  if (notes.length > 0) yield `\n${notes.join('\n')}\n`;
}

function tableRow(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

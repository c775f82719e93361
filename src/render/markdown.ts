/** Summary as a Markdown table, for posting to chat or a wiki from cron. */
import type { SummaryReport } from '../core/reports/summaryReport.js';
import type { TimeZone } from '../core/timezone.js';
import { markdownCell } from './escape.js';
import { groupLabels, SUMMARY_COLUMNS, summaryHeadline, summaryNotes, TOTAL_LABEL } from './summaryView.js';

export function* renderSummaryMarkdown(report: SummaryReport, tz: TimeZone): Generator<string> {
  const dimensions = report.aggregate.groupBy;
  const header = [...dimensions, ...SUMMARY_COLUMNS.map((column) => column.header)];
  const align = [...dimensions.map(() => ':---'), ...SUMMARY_COLUMNS.map(() => '---:')];
  yield `**${markdownCell(summaryHeadline(report, tz))}**\n\n`;
  yield `${tableRow(header.map(markdownCell))}\n${tableRow(align)}\n`;
  for (const group of report.aggregate.groups) {
    const labels = groupLabels(report, group.key).map(markdownCell);
    yield `${tableRow([...labels, ...SUMMARY_COLUMNS.map((column) => markdownCell(column.cell(group.stats)))])}\n`;
  }
  const totalLabels = dimensions.map((_, i) => (i === 0 ? `**${TOTAL_LABEL}**` : ''));
  yield `${tableRow([...totalLabels, ...SUMMARY_COLUMNS.map((column) => `**${markdownCell(column.cell(report.aggregate.total))}**`)])}\n`;
  const notes = summaryNotes(report).map(markdownCell);
  if (notes.length > 0) yield `\n${notes.join('\n')}\n`;
}

function tableRow(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

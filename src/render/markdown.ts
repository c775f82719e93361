/** Summary as a Markdown table, for posting to chat or a wiki from cron. */
import type { SummaryReport } from '../core/summaryReport.js';
import type { TimeZone } from '../core/timezone.js';
import { markdownCell } from './escape.js';
import { groupLabels, SUMMARY_COLUMNS, summaryHeadline, summaryNotes, TOTAL_LABEL } from './summaryView.js';

export function renderSummaryMarkdown(report: SummaryReport, tz: TimeZone): string {
  const dimensions = report.aggregate.groupBy;
  const header = [...dimensions, ...SUMMARY_COLUMNS.map((column) => column.header)];
  const align = [...dimensions.map(() => ':---'), ...SUMMARY_COLUMNS.map(() => '---:')];
  const rows = report.aggregate.groups.map((group) => [
    ...groupLabels(report, group.key).map(markdownCell),
    ...SUMMARY_COLUMNS.map((column) => markdownCell(column.cell(group.stats))),
  ]);
  rows.push([
    ...dimensions.map((_, i) => (i === 0 ? `**${TOTAL_LABEL}**` : '')),
    ...SUMMARY_COLUMNS.map((column) => `**${markdownCell(column.cell(report.aggregate.total))}**`),
  ]);
  const lines = [
    `**${markdownCell(summaryHeadline(report, tz))}**`,
    '',
    tableRow(header.map(markdownCell)),
    tableRow(align),
    ...rows.map(tableRow),
  ];
  const notes = summaryNotes(report).map(markdownCell);
  if (notes.length > 0) lines.push('', ...notes);
  return `${lines.join('\n')}\n`;
}

function tableRow(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

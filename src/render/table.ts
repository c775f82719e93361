/** Summary as a terminal table. Pure: report in, text out. */
import { columnLines } from './columns.js';
import type { SummaryReport } from '../core/reports/summaryReport.js';
import type { TimeZone } from '../core/timezone.js';
import { escapeForTerminal } from './escape.js';
import type { Style } from './style.js';
import { type Column, groupLabels, SUMMARY_COLUMNS, summaryHeadline, summaryNotes, TOTAL_LABEL } from './summaryView.js';
import type { Stats } from '../core/types.js';

export interface TableContext {
  readonly style: Style;
  readonly tz: TimeZone;
  /** Longest group label before it is cut with "…" (terminals); undefined = never cut (pipes, files). */
  readonly maxLabelWidth?: number;
}

export function* renderSummaryTable(report: SummaryReport, context: TableContext): Generator<string> {
  const { style } = context;
  const dimensions = report.aggregate.groupBy;
  const head = [...dimensions, ...SUMMARY_COLUMNS.map((column) => column.header)].map((text) => style.bold(text));
  const aligns = [...dimensions.map(() => 'left' as const), ...SUMMARY_COLUMNS.map(() => 'right' as const)];
  const totalLabels = dimensions.map((_, i) => (i === 0 ? style.bold(TOTAL_LABEL) : ''));
  const total = [...totalLabels, ...statsCells(report.aggregate.total, style).map((cell) => style.bold(cell))];
  function* rows(): Generator<string[]> {
    yield head;
    for (const group of report.aggregate.groups) {
      const labels = groupLabels(report, group.key).map((label) => fitLabel(escapeForTerminal(label), context.maxLabelWidth));
      yield [...labels, ...statsCells(group.stats, style)];
    }
    yield total;
  }

  yield `${style.bold(summaryHeadline(report, context.tz))}\n\n`;
  for (const line of columnLines(rows, aligns)) yield `${line}\n`;
  const notes = summaryNotes(report).map((note) => style.dim(escapeForTerminal(note)));
  if (notes.length > 0) yield `\n${notes.join('\n')}\n`;
}

function statsCells(stats: Stats, style: Style): string[] {
  return SUMMARY_COLUMNS.map((column: Column) => {
    const text = column.cell(stats);
    const alarm = column.alarm?.(stats);
    return alarm === 'error' ? style.red(text) : alarm === 'warn' ? style.yellow(text) : text;
  });
}

function fitLabel(label: string, width: number | undefined): string {
  return width === undefined || label.length <= width ? label : `${label.slice(0, width - 1)}…`;
}

/** Summary as a terminal table: at most --limit groups, in report order, then the total. Pure: report in, text out. */
import type { SummaryReport } from '../core/reports/summaryReport.js';
import { TABLE_METRICS } from '../core/metrics.js';
import type { TimeZone } from '../core/timezone.js';
import type { Stats } from '../core/types.js';
import { escapeForTerminal } from './escape.js';
import { metricCell } from './metricCells.js';
import type { Style } from './style.js';
import { groupLabels, summaryHeadline, summaryNotes, TOTAL_LABEL } from './summaryView.js';
import { limitNote, tableLines } from './table.js';
import { fitWidth } from './width.js';

export interface TableContext {
  readonly style: Style;
  readonly tz: TimeZone;
  /** Groups shown at most (0: all). */
  readonly limit: number;
  /** Longest group label before it is cut with "…" (terminals); undefined = never cut (pipes, files). */
  readonly maxLabelWidth?: number;
}

export function* renderSummaryTable(report: SummaryReport, context: TableContext): Generator<string> {
  const { style, limit } = context;
  const dimensions = report.aggregate.groupBy;
  const head = [...dimensions, ...TABLE_METRICS.map((metric) => metric.header as string)].map((text) => style.bold(text));
  const aligns = [...dimensions.map(() => 'left' as const), ...TABLE_METRICS.map(() => 'right' as const)];
  const totalLabels = dimensions.map((_, i) => (i === 0 ? style.bold(TOTAL_LABEL) : ''));
  const total = [...totalLabels, ...statsCells(report.aggregate.total, style).map((cell) => style.bold(cell))];
  const shown = limit === 0 ? report.aggregate.groups.size : Math.min(limit, report.aggregate.groups.size);
  function* rows(): Generator<string[]> {
    yield head;
    let count = 0;
    for (const group of report.aggregate.groups) {
      if (count++ === shown) break;
      const labels = groupLabels(report, group.key).map((label) => {
        const escaped = escapeForTerminal(label);
        return context.maxLabelWidth === undefined ? escaped : fitWidth(escaped, context.maxLabelWidth);
      });
      yield [...labels, ...statsCells(group.stats, style)];
    }
    yield total;
  }

  yield `${style.bold(summaryHeadline(report, context.tz))}\n\n`;
  for (const line of tableLines(rows, aligns)) yield `${line}\n`;
  const notes = summaryNotes(report, context.tz);
  if (shown < report.aggregate.groups.size) notes.unshift(limitNote(report.aggregate.groups.size - shown, 'groups'));
  if (notes.length > 0) yield `\n${notes.map((note) => style.dim(escapeForTerminal(note))).join('\n')}\n`;
}

function statsCells(stats: Stats, style: Style): string[] {
  return TABLE_METRICS.map((metric) => {
    const text = metricCell(metric, stats);
    const alarm = metric.alarm?.(metric.value(stats), stats);
    return alarm === 'error' ? style.red(text) : alarm === 'warn' ? style.yellow(text) : text;
  });
}

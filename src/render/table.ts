/**
 * Terminal tables, drawn by cli-table3 (the only module that imports it) in the plain style of the design card:
 * no borders, columns two spaces apart, right-aligned numbers — and never coloured by it (`style` empty: only our
 * own colours, decided once, reach a pipe). The rows are made twice, once to measure the columns (string-width)
 * and once to draw them a page at a time at those widths: cli-table3's layout grows with the square of the rows
 * of one table, and a table of a million groups must not be held whole.
 */
import { createRequire } from 'node:module';
import type TableType from 'cli-table3';
import { displayWidth } from './width.js';
import { formatCount } from './numbers.js';

export type Align = 'left' | 'right';

/** cli-table3, loaded by the first table drawn: a run that draws none does not pay for it. */
let Table: typeof TableType | undefined;
const tableClass = (): typeof TableType => (Table ??= createRequire(import.meta.url)('cli-table3') as typeof TableType);

const SEPARATOR = '  ';
/** Rows drawn by one cli-table3 table. */
const PAGE_ROWS = 100;
const NO_BORDERS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: SEPARATOR,
};

/** The lines of a table of `rows` (the first is usually the header), made twice: to measure, then to draw. */
export function* tableLines(rows: () => Iterable<readonly string[]>, aligns: readonly Align[]): Generator<string> {
  const widths: number[] = [];
  for (const row of rows()) {
    row.forEach((cell, column) => {
      widths[column] = Math.max(widths[column] ?? 0, displayWidth(cell));
    });
  }
  if (widths.length === 0) return;
  let page: (readonly string[])[] = [];
  const draw = function* (): Generator<string> {
    const table = new (tableClass())({
      chars: NO_BORDERS,
      style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
      colWidths: widths.map((width) => Math.max(1, width)),
      colAligns: widths.map((_, column) => aligns[column] ?? 'left'),
      wordWrap: false,
    });
    // An empty cell is drawn as blanks: cli-table3 measures nothing narrower than one column.
    table.push(...page.map((row) => widths.map((_, column) => row[column] ?? '')));
    for (const line of table.toString().split('\n')) yield line.trimEnd();
    page = [];
  };
  for (const row of rows()) {
    page.push(row);
    if (page.length === PAGE_ROWS) yield* draw();
  }
  if (page.length > 0) yield* draw();
}

/** A small table as one string (the dashboard's panels). */
export function renderTable(rows: readonly (readonly string[])[], aligns: readonly Align[]): string {
  return [...tableLines(() => rows, aligns)].join('\n');
}

/** The line under a table cut at --limit: how many rows are left out, and how to see them. */
export function limitNote(leftOut: number, what: string, everyOne = '--format csv'): string {
  return `${formatCount(leftOut)} more ${what} not shown: --limit 0 shows them all, ${everyOne} lists every one`;
}

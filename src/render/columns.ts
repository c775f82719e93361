/**
 * Aligned text columns: the terminal table of every command. Not cli-table3: its layout is quadratic in the
 * rows and ~30 µs per cell (5,000 users took 6.2 s; this takes milliseconds), and it colours pipes on its own.
 */

export type Align = 'left' | 'right';

const SEPARATOR = '  ';

/** Rows of cells (the first row is usually the header) → lines padded to each column's widest cell. */
export function renderColumns(rows: readonly (readonly string[])[], aligns: readonly Align[]): string {
  return [...columnLines(() => rows, aligns)].join('\n');
}

/**
 * The same lines one at a time, from rows made twice — once to measure the columns, once to write them — so a table
 * of a million groups never holds its cells at once.
 */
export function* columnLines(rows: () => Iterable<readonly string[]>, aligns: readonly Align[]): Generator<string> {
  const widths: number[] = [];
  for (const row of rows()) {
    row.forEach((cell, column) => {
      const width = displayWidth(cell);
      if (width > (widths[column] ?? 0)) widths[column] = width;
    });
  }
  for (const row of rows()) {
    const cells = row.map((cell, column) => {
      const padding = ' '.repeat((widths[column] ?? 0) - displayWidth(cell));
      return aligns[column] === 'right' ? padding + cell : column === row.length - 1 ? cell : cell + padding;
    });
    yield cells.join(SEPARATOR).trimEnd();
  }
}

// SGR colour codes (ours, from chalk) take no room on screen.
const ANSI_SGR = /\x1b\[[0-9;]*m/g;
const ZERO_WIDTH = /[\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u0610-\u061a\u064b-\u065f\u200b-\u200f\u20d0-\u20ff\ufe00-\ufe0f\ufe20-\ufe2f]/u;

/** Terminal columns a string occupies: East Asian wide characters and emoji take two, combining marks none. */
export function displayWidth(text: string): number {
  const plain = text.includes('\x1b') ? text.replace(ANSI_SGR, '') : text;
  let width = 0;
  for (const char of plain) {
    const code = char.codePointAt(0) as number;
    if (code < 0x300) width += 1;
    else if (ZERO_WIDTH.test(char)) width += 0;
    else if (isWide(code)) width += 2;
    else width += 1;
  }
  return width;
}

function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0x303e) ||
    (code >= 0x3041 && code <= 0x33ff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0xa000 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1f64f) ||
    (code >= 0x1f900 && code <= 0x1f9ff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

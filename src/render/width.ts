/**
 * Terminal columns a string takes, by string-width (the only module that imports it): East Asian wide characters
 * and emoji take two (🚀, ☀️, 👨‍👩‍👧 alike), combining marks none, colour codes none.
 *
 * string-width takes ~40 ms to load (its Intl.Segmenter and emoji tables), a sixth of a run on a small log, and
 * only terminal tables need it: `loadDisplayWidths()` loads it, and the CLI awaits that before a table run. Printable
 * ASCII, every column a plain log's names and all our numbers take, is measured without it.
 */
let stringWidth: ((text: string) => number) | undefined;

export async function loadDisplayWidths(): Promise<void> {
  stringWidth ??= (await import('string-width')).default;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

export function displayWidth(text: string): number {
  if (PRINTABLE_ASCII.test(text)) return text.length;
  if (stringWidth === undefined) throw new Error('internal error: displayWidth before loadDisplayWidths()');
  return stringWidth(text);
}

/** `text` cut to at most `width` columns, with "…" when cut. */
export function fitWidth(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let cut = '';
  for (const char of text) {
    if (displayWidth(`${cut}${char}…`) > width) break;
    cut += char;
  }
  return `${cut}…`;
}

/**
 * Terminal columns a string takes, by string-width (the only module that imports it): East Asian wide characters
 * and emoji take two (🚀, ☀️, 👨‍👩‍👧 alike), combining marks none, colour codes none.
 */
import stringWidth from 'string-width';

export function displayWidth(text: string): number {
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

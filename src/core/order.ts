/** Strings in code-unit order (what `<` does), the same on every machine and locale: group keys, model names. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

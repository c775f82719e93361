/** A row of block characters for a series, for terminals only (pipes get numbers). Null values are gaps. */
const BLOCKS = '▁▂▃▄▅▆▇█';

export function sparkline(values: readonly (number | null)[]): string {
  const present = values.filter((value): value is number => value !== null);
  if (present.length === 0) return ' '.repeat(values.length);
  const min = Math.min(...present);
  const max = Math.max(...present);
  return values
    .map((value) => {
      if (value === null) return ' ';
      if (max === min) return value === 0 ? BLOCKS[0] : BLOCKS[3];
      return BLOCKS[Math.round(((value - min) / (max - min)) * (BLOCKS.length - 1))];
    })
    .join('');
}

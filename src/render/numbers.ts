/** Numbers for people: counts with separators, latencies in ms or s, money, percentages. Null shows as "–". */

export const MISSING = '–';

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

export function formatMs(value: number | null): string {
  if (value === null) return MISSING;
  if (value < 1) return `${value.toFixed(2)} ms`;
  if (value < 1000) return `${Math.round(value)} ms`;
  if (value < 100_000) return `${(value / 1000).toFixed(2)} s`;
  return `${(value / 1000).toFixed(0)} s`;
}

export function formatUsd(value: number | null): string {
  if (value === null) return MISSING;
  if (value === 0) return '$0.00';
  // Below a dollar the cents alone would hide most of the number: a feature costing $0.0112 is not "$0.01".
  if (Math.abs(value) < 1) return `$${value.toFixed(4)}`;
  return `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** Per-call cost: small numbers, so four significant digits. */
export function formatUsdPrecise(value: number | null): string {
  if (value === null) return MISSING;
  if (value === 0) return '$0';
  return `$${value.toPrecision(4).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '')}`;
}

export function formatPercent(value: number | null): string {
  if (value === null) return MISSING;
  return `${(value * 100).toFixed(1)}%`;
}

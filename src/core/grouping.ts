/** `--by` dimensions: what a record's group key is made of. */
import { UsageError } from '../errors.js';
import type { TimeZone } from './timezone.js';
import type { CallRecord } from './types.js';

const GROUP_DIMENSIONS = ['feature', 'model', 'user', 'day', 'hour', 'status'] as const;
export type GroupDimension = (typeof GROUP_DIMENSIONS)[number];

export function isTimeDimension(dimension: GroupDimension): boolean {
  return dimension === 'day' || dimension === 'hour';
}

/** "feature,model" → ['feature', 'model']; unknown names get a did-you-mean. */
export function parseGroupBy(text: string): GroupDimension[] {
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0) throw new UsageError(`--by needs at least one of ${GROUP_DIMENSIONS.join(', ')}`);
  const dimensions: GroupDimension[] = [];
  for (const name of names) {
    const dimension = GROUP_DIMENSIONS.find((known) => known === name);
    if (dimension === undefined) {
      const hint = closest(name, GROUP_DIMENSIONS);
      throw new UsageError(
        `unknown --by key "${name}"${hint === undefined ? '' : ` — did you mean "${hint}"?`} (choose from ${GROUP_DIMENSIONS.join(', ')})`,
      );
    }
    if (!dimensions.includes(dimension)) dimensions.push(dimension);
  }
  return dimensions;
}

/** The value of one dimension for a record. Status: "ok", the HTTP status of a failure, or its error type. */
function dimensionValue(dimension: GroupDimension, record: CallRecord, tz: TimeZone): string {
  switch (dimension) {
    case 'feature':
      return record.feature;
    case 'model':
      return record.model;
    case 'user':
      return record.userId;
    case 'day':
      return tz.dayKey(record.timestampMs);
    case 'hour':
      return tz.hourKey(record.timestampMs);
    case 'status':
      if (record.errorStatus !== null && record.errorStatus >= 400) return statusText(record.errorStatus);
      return record.error ?? 'ok';
  }
}

/**
 * A record's group key: its value when grouping by one dimension, else the values length-prefixed ("4:chat9:claude-…"),
 * unambiguous whatever characters a label holds ("a|b" + "c" ≠ "a" + "b|c"). Never "" (labels have defaults).
 */
export function groupKeyOf(dimensions: readonly GroupDimension[], record: CallRecord, tz: TimeZone): string {
  if (dimensions.length === 1) return dimensionValue(dimensions[0] as GroupDimension, record, tz);
  // An indexed loop: called for every call, where an iterator would be an object each time.
  let key = '';
  for (let i = 0; i < dimensions.length; i++) {
    const value = dimensionValue(dimensions[i] as GroupDimension, record, tz);
    key += `${value.length}:${value}`;
  }
  return key;
}

/**
 * The group key of a cell folded elsewhere, from its values by dimension; a time dimension is the day or hour of
 * `timeMs`. A dimension the cell does not have is a programming error: callers refuse such reports first.
 */
export function keyOfValues(
  dimensions: readonly GroupDimension[],
  values: Readonly<Partial<Record<'feature' | 'model' | 'user', string>>>,
  timeMs: number,
  tz: TimeZone,
): string {
  const valueOf = (dimension: GroupDimension): string => {
    if (dimension === 'day') return tz.dayKey(timeMs);
    if (dimension === 'hour') return tz.hourKey(timeMs);
    const value = dimension === 'status' ? undefined : values[dimension];
    if (value === undefined) throw new Error(`a folded cell has no ${dimension}`);
    return value;
  };
  if (dimensions.length === 1) return valueOf(dimensions[0] as GroupDimension);
  let key = '';
  for (const dimension of dimensions) {
    const value = valueOf(dimension);
    key += `${value.length}:${value}`;
  }
  return key;
}

/** The values a group key was made of, in dimension order: groupKeyOf undone. */
export function groupValuesOfKey(dimensions: readonly GroupDimension[], key: string): string[] {
  if (dimensions.length === 1) return [key];
  const values: string[] = [];
  let at = 0;
  while (at < key.length) {
    const colon = key.indexOf(':', at);
    const end = colon + 1 + Number(key.slice(at, colon));
    values.push(key.slice(colon + 1, end));
    at = end;
  }
  return values;
}

const STATUS_TEXT: string[] = [];
function statusText(status: number): string {
  return (STATUS_TEXT[status] ??= String(status));
}

function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(substitution, (previous[j] as number) + 1, (current[j - 1] as number) + 1));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

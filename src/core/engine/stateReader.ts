/**
 * Reading back a part's plain-data state (a checkpoint written by an earlier run): every value is checked, and a
 * bad one is an Error that names where it is, never a wrong number carried on.
 */
export class StateReader {
  constructor(readonly where: string) {}

  fail(what: string): never {
    throw new Error(`${this.where}: ${what}`);
  }

  at(where: string): StateReader {
    return new StateReader(`${this.where}.${where}`);
  }

  object(value: unknown, what: string): Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : this.fail(`${what} must be an object`);
  }

  list(value: unknown, what: string): unknown[] {
    return Array.isArray(value) ? value : this.fail(`${what} must be a list`);
  }

  string(value: unknown, what: string): string {
    return typeof value === 'string' ? value : this.fail(`${what} must be a string`);
  }

  /** A finite number (times, sums). */
  number(value: unknown, what: string): number {
    return typeof value === 'number' && Number.isFinite(value) ? value : this.fail(`${what} must be a number`);
  }

  /** A whole number ≥ 0 (counts). */
  count(value: unknown, what: string): number {
    return Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : this.fail(`${what} must be a whole number ≥ 0`);
  }

  /** A column of numbers (a typed array of `type`), of `length` values when given. */
  column<T extends ArrayLike<number>>(value: unknown, type: abstract new (...args: never[]) => T, what: string, length?: number): T {
    if (!(value instanceof type)) return this.fail(`${what} must be a column of numbers (${type.name})`);
    if (length !== undefined && value.length !== length) this.fail(`${what} holds ${value.length} values, where ${length} are read`);
    return value;
  }

  /** A column of finite numbers. */
  finiteColumn(value: unknown, what: string, length?: number): Float64Array {
    const column = this.column(value, Float64Array, what, length);
    for (let i = 0; i < column.length; i++) if (!Number.isFinite(column[i])) this.fail(`${what}[${i}] must be a number`);
    return column;
  }

  /** A time, or null for none (±Infinity, which JSON cannot hold). */
  time(value: unknown, what: string, none: number): number {
    return value === null ? none : this.number(value, what);
  }
}

/** ±Infinity as null, for JSON. */
export function finiteOrNull(ms: number): number | null {
  return Number.isFinite(ms) ? ms : null;
}

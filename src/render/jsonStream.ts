/**
 * JSON text produced piece by piece, identical to `JSON.stringify(value, null, 2)` followed by a newline. A long
 * array is given as `JsonItems` — its items are read from an iterable (made on demand, one at a time) and written one
 * after another — so a document with a million groups is never built whole, as objects or as a string.
 */
export class JsonItems {
  constructor(readonly items: Iterable<unknown>) {}
}

const INDENT = '  ';

/** Items made one at a time as the document is written. */
export function* mapItems<T, U>(items: Iterable<T>, make: (item: T) => U): Generator<U> {
  for (const item of items) yield make(item);
}

export function* jsonDocument(value: unknown): Generator<string> {
  yield* pieces(value, '');
  yield '\n';
}

function* pieces(value: unknown, indent: string): Generator<string> {
  if (value instanceof JsonItems || (Array.isArray(value) && holdsItems(value))) {
    const inner = indent + INDENT;
    let empty = true;
    for (const item of value instanceof JsonItems ? value.items : value) {
      yield `${empty ? '[' : ','}\n${inner}`;
      yield* pieces(isUnwritable(item) ? null : item, inner);
      empty = false;
    }
    yield empty ? '[]' : `\n${indent}]`;
  } else if (isPlainObject(value) && holdsItems(value)) {
    const inner = indent + INDENT;
    let empty = true;
    for (const [key, field] of Object.entries(value)) {
      if (isUnwritable(field)) continue;
      yield `${empty ? '{' : ','}\n${inner}${JSON.stringify(key)}: `;
      yield* pieces(field, inner);
      empty = false;
    }
    yield empty ? '{}' : `\n${indent}}`;
  } else {
    const text = JSON.stringify(value, null, 2);
    // A JSON string never holds a raw newline, so every newline here is the layout's and gets the outer indent.
    yield indent === '' ? text : text.replaceAll('\n', `\n${indent}`);
  }
}

/** What JSON.stringify leaves out of an object and writes as null in an array. */
function isUnwritable(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/** An array or plain object (without toJSON) with JsonItems somewhere inside: written piece by piece. */
function holdsItems(value: unknown): value is Record<string, unknown> {
  if (!Array.isArray(value) && !isPlainObject(value)) return false;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  for (const field of Object.values(value)) {
    if (field instanceof JsonItems || holdsItems(field)) return true;
  }
  return false;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

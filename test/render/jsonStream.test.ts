import { describe, expect, it } from 'vitest';
import { JsonItems, jsonDocument, mapItems } from '../../src/render/jsonStream.js';
import { random } from '../helpers.js';

/** A random JSON value; with `lazy`, some arrays become JsonItems (the plain twin keeps them as arrays). */
function randomValue(next: () => number, depth: number): { plain: unknown; lazy: unknown } {
  const pick = Math.floor(next() * (depth > 3 ? 4 : 7));
  switch (pick) {
    case 0:
      return { plain: null, lazy: null };
    case 1: {
      const number = [0, -0, 1.5, -3, 1e21, 2 ** 53 + 2][Math.floor(next() * 6)];
      return { plain: number, lazy: number };
    }
    case 2: {
      const text = ['', 'a\nb', '"quoted"', '\u2028', '\x1b[31m', 'ü'][Math.floor(next() * 6)];
      return { plain: text, lazy: text };
    }
    case 3: {
      const flag = next() < 0.5;
      return { plain: flag, lazy: flag };
    }
    case 4:
    case 5: {
      const items = Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
      if (next() < 0.2) items.push({ plain: undefined, lazy: undefined }); // written as null
      const plain = items.map((item) => item.plain);
      const lazyItems = items.map((item) => item.lazy);
      return { plain, lazy: next() < 0.6 ? new JsonItems(lazyItems) : lazyItems };
    }
    default: {
      const keys = ['a', '__proto__', 'constructor', 'x y', 'skip', 'method'].slice(0, Math.floor(next() * 6));
      const plain: Record<string, unknown> = {};
      const lazy: Record<string, unknown> = {};
      for (const key of keys) {
        // Left out, as by JSON.stringify: an undefined field and a function.
        const method = (): number => 1;
        const field = key === 'skip' ? { plain: undefined, lazy: undefined } : key === 'method' ? { plain: method, lazy: method } : randomValue(next, depth + 1);
        Object.defineProperty(plain, key, { value: field.plain, enumerable: true, writable: true });
        Object.defineProperty(lazy, key, { value: field.lazy, enumerable: true, writable: true });
      }
      return { plain, lazy };
    }
  }
}

describe('jsonDocument', () => {
  it('writes exactly what JSON.stringify(value, null, 2) writes, whatever the nesting of lazy arrays', () => {
    const next = random(7);
    let lazyDocuments = 0;
    for (let i = 0; i < 3000; i++) {
      const { plain, lazy } = randomValue(next, 0);
      const text = [...jsonDocument(lazy)].join('');
      if (text !== `${JSON.stringify(lazy, null, 2)}\n`) lazyDocuments++;
      expect(text).toBe(`${JSON.stringify(plain, null, 2)}\n`);
    }
    // The generator really met lazy arrays (JSON.stringify of a JsonItems writes it as an object).
    expect(lazyDocuments).toBeGreaterThan(300);
  });

  it('makes items only as the text is read', () => {
    let made = 0;
    const items = new JsonItems(mapItems([1, 2, 3], (n) => ({ n, made: ++made })));
    const pieces = jsonDocument({ items })[Symbol.iterator]();
    pieces.next();
    expect(made).toBeLessThanOrEqual(1);
    const rest: string[] = [];
    for (let piece = pieces.next(); piece.done !== true; piece = pieces.next()) rest.push(piece.value);
    expect(made).toBe(3);
  });
});

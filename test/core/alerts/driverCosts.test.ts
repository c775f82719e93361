import { describe, expect, it } from 'vitest';
import { DriverCosts } from '../../../src/core/alerts/driverCosts.js';
import { random } from '../../helpers.js';

/** The amounts one call at a time, in order: what DriverCosts must equal to the last bit. */
function directSums(notes: readonly [string, string, string, string, number][], dimension: 0 | 1 | 2, scope: string): Map<string, number> {
  const sums = new Map<string, number>();
  for (const note of notes) {
    if (note[0] !== scope) continue;
    const value = note[1 + dimension] as string;
    sums.set(value, (sums.get(value) ?? 0) + note[4]);
  }
  return sums;
}

function amountsOf(costs: DriverCosts, scope: string, dimension: 'feature' | 'user' | 'model'): Map<string, number> {
  return new Map([...(costs.of(scope)?.[dimension] ?? [])].map(([value, slot]) => [value, slot.usd]));
}

describe('DriverCosts', () => {
  const next = random(7);
  const notes = Array.from({ length: 5000 }, (): [string, string, string, string, number] => [
    `scope-${Math.floor(next() * 3)}`,
    `feature-${Math.floor(next() * 4)}`,
    `user-${Math.floor(next() * 50)}`,
    `model-${Math.floor(next() * 2)}`,
    next() / 7,
  ]);

  it.each([7, 64, 1 << 18])('adds every call in read order whether added when full or when asked (capacity %i)', (capacity) => {
    const costs = new DriverCosts(['feature'], capacity);
    for (const note of notes) costs.note(...note);
    for (const scope of ['scope-0', 'scope-1', 'scope-2']) {
      expect(amountsOf(costs, scope, 'user')).toEqual(directSums(notes, 1, scope));
      expect(amountsOf(costs, scope, 'model')).toEqual(directSums(notes, 2, scope));
      // The dimension scopes are split by is not counted.
      expect(amountsOf(costs, scope, 'feature').size).toBe(0);
    }
  });

  it('asks in the middle of a day, then goes on adding', () => {
    const costs = new DriverCosts(['model'], 100);
    for (const note of notes.slice(0, 2500)) costs.note(...note);
    expect(amountsOf(costs, 'scope-1', 'user')).toEqual(directSums(notes.slice(0, 2500), 1, 'scope-1'));
    for (const note of notes.slice(2500)) costs.note(...note);
    expect(amountsOf(costs, 'scope-1', 'user')).toEqual(directSums(notes, 1, 'scope-1'));
    expect(amountsOf(costs, 'scope-1', 'feature')).toEqual(directSums(notes, 0, 'scope-1'));
  });

  it('forgets the day before, both what was added and what was only noted', () => {
    const costs = new DriverCosts(['feature'], 1000);
    for (const note of notes.slice(0, 1500)) costs.note(...note); // 1000 added, 500 noted
    costs.clear();
    expect(costs.of('scope-0')).toBeUndefined();
    for (const note of notes.slice(1500, 1600)) costs.note(...note);
    expect(amountsOf(costs, 'scope-0', 'user')).toEqual(directSums(notes.slice(1500, 1600), 1, 'scope-0'));
  });
});

/**
 * What drives a firing alert: the top features, users and models by their share of the errors, 429s, slow calls,
 * cost or tokens behind it.
 */
import { roundUsd } from '../figures.js';
import { compareStrings } from '../order.js';
import { DRIVER_DIMENSIONS, type DriverDimension } from './alertParts.js';

export interface Driver {
  readonly dimension: DriverDimension;
  readonly value: string;
  /** Errors, 429s or slow calls by this value; USD for daily_cost; calls or tokens of the peak minute for ratelimit_headroom. */
  readonly amount: number;
  /** amount / the scope's total. */
  readonly share: number;
}

const MAX_DRIVERS = 3;

/**
 * The top values of each dimension by share, except the dimensions the scope is already split by and those with
 * a single value in the whole scope (one model for every call says nothing about the cause).
 */
export function topDrivers(
  byDimension: ReadonlyMap<DriverDimension, ReadonlyMap<string, number>>,
  breakdown: readonly string[],
  population: ReadonlyMap<DriverDimension, ReadonlyMap<string, number>>,
): Driver[] {
  const drivers: Driver[] = [];
  for (const dimension of DRIVER_DIMENSIONS) {
    if (breakdown.includes(dimension) || (population.get(dimension)?.size ?? 0) < 2) continue;
    const amounts = byDimension.get(dimension);
    if (amounts === undefined || amounts.size === 0) continue;
    // Rounded amounts, added up in a fixed order: the shares print the same however the amounts were split.
    const ranked = [...amounts]
      .map(([value, amount]): [string, number] => [value, Number.isInteger(amount) ? amount : roundUsd(amount)])
      .sort(([a, x], [b, y]) => y - x || compareStrings(a, b));
    const total = ranked.reduce((sum, [, amount]) => sum + amount, 0);
    if (!(total > 0)) continue;
    for (const [value, amount] of ranked.slice(0, MAX_DRIVERS)) drivers.push({ dimension, value, amount, share: amount / total });
  }
  return drivers;
}

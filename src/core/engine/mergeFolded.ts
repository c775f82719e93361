/**
 * A `.cmstate` read back into a command's parts: each cell of the sections the report reads goes, whole, to the
 * parts that take that section. What a state cannot answer exactly is a usage error that says why and what to do,
 * never an approximation: a window or a bucket boundary between the calls of a cell, a zone whose hours are not
 * UTC hours when local days or hours are read, users' days in another zone than --tz.
 */
import { UsageError } from '../../errors.js';
import { HOUR_MS } from '../durations.js';
import { type ReadState, SECTION_DIMENSIONS, type StateSection } from '../foldState.js';
import type { GroupDimension } from '../grouping.js';
import { Latencies } from '../latencies.js';
import type { RateLimitHeaders } from '../rateLimitHeaders.js';
import type { ReportedCost } from '../reportedCost.js';
import type { StatsAccumulator } from '../stats.js';
import type { TimeZone } from '../timezone.js';
import { type Edge, placeOf, type TimeWindow } from '../window.js';
import { CutError } from './cutError.js';
import type { FoldedValues, Ledger } from './ledger.js';
import type { CallCount, Measure } from './measure.js';
import type { TokenLedger } from './tokenLedger.js';

/** A part that takes a section's cells (a ledger's addFolded, or an adapter to one). */
export type FoldedTarget<M> = (values: FoldedValues, measure: M, what: () => string) => void;

/** A ledger's cells from a section. */
export function foldedInto<M extends Measure<M>>(ledger: Ledger<M>): FoldedTarget<M> {
  return (values, measure, what) => ledger.addFolded(values, measure, what);
}

/** A token ledger's cells from a section of StatsAccumulators: their calls and token sums. */
export function tokensInto(ledger: TokenLedger): FoldedTarget<StatsAccumulator> {
  return (values, stats, what) => ledger.addFolded(values, stats.calls, stats.firstCallMs, stats.lastCallMs, stats.modelTokens, what);
}

/**
 * A target that takes only the cells inside one of `windows` (made when the first cell comes: after the logs, at
 * the final now): a cell a window cuts is a CutError, one outside them all is left.
 */
export function within<M extends Measure<M>>(windows: () => readonly TimeWindow[], target: FoldedTarget<M>): FoldedTarget<M> {
  let made: readonly TimeWindow[] | undefined;
  return (values, measure, what) => {
    let inside = false;
    for (const window of (made ??= windows())) {
      const place = placeOf(window, measure.firstCallMs, measure.lastCallMs);
      if (place === 'inside') inside = true;
      else if (place !== 'outside') throw new CutError(what(), place);
    }
    if (inside) target(values, measure, what);
  };
}

/** A ledger of latencies' cells from a section of StatsAccumulators. */
export function latenciesInto(ledger: Ledger<Latencies>): FoldedTarget<StatsAccumulator> {
  return (values, stats, what) => {
    const latencies = new Latencies();
    latencies.mergeDistribution(stats.latencyDistribution, stats.latencyMaxMilliseconds, stats.firstCallMs, stats.lastCallMs);
    ledger.addFolded(values, latencies, what);
  };
}

export interface FoldedTargets {
  readonly hours?: readonly FoldedTarget<StatsAccumulator>[];
  /** Give them only when the report reads the users section. */
  readonly users?: readonly FoldedTarget<StatsAccumulator>[];
  readonly rateLimited?: readonly FoldedTarget<CallCount>[];
  readonly rateLimitHeaders?: readonly FoldedTarget<RateLimitHeaders>[];
  readonly reportedCost?: readonly FoldedTarget<ReportedCost>[];
  /**
   * The report reads local days or hours of --tz: the zone's hours must then be UTC hours, and the users' days
   * must be days of --tz.
   */
  readonly localTime: boolean;
  /** What to give instead when a time falls between a cell's calls: "--now on a whole hour". */
  readonly wholeHours: string;
}

export function mergeFolded(state: ReadState, file: string, tz: TimeZone, targets: FoldedTargets): void {
  if (targets.localTime && targets.users !== undefined && !tz.isNamed(state.timezone)) {
    throw new UsageError(`${file} holds users by day in ${state.timezone}: give --tz ${state.timezone}, or the logs`);
  }
  try {
    for (const group of state.hours) {
      if (targets.localTime) requireWholeHours(tz, group.hourMs, file);
      const what = (): string => `the hour from ${iso(group.hourMs)} of ${JSON.stringify(group.feature)} on ${JSON.stringify(group.model)}`;
      for (const target of targets.hours ?? []) target({ feature: group.feature, model: group.model }, group.stats, what);
    }
    for (const group of state.users) {
      const what = (): string => `${group.day} of user ${JSON.stringify(group.user)}`;
      for (const target of targets.users ?? []) target({ user: group.user }, group.stats, what);
    }
    for (const group of state.rateLimited) {
      if (targets.localTime) requireWholeHours(tz, group.hourMs, file);
      const what = (): string => `the rate-limited calls of the hour from ${iso(group.hourMs)} of ${JSON.stringify(group.feature)} by ${JSON.stringify(group.user)}`;
      for (const target of targets.rateLimited ?? []) target({ feature: group.feature, user: group.user }, group.count, what);
    }
    for (const group of state.rateLimitHeaders) {
      if (targets.localTime) requireWholeHours(tz, group.hourMs, file);
      const what = (): string => `the rate-limit headers of the hour from ${iso(group.hourMs)} on ${JSON.stringify(group.model)}`;
      for (const target of targets.rateLimitHeaders ?? []) target({ model: group.model }, group.headers, what);
    }
    for (const group of state.reportedCost) {
      const what = (): string => `the reported cost of the hour from ${iso(group.hourMs)}`;
      for (const target of targets.reportedCost ?? []) target({}, group.cost, what);
    }
  } catch (error) {
    if (!(error instanceof CutError)) throw error;
    throw new UsageError(`${file}: ${error.message}, and a state keeps them together: ${adviceFor(error.edge, targets.wholeHours)}, or give the logs`);
  }
}

/**
 * The section of a state that answers a report grouped by `dimensions`: hours for feature, model, day and hour;
 * users for user (and day). Anything else is a usage error naming the file.
 */
export function stateSectionFor(dimensions: readonly GroupDimension[], file: string): StateSection {
  const answers = (section: StateSection): boolean =>
    dimensions.every((dimension) => dimension === 'day' || dimension === 'hour' || SECTION_DIMENSIONS[section].includes(dimension));
  if (answers('hours')) return 'hours';
  if (answers('users') && !dimensions.includes('hour')) return 'users';
  throw new UsageError(
    `${file} holds hour × feature × model and day × user groups: --by ${dimensions.join(',')} needs the logs (with .cmstate inputs, --by takes feature, model, day and hour, or user and day)`,
  );
}

/** Local hours must be UTC hours around this one (not so in zones such as Asia/Kolkata, UTC+5:30): a state holds UTC hours. */
export function requireWholeHours(tz: TimeZone, utcMs: number, file: string): void {
  if (tz.offsetMinutesAt(utcMs) % 60 === 0 && tz.offsetMinutesAt(utcMs + HOUR_MS - 1) % 60 === 0) return;
  throw new UsageError(`${file}: --tz ${tz.name} is not a whole number of hours from UTC, and a state holds UTC hours: use another --tz, or the logs`);
}

function adviceFor(edge: Edge, wholeHours: string): string {
  if (edge.ms % HOUR_MS !== 0) return `give ${wholeHours}`;
  if (edge.name === 'now') return `fold the states as of then (fold --now ${iso(edge.ms)})`;
  return 'a call lies exactly on it, which a state folded by an older claude-mon kept with its hour: fold the logs again';
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

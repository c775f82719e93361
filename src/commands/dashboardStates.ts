/**
 * `.cmstate` inputs into the dashboard: a state's hours (the days, yesterday by this time, the slow window), its
 * users of today and its rate-limited calls, each group taken whole. What a state cannot answer exactly is a usage
 * error that says so, never an approximation: a zone whose hours are not UTC hours, users' days in another zone, a
 * version 1 state (no rate-limited calls), an edge of a panel between the calls of a group.
 */
import type { Cut, DashboardFold } from '../core/dashboard.js';
import { HOUR_MS, type ReadState } from '../core/foldState.js';
import type { TimeZone } from '../core/timezone.js';
import { UsageError } from '../errors.js';
import { requireWholeHours } from './readStates.js';

export function foldStateIntoDashboard(state: ReadState, file: string, tz: TimeZone, fold: DashboardFold): void {
  if (state.version < 2) {
    throw new UsageError(`${file} was folded by an older claude-mon, without the rate-limited calls the dashboard shows: fold its logs again`);
  }
  if (!tz.isNamed(state.timezone)) {
    throw new UsageError(`${file} holds users by day in ${state.timezone}: give --tz ${state.timezone}, or the logs`);
  }
  // The panels' clock hours are UTC hours too (not so at --now in, say, Australia/Lord_Howe after its April change).
  requireWholeHours(tz, fold.atMs, file);
  const cutting = (what: string): Cut => (edgeMs, edge) => {
    const at = new Date(edgeMs).toISOString();
    const advice = edgeMs % HOUR_MS !== 0
      ? 'give --now on a whole hour (and a --slow-window of whole hours)'
      : edge === 'now'
        ? `fold the states as of then (fold --now ${at})`
        : 'a call lies exactly on it, which a state folded by an older claude-mon kept with its hour: fold the logs again';
    throw new UsageError(`${file}: ${what} has calls on both sides of ${edge} (${at}), and a state keeps them together: ${advice}, or give the logs`);
  };
  for (const { hourMs, feature, model, stats } of state.hours) {
    requireWholeHours(tz, hourMs, file);
    fold.addFoldedHour(feature, stats, cutting(`the hour from ${new Date(hourMs).toISOString()} of ${JSON.stringify(feature)} on ${JSON.stringify(model)}`));
  }
  for (const { day, user, stats } of state.users) {
    fold.addFoldedUserDay(tz.localToUtc(Date.parse(`${day}T00:00:00Z`)), user, stats, cutting(`${day} of user ${JSON.stringify(user)}`));
  }
  for (const { hourMs, feature, user, calls, firstMs, lastMs } of state.rateLimited) {
    requireWholeHours(tz, hourMs, file);
    const what = `the rate-limited calls of the hour from ${new Date(hourMs).toISOString()} of ${JSON.stringify(feature)} by ${JSON.stringify(user)}`;
    fold.addFoldedRateLimits(feature, user, calls, firstMs, lastMs, cutting(what));
  }
}

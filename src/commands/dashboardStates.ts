/**
 * `.cmstate` inputs into the dashboard: a state's hours (the days, yesterday by this time, the slow window), its
 * users of today and its rate-limited calls, each group taken whole. What a state cannot answer exactly is a usage
 * error that says so, never an approximation: a zone whose hours are not UTC hours, users' days in another zone, a
 * version 1 state (no rate-limited calls), an edge of a panel between the calls of a group.
 */
import type { DashboardFold } from '../core/dashboard.js';
import type { ReadState } from '../core/foldState.js';
import type { TimeZone } from '../core/timezone.js';
import { UsageError } from '../errors.js';
import { requireWholeHours } from './readStates.js';

export function foldStateIntoDashboard(state: ReadState, file: string, tz: TimeZone, fold: DashboardFold): void {
  if (state.version < 2) {
    throw new UsageError(`${file} was folded by an older claude-mon, without the rate-limited calls the dashboard shows: fold its logs again`);
  }
  if (tz.name !== state.timezone) {
    throw new UsageError(`${file} holds users by day in ${state.timezone}: give --tz ${state.timezone}, or the logs`);
  }
  const cutting = (what: string) => (edgeMs: number): never => {
    throw new UsageError(
      `${file}: the dashboard draws an edge at ${new Date(edgeMs).toISOString()} (now, the slow window's or the 24 hours' start, or yesterday's same minute), between the calls of ${what}, which a state keeps together: give --now on a whole hour, or the logs`,
    );
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

/** The projection of a day's cost from its first hours, shared by `dashboard` and the daily_cost alert. */
import { roundUsd } from './figures.js';

/**
 * Today's cost projected to the whole day: scaled by how the reference (yesterday, or the baseline days' mean)
 * went on after this time of day, when it had spent a fair share (10%) by then; otherwise — early in the day, or a
 * quiet reference — linearly by the elapsed share of the day (one cheap early call yesterday must not multiply
 * today's cost a thousandfold).
 */
export function projectDay(todayUsd: number, sameTimeUsd: number | null, fullDayUsd: number | null, elapsedMs: number, dayMs: number): number | null {
  if (sameTimeUsd !== null && fullDayUsd !== null && sameTimeUsd > 0 && sameTimeUsd >= 0.1 * fullDayUsd) {
    return roundUsd((todayUsd * fullDayUsd) / sameTimeUsd);
  }
  return elapsedMs > 0 ? roundUsd((todayUsd * dayMs) / elapsedMs) : null;
}

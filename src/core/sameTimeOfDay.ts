/**
 * "The same time of day" on an earlier day, defined once for the dashboard's "yesterday by this time" and the
 * daily_cost baseline: the same wall-clock time in --tz (across a DST change that is 23 or 25 hours a day back, not
 * 24), counted to the minute — the day's whole minutes before the minute of that time, and of that minute the share
 * already gone by (at 12:00:20, a third of it). Today is counted exactly, so a baseline without that share would
 * lag it by up to a minute (just after midnight, today's first calls against nothing at all). Minutes, not the calls
 * themselves: with `--now latest` read in one pass, now moves with the newest call, and a baseline day is read
 * long before its same time is known.
 */
import { MINUTE_MS, DAY_MS } from './durations.js';
import type { TimeZone } from './timezone.js';
import { calendarSpan, type TimeWindow } from './window.js';


export interface SameTime {
  /** The start of the day, and the whole minutes of it before the same time. */
  readonly before: TimeWindow;
  /** The minute the same time falls in, and the share of it gone by then (0 on a whole minute). */
  readonly minute: TimeWindow;
  readonly share: number;
  readonly dayStartMs: number;
}

/** The same time of day as now, `days` calendar days back in `tz`. */
export function sameTimeDaysBack(nowMs: number, days: number, tz: TimeZone): SameTime {
  const sameTime = tz.localToUtc(nowMs + tz.offsetMinutesAt(nowMs) * MINUTE_MS - days * DAY_MS);
  const minuteStart = Math.floor(sameTime / MINUTE_MS) * MINUTE_MS;
  const dayStartMs = tz.startOfDay(sameTime);
  return {
    before: calendarSpan(dayStartMs, minuteStart, 'the same minute of the day'),
    minute: calendarSpan(minuteStart, minuteStart + MINUTE_MS, 'the same minute of the day'),
    share: (sameTime - minuteStart) / MINUTE_MS,
    dayStartMs,
  };
}

/** The cost up to the same time, from the cost of windows of whole minutes. */
export function costBySameTime(sameTime: SameTime, costOf: (window: TimeWindow) => number): number {
  const before = costOf(sameTime.before);
  return sameTime.share === 0 ? before : before + costOf(sameTime.minute) * sameTime.share;
}

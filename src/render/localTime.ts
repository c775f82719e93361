/** Instants shown to people in the report's time zone: "2026-11-26 10:00:03" with the zone named once in the header. */
import type { TimeZone } from '../core/timezone.js';

export function formatLocalTime(ms: number, tz: TimeZone): string {
  const local = new Date(Math.floor(ms) + tz.offsetMinutesAt(ms) * 60_000);
  return local.toISOString().slice(0, 19).replace('T', ' ');
}

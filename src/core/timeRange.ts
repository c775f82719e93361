/**
 * The common time flags (--since, --until, --date, --now) turned into instants and windows (src/core/window.ts).
 * Parsed once per run, so clarity wins over speed here; the flags use the parser of the records' timestamps
 * (src/core/timestamp.ts), so a time means the same thing on the command line and in a log.
 */
import { UsageError } from '../errors.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS } from './durations.js';
import { parseIsoTimestamp, TS_LOCAL, TS_UTC } from './timestamp.js';
import type { TimeZone } from './timezone.js';
import { ALL_TIME, calendarSpan, type Edge, nowEdge, type TimeWindow } from './window.js';

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: SECOND_MS,
  m: MINUTE_MS,
  h: HOUR_MS,
  d: DAY_MS, // 24 hours back from now, not calendar days: --date selects calendar days.
  w: 7 * DAY_MS,
};
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;
const DATE_ONLY_LENGTH = 'YYYY-MM-DD'.length;
const INSTANT_EXAMPLE = 'expected a duration like 10m, 24h, 7d or an ISO time like 2026-11-26T10:00Z';

/** --now: an instant (`wallClock` when it was not given), or the newest record's time, known after reading. */
export type Now = { readonly kind: 'fixed'; readonly ms: number; readonly wallClock?: true } | { readonly kind: 'latest' };

export interface RangeFlags {
  since?: string;
  until?: string;
  date?: string;
}

/**
 * "90s", "10m", "24h", "7d", "2w", also "1h30m" and "1.5h" → ms (> 0); UsageError otherwise, with an example.
 * `what` names the value in that message, e.g. `--since` or `rules.p95_latency.window`.
 */
export function parseDuration(text: string, what = 'duration'): number {
  const ms = readDuration(text.trim());
  if (ms === null) {
    throw new UsageError(`${what} "${text}": expected a duration like 90s, 10m, 24h, 7d, 2w or 1h30m`);
  }
  return ms;
}

/** 600000 → "10m", 90000 → "90s", 5400000 → "90m", 7200000 → "2h", 86400000 → "24h", 172800000 → "2d". */
export function formatWindow(ms: number): string {
  for (const [unit, size] of [['d', DAY_MS], ['h', HOUR_MS], ['m', MINUTE_MS], ['s', SECOND_MS]] as const) {
    if (unit === 'd' && ms < 2 * size) continue;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/**
 * A --since/--until value: a duration back from now, `now`, `today`/`yesterday` (start of that day in tz), or an
 * ISO date/time (date-only = start of that day in tz; no offset = wall clock in tz).
 */
export function parseInstant(text: string, nowMs: number, tz: TimeZone, flag: string): number {
  const value = text.trim();
  const duration = readDuration(value);
  if (duration !== null) return nowMs - duration;
  const word = value.toLowerCase();
  if (word === 'now') return nowMs;
  if (word === 'today') return tz.startOfDay(nowMs);
  if (word === 'yesterday') return tz.addDays(tz.startOfDay(nowMs), -1);
  const ms = readIsoInstant(value, tz);
  if (ms === null) throw new UsageError(`${flag} "${text}": ${INSTANT_EXAMPLE}`);
  return ms;
}

/**
 * --now: undefined → `clockMs` (the wall clock, read once by the caller), "latest" → the newest record's time
 * (known after reading), ISO → that instant.
 */
export function parseNow(text: string | undefined, tz: TimeZone, clockMs: number): Now {
  if (text === undefined) return { kind: 'fixed', ms: clockMs, wallClock: true };
  const value = text.trim();
  if (value.toLowerCase() === 'latest') return { kind: 'latest' };
  const ms = readIsoInstant(value, tz);
  if (ms === null) {
    throw new UsageError(`--now "${text}": expected "latest" or an ISO time like 2026-11-26T10:00Z`);
  }
  return { kind: 'fixed', ms };
}

/**
 * The window of --since, --until or --date (today|yesterday|YYYY-MM-DD in tz), each edge on its side
 * (src/core/window.ts): a duration back from now is a window edge, (now − 10m, …]; a date, `today` or an ISO
 * time starts or ends a calendar span, [T, …) and […, T). Without --until, a range given relative to now ends at
 * now; an absolute one is open. --date with --since/--until, and an empty range, are usage errors.
 */
export function resolveRange(flags: RangeFlags, nowMs: number, tz: TimeZone): TimeWindow {
  const { since, until, date } = flags;
  if (date !== undefined) {
    if (since !== undefined || until !== undefined) {
      throw new UsageError('--date cannot be combined with --since/--until: --date already selects one whole day');
    }
    const from = resolveDayStart(date, nowMs, tz);
    return calendarSpan(from, tz.addDays(from, 1), '--date');
  }
  const from: Edge = since === undefined ? ALL_TIME.from : rangeEdge(since, nowMs, tz, '--since');
  const to: Edge =
    until !== undefined ? rangeEdge(until, nowMs, tz, '--until') : since !== undefined && isRelativeToNow(since) ? nowEdge(nowMs) : ALL_TIME.to;
  const window = { from, to };
  if (from.ms > to.ms || (from.ms === to.ms && !(from.included && to.included))) {
    throw new UsageError(
      `--since "${since}" (${formatIsoUtc(from.ms)}) is not before ${until === undefined ? '--now' : `--until "${until}"`} (${formatIsoUtc(to.ms)}): ` +
        'the range would be empty',
    );
  }
  return window;
}

/**
 * A --since or --until edge: a duration back from now (or `now`) is a window edge — after it for --since, up to
 * and including it for --until; anything else (a date, an ISO time, `today`) starts a span: from it for --since,
 * before it for --until.
 */
function rangeEdge(text: string, nowMs: number, tz: TimeZone, flag: '--since' | '--until'): Edge {
  const ms = parseInstant(text, nowMs, tz, flag);
  const value = text.trim();
  const windowEdge = readDuration(value) !== null || value.toLowerCase() === 'now';
  return { ms, included: windowEdge === (flag === '--until'), name: flag };
}

/** True when the range depends on "now" (a duration, now/today/yesterday): the caller must know now before filtering. */
export function rangeDependsOnNow(flags: RangeFlags): boolean {
  return [flags.since, flags.until, flags.date].some((value) => value !== undefined && isRelativeToNow(value));
}

/** "2026-11-26T10:00:00.123Z"; sub-millisecond digits are floored so a time never prints later than it is. */
export function formatIsoUtc(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`cannot format ${ms} as a time`);
  return new Date(Math.floor(ms)).toISOString();
}

/**
 * "2026-11-26T10:00:00.123456Z": to the microsecond (a record's own instant, with `--now latest`), rounded up, so
 * that `--now` given this text is never before the instant and still takes the call at it.
 */
export function formatIsoMicros(ms: number): string {
  const whole = Math.floor(ms);
  const micros = Math.ceil(Math.round((ms - whole) * 1e6) / 1e3);
  if (micros === 0) return formatIsoUtc(whole);
  if (micros === 1000) return formatIsoUtc(whole + 1);
  return `${formatIsoUtc(whole).slice(0, -1)}${String(micros).padStart(3, '0')}Z`;
}

function isRelativeToNow(text: string): boolean {
  const value = text.trim();
  const word = value.toLowerCase();
  return readDuration(value) !== null || word === 'now' || word === 'today' || word === 'yesterday';
}

/** Sum of the duration's parts, or null when it is not one (or is zero: an empty window is never what was meant). */
function readDuration(text: string): number | null {
  if (!DURATION.test(text)) return null;
  let ms = 0;
  for (const match of text.matchAll(DURATION_PART)) ms += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? Number.NaN);
  return Number.isFinite(ms) && ms > 0 ? ms : null;
}

/** An ISO date or time as an instant; without an offset it is wall-clock time in tz. Null when not ISO. */
function readIsoInstant(text: string, tz: TimeZone): number | null {
  const out = { ms: 0 };
  const bytes = new TextEncoder().encode(text);
  const kind = parseIsoTimestamp(bytes, 0, bytes.length, out);
  if (kind === TS_UTC) return out.ms;
  if (kind === TS_LOCAL) return tz.localToUtc(out.ms);
  return null;
}

function resolveDayStart(date: string, nowMs: number, tz: TimeZone): number {
  const value = date.trim();
  const word = value.toLowerCase();
  if (word === 'today') return tz.startOfDay(nowMs);
  if (word === 'yesterday') return tz.addDays(tz.startOfDay(nowMs), -1);
  const out = { ms: 0 };
  const bytes = new TextEncoder().encode(value);
  if (value.length !== DATE_ONLY_LENGTH || parseIsoTimestamp(bytes, 0, bytes.length, out) !== TS_LOCAL) {
    throw new UsageError(`--date "${date}": expected today, yesterday or a date like 2026-11-26`);
  }
  // startOfDay rather than the local midnight itself: in zones that skip midnight the day begins at 01:00.
  return tz.startOfDay(tz.localToUtc(out.ms));
}

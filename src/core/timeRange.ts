/**
 * The common time flags (--since, --until, --date, --now) turned into a half-open range [from, to) of epoch ms.
 * Parsed once per run, so clarity wins over speed here; timestamps of records go through src/input/timestamp.ts,
 * and the flags reuse that parser so a time means the same thing on the command line and in a log.
 */
import { UsageError } from '../errors.js';
import { parseIsoTimestamp, TS_LOCAL, TS_UTC } from '../input/timestamp.js';
import type { TimeZone } from './timezone.js';

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000, // 24 hours back from now, not calendar days: --date selects calendar days.
  w: 604_800_000,
};
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;
const DATE_ONLY_LENGTH = 'YYYY-MM-DD'.length;
const INSTANT_EXAMPLE = 'expected a duration like 10m, 24h, 7d or an ISO time like 2026-11-26T10:00Z';

export type Now = { kind: 'fixed'; ms: number } | { kind: 'latest' };

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
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
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
  if (text === undefined) return { kind: 'fixed', ms: clockMs };
  const value = text.trim();
  if (value.toLowerCase() === 'latest') return { kind: 'latest' };
  const ms = readIsoInstant(value, tz);
  if (ms === null) {
    throw new UsageError(`--now "${text}": expected "latest" or an ISO time like 2026-11-26T10:00Z`);
  }
  return { kind: 'fixed', ms };
}

/**
 * Half-open [from, to) from --since, --until or --date (today|yesterday|YYYY-MM-DD in tz); a null bound is open.
 * --date with --since/--until, and from >= to, are usage errors.
 */
export function resolveRange(flags: RangeFlags, nowMs: number, tz: TimeZone): { from: number | null; to: number | null } {
  const { since, until, date } = flags;
  if (date !== undefined) {
    if (since !== undefined || until !== undefined) {
      throw new UsageError('--date cannot be combined with --since/--until: --date already selects one whole day');
    }
    const from = resolveDayStart(date, nowMs, tz);
    return { from, to: tz.addDays(from, 1) };
  }
  const from = since === undefined ? null : parseInstant(since, nowMs, tz, '--since');
  const to = until === undefined ? null : parseInstant(until, nowMs, tz, '--until');
  if (from !== null && to !== null && from >= to) {
    throw new UsageError(
      `--since "${since}" (${formatIsoUtc(from)}) is not before --until "${until}" (${formatIsoUtc(to)}): ` +
        'the range would be empty',
    );
  }
  return { from, to };
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

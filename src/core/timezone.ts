/**
 * Calendar days and hours in the --tz zone. Grouping by day/hour asks for a key PER RECORD, so UTC is pure
 * arithmetic, other zones cache their offset per 15-minute UTC bucket, and the last day/hour key is reused while
 * records stay inside it. All times are epoch ms.
 * Modern transitions fall on quarter hours, so a bucket almost always has one offset; the rare bucket with a
 * transition inside (Newfoundland's 00:01 changes before 2011, local mean time) is marked NaN and read exactly.
 */
import { UsageError } from '../errors.js';
import { MINUTE_MS, HOUR_MS, DAY_MS } from './durations.js';

const MS_PER_QUARTER = 900_000;
/** Bounds each offset cache: ~50k quarter hours is 520 days of records scattered at random. */
const MAX_CACHED_BUCKETS = 50_000;

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). Arithmetic rather than
 * Date.UTC, which allocates nothing but reads years 0–99 as 1900–1999.
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** Inverse of daysFromCivil, packed as year·10000 + month·100 + day so that it allocates nothing. */
export function civilFromDays(days: number): number {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return year * 10000 + month * 100 + day;
}

export class TimeZone {
  /** The IANA name as the user wrote it (case corrected; aliases such as Asia/Kolkata are kept, not canonicalised). */
  readonly name: string;
  /** True for UTC and its aliases (Etc/UTC, GMT, Zulu...): offsets are 0 and keys use `Z`. */
  readonly isUtc: boolean;
  /** ICU's name for the zone: the same for aliases (Etc/UTC and UTC, US/Eastern and America/New_York). */
  private readonly canonical: string;
  /** Null for plain "UTC", the default: creating a formatter loads ICU's zone data (~20 ms of every run). */
  private readonly formatter: Intl.DateTimeFormat | null;
  /** UTC quarter hour → offset (ms) in force through it, NaN when it changes inside. */
  private readonly offsetByBucket = new Map<number, number>();
  /** Local quarter hour → offset (ms) localToUtc applies through it, NaN when a gap or overlap edge is inside. */
  private readonly localOffsetByBucket = new Map<number, number>();
  private lastBucket = Number.NaN;
  private lastOffset = 0;
  private dayFrom = 0;
  private dayTo = 0;
  private dayMidnightLocal = 0;
  private dayKeyText = '';
  private hourFrom = 0;
  private hourTo = 0;
  private hourKeyText = '';

  constructor(name = 'UTC') {
    if (name === 'UTC') {
      this.formatter = null;
      this.name = name;
      this.isUtc = true;
      this.canonical = name;
      return;
    }
    try {
      this.formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: name,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new UsageError(`unknown time zone "${name}" — use an IANA name like "Europe/Berlin" or "UTC"`);
    }
    const resolved = this.formatter.resolvedOptions().timeZone;
    this.name = resolved.toLowerCase() === name.toLowerCase() ? resolved : name;
    this.isUtc = resolved === 'UTC' || resolved === 'Etc/UTC';
    this.canonical = this.isUtc ? 'UTC' : resolved;
  }

  /** Whether `name` is this zone, by any of its names. */
  isNamed(name: string): boolean {
    if (name === this.name) return true;
    try {
      return new TimeZone(name).canonical === this.canonical;
    } catch {
      return false;
    }
  }

  /** Minutes east of UTC at that instant (-240 for New York in summer, 330 for Kolkata). */
  offsetMinutesAt(utcMs: number): number {
    return this.offsetMsAt(utcMs) / MINUTE_MS;
  }

  /**
   * Wall clock read as if UTC → the instant it names. A time skipped by a DST gap is moved forward by the gap
   * (02:30 → 03:30, like JS Date and Temporal's "compatible"); a repeated time takes its first occurrence.
   */
  localToUtc(localMs: number): number {
    if (this.isUtc) return localMs;
    const bucket = Math.floor(localMs / MS_PER_QUARTER);
    let offset = this.localOffsetByBucket.get(bucket);
    if (offset === undefined) {
      const start = bucket * MS_PER_QUARTER;
      offset = sameOrNaN(this.resolveLocalOffset(start), this.resolveLocalOffset(start + MS_PER_QUARTER - 1000));
      if (this.localOffsetByBucket.size >= MAX_CACHED_BUCKETS) this.localOffsetByBucket.clear();
      this.localOffsetByBucket.set(bucket, offset);
    }
    return localMs - (Number.isNaN(offset) ? this.resolveLocalOffset(localMs) : offset);
  }

  /** The instant the local calendar day containing utcMs began (not always 00:00: some zones skip midnight). */
  startOfDay(utcMs: number): number {
    this.enterDay(utcMs);
    return this.dayFrom;
  }

  /** The start of the local day n calendar days after the day starting at dayStartUtcMs (days last 23–25 h). */
  addDays(dayStartUtcMs: number, n: number): number {
    const localMs = dayStartUtcMs + this.offsetMsAt(dayStartUtcMs);
    return this.localToUtc(Math.floor(localMs / DAY_MS) * DAY_MS + n * DAY_MS);
  }

  /** "YYYY-MM-DD" of the local day containing utcMs. */
  dayKey(utcMs: number): string {
    this.enterDay(utcMs);
    if (this.dayKeyText === '') this.dayKeyText = formatLocalDate(this.dayMidnightLocal);
    return this.dayKeyText;
  }

  /**
   * The local hour containing utcMs with its offset, "2026-11-01T01:00-04:00" ("...T10:00Z" in UTC): the hour
   * repeated when clocks fall back gets a second, distinct key. Keys sort by time only within one offset.
   */
  hourKey(utcMs: number): string {
    if (utcMs >= this.hourFrom && utcMs < this.hourTo) return this.hourKeyText;
    const offset = this.offsetMsAt(utcMs);
    const localHour = Math.floor((utcMs + offset) / HOUR_MS) * HOUR_MS;
    const hourStart = localHour - offset;
    const hourEnd = hourStart + HOUR_MS;
    // The key is reused over the quarter hours around utcMs that share its offset: a transition inside the hour
    // (30-minute DST shifts, changes at :30) cuts that span short, one inside utcMs's own quarter disables reuse.
    const bucket = Math.floor(utcMs / MS_PER_QUARTER);
    let first = bucket;
    let last = bucket;
    if (this.bucketOffset(bucket) === offset) {
      while ((first - 1) * MS_PER_QUARTER >= hourStart && this.bucketOffset(first - 1) === offset) first--;
      while ((last + 1) * MS_PER_QUARTER < hourEnd && this.bucketOffset(last + 1) === offset) last++;
      this.hourFrom = Math.max(first * MS_PER_QUARTER, hourStart);
      this.hourTo = Math.min((last + 1) * MS_PER_QUARTER, hourEnd);
    } else {
      this.hourFrom = 0;
      this.hourTo = 0;
    }
    const hourOfDay = (localHour - Math.floor(localHour / DAY_MS) * DAY_MS) / HOUR_MS;
    this.hourKeyText = `${formatLocalDate(localHour)}T${pad2(hourOfDay)}:00${this.isUtc ? 'Z' : formatOffset(offset)}`;
    return this.hourKeyText;
  }

  private offsetMsAt(utcMs: number): number {
    if (this.isUtc) return 0;
    const bucket = Math.floor(utcMs / MS_PER_QUARTER);
    if (bucket === this.lastBucket) return this.lastOffset;
    const offset = this.bucketOffset(bucket);
    if (Number.isNaN(offset)) return this.computeOffsetMs(Math.floor(utcMs / 1000) * 1000);
    this.lastBucket = bucket;
    this.lastOffset = offset;
    return offset;
  }

  /** The offset through a UTC quarter hour, NaN when it changes inside (checked at its first and last second). */
  private bucketOffset(bucket: number): number {
    if (this.isUtc) return 0;
    let offset = this.offsetByBucket.get(bucket);
    if (offset === undefined) {
      const start = bucket * MS_PER_QUARTER;
      offset = sameOrNaN(this.computeOffsetMs(start), this.computeOffsetMs(start + MS_PER_QUARTER - 1000));
      if (this.offsetByBucket.size >= MAX_CACHED_BUCKETS) this.offsetByBucket.clear();
      this.offsetByBucket.set(bucket, offset);
    }
    return offset;
  }

  /** Offset at a whole second: the zone's wall clock there, read as if UTC, minus the instant. */
  private computeOffsetMs(utcMs: number): number {
    let year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    for (const part of (this.formatter as Intl.DateTimeFormat).formatToParts(utcMs)) {
      if (part.type === 'year') year = Number(part.value);
      else if (part.type === 'month') month = Number(part.value);
      else if (part.type === 'day') day = Number(part.value);
      else if (part.type === 'hour') hour = Number(part.value);
      else if (part.type === 'minute') minute = Number(part.value);
      else if (part.type === 'second') second = Number(part.value);
    }
    const localMs = daysFromCivil(year, month, day) * DAY_MS + hour * HOUR_MS + minute * MINUTE_MS;
    return localMs + second * 1000 - utcMs;
  }

  /**
   * The offset that turns this wall-clock time into an instant. It happens at localMs − o for each offset o in force
   * then; with at most one transition within a day, the candidates are the offsets a day before and a day after.
   */
  private resolveLocalOffset(localMs: number): number {
    const before = this.offsetMsAt(localMs - DAY_MS);
    if (this.offsetMsAt(localMs - before) === before) return before; // Unique, or the first of a repeated time.
    const after = this.offsetMsAt(localMs + DAY_MS);
    if (this.offsetMsAt(localMs - after) === after) return after;
    return before; // In a gap: read with the old offset, which lands after the jump by the gap's length.
  }

  /** Makes [dayFrom, dayTo) the local day containing utcMs; the key string is built only when asked for. */
  private enterDay(utcMs: number): void {
    if (utcMs >= this.dayFrom && utcMs < this.dayTo) return;
    const midnight = Math.floor((utcMs + this.offsetMsAt(utcMs)) / DAY_MS) * DAY_MS;
    this.dayMidnightLocal = midnight;
    this.dayFrom = this.localToUtc(midnight);
    this.dayTo = this.localToUtc(midnight + DAY_MS);
    this.dayKeyText = '';
  }
}

function sameOrNaN(a: number, b: number): number {
  return a === b ? a : Number.NaN;
}

/** "YYYY-MM-DD" of a wall-clock time read as if UTC. */
function formatLocalDate(localMs: number): string {
  const packed = civilFromDays(Math.floor(localMs / DAY_MS));
  const year = Math.floor(packed / 10000);
  const month = Math.floor(packed / 100) % 100;
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(packed % 100)}`;
}

/** "+05:30" / "-04:00"; seconds of historical local mean time are dropped. */
function formatOffset(offsetMs: number): string {
  const minutes = Math.trunc(Math.abs(offsetMs) / MINUTE_MS);
  return `${offsetMs < 0 ? '-' : '+'}${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;
}

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

import { describe, expect, it } from 'vitest';
import { civilFromDays, daysFromCivil, TimeZone } from '../../src/core/timezone.js';
import { UsageError } from '../../src/errors.js';

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);

describe('TimeZone construction', () => {
  it('defaults to UTC', () => {
    const tz = new TimeZone();
    expect(tz.name).toBe('UTC');
    expect(tz.isUtc).toBe(true);
  });

  it('rejects an unknown zone with a usage error that shows the expected form', () => {
    expect(() => new TimeZone('Europe/Berln')).toThrow(UsageError);
    expect(() => new TimeZone('Europe/Berln')).toThrow(
      'unknown time zone "Europe/Berln" — use an IANA name like "Europe/Berlin" or "UTC"',
    );
    expect(() => new TimeZone('')).toThrow(UsageError);
  });

  it('keeps the name as written, corrects its case, and treats UTC aliases as UTC', () => {
    expect(new TimeZone('Asia/Kolkata').name).toBe('Asia/Kolkata');
    expect(new TimeZone('europe/berlin').name).toBe('Europe/Berlin');
    expect(new TimeZone('Etc/UTC').isUtc).toBe(true);
    expect(new TimeZone('Europe/London').isUtc).toBe(false);
  });
});

describe('UTC (arithmetic fast path)', () => {
  const tz = new TimeZone('UTC');
  it('has offset 0, day/hour keys with Z, and 24 h days', () => {
    const t = at('2026-11-26T10:20:30.456Z');
    expect(tz.offsetMinutesAt(t)).toBe(0);
    expect(tz.localToUtc(t)).toBe(t);
    expect(tz.dayKey(t)).toBe('2026-11-26');
    expect(tz.hourKey(t)).toBe('2026-11-26T10:00Z');
    expect(tz.startOfDay(t)).toBe(at('2026-11-26T00:00Z'));
    expect(tz.addDays(tz.startOfDay(t), 1)).toBe(at('2026-11-27T00:00Z'));
    expect(tz.addDays(tz.startOfDay(t), -30)).toBe(at('2026-10-27T00:00Z'));
  });

  it('handles 1970, pre-1970, year 9999 and leap days', () => {
    expect(tz.dayKey(0)).toBe('1970-01-01');
    expect(tz.dayKey(-1)).toBe('1969-12-31');
    expect(tz.hourKey(-1)).toBe('1969-12-31T23:00Z');
    expect(tz.dayKey(at('9999-12-31T23:59:59.999Z'))).toBe('9999-12-31');
    expect(tz.dayKey(at('2024-02-29T23:59:59Z'))).toBe('2024-02-29');
    expect(tz.addDays(at('2024-02-28T00:00Z'), 1)).toBe(at('2024-02-29T00:00Z'));
    expect(tz.addDays(at('2100-02-28T00:00Z'), 1)).toBe(at('2100-03-01T00:00Z'));
  });

  it('moves its cached key when the time leaves the cached day or hour, in either direction', () => {
    expect(tz.hourKey(at('2026-11-26T10:59:59.999Z'))).toBe('2026-11-26T10:00Z');
    expect(tz.hourKey(at('2026-11-26T11:00Z'))).toBe('2026-11-26T11:00Z');
    expect(tz.hourKey(at('2026-11-26T09:59Z'))).toBe('2026-11-26T09:00Z');
    expect(tz.dayKey(at('2026-11-27T00:00Z'))).toBe('2026-11-27');
    expect(tz.dayKey(at('2026-11-26T23:59:59.999Z'))).toBe('2026-11-26');
  });
});

describe('America/New_York', () => {
  const tz = new TimeZone('America/New_York');

  it('spring forward on 2026-03-08: a 23 h day, and 02:30 (which does not exist) becomes 03:30 EDT', () => {
    const start = tz.startOfDay(at('2026-03-08T12:00Z'));
    expect(start).toBe(at('2026-03-08T05:00Z'));
    expect(tz.addDays(start, 1) - start).toBe(23 * HOUR);
    expect(tz.localToUtc(at('2026-03-08T02:30Z'))).toBe(at('2026-03-08T07:30Z'));
    expect(tz.localToUtc(at('2026-03-08T01:59Z'))).toBe(at('2026-03-08T06:59Z'));
    expect(tz.localToUtc(at('2026-03-08T03:00Z'))).toBe(at('2026-03-08T07:00Z'));
    expect(tz.offsetMinutesAt(at('2026-03-08T06:59Z'))).toBe(-300);
    expect(tz.offsetMinutesAt(at('2026-03-08T07:00Z'))).toBe(-240);
    expect(tz.hourKey(at('2026-03-08T06:30Z'))).toBe('2026-03-08T01:00-05:00');
    expect(tz.hourKey(at('2026-03-08T07:00Z'))).toBe('2026-03-08T03:00-04:00');
  });

  it('fall back on 2026-11-01: a 25 h day, 01:30 happens twice (first one wins) with two hour keys', () => {
    const start = tz.startOfDay(at('2026-11-01T12:00Z'));
    expect(start).toBe(at('2026-11-01T04:00Z'));
    expect(tz.addDays(start, 1) - start).toBe(25 * HOUR);
    expect(tz.localToUtc(at('2026-11-01T01:30Z'))).toBe(at('2026-11-01T05:30Z'));
    expect(tz.hourKey(at('2026-11-01T05:30Z'))).toBe('2026-11-01T01:00-04:00');
    expect(tz.hourKey(at('2026-11-01T06:30Z'))).toBe('2026-11-01T01:00-05:00');
    expect(tz.hourKey(at('2026-11-01T05:59:59.999Z'))).toBe('2026-11-01T01:00-04:00');
    expect(tz.hourKey(at('2026-11-01T07:00Z'))).toBe('2026-11-01T02:00-05:00');
    expect(tz.dayKey(at('2026-11-01T05:30Z'))).toBe('2026-11-01');
    expect(tz.dayKey(at('2026-11-01T06:30Z'))).toBe('2026-11-01');
  });

  it('walks whole days across both transitions', () => {
    const jan1 = tz.startOfDay(at('2026-01-01T12:00Z'));
    expect(tz.addDays(jan1, 365)).toBe(at('2027-01-01T05:00Z'));
    expect(tz.addDays(tz.addDays(jan1, 200), -200)).toBe(jan1);
  });
});

describe('zones far from UTC', () => {
  it('Asia/Kolkata is +05:30 all year', () => {
    const tz = new TimeZone('Asia/Kolkata');
    const t = at('2026-11-26T20:00Z'); // 01:30 on the 27th in Kolkata
    expect(tz.offsetMinutesAt(t)).toBe(330);
    expect(tz.dayKey(t)).toBe('2026-11-27');
    expect(tz.hourKey(t)).toBe('2026-11-27T01:00+05:30');
    expect(tz.startOfDay(t)).toBe(at('2026-11-26T18:30Z'));
    expect(tz.localToUtc(at('2026-11-27T00:00Z'))).toBe(at('2026-11-26T18:30Z'));
  });

  it('Pacific/Kiritimati is +14:00: 10:00Z is already tomorrow', () => {
    const tz = new TimeZone('Pacific/Kiritimati');
    const t = at('2026-11-26T10:00Z');
    expect(tz.offsetMinutesAt(t)).toBe(840);
    expect(tz.dayKey(t)).toBe('2026-11-27');
    expect(tz.startOfDay(t)).toBe(at('2026-11-26T10:00Z'));
    expect(tz.hourKey(at('2026-11-26T09:59Z'))).toBe('2026-11-26T23:00+14:00');
  });

  it('Pacific/Pago_Pago is -11:00: 10:00Z is still yesterday', () => {
    const tz = new TimeZone('Pacific/Pago_Pago');
    const t = at('2026-11-26T10:00Z');
    expect(tz.offsetMinutesAt(t)).toBe(-660);
    expect(tz.dayKey(t)).toBe('2026-11-25');
    expect(tz.startOfDay(t)).toBe(at('2026-11-25T11:00Z'));
    expect(tz.hourKey(t)).toBe('2026-11-25T23:00-11:00');
  });

  it('uses civil arithmetic, not Date.UTC, so years below 100 stay themselves', () => {
    expect(new TimeZone('Asia/Kolkata').dayKey(at('0050-06-01T12:00Z'))).toBe('0050-06-01');
  });
});

describe('agreement with Intl across many zones and transitions', () => {
  const zones = [
    'America/New_York', 'Europe/Berlin', 'Europe/London', 'Asia/Kolkata', 'Asia/Kathmandu', 'Pacific/Kiritimati',
    'Pacific/Pago_Pago', 'Pacific/Chatham', 'Australia/Lord_Howe', 'America/Santiago', 'America/Havana',
    'Asia/Beirut', 'Pacific/Apia', 'America/St_Johns',
  ];

  const formatters = new Map<string, Intl.DateTimeFormat>();
  /** Local date, hour and offset of an instant, straight from Intl (independent of the code under test). */
  function describeInstant(zone: string, t: number): { day: string; hour: string; offsetMinutes: number } {
    let formatter = formatters.get(zone);
    if (formatter === undefined) {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit',
        timeZoneName: 'longOffset',
      });
      formatters.set(zone, formatter);
    }
    const parts = formatter.formatToParts(t);
    const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
    const offset = /GMT([+-])(\d\d):(\d\d)/.exec(get('timeZoneName'));
    const offsetMinutes = offset ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) : 0;
    return { day: `${get('year')}-${get('month')}-${get('day')}`, hour: get('hour'), offsetMinutes };
  }

  /** Every property one instant must satisfy, as a list of mismatches (cheaper than thousands of expect calls). */
  function checkInstant(zone: string, tz: TimeZone, t: number): string[] {
    const problems: string[] = [];
    const report = (what: string, got: unknown, want: unknown) => {
      if (got !== want) problems.push(`${zone} ${new Date(t).toISOString()} ${what}: got ${got}, want ${want}`);
    };
    const expected = describeInstant(zone, t);
    const sign = expected.offsetMinutes < 0 ? '-' : '+';
    const offset = Math.abs(expected.offsetMinutes);
    const suffix = `${sign}${String(Math.floor(offset / 60)).padStart(2, '0')}:${String(offset % 60).padStart(2, '0')}`;
    report('offset', tz.offsetMinutesAt(t), expected.offsetMinutes);
    report('dayKey', tz.dayKey(t), expected.day);
    report('hourKey', tz.hourKey(t), `${expected.day}T${expected.hour}:00${suffix}`);

    const start = tz.startOfDay(t);
    const next = tz.addDays(start, 1);
    report('start <= t', start <= t, true);
    report('next > t', next > t, true);
    report('day of start', describeInstant(zone, start).day, expected.day);
    report('day before start', describeInstant(zone, start - 1).day === expected.day, false);
    report('day of next - 1', describeInstant(zone, next - 1).day, expected.day);

    const wall = t + tz.offsetMinutesAt(t) * 60_000;
    const back = tz.localToUtc(wall);
    report('localToUtc takes the first occurrence', back <= t, true);
    report('localToUtc round trip', back + tz.offsetMinutesAt(back) * 60_000, wall);
    return problems;
  }

  it.each(zones)('%s: offsets, day/hour keys, day bounds and local→UTC round trips', (zone) => {
    const tz = new TimeZone(zone);
    const problems: string[] = [];
    // A coarse sweep through 2011 (Apia skips a day, St. John's changes at 00:01) and 2026, and a fine one
    // wherever Intl says the offset changed: odd steps land on all sorts of local times.
    for (const year of [2011, 2026]) {
      let previous = at(`${year}-01-01T00:00Z`);
      let previousOffset = describeInstant(zone, previous).offsetMinutes;
      for (let t = previous; t < at(`${year + 1}-01-01T00:00Z`); t += 251 * 60_000 + 1234) {
        problems.push(...checkInstant(zone, tz, t));
        const offset = describeInstant(zone, t).offsetMinutes;
        if (offset !== previousOffset) {
          for (let u = previous - 2 * HOUR; u < t + 2 * HOUR; u += 7 * 60_000 + 123) {
            problems.push(...checkInstant(zone, tz, u));
          }
        }
        previous = t;
        previousOffset = offset;
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('stays correct after its offset caches fill up and are cleared', () => {
    const tz = new TimeZone('America/New_York');
    const first = at('2020-01-01T00:00Z');
    for (let n = 0; n < 60_000; n++) tz.offsetMinutesAt(first + n * 900_000);
    expect(tz.offsetMinutesAt(at('2026-07-01T12:00Z'))).toBe(-240);
    expect(tz.offsetMinutesAt(first)).toBe(-300);
  });
});

describe('civil date arithmetic', () => {
  it('round-trips every day from 0001-01-01 to 9999-12-31 in steps and matches Date', () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(2000, 3, 1)).toBe(11017);
    for (let days = daysFromCivil(1, 1, 1); days <= daysFromCivil(9999, 12, 31); days += 997) {
      const packed = civilFromDays(days);
      const date = new Date(days * 86_400_000);
      expect(packed).toBe(date.getUTCFullYear() * 10000 + (date.getUTCMonth() + 1) * 100 + date.getUTCDate());
      expect(daysFromCivil(Math.floor(packed / 10000), Math.floor(packed / 100) % 100, packed % 100)).toBe(days);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { epochToMs, parseIsoTimestamp, TS_INVALID, TS_LOCAL, TS_UTC } from '../../src/core/timestamp.js';

const encoder = new TextEncoder();

function parse(text: string): { kind: number; ms: number } {
  const out = { ms: -1 };
  const kind = parseIsoTimestamp(encoder.encode(text), 0, encoder.encode(text).length, out);
  return { kind, ms: out.ms };
}

const utc = (ms: number) => ({ kind: TS_UTC, ms });
const local = (ms: number) => ({ kind: TS_LOCAL, ms });

describe('parseIsoTimestamp: accepted forms', () => {
  it.each([
    ['2026-11-26', local(Date.UTC(2026, 10, 26))],
    ['2026-11-26T10:00', local(Date.UTC(2026, 10, 26, 10, 0))],
    ['2026-11-26t10:00:05', local(Date.UTC(2026, 10, 26, 10, 0, 5))],
    ['2026-11-26 10:00:00,123', local(Date.UTC(2026, 10, 26, 10, 0, 0, 123))],
    ['2026-11-26T10:00:00.5', local(Date.UTC(2026, 10, 26, 10, 0, 0, 500))],
    ['2026-11-26T10:00Z', utc(Date.UTC(2026, 10, 26, 10, 0))],
    ['2026-11-26T10:00:00z', utc(Date.UTC(2026, 10, 26, 10, 0))],
    ['2026-11-26T10:00:00.123Z', utc(1795687200123)],
    ['2026-11-26T15:30:00+05:30', utc(Date.UTC(2026, 10, 26, 10, 0))],
    ['2026-11-26T15:30:00+0530', utc(Date.UTC(2026, 10, 26, 10, 0))],
    ['2026-11-26T15:00:00+05', utc(Date.UTC(2026, 10, 26, 10, 0))],
    ['2026-11-25T20:00:00-14:00', utc(Date.UTC(2026, 10, 26, 10, 0))],
    ['2026-11-27T00:00:00+14:00', utc(Date.UTC(2026, 10, 26, 10, 0))],
    ['2026-11-26T10:00:00+23:59', utc(Date.UTC(2026, 10, 26, 10, 0) - (23 * 60 + 59) * 60_000)],
    ['2026-11-26T10:00:00-00:00', utc(Date.UTC(2026, 10, 26, 10, 0))],
    ['2026-11-26 10:00+01:00', utc(Date.UTC(2026, 10, 26, 9, 0))],
    ['2024-02-29T12:00:00Z', utc(Date.UTC(2024, 1, 29, 12))],
    ['2000-02-29', local(Date.UTC(2000, 1, 29))],
    ['1970-01-01T00:00:00Z', utc(0)],
    ['1969-12-31T23:59:59.999Z', utc(-1)],
    ['9999-12-31T23:59:59.999Z', utc(253402300799999)],
    ['0001-01-01T00:00:00Z', utc(-62135596800000)],
    ['0050-06-15T00:00:00Z', utc(Date.parse('0050-06-15T00:00:00Z'))],
  ])('%s', (text, expected) => {
    expect(parse(text)).toEqual(expected);
  });

  it("reads Python's isoformat() with microseconds, keeping them as fractional ms", () => {
    const { kind, ms } = parse('2026-11-26T10:00:00.123456+00:00');
    expect(kind).toBe(TS_UTC);
    expect(ms - Date.UTC(2026, 10, 26, 10)).toBeCloseTo(123.456, 3);
  });

  it("reads kubectl's nanoseconds and ignores digits past the ninth", () => {
    const base = Date.UTC(2026, 10, 26, 10);
    expect(parse('2026-11-26T10:00:00.123456789Z').ms - base).toBeCloseTo(123.456789, 3);
    expect(parse('2026-11-26T10:00:00.1234567891234Z').ms - base).toBeCloseTo(123.456789, 3);
    // A double near 2026 resolves ~0.25 µs, so a microsecond survives (a lone nanosecond cannot).
    expect(parse('2026-11-26T10:00:00.000001Z').ms - base).toBeCloseTo(0.001, 4);
  });

  it('parses a slice of a larger buffer without reading past its end', () => {
    const bytes = encoder.encode('{"timestamp":"2026-11-26T10:00","x":1}');
    const start = 14;
    const out = { ms: 0 };
    expect(parseIsoTimestamp(bytes, start, start + 16, out)).toBe(TS_LOCAL);
    expect(out.ms).toBe(Date.UTC(2026, 10, 26, 10));
    // Digits right after `end` must not be taken for seconds, fraction or offset digits.
    const tight = encoder.encode('2026-11-26T10:00:00.12345+05:3099999');
    const expectedByEnd = new Map([[16, TS_LOCAL], [19, TS_LOCAL], [28, TS_UTC], [31, TS_UTC]]);
    for (let end = 21; end <= 25; end++) expectedByEnd.set(end, TS_LOCAL); // 1 to 5 fraction digits
    for (let end = 10; end <= 31; end++) {
      const expected = end === 10 ? TS_LOCAL : (expectedByEnd.get(end) ?? TS_INVALID);
      expect([end, parseIsoTimestamp(tight, 0, end, out)]).toEqual([end, expected]);
    }
  });

  it('leaves out.ms untouched on rejection', () => {
    const out = { ms: 42 };
    expect(parseIsoTimestamp(encoder.encode('2026-13-01'), 0, 10, out)).toBe(TS_INVALID);
    expect(out.ms).toBe(42);
  });
});

describe('parseIsoTimestamp: rejections', () => {
  it.each([
    ['', 'empty'],
    ['2026', 'year only'],
    ['2026-11', 'no day'],
    ['26-11-26T10:00:00Z', 'two-digit year'],
    ['02026-11-26T10:00:00Z', 'five-digit year'],
    ['+002026-11-26T10:00:00Z', 'expanded year'],
    ['0000-01-01T00:00:00Z', 'year 0'],
    ['2026-13-01', 'month 13'],
    ['2026-00-10', 'month 0'],
    ['2026-11-00', 'day 0'],
    ['2026-02-30', 'Feb 30'],
    ['2026-02-29', 'Feb 29 in a common year'],
    ['2100-02-29', 'Feb 29 in a century year'],
    ['2026-04-31', 'April 31'],
    ['2026-11-26T24:00:00Z', 'hour 24'],
    ['2026-11-26T10:60:00Z', 'minute 60'],
    ['2026-11-26T10:00:60Z', 'second 60'],
    ['2026-11-26T10:00:99Z', 'second 99'],
    ['2026-11-26T10', 'hour without minutes'],
    ['2026-11-26T10:0', 'one-digit minute'],
    ['2026-11-26T1:00', 'one-digit hour'],
    ['2026-11-26T10:00:0', 'one-digit second'],
    ['2026-11-26T10:00:00.', 'dot without digits'],
    ['2026-11-26T10:00:00.Z', 'dot without digits before Z'],
    ['2026-11-26T10:00.5', 'fraction of a minute'],
    ['2026-11-26_10:00:00', 'unknown separator'],
    ['2026/11/26', 'slashes'],
    ['2026-11-26T', 'separator only'],
    ['2026-11-26Z', 'date with offset'],
    ['2026-11-26T10:00:00+24:00', 'offset hour 24'],
    ['2026-11-26T10:00:00+05:60', 'offset minute 60'],
    ['2026-11-26T10:00:00+5', 'one-digit offset'],
    ['2026-11-26T10:00:00+05:3', 'three-digit offset'],
    ['2026-11-26T10:00:00+053', 'three-digit compact offset'],
    ['2026-11-26T10:00:00+05:30:00', 'offset with seconds'],
    ['2026-11-26T10:00:00Zjunk', 'trailing garbage after Z'],
    ['2026-11-26T10:00:00 ', 'trailing space'],
    ['2026-11-26T10:00:00.123abc', 'trailing garbage after fraction'],
    ['2026-11-26T10:00:00ZZ', 'double Z'],
    [' 2026-11-26', 'leading space'],
    ['2026-1a-26', 'letter in month'],
    ['２０２６-11-26', 'non-ASCII digits'],
  ])('%s (%s)', (text) => {
    expect(parse(text).kind).toBe(TS_INVALID);
  });

  it('rejects bounds outside the buffer', () => {
    const out = { ms: 0 };
    expect(parseIsoTimestamp(encoder.encode('2026-11-26'), 0, 11, out)).toBe(TS_INVALID);
  });
});

describe('parseIsoTimestamp: differential check against Date.parse', () => {
  // A fixed-seed generator so that a failure reproduces.
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const MIN = Date.parse('0001-01-01T00:00:00Z');
  const MAX = Date.parse('9999-12-31T23:59:59.999Z');
  const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

  it('agrees on 5,000 random instants with ms precision, in UTC and with random offsets', () => {
    for (let n = 0; n < 5000; n++) {
      const ms = Math.floor(MIN + random() * (MAX - MIN));
      const iso = new Date(ms).toISOString();
      expect(parse(iso), iso).toEqual(utc(ms));
      expect(parse(iso.slice(0, -1)), iso).toEqual(local(ms));
      // Same instant written in a random offset: local wall clock plus "+HH:MM".
      const offsetMinutes = Math.floor(random() * (2 * 1439 + 1)) - 1439;
      const wall = ms + offsetMinutes * 60_000;
      if (wall < MIN || wall > MAX) continue;
      const text = `${new Date(wall).toISOString().slice(0, -1)}${offsetMinutes < 0 ? '-' : '+'}${pad(
        Math.trunc(offsetMinutes / 60),
      )}:${pad(offsetMinutes % 60)}`;
      expect(parse(text), text).toEqual(utc(ms));
      expect(Date.parse(text), text).toBe(ms);
    }
  });

  it('agrees with Date.parse on every day of a leap and a common year', () => {
    for (const year of [2024, 2026, 2000, 1900]) {
      for (let day = 0; day < 366; day++) {
        const ms = Date.UTC(year, 0, 1 + day);
        const iso = new Date(ms).toISOString().slice(0, 10);
        expect(parse(iso), iso).toEqual(local(ms));
      }
    }
  });
});

describe('epochToMs', () => {
  it.each([
    [1795687200, 1795687200000],
    [1795687200.123, 1795687200123],
    [1795687200123, 1795687200123],
    [1795687200123456, 1795687200123.456],
    [1795687200123456789, 1795687200123.4568],
    [0, 0],
    [-1795687200, -1795687200000],
    [99_999_999_999, 99_999_999_999_000],
    [100_000_000_000, 100_000_000_000],
  ])('%d → %d', (value, expected) => {
    expect(epochToMs(value)).toBeCloseTo(expected, 0);
  });

  it('returns NaN for non-finite values', () => {
    expect(epochToMs(Number.NaN)).toBeNaN();
    expect(epochToMs(Number.POSITIVE_INFINITY)).toBeNaN();
    expect(epochToMs(Number.NEGATIVE_INFINITY)).toBeNaN();
  });
});

import { describe, expect, it } from 'vitest';
import {
  formatIsoUtc,
  parseDuration,
  parseInstant,
  parseNow,
  rangeDependsOnNow,
  resolveRange,
} from '../../src/core/timeRange.js';
import { TimeZone } from '../../src/core/timezone.js';
import { UsageError } from '../../src/errors.js';

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const utc = new TimeZone('UTC');
const newYork = new TimeZone('America/New_York');
const NOW = at('2026-11-26T10:00:00Z');

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['10m', 600_000],
    ['24h', 86_400_000],
    ['7d', 7 * 86_400_000],
    ['2w', 14 * 86_400_000],
    ['1h30m', 90 * 60_000],
    ['1d12h', 36 * HOUR],
    ['1.5h', 90 * 60_000],
    ['500ms', 500],
    [' 10m ', 600_000],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '10', 'm', '10 minutes', '10min', '-10m', '0m', '0s0m', '10M', '1h 30m', 'h1', '1.h', '.5h', '10y', '1e3s'])(
    'rejects %j',
    (text) => {
      expect(() => parseDuration(text)).toThrow(UsageError);
    },
  );

  it('says what it expected, naming the value when told what it is', () => {
    expect(() => parseDuration('10 minutes')).toThrow(
      'duration "10 minutes": expected a duration like 90s, 10m, 24h, 7d, 2w or 1h30m',
    );
    expect(() => parseDuration('soon', 'rules.error_rate.window')).toThrow(
      'rules.error_rate.window "soon": expected a duration like 90s, 10m, 24h, 7d, 2w or 1h30m',
    );
  });
});

describe('parseInstant', () => {
  it('reads a duration back from now', () => {
    expect(parseInstant('10m', NOW, utc, '--since')).toBe(NOW - 600_000);
    expect(parseInstant('7d', NOW, newYork, '--since')).toBe(NOW - 7 * 24 * HOUR); // 24 h days, not calendar days
  });

  it('reads now, today and yesterday in the zone', () => {
    expect(parseInstant('now', NOW, utc, '--until')).toBe(NOW);
    expect(parseInstant('today', NOW, newYork, '--since')).toBe(at('2026-11-26T05:00Z'));
    expect(parseInstant('Yesterday', NOW, newYork, '--since')).toBe(at('2026-11-25T05:00Z'));
  });

  it('reads ISO times: an offset wins, no offset is wall clock in the zone, a date is the start of that day', () => {
    expect(parseInstant('2026-11-26T09:00Z', NOW, newYork, '--since')).toBe(at('2026-11-26T09:00Z'));
    expect(parseInstant('2026-11-26T09:00:00+05:30', NOW, utc, '--since')).toBe(at('2026-11-26T03:30Z'));
    expect(parseInstant('2026-11-26T09:00', NOW, newYork, '--since')).toBe(at('2026-11-26T14:00Z'));
    expect(parseInstant('2026-11-26 09:00:00.250', NOW, utc, '--since')).toBe(at('2026-11-26T09:00:00.250Z'));
    expect(parseInstant('2026-11-26', NOW, newYork, '--until')).toBe(at('2026-11-26T05:00Z'));
    expect(parseInstant('2026-11-26', NOW, new TimeZone('Asia/Kolkata'), '--until')).toBe(at('2026-11-25T18:30Z'));
  });

  it('moves a wall-clock time skipped by DST forward, and takes the first of a repeated one', () => {
    expect(parseInstant('2026-03-08T02:30', NOW, newYork, '--since')).toBe(at('2026-03-08T07:30Z'));
    expect(parseInstant('2026-11-01T01:30', NOW, newYork, '--since')).toBe(at('2026-11-01T05:30Z'));
  });

  it.each(['10 minutes', 'last week', '2026-11-26T25:00', '2026-11-26T10:00 Z', '26/11/2026', '1795687200', ''])(
    'rejects %j with the flag, the value and an example',
    (text) => {
      expect(() => parseInstant(text, NOW, utc, '--since')).toThrow(UsageError);
    },
  );

  it('has the documented message', () => {
    expect(() => parseInstant('10 minutes', NOW, utc, '--since')).toThrow(
      '--since "10 minutes": expected a duration like 10m, 24h, 7d or an ISO time like 2026-11-26T10:00Z',
    );
  });
});

describe('parseNow', () => {
  it('defaults to the clock reading it is given', () => {
    expect(parseNow(undefined, utc, 1_795_687_200_000)).toEqual({ kind: 'fixed', ms: 1_795_687_200_000, wallClock: true });
  });

  it('reads latest and ISO times (no offset = wall clock in the zone)', () => {
    expect(parseNow('latest', utc, 0)).toEqual({ kind: 'latest' });
    expect(parseNow('2026-11-26T10:00:00.123Z', newYork, 0)).toEqual({ kind: 'fixed', ms: at('2026-11-26T10:00:00.123Z') });
    expect(parseNow('2026-11-26T10:00', newYork, 0)).toEqual({ kind: 'fixed', ms: at('2026-11-26T15:00Z') });
  });

  it('rejects anything else, durations included', () => {
    expect(() => parseNow('10m', utc, 0)).toThrow('--now "10m": expected "latest" or an ISO time like 2026-11-26T10:00Z');
    expect(() => parseNow('newest', utc, 0)).toThrow(UsageError);
  });
});

/** A range's edges as instants (null: open), for comparing. */
function span(flags: Parameters<typeof resolveRange>[0], nowMs: number, tz: TimeZone): { from: number | null; to: number | null } {
  const window = resolveRange(flags, nowMs, tz);
  const finite = (ms: number): number | null => (Number.isFinite(ms) ? ms : null);
  return { from: finite(window.from.ms), to: finite(window.to.ms) };
}

describe('resolveRange', () => {
  it('leaves missing bounds open; a range relative to now ends at now', () => {
    expect(span({}, NOW, utc)).toEqual({ from: null, to: null });
    expect(span({ since: '1h' }, NOW, utc)).toEqual({ from: NOW - HOUR, to: NOW });
    expect(span({ since: '2026-11-26' }, NOW, utc)).toEqual({ from: at('2026-11-26T00:00Z'), to: null });
    expect(span({ until: '2026-11-26' }, NOW, utc)).toEqual({ from: null, to: at('2026-11-26T00:00Z') });
  });

  it('puts each edge on its side: a duration is a window (now − d, now], a date or time starts a span [T, …)', () => {
    const window = resolveRange({ since: '1h' }, NOW, utc);
    expect(window.from).toMatchObject({ ms: NOW - HOUR, included: false, name: '--since' });
    expect(window.to).toMatchObject({ ms: NOW, included: true, name: 'now' });
    expect(resolveRange({ since: 'today' }, NOW, utc).from).toMatchObject({ ms: at('2026-11-26T00:00Z'), included: true });
    expect(resolveRange({ since: '2026-11-25T10:00Z' }, NOW, utc).from).toMatchObject({ included: true });
    // --until: a duration ends a window up to and including it; a time ends a span before it.
    expect(resolveRange({ since: '2h', until: '1h' }, NOW, utc).to).toMatchObject({ ms: NOW - HOUR, included: true, name: '--until' });
    expect(resolveRange({ until: '2026-11-26T10:00Z' }, NOW, utc).to).toMatchObject({ included: false });
    expect(resolveRange({ date: 'today' }, NOW, utc)).toMatchObject({ from: { included: true }, to: { included: false } });
  });

  it('treats --until as exclusive: --since D1 --until D2 covers the days before D2', () => {
    expect(span({ since: '2026-11-25', until: '2026-11-26' }, NOW, newYork)).toEqual({
      from: at('2026-11-25T05:00Z'),
      to: at('2026-11-26T05:00Z'),
    });
  });

  it('reads --date today and yesterday as calendar days in the zone', () => {
    const lateEvening = at('2026-11-26T03:00Z'); // 22:00 on the 25th in New York
    expect(span({ date: 'today' }, lateEvening, newYork)).toEqual({
      from: at('2026-11-25T05:00Z'),
      to: at('2026-11-26T05:00Z'),
    });
    expect(span({ date: 'yesterday' }, lateEvening, newYork)).toEqual({
      from: at('2026-11-24T05:00Z'),
      to: at('2026-11-25T05:00Z'),
    });
    expect(span({ date: 'today' }, lateEvening, utc)).toEqual({
      from: at('2026-11-26T00:00Z'),
      to: at('2026-11-27T00:00Z'),
    });
  });

  it('gives DST days their real length: 23 h, 25 h, and a day whose midnight does not exist', () => {
    const spring = span({ date: '2026-03-08' }, NOW, newYork);
    expect(spring).toEqual({ from: at('2026-03-08T05:00Z'), to: at('2026-03-09T04:00Z') });
    const fall = span({ date: '2026-11-01' }, NOW, newYork);
    expect(fall).toEqual({ from: at('2026-11-01T04:00Z'), to: at('2026-11-02T05:00Z') });
    // Chile springs forward at midnight: 2026-09-06 begins at 01:00 local (-03:00).
    const santiago = new TimeZone('America/Santiago');
    const chile = span({ date: '2026-09-06' }, NOW, santiago);
    expect(chile).toEqual({ from: at('2026-09-06T04:00Z'), to: at('2026-09-07T03:00Z') });
    expect(santiago.hourKey(at('2026-09-06T04:00Z'))).toBe('2026-09-06T01:00-03:00');
    expect(santiago.dayKey(at('2026-09-06T04:00Z') - 1)).toBe('2026-09-05');
  });

  it('handles zones at both ends of the offset range and the leap day', () => {
    expect(span({ date: '2026-11-26' }, NOW, new TimeZone('Pacific/Kiritimati'))).toEqual({
      from: at('2026-11-25T10:00Z'),
      to: at('2026-11-26T10:00Z'),
    });
    expect(span({ date: '2026-11-26' }, NOW, new TimeZone('Pacific/Pago_Pago'))).toEqual({
      from: at('2026-11-26T11:00Z'),
      to: at('2026-11-27T11:00Z'),
    });
    expect(span({ date: '2024-02-29' }, NOW, utc)).toEqual({
      from: at('2024-02-29T00:00Z'),
      to: at('2024-03-01T00:00Z'),
    });
  });

  it('refuses --date together with --since or --until', () => {
    expect(() => resolveRange({ date: 'today', since: '1h' }, NOW, utc)).toThrow(
      '--date cannot be combined with --since/--until: --date already selects one whole day',
    );
    expect(() => resolveRange({ date: 'today', until: '1h' }, NOW, utc)).toThrow(UsageError);
  });

  it.each(['tomorrow', '2026-11-26T10:00', '2026-02-30', '20261126', ''])('rejects --date %j', (date) => {
    expect(() => resolveRange({ date }, NOW, utc)).toThrow(
      `--date "${date}": expected today, yesterday or a date like 2026-11-26`,
    );
  });

  it('refuses an empty range, naming both values and the times they mean', () => {
    expect(() => resolveRange({ since: '1h', until: '2h' }, NOW, utc)).toThrow(
      '--since "1h" (2026-11-26T09:00:00.000Z) is not before --until "2h" (2026-11-26T08:00:00.000Z): ' +
        'the range would be empty',
    );
    expect(() => resolveRange({ since: '2026-11-26', until: '2026-11-26' }, NOW, utc)).toThrow(UsageError);
  });

  it('names the flag whose value is bad', () => {
    expect(() => resolveRange({ since: '1h', until: 'later' }, NOW, utc)).toThrow(/^--until "later": /);
  });
});

describe('rangeDependsOnNow', () => {
  it.each([
    [{}, false],
    [{ since: '2026-11-26' }, false],
    [{ since: '2026-11-26T10:00Z', until: '2026-11-27' }, false],
    [{ date: '2026-11-26' }, false],
    [{ since: '1h' }, true],
    [{ since: '2026-11-26', until: '10m' }, true],
    [{ until: 'now' }, true],
    [{ since: 'yesterday' }, true],
    [{ date: 'today' }, true],
    [{ date: 'yesterday' }, true],
  ])('%j → %s', (flags, expected) => {
    expect(rangeDependsOnNow(flags)).toBe(expected);
  });
});

describe('formatIsoUtc', () => {
  it('prints ISO 8601 UTC with milliseconds, flooring sub-millisecond digits', () => {
    expect(formatIsoUtc(at('2026-11-26T10:00:00.123Z'))).toBe('2026-11-26T10:00:00.123Z');
    expect(formatIsoUtc(at('2026-11-26T10:00:00.123Z') + 0.9)).toBe('2026-11-26T10:00:00.123Z');
    expect(formatIsoUtc(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(formatIsoUtc(-0.5)).toBe('1969-12-31T23:59:59.999Z');
    expect(formatIsoUtc(at('9999-12-31T23:59:59.999Z'))).toBe('9999-12-31T23:59:59.999Z');
  });

  it('refuses a non-finite time', () => {
    expect(() => formatIsoUtc(Number.NaN)).toThrow(RangeError);
  });
});

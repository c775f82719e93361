// ISO 8601 timestamps, as src/core/timestamp.ts parses them (parseIsoTimestamp), with the same results to the
// bit: the same bytes read (none past `end`), the same checks, and the same floating-point operations in the same
// order.

export const TS_INVALID: u8 = 0;
export const TS_UTC: u8 = 1;
export const TS_LOCAL: u8 = 2;

const DAY_MS: f64 = 86_400_000;
const HOUR_MS: f64 = 3_600_000;
const MINUTE_MS: f64 = 60_000;
const SECOND_MS: f64 = 1000;
const MAX_FRACTION_DIGITS: i32 = 9;

/** The instant (or wall clock, for TS_LOCAL) of the last timestamp parsed. */
export let timestampMs: f64 = 0;

export function parseIsoTimestamp(start: u32, end: u32): u8 {
  if (end < start || end - start < 10) return TS_INVALID;
  const year = readDigits(start, 4);
  const month = readDigits(start + 5, 2);
  const day = readDigits(start + 8, 2);
  if (year < 1 || load<u8>(start + 4) != 0x2d || load<u8>(start + 7) != 0x2d) return TS_INVALID;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return TS_INVALID;
  let ms = <f64>daysFromCivil(year, month, day) * DAY_MS;

  let i = start + 10;
  if (i == end) {
    timestampMs = ms;
    return TS_LOCAL;
  }
  const separator = load<u8>(i);
  if (separator != 0x54 && separator != 0x74 && separator != 0x20) return TS_INVALID;
  if (end - i < 6) return TS_INVALID;
  const hour = readDigits(i + 1, 2);
  const minute = readDigits(i + 4, 2);
  if (hour < 0 || hour > 23 || load<u8>(i + 3) != 0x3a || minute < 0 || minute > 59) return TS_INVALID;
  ms += <f64>hour * HOUR_MS + <f64>minute * MINUTE_MS;
  i += 6;

  if (i < end && load<u8>(i) == 0x3a) {
    if (end - i < 3) return TS_INVALID;
    const second = readDigits(i + 1, 2);
    if (second < 0 || second > 59) return TS_INVALID;
    ms += <f64>second * SECOND_MS;
    i += 3;
    if (i < end && (load<u8>(i) == 0x2e || load<u8>(i) == 0x2c)) {
      const fractionEnd = skipDigits(i + 1, end);
      if (fractionEnd == i + 1) return TS_INVALID;
      ms += readFractionNs(i + 1, fractionEnd) / 1e6;
      i = fractionEnd;
    }
  }

  if (i == end) {
    timestampMs = ms;
    return TS_LOCAL;
  }
  const sign = load<u8>(i);
  if (sign == 0x5a || sign == 0x7a) {
    if (i + 1 != end) return TS_INVALID;
    timestampMs = ms;
    return TS_UTC;
  }
  if (sign != 0x2b && sign != 0x2d) return TS_INVALID;
  const offsetMinutes = readOffsetMinutes(i + 1, end);
  if (offsetMinutes < 0) return TS_INVALID;
  timestampMs = sign == 0x2b ? ms - <f64>offsetMinutes * MINUTE_MS : ms + <f64>offsetMinutes * MINUTE_MS;
  return TS_UTC;
}

function daysInMonth(year: i32, month: i32): i32 {
  if (month == 2) return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28;
  return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
}

/** As src/core/timezone.ts daysFromCivil, for years 1–9999 (where the floors are those of non-negative numbers). */
function daysFromCivil(year: i32, month: i32, day: i32): i32 {
  const y = month <= 2 ? year - 1 : year;
  const era = y / 400;
  const yearOfEra = y - era * 400;
  const dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** The value of `count` ASCII digits at `at`, or -1 when any of them is not a digit. */
function readDigits(at: u32, count: i32): i32 {
  let value = 0;
  for (let k = 0; k < count; k++) {
    const digit = <i32>load<u8>(at + <u32>k) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function skipDigits(at: u32, end: u32): u32 {
  let i = at;
  while (i < end) {
    const digit = <i32>load<u8>(i) - 0x30;
    if (digit < 0 || digit > 9) break;
    i++;
  }
  return i;
}

function readFractionNs(at: u32, end: u32): f64 {
  const kept = min(<i32>(end - at), MAX_FRACTION_DIGITS);
  let ns = <f64>readDigits(at, kept);
  for (let k = kept; k < MAX_FRACTION_DIGITS; k++) ns *= 10;
  return ns;
}

function readOffsetMinutes(at: u32, end: u32): i32 {
  const length = <i32>(end - at);
  const hours = length >= 2 ? readDigits(at, 2) : -1;
  let minutes = 0;
  if (length == 4) minutes = readDigits(at + 2, 2);
  else if (length == 5 && load<u8>(at + 2) == 0x3a) minutes = readDigits(at + 3, 2);
  else if (length != 2) return -1;
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return -1;
  return hours * 60 + minutes;
}

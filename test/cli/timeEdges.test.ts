/**
 * Time edge cases end to end: one instant written every way a log writes it, local times in a DST
 * gap and overlap read with --tz, the calendar's edges, and records in the future of --now. (The parser's own
 * accepted and rejected forms are in test/input/timestamp.test.ts.)
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, temporaryDirectory } from '../helpers.js';

function log(timestamps: readonly unknown[]): string {
  const file = path.join(temporaryDirectory(), 'times.jsonl');
  const lines = timestamps.map((timestamp) => JSON.stringify({ timestamp, feature: 'chat', model: 'claude-haiku-4-5', latency_ms: 5 }));
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function hours(file: string, tz: string): Promise<Record<string, number>> {
  const run = await runCli(['summary', file, '--by', 'hour', '--tz', tz, '--json']);
  expect(run.code, run.stderr).toBe(0);
  const report = JSON.parse(run.stdout);
  return Object.fromEntries(report.groups.map((group: { key: { hour: string }; calls: number }) => [group.key.hour, group.calls]));
}

describe('time edge cases', () => {
  it('one instant written seven ways is one hour: ±14:00 offsets, epoch s/ms/µs, no offset read in --tz', async () => {
    const instant = Date.UTC(2026, 10, 26, 10, 0, 0);
    const file = log([
      '2026-11-27T00:00:00+14:00',
      '2026-11-25T20:00:00-14:00',
      instant / 1000,
      instant,
      instant * 1000,
      '2026-11-26T10:00:00.000Z',
      '2026-11-26T19:00:00', // no offset: in --tz Asia/Tokyo (+09:00)
    ]);
    const run = await runCli(['summary', file, '--by', 'hour', '--tz', 'Asia/Tokyo', '--json']);
    const report = JSON.parse(run.stdout);
    expect(report.groups).toHaveLength(1);
    expect(report.groups[0]).toMatchObject({ key: { hour: '2026-11-26T19:00+09:00' }, calls: 7 });
  });

  it('local times in a DST gap move forward, in an overlap mean the first occurrence (America/New_York)', async () => {
    const file = log([
      '2026-03-08T02:30:00', // does not exist: clocks jump 02:00 → 03:00
      '2026-03-08T03:30:00',
      '2026-11-01T01:30:00', // exists twice: EDT first, then EST
      '2026-11-01T05:30:00Z', // the first 01:30 (EDT), written in UTC
      '2026-11-01T06:30:00Z', // the second 01:30 (EST), written in UTC
    ]);
    expect(await hours(file, 'America/New_York')).toEqual({
      '2026-03-08T03:00-04:00': 2,
      '2026-11-01T01:00-04:00': 2,
      '2026-11-01T01:00-05:00': 1,
    });
  });

  it('the calendar edges: 1970, a leap day, 9999; a 29 February of a common year is rejected', async () => {
    const file = log(['1970-01-01T00:00:00Z', '2028-02-29T12:00:00Z', '9999-12-31T23:59:59.999Z', '2027-02-29T12:00:00Z']);
    const run = await runCli(['summary', file, '--by', 'day', '--json']);
    const report = JSON.parse(run.stdout);
    expect(report.groups.map((group: { key: { day: string } }) => group.key.day)).toEqual(['1970-01-01', '2028-02-29', '9999-12-31']);
    expect(report.input.skipped).toEqual({ 'invalid_record:timestamp': 1 });
  });

  it('records in the future of --now: summed by summary, left out of the windows of dashboard, trend and alerts', async () => {
    const now = Date.UTC(2026, 10, 26, 12);
    const file = log([new Date(now - 60_000).toISOString(), new Date(now + 3_600_000).toISOString(), '2030-01-01T00:00:00Z']);
    const iso = new Date(now).toISOString();
    const summary = JSON.parse((await runCli(['summary', file, '--json'])).stdout);
    expect(summary.total.calls).toBe(3);
    const dashboard = JSON.parse((await runCli(['dashboard', file, '--now', iso, '--json'])).stdout);
    expect(dashboard.rates.today.calls).toBe(1);
    const trend = JSON.parse((await runCli(['trend', file, '--now', iso, '--days', '3', '--json'])).stdout);
    expect(trend.total.days.reduce((sum: number, day: { calls: number }) => sum + day.calls, 0)).toBe(1);
    const alerts = JSON.parse((await runCli(['alerts', file, '--now', iso, '--json'])).stdout);
    expect(JSON.stringify(alerts)).toMatch(/"calls":1\b/);
  });
});

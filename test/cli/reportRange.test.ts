/**
 * The report page's filters recompute a range of days from the page's aggregates (src/core/reports/reportRange.ts,
 * the code the page runs): each range's figures must be what `summary --since DAY --until DAY` prints for it, in a
 * zone on whole hours and in zones that are not (Asia/Kolkata, UTC+5:30) or change (America/New_York). The browser
 * test (report.test.ts) then holds the page to the same figures.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rangeSummary, type RangeGroup, type ReportAggregates } from '../../src/core/reports/reportRange.js';
import { fixture, runCli, temporaryDirectory } from '../helpers.js';
import { writeReport } from './reportFile.js';

const SAMPLE = fixture('sample');
const FIGURES = ['calls', 'errors', 'errorRate', 'rateLimited', 'maxTokensStops', 'costUsd', 'costPerCallUsd', 'cacheHitRate', 'maxTokensRate'] as const;

type SummaryGroup = Record<(typeof FIGURES)[number], number | null> & { key: { feature: string } };
interface Island {
  summary: { groups: SummaryGroup[]; total: SummaryGroup };
  aggregates: ReportAggregates;
}

async function reportIsland(args: readonly string[]): Promise<Island> {
  return (await writeReport(args)).island as unknown as Island;
}

/** The figures of a summary group or a page's range group, by feature. */
function figures(feature: string, group: SummaryGroup | RangeGroup): Record<string, unknown> {
  return { feature, ...Object.fromEntries(FIGURES.map((name) => [name, group[name]])) };
}

/** The summary command that gives days `from` to `to` of the report (the page shows the same). */
function summaryArgs(island: Island, tz: string, from: number, to: number): string[] {
  const { days } = island.aggregates;
  const until = to === days.length - 1 ? 'now' : (days[to + 1] as string);
  return ['summary', '--json', '--now', island.aggregates.now, '--tz', tz, '--since', days[from] as string, '--until', until];
}

describe('the report page\'s filters', () => {
  for (const tz of ['UTC', 'Asia/Kolkata', 'America/New_York']) {
    it(`recompute summary's figures for a range of days (${tz})`, async () => {
      const island = await reportIsland(['--now', 'latest', '--tz', tz, SAMPLE]);
      const last = island.aggregates.days.length - 1;
      // The whole report is the island's own summary.
      const whole = rangeSummary(island.aggregates, 0, last, null);
      expect(whole.groups.map((group) => figures(group.feature, group))).toEqual(island.summary.groups.map((group) => figures(group.key.feature, group)));
      expect(figures('TOTAL', whole.total)).toEqual(figures('TOTAL', island.summary.total));
      for (const [from, to] of [[last - 5, last - 3], [last, last], [last - 6, last], [0, last - 2]] as const) {
        const run = await runCli([...summaryArgs(island, tz, from, to), SAMPLE]);
        const cli = JSON.parse(run.stdout) as { groups: SummaryGroup[]; total: SummaryGroup };
        const page = rangeSummary(island.aggregates, from, to, null);
        expect(page.groups.map((group) => figures(group.feature, group)), `days ${from}..${to}`).toEqual(cli.groups.map((group) => figures(group.key.feature, group)));
        expect(figures('TOTAL', page.total)).toEqual(figures('TOTAL', cli.total));
        expect(page.total.calls).toBeGreaterThan(0);
      }
    });
  }

  it('keep a feature\'s row as summary gives it when other features are left out, and total the ones kept', async () => {
    const island = await reportIsland(['--now', 'latest', SAMPLE]);
    const last = island.aggregates.days.length - 1;
    const cli = JSON.parse((await runCli([...summaryArgs(island, 'UTC', last - 4, last - 1), SAMPLE])).stdout) as { groups: SummaryGroup[] };
    const kept = cli.groups.slice(1, 4);
    const page = rangeSummary(island.aggregates, last - 4, last - 1, new Set(kept.map((group) => group.key.feature)));
    expect(page.groups.map((group) => figures(group.feature, group))).toEqual(kept.map((group) => figures(group.key.feature, group)));
    const sum = (name: 'calls' | 'errors' | 'rateLimited'): number => kept.reduce((total, group) => total + (group[name] as number), 0);
    expect({ calls: page.total.calls, errors: page.total.errors, rateLimited: page.total.rateLimited }).toEqual({ calls: sum('calls'), errors: sum('errors'), rateLimited: sum('rateLimited') });
    expect(page.total.errorRate).toBe(sum('errors') / sum('calls'));
  });

  it('carry sums, not calls: the aggregates do not grow with the calls of the same hours', async () => {
    const logs = readFileSync(path.join(SAMPLE, 'app.log'), 'utf8');
    const once = await reportIsland(['--now', 'latest', '--no-dedupe', path.join(SAMPLE, 'app.log')]);
    const directory = temporaryDirectory();
    const many = path.join(directory, 'app.log');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(many, logs.repeat(20));
    const twenty = await reportIsland(['--now', 'latest', '--no-dedupe', many]);
    const size = (island: Island): number => JSON.stringify(island.aggregates).length;
    expect(twenty.summary.total.calls).toBe(20 * (once.summary.total.calls as number));
    // The same cells, with bigger numbers in them: a few characters more per cell, never a row per call.
    expect(size(twenty)).toBeLessThan(size(once) * 1.3);
    expect(twenty.aggregates.byDay.length).toBe(once.aggregates.byDay.length);
    expect(twenty.aggregates.byHour.length).toBe(once.aggregates.byHour.length);
  });
});

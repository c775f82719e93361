/**
 * `claude-mon report`: the page's data island is exactly what dashboard, summary and trend print with --json at the
 * same --now; opened from file:// in a real headless Chromium, it loads nothing, logs no error, draws every chart,
 * shows the island's numbers, sorts its table, and keeps hostile names as text. Screenshots of both themes are kept
 * in test-artifacts/.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, NO_CHROMIUM, type Page, sharedBrowser } from '../browser/chromium.js';
import { fixture, ROOT, runCli, temporaryDirectory } from '../helpers.js';
import { writeReport } from './reportFile.js';

const SAMPLE = fixture('sample');
const ARTIFACTS = path.join(ROOT, 'test-artifacts');

/** Code run in the page, as text (this project's TypeScript has no DOM library). */
const IN_PAGE = {
  /** Per chart canvas, how many of its pixels are in a colour of the data (the palette), not axes or grid. */
  paintedPixelsPerCanvas: `[...document.querySelectorAll('figure canvas')].map((canvas) => {
    const palette = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442'].map((hex) => [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16)));
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      if (pixels[i + 3] < 200) continue;
      if (palette.some(([r, g, b]) => Math.abs(pixels[i] - r) + Math.abs(pixels[i + 1] - g) + Math.abs(pixels[i + 2] - b) < 40)) painted++;
    }
    return painted;
  })`,
  /** How many colours a PNG holds, sampling every 7th pixel. */
  coloursOfPng: (base64: string): string => `(async () => {
    const image = new Image();
    image.src = 'data:image/png;base64,${base64}';
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0);
    const pixels = context.getImageData(0, 0, image.width, image.height).data;
    const seen = new Set();
    for (let i = 0; i < pixels.length; i += 4 * 7) seen.add(pixels[i] + ',' + pixels[i + 1] + ',' + pixels[i + 2]);
    return seen.size;
  })()`,
};

const report = writeReport;

describe('claude-mon report', () => {
  // Three days: fewer than the sample's, so the days let go of as now moves (read in one pass) must not count.
  for (const days of ['14', '3']) {
    it(`embeds exactly what dashboard, summary (over the trend's days) and trend print with --json at the same --now (--days ${days})`, async () => {
      const { island } = await report(['--now', 'latest', '--days', days, SAMPLE]);
      const firstDay = (island['aggregates'] as { days: string[] }).days[0] as string;
      const commands = { dashboard: ['dashboard'], summary: ['summary', '--since', firstDay, '--until', 'now'], trend: ['trend', '--days', days] };
      for (const [name, args] of Object.entries(commands)) {
        const run = await runCli([...args, '--json', '--now', 'latest', SAMPLE]);
        expect(island[name], name).toEqual(JSON.parse(run.stdout));
      }
      expect(Object.keys(island)).toEqual(['dashboard', 'summary', 'trend', 'aggregates']);
    });
  }

  it('reads piped logs with the same data as the file, every part of the page', async () => {
    const logs = readFileSync(path.join(SAMPLE, 'app.log'));
    const file = path.join(temporaryDirectory(), 'piped.html');
    const piped = await runCli(['report', '-q', '--now', '2026-11-26T00:00:00Z', '-o', file], { stdin: logs });
    expect(piped.code, piped.stderr).toBe(0);
    const fromFile = await report(['--now', '2026-11-26T00:00:00Z', path.join(SAMPLE, 'app.log')]);
    const island = JSON.parse(/id="claude-mon-data">([\s\S]*?)<\/script>/.exec(readFileSync(file, 'utf8'))?.[1] as string) as Record<string, unknown>;
    expect(island).toEqual(fromFile.island);
    expect((island['summary'] as { total: { calls: number } }).total.calls).toBeGreaterThan(0);
  });

  it('makes the same page from .cmstate states as from the logs they were folded from', async () => {
    const now = '2026-11-26T00:00:00Z';
    const state = path.join(temporaryDirectory(), 'sample.cmstate');
    const fold = await runCli(['fold', '-q', '--now', now, '-o', state, SAMPLE]);
    expect(fold.code, fold.stderr).toBe(0);
    const fromState = await report(['--now', now, state]);
    const fromLogs = await report(['--now', now, SAMPLE]);
    const withoutInput = (island: Record<string, unknown>): unknown =>
      Object.fromEntries(Object.entries(island).map(([name, part]) => [name, typeof part === 'object' && part !== null ? { ...part, input: null } : part]));
    expect(withoutInput(fromState.island)).toEqual(withoutInput(fromLogs.island));
    expect((fromState.island['aggregates'] as { rateLimitedByUser: unknown[] }).rateLimitedByUser.length).toBeGreaterThan(0);
  });

  describe.skipIf(!HAS_CHROMIUM)(`in a real headless Chromium (skipped when ${NO_CHROMIUM})`, () => {
    const browser = sharedBrowser();

    /** The page from file://, with every console error, page error and request that is not the file itself. */
    async function open(file: string, colorScheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; errors: string[]; requests: string[] }> {
      const page = await browser().newPage({ viewport: { width: 1200, height: 900 }, colorScheme });
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(String(error)));
      page.on('dialog', (dialog) => {
        errors.push(`a dialog opened: ${dialog.message()}`);
        void dialog.dismiss();
      });
      const url = pathToFileURL(file).href;
      page.on('request', (request) => {
        if (request.url() !== url) requests.push(request.url());
      });
      await page.goto(url);
      return { page, errors, requests };
    }

    it('opens offline with no error, draws every chart, and shows the island\'s answers', async () => {
      const { file, island } = await report(['--now', 'latest', SAMPLE]);
      const { page, errors, requests } = await open(file);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      // Every chart is a canvas with something drawn on it.
      const drawn = (await page.evaluate(IN_PAGE.paintedPixelsPerCanvas)) as number[];
      expect(drawn).toHaveLength(7);
      for (const painted of drawn) expect(painted).toBeGreaterThan(200);
      // Each chart fits in its box (one measured before the others were laid out once spilt over its neighbour).
      const overflowing = await page.evaluate(`[...document.querySelectorAll('figure')].filter((figure) =>
        figure.querySelector('.uplot').getBoundingClientRect().right > figure.getBoundingClientRect().right + 1).map((figure) => figure.id)`);
      expect(overflowing).toEqual([]);
      const dashboard = island['dashboard'] as {
        costToday: { todayUsd: number };
        slowestFeature: { p95Ms: number | null };
        rateLimits: { count: number };
        topUsersByCost: { user: string; costUsd: number }[];
      };
      const shown = async (id: string): Promise<string | null> => page.getAttribute(`#${id} .value`, 'data-value');
      expect(Number(await shown('answer-cost'))).toBe(dashboard.costToday.todayUsd);
      expect(await shown('answer-slowest')).toBe(dashboard.slowestFeature.p95Ms === null ? '' : String(dashboard.slowestFeature.p95Ms));
      expect(Number(await shown('answer-429s'))).toBe(dashboard.rateLimits.count);
      expect(Number(await shown('answer-users'))).toBe(dashboard.topUsersByCost[0]?.costUsd);
      expect(await page.textContent('#answer-users .value')).toBe(dashboard.topUsersByCost[0]?.user);
      expect(await page.textContent('#answer-cost .value')).toBe(`$${dashboard.costToday.todayUsd.toFixed(2)}`);
      await page.close();
    }, 60_000);

    it('lists the summary\'s groups and sorts them by a column when its header is clicked', async () => {
      const { file, island } = await report(['--now', 'latest', SAMPLE]);
      const groups = (island['summary'] as { groups: { key: { feature: string }; costUsd: number; calls: number }[] }).groups;
      const { page, errors } = await open(file);
      const features = (): Promise<string[]> => page.$$eval('#summary-table tbody tr td:first-child', (cells) => cells.map((cell) => cell.textContent ?? ''));
      expect(await features()).toEqual(groups.map((group) => group.key.feature));
      await page.click('#summary-table th:nth-child(9) button'); // cost
      const byCost = [...groups].sort((a, b) => b.costUsd - a.costUsd).map((group) => group.key.feature);
      expect(await features()).toEqual(byCost);
      expect(await page.getAttribute('#summary-table th:nth-child(9)', 'aria-sort')).toBe('descending');
      await page.click('#summary-table th:nth-child(9) button');
      expect(await features()).toEqual([...byCost].reverse());
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);

    it('recomputes the charts and the table for the days and features chosen: the figures of the command it shows', async () => {
      const { file, island } = await report(['--now', 'latest', SAMPLE]);
      const { days } = island['aggregates'] as { days: string[] };
      const trend = island['trend'] as { series: { key: { feature: string }; days: Record<string, number | null>[] }[] };
      const last = days.length - 1;
      const [from, to] = [last - 5, last - 2];
      const left = trend.series[1]?.key.feature as string;
      const { page, errors } = await open(file);
      const before = await page.getAttribute('#chart-cost', 'data-values');
      await page.selectOption('#filter-from', String(from));
      await page.selectOption('#filter-to', String(to));
      await page.uncheck(`#filters input[value="${left}"]`);
      expect(await page.getAttribute('#chart-cost', 'data-values')).not.toBe(before);

      // The table: the rows of the command the page shows, but the feature left out; its latencies need the calls.
      const command = ((await page.textContent('#range-command')) as string).split(' ');
      expect(command.slice(0, 2)).toEqual(['claude-mon', 'summary']);
      const ranged = await runCli([...command.slice(1), '--json', SAMPLE]);
      expect(ranged.code, ranged.stderr).toBe(0);
      const cli = JSON.parse(ranged.stdout) as { groups: (Record<string, number | null> & { key: { feature: string } })[] };
      const kept = cli.groups.filter((group) => group.key.feature !== left);
      const text = (value: unknown): string => (value == null ? '' : String(value));
      const expected = kept.map((group) => [group.key.feature, ...['calls', 'errors', 'errorRate', 'rateLimited'].map((name) => text(group[name])), '', '', '', ...['costUsd', 'costPerCallUsd', 'cacheHitRate', 'maxTokensRate'].map((name) => text(group[name]))]);
      const rows = await page.evaluate(`[...document.querySelectorAll('#summary-table tbody tr')].map((tr) => [...tr.children].map((td) => td.getAttribute('data-value')))`);
      expect(rows).toEqual(expected);
      const total = await page.$$eval('#summary-table tfoot td', (tds) => tds.map((td) => td.getAttribute('data-value')));
      expect(Number(total[1])).toBe(kept.reduce((sum, group) => sum + (group['calls'] as number), 0));

      // The charts: what each line shows, per day from trend (the same now), per hour from summary --by hour,feature.
      const values = async (id: string): Promise<{ times: number[]; lines: { label: string; values: (number | null)[] }[] }> => JSON.parse((await page.getAttribute(`#${id}`, 'data-values')) as string);
      const byDay = (metric: string) => Object.fromEntries(trend.series.filter((series) => series.key.feature !== left).map((series) => [series.key.feature, series.days.slice(from, to + 1).map((day) => day[metric] ?? null)]));
      const lines = (chart: Awaited<ReturnType<typeof values>>) => Object.fromEntries(chart.lines.map((line) => [line.label.split(' ⚑')[0], line.values]));
      expect(lines(await values('chart-cost'))).toEqual(byDay('costUsd'));
      expect(lines(await values('chart-cache'))).toEqual(byDay('cacheHitRate'));
      expect(lines(await values('chart-cost-per-call'))).toEqual(byDay('costPerCallUsd'));
      const hourly = JSON.parse((await runCli([...command.slice(1), '--by', 'hour,feature', '--json', SAMPLE])).stdout) as { groups: { key: { hour: string; feature: string }; calls: number; rateLimited: number }[] };
      const perHour = (chart: Awaited<ReturnType<typeof values>>, label: string, metric: 'calls' | 'rateLimited', feature?: string): void => {
        const want = new Map<number, number>();
        for (const group of hourly.groups) {
          if (group.key.feature === left || (feature !== undefined && group.key.feature !== feature)) continue;
          const at = Date.parse(group.key.hour) / 1000;
          want.set(at, (want.get(at) ?? 0) + group[metric]);
        }
        const line = chart.lines.find((candidate) => candidate.label === label)?.values ?? [];
        expect(chart.times.map((time) => want.get(time) ?? 0), label).toEqual(line);
        expect(Math.max(...line.map(Number)), label).toBe(Math.max(0, ...want.values()));
      };
      const calls = await values('chart-calls');
      perHour(calls, 'calls', 'calls');
      expect(calls.times[0]).toBe(Date.parse(days[from] as string) / 1000);
      const limited = await values('chart-429s');
      for (const line of limited.lines) perHour(limited, line.label, 'rateLimited', line.label);
      expect(errors).toEqual([]);

      // Back to the whole report: summary's own rows, latencies included.
      await page.click('#filter-reset');
      const summaryRows = (island['summary'] as { groups: { key: { feature: string } }[] }).groups.map((group) => group.key.feature);
      expect(await page.$$eval('#summary-table tbody tr td:first-child', (tds) => tds.map((td) => td.textContent))).toEqual(summaryRows);
      expect(await page.$$eval('#summary-table tbody tr td:nth-child(7)', (tds) => tds.every((td) => (td as { getAttribute(name: string): string | null }).getAttribute('data-value') !== ''))).toBe(true);
      await page.close();
    }, 60_000);

    it('prints: no controls, every chart within the page, on paper (a PDF)', async () => {
      const { file } = await report(['--now', 'latest', SAMPLE]);
      const { page, errors } = await open(file);
      await page.emulateMedia({ media: 'print' });
      expect(await page.evaluate("getComputedStyle(document.getElementById('filters')).display")).toBe('none');
      // The worst case: charts drawn for a wide print (one column of 1,400 px), then the paper at about an A4 page's
      // width at 96 dpi, checked at once — before the page draws them again at that width, whenever it does.
      await page.setViewportSize({ width: 1400, height: 900 });
      await page.reload();
      await page.setViewportSize({ width: 700, height: 900 });
      const overflowing = await page.evaluate(`[...document.querySelectorAll('figure')].filter((figure) =>
        figure.querySelector('.uplot').getBoundingClientRect().right > document.documentElement.clientWidth + 1).map((figure) => figure.id)`);
      expect(overflowing).toEqual([]);
      const pdf = await page.pdf({ format: 'A4', printBackground: true });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      expect(pdf.length).toBeGreaterThan(50_000);
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);

    it('draws a report of one call on one day without error, and one of no call at all', async () => {
      const log = path.join(temporaryDirectory(), 'one.jsonl');
      writeFileSync(log, `${JSON.stringify({ timestamp: '2026-11-26T10:00:00Z', feature: 'only', model: 'claude-haiku-4-5', input_tokens: 10, output_tokens: 5, latency_ms: 900 })}\n`);
      for (const args of [['--days', '1', '--now', 'latest', log], ['--now', '2026-12-01T00:00:00Z', log]]) {
        const { file, island } = await report(args);
        const { page, errors } = await open(file);
        expect(errors, args.join(' ')).toEqual([]);
        const calls = (island['summary'] as { total: { calls: number } }).total.calls;
        expect(await page.getAttribute('#summary-table tfoot td:nth-child(2)', 'data-value')).toBe(String(calls));
        expect(await page.$$eval('figure canvas', (canvases) => canvases.length)).toBe(7);
        await page.close();
      }
    }, 60_000);

    it('draws each configured rate limit\'s use per minute against the limit, peaking where the dashboard says', async () => {
      const args = ['--now', '2026-11-26T12:00:00Z', '--config', fixture('limits/claude-mon.config.json'), fixture('limits/burst.jsonl')];
      const { file, island } = await report(args);
      const uses = (island['dashboard'] as { rateLimits: { utilization: { limit: string; utilization: number; peakAt: string }[] } }).rateLimits.utilization;
      expect(uses).toHaveLength(3);
      const { page, errors } = await open(file);
      const chart = JSON.parse((await page.getAttribute('#chart-limits', 'data-values')) as string) as { times: number[]; lines: { label: string; values: number[] }[] };
      for (const use of uses) {
        const line = chart.lines.find((candidate) => candidate.label.includes(` ${use.limit.toUpperCase()} of `));
        const peak = Math.max(...(line?.values ?? []));
        expect(peak, use.limit).toBe(use.utilization);
        expect(chart.times[(line?.values ?? []).indexOf(peak)], use.limit).toBe(Date.parse(use.peakAt) / 1000);
      }
      expect(chart.lines.find((line) => line.label === 'the limit')?.values.every((value) => value === 1)).toBe(true);
      expect(await page.$$eval('figure canvas', (canvases) => canvases.length)).toBe(8);
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);

    it('shows hostile feature and user names as text: no script runs, nothing is fetched', async () => {
      const hostile = ['</script><script>window.pwned = 1</script>', '<img src=x onerror="window.pwned = 2">'];
      const lines = hostile.map((feature, i) =>
        JSON.stringify({ timestamp: `2026-11-26T10:0${i}:00Z`, feature, user_id: `<b onmouseover=alert(1)>${i}</b>`, model: 'claude-haiku-4-5', input_tokens: 10, output_tokens: 5, latency_ms: 900, error: 'RateLimitError', error_status: 429 }),
      );
      const log = path.join(temporaryDirectory(), 'hostile.jsonl');
      writeFileSync(log, `${lines.join('\n')}\n`);
      const { file } = await report(['--now', '2026-11-26T11:00:00Z', log]);
      const { page, errors, requests } = await open(file);
      expect(await page.evaluate('window.pwned')).toBeUndefined();
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      const cells = await page.$$eval('#summary-table tbody tr td:first-child', (tds) => tds.map((td) => td.textContent));
      expect(cells.sort()).toEqual([...hostile].sort());
      expect(await page.evaluate("document.querySelectorAll('img, b').length")).toBe(0);
      expect(await page.evaluate('document.scripts.length')).toBe(2); // the island and the page's own (uPlot inside)
      await page.close();
    }, 60_000);

    it('has light and dark themes; a screenshot of each is not blank (kept in test-artifacts/)', async () => {
      const { file } = await report(['--now', 'latest', SAMPLE]);
      mkdirSync(ARTIFACTS, { recursive: true });
      const backgrounds: string[] = [];
      const shots: Buffer[] = [];
      for (const scheme of ['light', 'dark'] as const) {
        const { page, errors } = await open(file, scheme);
        backgrounds.push((await page.evaluate('getComputedStyle(document.body).backgroundColor')) as string);
        const shot = await page.screenshot({ fullPage: true, path: path.join(ARTIFACTS, `report-${scheme}.png`) });
        shots.push(shot);
        // Not blank: the page holds many colours (charts, text), not a few.
        // Decoded in a blank page: the report's own policy loads no image, data: URLs included.
        const blank = await browser().newPage();
        const colours = (await blank.evaluate(IN_PAGE.coloursOfPng(shot.toString('base64')))) as number;
        await blank.close();
        expect(colours, scheme).toBeGreaterThan(100);
        expect(errors).toEqual([]);
        await page.close();
      }
      expect(backgrounds[0]).not.toBe(backgrounds[1]);
      expect(shots[0]?.equals(shots[1] as Buffer)).toBe(false);
    }, 60_000);
  });
});

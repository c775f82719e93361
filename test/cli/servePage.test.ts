/**
 * `serve`'s live report page: /api/report answers report's data island for the lines read (at the wall clock's
 * now), and the page on / — opened in a real headless Chromium — asks for it again every few seconds and redraws,
 * so lines appended to the followed file show up in it.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, NO_CHROMIUM, sharedBrowser } from '../browser/chromium.js';
import { temporaryDirectory } from '../helpers.js';
import { serve, stopAll, until } from './prometheus.js';
import { writeReport } from './reportFile.js';

afterEach(stopAll);

const FEATURES = ['chat', 'search', 'summarize'];

/** `count` calls over the last two days (some of them 429s), the newest a minute ago. */
function calls(count: number, seed: number): string {
  const now = Date.now();
  let lines = '';
  for (let i = 0; i < count; i++) {
    const failed = (i + seed) % 7 === 0;
    lines += `${JSON.stringify({
      timestamp: new Date(now - 60_000 - ((i * 7919 + seed) % (2 * 86_400_000))).toISOString(),
      feature: FEATURES[(i + seed) % FEATURES.length],
      user_id: `user-${(i * 31 + seed) % 5}`,
      model: 'claude-sonnet-4-5-20250929',
      input_tokens: 100 + (i % 50),
      output_tokens: 20 + (i % 9),
      cache_read_input_tokens: (i % 3) * 40,
      latency_ms: 300 + ((i * 37) % 4000),
      stop_reason: failed ? null : 'end_turn',
      ...(failed ? { error: 'RateLimitError', error_status: 429 } : {}),
    })}\n`;
  }
  return lines;
}

interface Data {
  summary: { total: { calls: number } };
  aggregates: { now: string };
}

async function reportData(address: string): Promise<Data> {
  return (await (await fetch(`http://${address}/api/report`)).json()) as Data;
}

describe('serve\'s live page', () => {
  it('answers /api/report with report\'s data island for the same lines', async () => {
    const log = path.join(temporaryDirectory(), 'calls.jsonl');
    writeFileSync(log, calls(300, 1));
    const serving = await serve(['--page', '--from-start', log]);
    expect(await until(async () => (await reportData(serving.address)).summary.total.calls === 300, 20_000)).toBe(true);
    const live = await reportData(serving.address);
    const { island } = await writeReport(['--now', live.aggregates.now, log]);
    expect(live).toEqual(island);
    const page = await fetch(`http://${serving.address}/`);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('data-live="/api/report"');
    // Without --page there is none: the page names users, which the metrics never do.
    const plain = await serve(['--from-start', log]);
    expect((await fetch(`http://${plain.address}/`)).status).toBe(404);
    expect((await fetch(`http://${plain.address}/api/report`)).status).toBe(404);
  }, 60_000);

  describe.skipIf(!HAS_CHROMIUM)(`in a real headless Chromium (skipped when ${NO_CHROMIUM})`, () => {
    const browser = sharedBrowser();

    it('shows lines appended to the followed file within seconds, asking serve only', async () => {
      const log = path.join(temporaryDirectory(), 'calls.jsonl');
      writeFileSync(log, calls(200, 2));
      const serving = await serve(['--page', '--from-start', log]);
      expect(await until(async () => (await reportData(serving.address)).summary.total.calls === 200, 20_000)).toBe(true);
      const page = await browser().newPage();
      const errors: string[] = [];
      const elsewhere: string[] = [];
      page.on('pageerror', (error) => errors.push(String(error)));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('request', (request) => {
        if (!request.url().startsWith(`http://${serving.address}/`)) elsewhere.push(request.url());
      });
      await page.goto(`http://${serving.address}/`);
      const shownCalls = async (): Promise<number> => Number(await page.getAttribute('#summary-table tfoot td:nth-child(2)', 'data-value'));
      expect(await shownCalls()).toBe(200);
      // A feature left out stays out as new data comes.
      await page.uncheck('#filters input[value="search"]');
      const withoutSearch = await shownCalls();
      expect(withoutSearch).toBeLessThan(200);
      appendFileSync(log, calls(60, 3));
      expect(await until(async () => (await shownCalls()) === withoutSearch + 40, 30_000)).toBe(true);
      expect(await page.isChecked('#filters input[value="search"]')).toBe(false);
      expect(await page.textContent('#live')).toMatch(/^live: updated at/);
      expect(await page.textContent('#subtitle')).toContain('260 calls');
      expect(errors).toEqual([]);
      expect(elsewhere).toEqual([]);
      await page.close();
    }, 90_000);
  });
});

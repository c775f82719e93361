/**
 * Terminal tables: drawn by cli-table3 at display widths from string-width, at most --limit rows in the report's
 * order and a line saying how many more there are; CSV, JSON and Markdown list every row.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { runCli, temporaryDirectory } from '../helpers.js';

/** A log with `count` features, feature i having i + 1 calls (so the order is known: the most calls first). */
function features(count: number, name: (i: number) => string = (i) => `feature-${String(i).padStart(3, '0')}`): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    for (let n = 0; n <= i; n++) lines.push(JSON.stringify({ timestamp: `2026-11-26T10:${String(n % 60).padStart(2, '0')}:00Z`, feature: name(i), model: 'claude-haiku-4-5', latency_ms: 100 + n }));
  }
  const file = path.join(temporaryDirectory(), 'features.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('terminal tables', () => {
  it('summary shows at most --limit groups, the biggest first, then the total and how to see the rest', async () => {
    const file = features(12);
    const limited = await runCli(['summary', file, '--limit', '5']);
    const rows = limited.stdout.split('\n').filter((line) => line.startsWith('feature-'));
    expect(rows.map((line) => line.split(' ')[0])).toEqual(['feature-011', 'feature-010', 'feature-009', 'feature-008', 'feature-007']);
    expect(limited.stdout).toMatch(/^TOTAL +78 /m);
    expect(limited.stdout).toContain('7 more groups not shown: --limit 0 shows them all, --format csv lists every one');
    const all = await runCli(['summary', file, '--limit', '0']);
    expect(all.stdout.split('\n').filter((line) => line.startsWith('feature-'))).toHaveLength(12);
    expect(all.stdout).not.toContain('not shown');
    // The default is 100: twelve fit.
    expect((await runCli(['summary', file])).stdout).not.toContain('not shown');
    // CSV, JSON and Markdown are never cut.
    const csv = await runCli(['summary', file, '--limit', '5', '--format', 'csv']);
    expect(csv.stdout.split('\r\n').filter((line) => line.startsWith('group,'))).toHaveLength(12);
    expect(JSON.parse((await runCli(['summary', file, '--limit', '5', '--json'])).stdout).groups).toHaveLength(12);
    const markdown = await runCli(['summary', file, '--limit', '5', '--format', 'markdown']);
    expect(markdown.stdout.split('\n').filter((line) => line.startsWith('| feature-'))).toHaveLength(12);
  });

  it('trend shows at most --limit groups too', async () => {
    const limited = await runCli(['trend', features(6), '--now', 'latest', '--days', '2', '--limit', '2']);
    const labels = limited.stdout.split('\n').filter((line) => /^feature-/.test(line)).map((line) => line.split(' ')[0]);
    expect(labels).toEqual(['feature-005', 'feature-004']);
    expect(limited.stdout).toContain('4 more groups not shown');
  });

  it('alerts shows at most --limit evaluations, and every firing one whatever the limit', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 30; i++) {
      for (const feature of ['a', 'b', 'c']) {
        lines.push(JSON.stringify({ timestamp: new Date(Date.UTC(2026, 10, 26, 11, 59, i)).toISOString(), feature, model: 'claude-haiku-4-5', latency_ms: 100, ...(feature === 'c' ? { error: 'RateLimitError', error_status: 429 } : {}) }));
      }
    }
    const file = path.join(temporaryDirectory(), 'alerts.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const run = await runCli(['alerts', file, '--now', '2026-11-26T12:00:00Z', '--limit', '2']);
    const rows = run.stdout.split('\n').filter((line) => /^(error_rate|rate_limited|p95_latency|daily_cost) /.test(line));
    expect(rows.slice(0, 2).every((line) => line.startsWith('error_rate '))).toBe(true);
    // Past the limit only what fires: feature c's errors and 429s, and the whole input's.
    expect(rows.slice(2).every((line) => line.includes('FIRING'))).toBe(true);
    expect(rows.filter((line) => line.includes('FIRING')).length).toBeGreaterThanOrEqual(3);
    expect(run.stdout).toMatch(/\d+ more rule evaluations \(none of them firing\) not shown: --limit 0 shows them all, --json lists every one/);
  });

  it('measures wide characters as a terminal shows them: emoji and East Asian names keep the columns aligned', async () => {
    const names = ['🚀 launch', '☀️ weather', '👨‍👩‍👧 family', '日本語の機能', 'plain'];
    const run = await runCli(['summary', features(5, (i) => names[i] as string)]);
    const lines = run.stdout.split('\n');
    const header = lines.find((line) => line.startsWith('feature ')) as string;
    const table = lines.filter((line) => /\d+\.\d%/.test(line));
    expect(table).toHaveLength(6);
    // Every row's "calls" column ends at the display column where the header's does.
    const callsEnd = stringWidth(header.slice(0, header.indexOf('calls') + 'calls'.length));
    const ends = table.map((line) => {
      const match = /^(.*?\s+\d+)(?=\s+\d+\s)/.exec(line) as RegExpExecArray;
      return stringWidth(match[1] as string);
    });
    expect(ends).toEqual(table.map(() => callsEnd));
  });
});

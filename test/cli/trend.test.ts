import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, temporaryDirectory } from '../helpers.js';
import { schemaErrors } from './schema.js';

const NOW = Date.UTC(2026, 10, 26, 18);
const DAY = 86_400_000;

interface Rec {
  timestamp: number;
  feature: string;
  input: number;
  output: number;
  cacheRead: number;
  latency: number;
  failed: boolean;
}

/**
 * 15 days: `chat` grows its context (input +5% a day), `search` loses its cache after day 8, `extract` is steady.
 * Haiku 4.5: $1/M input, $5/M output, $0.10/M cache reads — the expectations below use those prices directly.
 */
function generate(): Rec[] {
  const records: Rec[] = [];
  for (let day = 14; day >= 0; day--) {
    const dayStart = Date.UTC(2026, 10, 26) - day * DAY;
    const age = 14 - day;
    for (let i = 0; i < 40; i++) {
      const at = dayStart + i * 1_800_000 + 60_000;
      if (at > NOW) break;
      records.push({ timestamp: at, feature: 'chat', input: Math.round(1000 * 1.05 ** age), output: 200, cacheRead: 0, latency: 500 + i * 10, failed: i % 20 === 0 });
      records.push({ timestamp: at + 1000, feature: 'search', input: 200, output: 100, cacheRead: age < 8 ? 4000 : 150, latency: 300 + i, failed: false });
      records.push({ timestamp: at + 2000, feature: 'extract', input: 500, output: 50, cacheRead: 500, latency: 800, failed: false });
    }
  }
  return records;
}

function write(records: readonly Rec[]): string {
  const file = path.join(temporaryDirectory(), 'app.jsonl');
  const lines = records.map((r) =>
    JSON.stringify({
      timestamp: new Date(r.timestamp).toISOString(),
      feature: r.feature,
      model: 'claude-haiku-4-5',
      input_tokens: r.input,
      output_tokens: r.output,
      cached_tokens: r.cacheRead,
      latency_ms: r.latency,
      ...(r.failed ? { error_status: 500 } : {}),
    }),
  );
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const cost = (r: Rec): number => (r.input * 1 + r.output * 5 + r.cacheRead * 0.1) / 1e6;
const nearestRank = (values: number[], p: number): number => [...values].sort((a, b) => a - b)[Math.ceil((p / 100) * values.length) - 1] as number;

describe('claude-mon trend', () => {
  const records = generate();
  const file = write(records);

  it('gives per day and feature the calls, cost, cost per call, p95, error and cache hit rates', async () => {
    const run = await runCli(['trend', file, '--now', new Date(NOW).toISOString(), '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(schemaErrors('trend', run.stdout)).toEqual([]);
    const trend = JSON.parse(run.stdout);
    expect(trend).toMatchObject({ days: 14, from: '2026-11-13T00:00:00.000Z', groupBy: ['feature'] });
    for (const series of trend.series) {
      expect(series.days).toHaveLength(14);
      for (const day of series.days) {
        const start = Date.parse(day.start);
        const mine = records.filter((r) => r.feature === series.key.feature && r.timestamp >= start && r.timestamp < start + DAY);
        expect(day.calls).toBe(mine.length);
        const usd = mine.reduce((total, r) => total + cost(r), 0);
        expect(day.costUsd).toBeCloseTo(usd, 4);
        expect(day.costPerCallUsd).toBeCloseTo(usd / mine.length, 6);
        const p95 = nearestRank(mine.map((r) => r.latency), 95);
        expect(Math.abs(day.p95Ms - p95) / p95).toBeLessThanOrEqual(0.001);
        expect(day.errorRate).toBeCloseTo(mine.filter((r) => r.failed).length / mine.length, 10);
        const ok = mine.filter((r) => !r.failed);
        const prompt = ok.reduce((total, r) => total + r.input + r.cacheRead, 0);
        expect(day.cacheHitRate).toBeCloseTo(ok.reduce((total, r) => total + r.cacheRead, 0) / prompt, 10);
      }
    }
  });

  it('flags the feature whose cost per call creeps up and the one whose cache hit rate halves, not the steady one', async () => {
    const run = await runCli(['trend', file, '--now', new Date(NOW).toISOString(), '--json']);
    const trend = JSON.parse(run.stdout);
    const flags = Object.fromEntries(trend.series.map((s: { key: { feature: string }; flags: { kind: string }[] }) => [s.key.feature, s.flags.map((f) => f.kind)]));
    // chat: 1.05^11 ≈ 1.71× the input from the first 3 days to the last 3: cost per call well over +25%.
    expect(flags).toEqual({ chat: ['cost_per_call_rising'], search: ['cache_hit_rate_falling'], extract: [] });
    const table = await runCli(['trend', file, '--now', new Date(NOW).toISOString()]);
    expect(table.stdout).toMatch(/^chat: cost per call rose \+\d+% /m);
    expect(table.stdout).toMatch(/^search: cache hit rate fell \d+% /m);
  });

  it('prints CSV, one row per day and feature; --days and --by change the period and the breakdown', async () => {
    const csv = await runCli(['trend', file, '--now', new Date(NOW).toISOString(), '--format', 'csv', '--days', '3', '--by', 'model']);
    const rows = csv.stdout.trimEnd().split('\r\n');
    expect(rows[0]).toBe('day,model,calls,cost_usd,cost_per_call_usd,p95_ms,error_rate,cache_hit_rate,unpriced_calls');
    expect(rows.slice(1).map((row) => row.split(',').slice(0, 3).join(','))).toEqual(['2026-11-24,claude-haiku-4-5,120', '2026-11-25,claude-haiku-4-5,120', '2026-11-26,claude-haiku-4-5,108']);
    expect((await runCli(['trend', file, '--by', 'day'])).code).toBe(2);
    expect((await runCli(['trend', file, '--since', '2d'])).code).toBe(2);
  });

  it('marks costs that leave out unpriced calls, and counts them in CSV and JSON', async () => {
    const mixed = write(records);
    const text = readFileSync(mixed, 'utf8').split('\n');
    writeFileSync(mixed, text.map((line, i) => (i % 10 === 0 ? line.replace('claude-haiku-4-5', 'in-house-llm') : line)).join('\n'));
    const from = Date.UTC(2026, 10, 13);
    const unpriced = records.filter((r, i) => i % 10 === 0 && r.timestamp >= from).length;
    const now = ['--now', new Date(NOW).toISOString()];
    const table = await runCli(['trend', mixed, ...now]);
    expect(table.stdout).toMatch(/^ +cost\/day +\$[\d.]+ → \$[\d.]+\*$/m);
    expect(table.stdout).toContain(`* cost excludes ${unpriced} calls of models without a price`);
    const json = JSON.parse((await runCli(['trend', mixed, ...now, '--json'])).stdout);
    expect(json.total.days.reduce((sum: number, day: { unpricedCalls: number }) => sum + day.unpricedCalls, 0)).toBe(unpriced);
  });

  it('flags over short periods too, comparing fewer days at each end', async () => {
    // Four days: the input of `grow` triples on the last two. With --days 4, days 1–2 are compared with days 3–4.
    const four: Rec[] = [];
    for (let day = 3; day >= 0; day--) {
      for (let i = 0; i < 10; i++) {
        four.push({ timestamp: Date.UTC(2026, 10, 26 - day, 9, i), feature: 'grow', input: day >= 2 ? 1000 : 3000, output: 100, cacheRead: 0, latency: 100, failed: false });
      }
    }
    const run = await runCli(['trend', write(four), '--now', new Date(NOW).toISOString(), '--days', '4', '--json']);
    const grow = JSON.parse(run.stdout).series[0];
    expect(grow.flags).toEqual([{ kind: 'cost_per_call_rising', from: 0.0015, to: 0.0035, change: 1.333333 }]);
  });

  it('shows sparklines on a terminal only', async () => {
    const pipe = await runCli(['trend', file, '--now', new Date(NOW).toISOString(), '--days', '7']);
    expect(pipe.stdout).not.toMatch(/[▁▂▃▄▅▆▇█]/);
    expect(pipe.stdout).toMatch(/^chat +calls\/day +40 → 36$/m);
    const tty = await runCli(['trend', file, '--now', new Date(NOW).toISOString(), '--days', '7', '--no-color'], { stdoutTTY: true });
    expect(tty.stdout).toMatch(/^chat +calls\/day +[▁▂▃▄▅▆▇█]{7} +40 → 36$/m);
  });

  it('--now latest reads once, the period following the newest record, and gives what --now at that record gives', async () => {
    const records = generate();
    // A feature seen only before the period: its group must be gone once the period has moved past it.
    const old = { timestamp: NOW - 10 * DAY, feature: 'retired', input: 1, output: 1, cacheRead: 0, latency: 1, failed: false };
    // Three files: the oldest half in time order (folded while it is the newest, then dropped as the period moves
    // on), then the newest half, then a shuffled mix (old records after the newest: skipped).
    const sorted = [old, ...records].sort((a, b) => a.timestamp - b.timestamp);
    const half = Math.floor(sorted.length / 2);
    const shuffled = sorted.filter((_, i) => i % 5 === 0).sort((a, b) => ((a.timestamp * 7919) % 1000) - ((b.timestamp * 7919) % 1000));
    const parts = [sorted.slice(0, half).filter((_, i) => i % 5 !== 0), sorted.slice(half).filter((_, i) => (i + half) % 5 !== 0), shuffled];
    const directory = temporaryDirectory();
    const files = parts.map((part, index) => {
      const target = path.join(directory, `part-${index}.jsonl`);
      writeFileSync(target, readFileSync(write(part)));
      return target;
    });
    // An unpriced call before the 5-day period: counted in the warning only when it is in the period.
    const unpriced = { timestamp: new Date(NOW - 10 * DAY).toISOString(), feature: 'retired', model: 'my-finetune', latency_ms: 5 };
    writeFileSync(files[0] as string, `${JSON.stringify(unpriced)}\n${readFileSync(files[0] as string, 'utf8')}`);
    const newest = Math.max(...records.map((r) => r.timestamp));
    for (const days of ['5', '14']) {
      const latest = await runCli(['trend', ...files, '--now', 'latest', '--days', days, '--json']);
      const fixed = await runCli(['trend', ...files, '--now', new Date(newest).toISOString(), '--days', days, '--json']);
      expect(latest.code).toBe(0);
      expect(latest.stdout).toBe(fixed.stdout);
      expect(latest.stderr).toBe(fixed.stderr);
      expect(latest.stderr.includes('my-finetune')).toBe(days === '14');
      const trend = JSON.parse(latest.stdout);
      const inPeriod = [...records, old, { timestamp: NOW - 10 * DAY }].filter((r) => r.timestamp >= Date.UTC(2026, 10, 26) - (Number(days) - 1) * DAY);
      const features = trend.series.map((series: { key: { feature: string } }) => series.key.feature).sort();
      expect(features).toEqual(days === '5' ? ['chat', 'extract', 'search'] : ['chat', 'extract', 'retired', 'search']);
      expect(trend.total.days.reduce((sum: number, day: { calls: number }) => sum + day.calls, 0)).toBe(inPeriod.length);
    }
  });
});

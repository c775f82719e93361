import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, temporaryDirectory } from '../helpers.js';
import { schemaErrors } from './schema.js';

/**
 * Expectations here are computed from the generated records with plain arithmetic (Haiku 4.5 at $1/M input and
 * $5/M output, nearest-rank percentiles by sorting), never with claude-mon's own code.
 */
const NOW = Date.UTC(2026, 10, 26, 15, 30);
const HOUR = 3_600_000;
const DAY = 86_400_000;

interface Rec {
  timestamp: number;
  user: string;
  feature: string;
  input: number;
  output: number;
  latency: number;
  status?: number;
  stop?: string;
}

function generate(days = 9): Rec[] {
  let seed = 3;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const records: Rec[] = [];
  const users = ['alice', 'bob', 'carol', '__proto__', 'constructor', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy'];
  for (let at = NOW - days * DAY; at <= NOW; at += 7 * 60_000 + Math.floor(random() * 60_000)) {
    const feature = ['chat', 'search', 'summarize'][Math.floor(random() * 3)] as string;
    const r: Rec = {
      timestamp: at,
      user: users[Math.floor(random() * users.length)] as string,
      feature,
      input: 100 + Math.floor(random() * 5000),
      output: 10 + Math.floor(random() * 800),
      latency: feature === 'summarize' ? 2000 + Math.floor(random() * 20_000) : 200 + Math.floor(random() * 3000),
    };
    const roll = random();
    if (roll < 0.03) r.status = 429;
    else if (roll < 0.06) r.status = 500;
    else if (roll < 0.09) r.stop = 'max_tokens';
    records.push(r);
  }
  return records;
}

function write(records: readonly Rec[]): string {
  const file = path.join(temporaryDirectory(), 'app.jsonl');
  const lines = records.map((r) =>
    JSON.stringify({
      timestamp: new Date(r.timestamp).toISOString(),
      user_id: r.user,
      feature: r.feature,
      model: 'claude-haiku-4-5',
      input_tokens: r.input,
      output_tokens: r.output,
      latency_ms: r.latency,
      stop_reason: r.stop ?? (r.status === undefined ? 'end_turn' : 'error'),
      ...(r.status === undefined ? {} : { error_status: r.status, error: r.status === 429 ? 'RateLimitError' : 'InternalServerError' }),
    }),
  );
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const cost = (r: Rec): number => (r.input * 1 + r.output * 5) / 1e6;
const sum = (records: readonly Rec[]): number => records.reduce((total, r) => total + cost(r), 0);
const nearestRank = (values: number[], p: number): number => [...values].sort((a, b) => a - b)[Math.ceil((p / 100) * values.length) - 1] as number;

async function dashboard(records: readonly Rec[], extra: string[] = []) {
  const run = await runCli(['dashboard', write(records), '--now', new Date(NOW).toISOString(), '--json', ...extra]);
  expect(run.code, run.stderr).toBe(0);
  expect(schemaErrors('dashboard', run.stdout)).toEqual([]);
  return JSON.parse(run.stdout);
}

describe('claude-mon dashboard', () => {
  const records = generate();
  const todayStart = Date.UTC(2026, 10, 26);
  const inRange = (from: number, to: number) => records.filter((r) => r.timestamp >= from && r.timestamp <= to);

  it('answers the four month-one questions with the numbers computed independently', async () => {
    const d = await dashboard(records);
    // (1) Cost today vs yesterday.
    const today = inRange(todayStart, NOW);
    const yesterday = records.filter((r) => r.timestamp >= todayStart - DAY && r.timestamp < todayStart);
    const yesterdayByNow = yesterday.filter((r) => r.timestamp <= NOW - DAY);
    expect(d.costToday.todayUsd).toBeCloseTo(sum(today), 4);
    expect(d.costToday.yesterdayUsd).toBeCloseTo(sum(yesterday), 4);
    expect(d.costToday.yesterdaySameTimeUsd).toBeCloseTo(sum(yesterdayByNow), 4);
    expect(d.costToday.changePct).toBeCloseTo(((sum(today) - sum(yesterdayByNow)) / sum(yesterdayByNow)) * 100, 1);
    // (2) The slowest feature of the last hour, by nearest-rank p95, with its calls.
    const lastHour = records.filter((r) => r.timestamp > NOW - HOUR && r.timestamp <= NOW);
    const byFeature = new Map<string, number[]>();
    for (const r of lastHour) byFeature.set(r.feature, [...(byFeature.get(r.feature) ?? []), r.latency]);
    for (const entry of d.slowestFeature.ranking) {
      const latencies = byFeature.get(entry.feature) as number[];
      expect(entry.calls).toBe(latencies.length);
      expect(entry.tooFew).toBe(latencies.length < 20);
      expect(Math.abs(entry.p95Ms - nearestRank(latencies, 95)) / nearestRank(latencies, 95)).toBeLessThanOrEqual(0.001);
    }
    // Every feature had fewer than 20 calls in the last hour here: none is named the slowest.
    expect(d.slowestFeature.feature).toBeNull();
    const wide = await dashboard(records, ['--slow-window', '24h']);
    const dayLatencies = records.filter((r) => r.timestamp > NOW - DAY && r.feature === 'summarize').map((r) => r.latency);
    expect(wide.slowestFeature).toMatchObject({ window: '24h', feature: 'summarize', calls: dayLatencies.length });
    expect(Math.abs(wide.slowestFeature.p95Ms - nearestRank(dayLatencies, 95)) / nearestRank(dayLatencies, 95)).toBeLessThanOrEqual(0.001);
    // (3) 429s in the last 24 hours.
    const limited = records.filter((r) => r.status === 429 && r.timestamp > NOW - DAY && r.timestamp <= NOW);
    expect(d.rateLimits.count).toBe(limited.length);
    expect(d.rateLimits.first).toBe(new Date(Math.min(...limited.map((r) => r.timestamp))).toISOString());
    expect(d.rateLimits.last).toBe(new Date(Math.max(...limited.map((r) => r.timestamp))).toISOString());
    const countBy = (key: (r: Rec) => string) => {
      const counts = new Map<string, number>();
      for (const r of limited) counts.set(key(r), (counts.get(key(r)) ?? 0) + 1);
      return Object.fromEntries(counts); // own properties, __proto__ included
    };
    expect(d.rateLimits.byFeature).toEqual(countBy((r) => r.feature));
    expect(d.rateLimits.byUser).toEqual(countBy((r) => r.user)); // __proto__ and constructor are counted like anyone
    expect(d.rateLimits.byHour).toHaveLength(24);
    expect(d.rateLimits.byHour.reduce((total: number, hour: { count: number }) => total + hour.count, 0)).toBe(limited.length);
    // (4) Top users today by tokens, with cost and calls.
    const users = new Map<string, { tokens: number; costUsd: number; calls: number }>();
    for (const r of today) {
      const u = users.get(r.user) ?? { tokens: 0, costUsd: 0, calls: 0 };
      users.set(r.user, { tokens: u.tokens + r.input + r.output, costUsd: u.costUsd + cost(r), calls: u.calls + 1 });
    }
    const expected = [...users].sort(([a, x], [b, y]) => y.tokens - x.tokens || (a < b ? -1 : 1)).slice(0, 10);
    expect(d.topUsers.map((u: { user: string }) => u.user)).toEqual(expected.map(([user]) => user));
    d.topUsers.forEach((u: { tokens: number; costUsd: number; calls: number }, i: number) => {
      const [, want] = expected[i] as [string, { tokens: number; costUsd: number; calls: number }];
      expect(u.tokens).toBe(want.tokens);
      expect(u.calls).toBe(want.calls);
      expect(u.costUsd).toBeCloseTo(want.costUsd, 4);
    });
    // Today's rates against the previous 7 days.
    const week = records.filter((r) => r.timestamp >= todayStart - 7 * DAY && r.timestamp < todayStart);
    const errorRate = (list: Rec[]) => list.filter((r) => r.status !== undefined).length / list.length;
    expect(d.rates.today.errorRate).toBeCloseTo(errorRate(today), 10);
    expect(d.rates.sevenDay.errorRate).toBeCloseTo(errorRate(week), 10);
    const ok = (list: Rec[]) => list.filter((r) => r.status === undefined);
    expect(d.rates.today.maxTokensRate).toBeCloseTo(ok(today).filter((r) => r.stop === 'max_tokens').length / ok(today).length, 10);
  });

  it('handles no records today, no 429s, and one feature only', async () => {
    const old = records
      .filter((r) => r.timestamp < todayStart)
      .map(({ status, ...rest }): Rec => (status === undefined || status === 429 ? { ...rest, feature: 'chat' } : { ...rest, feature: 'chat', status }));
    const d = await dashboard(old);
    expect(d.costToday).toMatchObject({ todayUsd: 0, projectedUsd: null });
    expect(d.costToday.yesterdayUsd).toBeCloseTo(sum(old.filter((r) => r.timestamp >= todayStart - DAY)), 4);
    expect(d.rateLimits).toMatchObject({ count: 0, first: null, last: null, byFeature: {}, byUser: {} });
    expect(d.topUsers).toEqual([]);
    expect(d.slowestFeature).toMatchObject({ feature: null, ranking: [] });
    const table = await runCli(['dashboard', write(old), '--now', new Date(NOW).toISOString()]);
    expect(table.stdout).toContain('429s, last 24 h: none');
    expect(table.stdout).toContain('no calls today');
  });

  it('counts days and hours in --tz, across midnight and a DST change', async () => {
    // New York leaves DST on 2026-11-01. At 01:30 local on 11-02 (06:30Z), "today" began at 05:00Z and yesterday —
    // 25 hours long — at 04:00Z on 11-01.
    const now = Date.UTC(2026, 10, 2, 6, 30);
    const at = (iso: string, input: number): Rec => ({ timestamp: Date.parse(iso), user: 'u', feature: 'chat', input, output: 0, latency: 100 });
    const list = [
      at('2026-11-01T03:59:00Z', 1_000_000), // 10-31 23:59 EDT: the day before yesterday
      at('2026-11-01T04:00:00Z', 2_000_000), // 11-01 00:00 EDT: yesterday
      at('2026-11-02T04:30:00Z', 4_000_000), // 11-01 23:30 EST: still yesterday (25-hour day)
      at('2026-11-02T05:00:00Z', 8_000_000), // 11-02 00:00 EST: today
    ];
    const run = await runCli(['dashboard', write(list), '--now', new Date(now).toISOString(), '--tz', 'America/New_York', '--json']);
    const d = JSON.parse(run.stdout);
    expect(d.costToday.todayUsd).toBeCloseTo(8, 6);
    expect(d.costToday.yesterdayUsd).toBeCloseTo(6, 6);
    // Yesterday up to 01:30 local is up to 05:30Z on 11-01 (EDT): only the 00:00 call.
    expect(d.costToday.yesterdaySameTimeUsd).toBeCloseTo(2, 6);
  });

  it('stays within 100 columns on hostile data: long names, two-digit rates, unpriced models, many rate-limited users', async () => {
    const long = (i: number) => `${'feature-with-a-very-long-descriptive-name-'.repeat(3)}${i}`;
    const hostile: Rec[] = [];
    for (let i = 0; i < 300; i++) {
      hostile.push({ timestamp: NOW - i * 240_000, user: `user-${'x'.repeat(50)}-${i}`, feature: long(i % 7), input: 100, output: 10, latency: 100 + i, status: i % 3 === 0 ? 429 : undefined, stop: i % 3 === 1 ? 'max_tokens' : undefined } as Rec);
    }
    const file = write(hostile);
    const text = readFileSync(file, 'utf8').replaceAll('claude-haiku-4-5', `in-house-model-${'y'.repeat(80)}`);
    writeFileSync(file, text);
    const run = await runCli(['dashboard', file, '--now', new Date(NOW).toISOString(), '--slow-window', '24h']);
    expect(run.code).toBe(0);
    for (const line of run.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
    expect(run.stdout).toMatch(/^ +not counted: \d+ calls of models without a price: in-house-model-y+…/m);
    expect(run.stdout).toMatch(/^ {2}by user: {4}.*, \+\d+ more$/m);
  });

  it('projects today linearly when yesterday had spent almost nothing by this time, and reads a --slow-window of 9 days', async () => {
    const at = (iso: string, input: number): Rec => ({ timestamp: Date.parse(iso), user: 'u', feature: 'chat', input, output: 0, latency: 100 });
    // Yesterday: $0.0015 by 01:00, $30 later. Today: $1.80 by 01:00 — linear: $1.80 × 24 = $43.20, not × 20,000.
    const list = [at('2026-11-25T00:30:00Z', 1500), at('2026-11-25T13:00:00Z', 30_000_000), at('2026-11-26T00:30:00Z', 1_800_000)];
    const run = await runCli(['dashboard', write(list), '--now', '2026-11-26T01:00:00Z', '--json']);
    expect(JSON.parse(run.stdout).costToday.projectedUsd).toBeCloseTo(43.2, 6);
    const spread = Array.from({ length: 30 }, (_, i) => at(new Date(NOW - (i * 7 + 1) * 3_600_000 * 7).toISOString(), 10));
    const nine = await runCli(['dashboard', write(spread), '--now', new Date(NOW).toISOString(), '--slow-window', '9d', '--json']);
    const inWindow = spread.filter((r) => r.timestamp > NOW - 9 * DAY).length;
    expect(JSON.parse(nine.stdout).slowestFeature).toMatchObject({ window: '9d', ranking: [{ feature: 'chat', calls: inWindow }] });
    expect(inWindow).toBeGreaterThan(spread.filter((r) => r.timestamp >= Date.UTC(2026, 10, 19)).length); // more than the 7-day baseline reads
  });

  it('fits 100 columns without colour (snapshot), and prints Markdown for chat', async () => {
    const file = write(records);
    const run = await runCli(['dashboard', file, '--now', new Date(NOW).toISOString(), '--slow-window', '24h']);
    expect(run.code).toBe(0);
    for (const line of run.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
    expect(run.stdout).not.toMatch(/\x1b/);
    await expect(run.stdout).toMatchFileSnapshot('snapshots/dashboard.txt');
    expect(run.stdout).toMatch(/^ {2}per hour: {3}\d\d-\d\d \d\d:00 \d/m); // a pipe gets numbers, by clock hour
    const tty = await runCli(['dashboard', file, '--now', new Date(NOW).toISOString(), '--no-color'], { stdoutTTY: true });
    expect(tty.stdout).toMatch(/^ {2}per hour: {3}[▁▂▃▄▅▆▇█]{24} /m); // a terminal a sparkline of the 24 hours
    const markdown = await runCli(['dashboard', file, '--now', new Date(NOW).toISOString(), '--format', 'markdown']);
    expect(markdown.stdout).toMatch(/^## claude-mon dashboard · 2026-11-26 15:30:00 UTC\n/);
    expect(markdown.stdout).toContain('| user | tokens | cost | calls |');
    expect(markdown.stdout).toContain('\\_\\_proto\\_\\_');
  });

  it('--now latest reads once, its windows following the newest record, and gives what --now at that record gives', async () => {
    const records = generate(9);
    const newest = Math.max(...records.map((r) => r.timestamp));
    // Three files: the older half in time order (folded while newest, then dropped as now moves on: old days, old
    // users of "today", 429s and slow calls out of their windows), the newer half, then a mix of both after it.
    const sorted = [...records].sort((a, b) => a.timestamp - b.timestamp);
    const half = Math.floor(sorted.length / 2);
    const late = sorted.filter((_, i) => i % 4 === 0).reverse();
    const parts = [sorted.slice(0, half).filter((_, i) => i % 4 !== 0), sorted.slice(half).filter((_, i) => (i + half) % 4 !== 0), late];
    const directory = temporaryDirectory();
    const files = parts.map((part, index) => {
      const target = path.join(directory, `part-${index}.jsonl`);
      writeFileSync(target, readFileSync(write(part)));
      return target;
    });
    for (const window of ['1h', '30h']) {
      const latest = await runCli(['dashboard', ...files, '--now', 'latest', '--slow-window', window, '--json']);
      const fixed = await runCli(['dashboard', ...files, '--now', new Date(newest).toISOString(), '--slow-window', window, '--json']);
      expect(latest.code).toBe(0);
      expect(latest.stdout).toBe(fixed.stdout);
      expect(latest.stderr).toBe(fixed.stderr);
      const d = JSON.parse(latest.stdout);
      const dayStart = Date.UTC(2026, 10, 26);
      expect(d.rateLimits.count).toBe(records.filter((r) => r.status === 429 && r.timestamp > newest - DAY).length);
      expect(d.rates.today.calls).toBe(records.filter((r) => r.timestamp >= dayStart).length);
      expect(d.topUsers.length).toBe(10);
      const slowCalls = d.slowestFeature.ranking.reduce((sum: number, entry: { calls: number }) => sum + entry.calls, 0);
      expect(slowCalls).toBe(records.filter((r) => r.timestamp > newest - (window === '1h' ? HOUR : 30 * HOUR)).length);
    }
  });

  it('counts yesterday "by this time" to the minute: the whole minutes before the same time, and the share of its minute gone by, as the daily_cost alert does', async () => {
    const now = Date.UTC(2026, 10, 26, 12, 0, 40);
    const at = (ms: number, input: number): Rec => ({ timestamp: ms, user: 'u', feature: 'chat', input, output: 0, latency: 100 });
    const list = [
      at(now - DAY - 61_000, 1_000_000), // 11:59:39 yesterday: a whole minute before 12:00:40
      at(now - DAY - 20_000, 2_000_000), // 12:00:20 yesterday: in the minute of the same time, two thirds of which are gone by
      at(now - DAY + 30_000, 8_000_000), // 12:01:10 yesterday: after it
      at(now - 1000, 4_000_000),
    ];
    const d = JSON.parse((await runCli(['dashboard', write(list), '--now', new Date(now).toISOString(), '--json'])).stdout);
    expect(d.costToday.yesterdaySameTimeUsd).toBeCloseTo(1 + (2 * 40) / 60, 6);
    expect(d.costToday.yesterdayUsd).toBeCloseTo(11, 6);
    // On a whole minute, the minute of the same time has not begun: whole minutes only.
    const onTheMinute = JSON.parse((await runCli(['dashboard', write(list), '--now', new Date(Date.UTC(2026, 10, 26, 12, 0)).toISOString(), '--json'])).stdout);
    expect(onTheMinute.costToday.yesterdaySameTimeUsd).toBeCloseTo(1, 6);
  });
});

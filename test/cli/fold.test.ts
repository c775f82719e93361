/**
 * Property: fold each of N shards of a log into a .cmstate, merge the states in `summary`, and the report is the
 * one of the shards' logs read in one pass — the whole JSON, for every --by a state can answer, with ranges on
 * whole hours and days. And what a state cannot answer is refused with a message, never approximated.
 */
import { createRequire } from 'node:module';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fixture, random, runCli, temporaryDirectory } from '../helpers.js';

const DAY = 86_400_000;

function makeLines(next: () => number, count: number): string[] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const start = Date.UTC(2026, 10, 20);
  return Array.from({ length: count }, (_, i) => {
    const error = next() < 0.1 ? pick(['RateLimitError', 'OverloadedError', 'APIConnectionError']) : null;
    // Half the calls in one busy hour of chat on Sonnet, so that group passes 256 calls in each shard and keeps an
    // HDR histogram.
    const busy = next() < 0.5;
    const anyTime = busy ? start + 2 * DAY + 5 * 3_600_000 + Math.floor(next() * 3_600_000) : start + Math.floor(next() * 5 * DAY);
    // Some calls exactly on the hour (logs stamped in whole seconds have many): a window that ends on a whole hour
    // must not cut a state's groups there.
    const at = next() < 0.08 ? Math.floor(anyTime / 3_600_000) * 3_600_000 : anyTime;
    const record = {
      timestamp: new Date(at).toISOString(),
      request_id: `req-${i % (count - 50)}`, // the last 50 repeat earlier ids: duplicates
      user_id: pick(['alice', 'bob', '__proto__', 'carol', 'dave']),
      feature: busy ? 'chat' : pick(['chat', 'search', 'constructor']),
      model: busy ? 'claude-sonnet-4-5' : pick(['claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-5', 'homegrown-model']),
      input_tokens: Math.floor(next() * 300_000),
      output_tokens: Math.floor(next() * 4000),
      cached_tokens: Math.floor(next() * 50_000),
      cache_creation_tokens: 3000,
      cache_creation_1h_tokens: Math.floor(next() * 3000),
      latency_ms: Math.round(next() * 30_000_000) / 1000,
      stop_reason: pick(['end_turn', 'max_tokens', 'tool_use', '__proto__']),
      error,
      error_status: error === 'RateLimitError' ? 429 : error === null ? null : 500,
      service_tier: next() < 0.2 ? 'batch' : 'standard',
    };
    return JSON.stringify(record);
  });
}

/**
 * The lines cut into `parts` files, each line in one of them; the deliveries of one request id in the same shard
 * (a host drops its own duplicates; states cannot know of another host's).
 */
function shards(lines: readonly string[], parts: number, next: () => number, directory: string): string[] {
  const buckets: string[][] = Array.from({ length: parts }, () => []);
  const shardOf = new Map<string, number>();
  for (const line of lines) {
    const id = JSON.parse(line).request_id as string;
    if (!shardOf.has(id)) shardOf.set(id, Math.floor(next() * parts));
    buckets[shardOf.get(id) as number]?.push(line);
  }
  return buckets.map((bucket, i) => {
    const file = path.join(directory, `shard-${i}.jsonl`);
    writeFileSync(file, `${bucket.join('\n')}\n`);
    return file;
  });
}

async function fold(file: string, extra: string[] = []): Promise<string> {
  const state = file.replace(/\.jsonl$/, '.cmstate');
  const run = await runCli(['fold', '-q', '-o', state, ...extra, file]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return state;
}

async function summaryJson(args: readonly string[]): Promise<string> {
  const run = await runCli(['summary', '--json', '-q', ...args]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return run.stdout;
}

describe('claude-mon fold and .cmstate inputs', () => {
  const directory = temporaryDirectory();
  const next = random(42);
  const lines = makeLines(next, 3000);
  const files = shards(lines, 4, next, directory);
  const statesOf = async (): Promise<string[]> => Promise.all(files.map((file) => fold(file)));

  it.each([
    ['feature'],
    ['model'],
    ['feature,model'],
    ['day'],
    ['hour'],
    ['day,feature,model'],
    ['user'],
    ['user,day'],
  ])('summary --by %s of the merged states is the summary of the logs', async (by) => {
    const states = await statesOf();
    const fromLogs = await summaryJson(['--by', by, ...files]);
    expect(JSON.parse(fromLogs).groups.length).toBeGreaterThan(1);
    expect(await summaryJson(['--by', by, ...states])).toBe(fromLogs);
    // Also in every format, and with states and logs mixed.
    expect((await runCli(['summary', '--by', by, '--format', 'csv', ...states])).stdout).toBe((await runCli(['summary', '--by', by, '--format', 'csv', ...files])).stdout);
    expect(await summaryJson(['--by', by, states[0] as string, ...files.slice(1)])).toBe(fromLogs);
  }, 60_000);

  it('answers ranges on whole hours and days, in the time zone asked for', async () => {
    const states = await statesOf();
    for (const range of [
      ['--since', '2026-11-21T05:00:00Z', '--until', '2026-11-23T17:00:00Z'],
      ['--date', '2026-11-22'],
      ['--date', '2026-11-22', '--tz', 'Europe/Berlin'],
      ['--since', '2026-11-22T10:00:00+01:00', '--by', 'hour', '--tz', 'Europe/Berlin'],
    ]) {
      expect(await summaryJson([...range, ...states]), range.join(' ')).toBe(await summaryJson([...range, ...files]));
    }
    // Users are kept by day in the zone the state was folded in.
    expect(await summaryJson(['--by', 'user', '--date', '2026-11-22', ...states])).toBe(await summaryJson(['--by', 'user', '--date', '2026-11-22', ...files]));
  }, 60_000);

  it.each([['feature'], ['model'], ['user'], ['feature,model']])('trend --by %s of the merged states is the trend of the logs', async (by) => {
    const states = await statesOf();
    const trend = async (args: readonly string[]): Promise<string> => {
      const run = await runCli(['trend', '--json', '-q', '--days', '7', '--by', by, ...args]);
      expect(run.stderr).toBe('');
      return run.stdout;
    };
    // Users are kept by day: --now at the end of the data or on a midnight (an hour, for the others).
    const nows = [['--now', 'latest'], ['--now', '2026-11-23T00:00:00Z', '--days', '3'], ...(by === 'user' ? [] : [['--now', '2026-11-23T18:00:00Z']])];
    for (const now of nows) {
      const fromLogs = await trend([...now, ...files]);
      expect(JSON.parse(fromLogs).series.length, now.join(' ')).toBeGreaterThan(1);
      expect(await trend([...now, ...states]), now.join(' ')).toBe(fromLogs);
      expect(await trend([...now, ...files.slice(0, 2), ...states.slice(2)]), now.join(' ')).toBe(fromLogs);
    }
  }, 60_000);

  it('dashboard of the merged states is the dashboard of the logs, at a --now on a whole hour', async () => {
    const dashboard = async (args: readonly string[]): Promise<string> => {
      const run = await runCli(['dashboard', '-q', ...args]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      return run.stdout;
    };
    // Folded whole: any --now after the data or on a midnight (users are kept by day).
    const states = await statesOf();
    for (const now of ['2026-11-23T00:00:00Z', '2026-11-25T05:00:00Z', '2026-11-26T00:00:00Z']) {
      const fromLogs = await dashboard(['--json', '--now', now, ...files]);
      expect(await dashboard(['--json', '--now', now, ...states]), now).toBe(fromLogs);
      expect(await dashboard(['--json', '--now', now, states[0] as string, ...files.slice(1)]), now).toBe(fromLogs);
    }
    // Folded as of a whole hour (fold --now): the dashboard at that hour, right after the busy hour of chat — its
    // latencies in HDR histograms, hundreds of calls in the slow window and 429s in the last 24 hours.
    const now = '2026-11-22T06:00:00Z';
    const asOf = await Promise.all(files.map((file) => fold(file, ['--now', now])));
    const fromLogs = await dashboard(['--json', '--now', now, ...files]);
    const report = JSON.parse(fromLogs);
    expect(report.slowestFeature.calls).toBeGreaterThan(1000);
    expect(report.rateLimits.count).toBeGreaterThan(10);
    expect(report.costToday.yesterdaySameTimeUsd).toBeGreaterThan(0);
    expect(report.topUsers.length).toBeGreaterThan(3);
    expect(await dashboard(['--json', '--now', now, ...asOf])).toBe(fromLogs);
    expect(await dashboard(['--format', 'markdown', '--now', now, ...asOf])).toBe(await dashboard(['--format', 'markdown', '--now', now, ...files]));
    // In another zone, folded in it.
    const berlin = await Promise.all(files.map(async (file) => {
      const copy = file.replace(/\.jsonl$/, '-berlin.jsonl');
      writeFileSync(copy, readFileSync(file));
      return fold(copy, ['--tz', 'Europe/Berlin']);
    }));
    const args = ['--json', '--tz', 'Europe/Berlin', '--now', '2026-11-24T00:00:00+01:00'];
    expect(await dashboard([...args, ...berlin])).toBe(await dashboard([...args, ...files]));
    // A zone by another of its names is the same zone: folded in Etc/UTC, shown in UTC.
    const etc = await Promise.all(files.map(async (file) => {
      const copy = file.replace(/\.jsonl$/, '-etc.jsonl');
      writeFileSync(copy, readFileSync(file));
      return fold(copy, ['--tz', 'Etc/UTC']);
    }));
    expect(await dashboard(['--json', '--now', '2026-11-26T00:00:00Z', ...etc])).toBe(await dashboard(['--json', '--now', '2026-11-26T00:00:00Z', ...files]));
  }, 60_000);

  it('refuses a dashboard a state cannot answer exactly, and says why', async () => {
    const [state] = (await statesOf()) as [string];
    const midHour = await runCli(['dashboard', '--now', '2026-11-22T05:30:00Z', state]);
    expect(midHour.code).toBe(2);
    expect(midHour.stderr).toMatch(/the hour from 2026-11-2\dT0[45]:00:00.000Z of ".*" on ".*" has calls on both sides of .* \(2026-11-2\dT0[45]:30:00.000Z\), and a state keeps them together: give --now on a whole hour \(and a --slow-window of whole hours\), or give the logs/);
    // Folded whole, a --now within a day cuts the users' day.
    const midDay = await runCli(['dashboard', '--now', '2026-11-22T06:00:00Z', state]);
    expect(midDay.stderr).toMatch(/2026-11-22 of user ".*" has calls on both sides of now \(2026-11-22T06:00:00.000Z\), and a state keeps them together: fold the states as of then \(fold --now 2026-11-22T06:00:00.000Z\), or give the logs/);
    expect((await runCli(['dashboard', '--tz', 'America/New_York', '--now', '2026-11-23T00:00:00Z', state])).stderr).toMatch(/holds users by day in UTC: give --tz UTC, or the logs/);
    const india = await runCli(['dashboard', '--now', '2026-11-23T00:00:00Z', '--tz', 'Asia/Kolkata', await fold(state.replace(/\.cmstate$/, '.jsonl'), ['--tz', 'Asia/Kolkata'])]);
    expect(india.stderr).toMatch(/not a whole number of hours from UTC/);
    // Lord Howe is 11 hours from UTC until its April change, then 10:30: the 429s' clock hours at --now are not UTC's.
    const lordHowe = await fold(state.replace(/\.cmstate$/, '.jsonl'), ['--tz', 'Australia/Lord_Howe']);
    const afterChange = await runCli(['dashboard', '--tz', 'Australia/Lord_Howe', '--now', '2026-04-04T16:00:00Z', lordHowe]);
    expect(afterChange.code).toBe(2);
    expect(afterChange.stderr).toMatch(/--tz Australia\/Lord_Howe is not a whole number of hours from UTC/);
    // --now latest takes the newest call from a gzipped state's first line too.
    const gzipped = `${state}.gz`;
    writeFileSync(gzipped, gzipSync(readFileSync(await fold(state.replace(/\.cmstate$/, '.jsonl')))));
    const trend = async (input: string): Promise<string> => (await runCli(['trend', '--json', '--now', 'latest', input])).stdout;
    expect(await trend(gzipped)).toBe(await trend(state.replace(/\.cmstate$/, '.jsonl')));
    expect((await runCli(['fold', '--now', 'latest', state.replace(/\.cmstate$/, '.jsonl')])).stderr).toMatch(/fold --now "latest": expected an ISO time like 2026-11-26T10:00Z/);
  }, 30_000);

  it('reads the states in a directory, refuses one given twice, and names the state it writes *.cmstate', async () => {
    const states = await statesOf();
    const folder = path.join(directory, 'states');
    mkdirSync(path.join(folder, 'deeper'), { recursive: true });
    states.forEach((state, i) => copyFileSync(state, path.join(folder, i % 2 === 0 ? '' : 'deeper', path.basename(state))));
    const fromLogs = await summaryJson(['--by', 'feature,model', ...files]);
    expect(await summaryJson(['--by', 'feature,model', folder])).toBe(fromLogs);
    const trendOf = async (args: readonly string[]): Promise<string> => (await runCli(['trend', '--json', '--now', 'latest', ...args])).stdout;
    expect(await trendOf(states)).toBe(await trendOf([folder]));
    // Logs beside states in one directory: a state folded from those logs would count them twice.
    const mixed = path.join(directory, 'mixed-folder');
    mkdirSync(mixed, { recursive: true });
    copyFileSync(files[0] as string, path.join(mixed, 'host.jsonl'));
    await runCli(['fold', '-q', '-o', path.join(mixed, 'host.cmstate'), mixed]);
    const both = await runCli(['summary', mixed]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/mixed-folder holds both logs \(.*host.jsonl, read as one: .*\) and .cmstate states: a state folded from those logs would count them twice/);
    // Two idle hosts fold to the same bytes: nothing counts twice, so both are taken.
    const idle = ['idle-1.jsonl', 'idle-2.jsonl'].map((name) => path.join(directory, name));
    for (const file of idle) writeFileSync(file, '');
    const idleStates = await Promise.all(idle.map(async (file) => {
      const run = await runCli(['fold', '-q', '-o', file.replace(/\.jsonl$/, '.cmstate'), file]);
      expect(run.code).toBe(0);
      return file.replace(/\.jsonl$/, '.cmstate');
    }));
    expect(readFileSync(idleStates[0] as string, 'utf8')).toBe(readFileSync(idleStates[1] as string, 'utf8'));
    expect(await summaryJson([states[0] as string, ...idleStates])).toBe(await summaryJson([states[0] as string, ...idle]));
    const twice = await runCli(['summary', states[0] as string, path.join(directory, '.', path.basename(states[0] as string))]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/shard-0.cmstate holds the same state as .*shard-0.cmstate: given twice, its calls would count twice/);
    // A copy too (in the directory).
    const copied = await runCli(['dashboard', '--now', '2026-11-26T00:00:00Z', folder, states[1] as string]);
    expect(copied.code).toBe(2);
    expect(copied.stderr).toMatch(/shard-1.cmstate holds the same state as .*deeper.shard-1.cmstate: given twice/);
    for (const name of ['host.json', 'host.cmstate.gz']) {
      const named = await runCli(['fold', '-o', path.join(directory, name), files[0] as string]);
      expect(named.code, name).toBe(2);
      expect(named.stderr).toMatch(/name the state \*\.cmstate, which reports know a state by/);
    }
  }, 30_000);

  it('reads a gzipped state, and its latency histograms are HdrHistogram compressed Base64 that HdrHistogram reads', async () => {
    const [state] = await statesOf();
    const text = readFileSync(state as string);
    writeFileSync(`${state}.gz`, gzipSync(text));
    expect(await summaryJson([`${state}.gz`])).toBe(await summaryJson([files[0] as string]));
    // The same JSON laid out otherwise (another tool rewrote it) is read whole, with the same answers.
    const relaid = path.join(directory, 'relaid.cmstate');
    writeFileSync(relaid, JSON.stringify(JSON.parse(text.toString('utf8')), null, 1));
    for (const by of ['feature', 'user']) expect(await summaryJson(['--by', by, relaid])).toBe(await summaryJson(['--by', by, files[0] as string]));
    const document = JSON.parse(text.toString('utf8'));
    const busy = document.hours.filter((group: { stats: { latency: { hdr?: string } } }) => group.stats.latency.hdr !== undefined);
    expect(busy.length).toBeGreaterThan(0);
    const { decodeFromCompressedBase64 } = createRequire(import.meta.url)('hdr-histogram-js') as {
      decodeFromCompressedBase64(text: string): { totalCount: number; maxValue: number; getValueAtPercentile(p: number): number };
    };
    for (const group of busy) {
      const histogram = decodeFromCompressedBase64(group.stats.latency.hdr);
      expect(histogram.totalCount).toBe(group.stats.calls);
      // Within the 0.1% of 3 significant digits of the exact maximum.
      expect(Math.abs(histogram.maxValue / 1000 - group.stats.latencyMaxMs)).toBeLessThanOrEqual(group.stats.latencyMaxMs * 0.001);
    }
  }, 30_000);

  it('refuses what a state cannot answer, and says why', async () => {
    const [state] = (await statesOf()) as [string];
    const byStatus = await runCli(['summary', '--by', 'status', state]);
    expect(byStatus.code).toBe(2);
    expect(byStatus.stderr).toMatch(/holds hour × feature × model and day × user groups: --by status needs the logs/);
    const byUserFeature = await runCli(['summary', '--by', 'user,feature', state]);
    expect(byUserFeature.code).toBe(2);
    const cut = await runCli(['summary', '--since', '2026-11-22T05:30:00Z', state]);
    expect(cut.code).toBe(2);
    expect(cut.stderr).toMatch(/the hour from .* has calls on both sides of --since \(2026-11-22T05:30:00.000Z\), and a state keeps them together: give times on a whole hour/);
    const midDay = await runCli(['trend', '--by', 'user', '--now', '2026-11-23T18:00:00Z', state]);
    expect(midDay.stderr).toMatch(/2026-11-23 of user ".*" has calls on both sides of now \(2026-11-23T18:00:00.000Z\), and a state keeps them together: fold the states as of then/);
    const midHour = await runCli(['trend', '--now', '2026-11-22T05:30:00Z', state]);
    expect(midHour.code).toBe(2);
    expect(midHour.stderr).toMatch(/the hour from 2026-11-22T05:00:00.000Z of .* has calls on both sides of now \(2026-11-22T05:30:00.000Z\), and a state keeps them together: give --now on a whole hour/);
    const india = await runCli(['summary', '--by', 'day', '--tz', 'Asia/Kolkata', state]);
    expect(india.stderr).toMatch(/not a whole number of hours from UTC/);
    // trend is always by day: the same for it, and users kept by day in UTC do not answer New York's days.
    expect((await runCli(['trend', '--tz', 'Asia/Kolkata', '--now', 'latest', state])).stderr).toMatch(/not a whole number of hours from UTC/);
    expect((await runCli(['trend', '--by', 'user', '--tz', 'America/New_York', '--now', 'latest', state])).stderr).toMatch(/holds users by day in UTC: give --tz UTC/);
    // Token sums are split by the long-context threshold of the fold's prices: other prices are refused.
    const prices = path.join(directory, 'prices.json');
    writeFileSync(prices, JSON.stringify({ models: { 'claude-sonnet-4-5': { input: 3, output: 15, cache_write_5m: 3.75, cache_write_1h: 6, cache_read: 0.3, long_context: { threshold_tokens: 100_000, input: 6, output: 22.5, cache_write_5m: 7.5, cache_write_1h: 12, cache_read: 0.6 } } } }));
    const repriced = await runCli(['summary', '--prices', prices, state]);
    expect(repriced.code).toBe(1);
    expect(repriced.stderr).toMatch(/claude-sonnet-4-5 was folded with a long-context threshold of 200000 tokens, and this report's prices say 100000 tokens: fold again with the same --prices/);
    // --strict: a line skipped in the logs a state was folded from fails the report, as it would from the logs.
    const mixed = path.join(directory, 'mixed.jsonl');
    writeFileSync(mixed, `${lines[0]}\n{"timestamp": "2026-11-22T10:00:00Z", "feature": "chat", "latency_ms": -5}\n`);
    const strict = await runCli(['summary', '--strict', await fold(mixed)]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/mixed.cmstate: 1 lines of the logs it was folded from were skipped, which --strict refuses: fold the logs again/);
    const alerts = await runCli(['alerts', state]);
    expect(alerts.code).toBe(3);
    expect(alerts.stderr).toMatch(/is a folded state \(claude-mon fold\), which `summary`, `trend` and `dashboard` read: give alerts the logs/);
  }, 30_000);

  it('carries the rate-limit headers and a proxy\'s reported cost: a report of the states is the report of the logs', async () => {
    const logs = [fixture('envelopes/litellm-spend-logs.jsonl'), path.join(directory, 'headers.jsonl')];
    writeFileSync(logs[1] as string, `${JSON.stringify({ timestamp: '2026-11-26T11:30:00Z', model: 'claude-haiku-4-5', latency_ms: 9, 'anthropic-ratelimit-tokens-remaining': '120', ratelimit_tokens_reset: '2026-11-26T11:30:05Z' })}\n`);
    const states = [];
    for (const [i, log] of logs.entries()) {
      const state = path.join(directory, `proxy-${i}.cmstate`);
      expect((await runCli(['fold', '-q', '-o', state, log])).code).toBe(0);
      states.push(state);
    }
    const fromStates = JSON.parse((await runCli(['summary', '--json', '-q', ...states])).stdout);
    const fromLogs = JSON.parse((await runCli(['summary', '--json', '-q', ...logs])).stdout);
    expect(fromStates.pricing.reportedCost).toEqual({ calls: 3, reportedUsd: 0.0193, pricedUsd: 0.0193, unpricedCalls: 0 });
    expect(fromStates.rateLimitHeaders).toHaveLength(1);
    expect({ ...fromStates, input: null }).toEqual({ ...fromLogs, input: null });
    const dashboard = (files: readonly string[]) => runCli(['dashboard', '--json', '-q', '--now', '2026-11-26T12:00:00Z', ...files]).then((run) => JSON.parse(run.stdout).rateLimits.headers);
    expect(await dashboard(states)).toEqual(await dashboard(logs));
  });

  it('says which file is broken and how, and asks for an upgrade for a newer format', async () => {
    const [state] = (await statesOf()) as [string];
    const document = JSON.parse(readFileSync(state, 'utf8'));
    const write = (name: string, value: unknown): string => {
      const file = path.join(directory, name);
      writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
      return file;
    };
    const newer = await runCli(['summary', write('newer.cmstate', { ...document, version: 4, createdBy: 'claude-mon 9.0.0' })]);
    expect(newer.code).toBe(1);
    expect(newer.stderr).toMatch(/newer.cmstate: state format version 4 was written by a newer claude-mon \(claude-mon 9.0.0\); this one reads version 3: upgrade claude-mon/);
    // Version 2 had no rate-limit headers: read as none logged; version 3 must have the list.
    const { rateLimitHeaders: _headers, reportedCost: _cost, ...version2 } = { ...document, version: 2 };
    expect(await summaryJson([write('version2.cmstate', version2)])).toBe(await summaryJson([state]));
    expect((await runCli(['summary', write('noheaders.cmstate', { ...version2, version: 3 })])).stderr).toMatch(/noheaders.cmstate: "rateLimitHeaders" must be a list/);
    const badHeaders = { ...document, rateLimitHeaders: [{ hour: document.hours[0].hour, model: 'claude-sonnet-4-5', calls: 1, firstMs: document.hours[0].hour, lastMs: document.hours[0].hour, remaining: [-1, null, null, null], limits: [null, null, null, null] }] };
    expect((await runCli(['summary', write('badheaders.cmstate', badHeaders)])).stderr).toMatch(/badheaders.cmstate: rateLimitHeaders\[0\]: remaining\[0\] must be a whole number ≥ 0: the file is damaged/);
    // Version 1 had no rate-limited calls: summary reads it, the dashboard asks for a new fold.
    const { rateLimited: _, rateLimitHeaders: _h, reportedCost: _c, ...older } = { ...document, version: 1 };
    const version1 = write('version1.cmstate', older);
    expect(await summaryJson([version1])).toBe(await summaryJson([state]));
    expect((await runCli(['dashboard', '--now', '2026-11-23T00:00:00Z', version1])).stderr).toMatch(/version1.cmstate was folded by an older claude-mon, without the rate-limited calls the dashboard shows: fold its logs again/);
    const noLimits = await runCli(['summary', write('nolimits.cmstate', { ...older, version: 2 })]);
    expect(noLimits.code).toBe(1);
    expect(noLimits.stderr).toMatch(/nolimits.cmstate: "rateLimited" must be a list/);
    const badLimit = structuredClone(document);
    badLimit.rateLimited[0].lastMs = badLimit.rateLimited[0].hour + 3_600_000;
    expect((await runCli(['dashboard', write('badlimit.cmstate', badLimit)])).stderr).toMatch(/badlimit.cmstate: rateLimited\[0\]: "firstMs" and "lastMs" must be times in its hour, in order/);
    const notJson = await runCli(['summary', write('cut.cmstate', readFileSync(state, 'utf8').slice(0, 500))]);
    expect(notJson.stderr).toMatch(/cut.cmstate: not a claude-mon state \(not JSON/);
    // A crafted histogram: a run of empty buckets past any latency, refused at once (not 16 GB of counts).
    const hostile = structuredClone(document);
    const busy = hostile.hours.find((group: { stats: { latency: { hdr?: string } } }) => group.stats.latency.hdr !== undefined);
    const header = Buffer.alloc(40);
    header.writeInt32BE(0x1c849313, 0);
    header.writeInt32BE(3, 12);
    header.writeBigInt64BE(1n, 16);
    header.writeBigInt64BE(2n ** 40n, 24);
    // ZigZag LEB128 words: a run of 2^40 empty buckets (−2^40), then a count of 1 there.
    const leb128 = (value: number): number[] => {
      const bytes: number[] = [];
      for (; value >= 0x80; value = Math.floor(value / 0x80)) bytes.push((value % 0x80) | 0x80);
      return [...bytes, value];
    };
    const payload = Buffer.from([...leb128(2 * 2 ** 40 - 1), ...leb128(2)]);
    header.writeInt32BE(payload.length, 4);
    const deflated = deflateSync(Buffer.concat([header, payload]));
    const whole = Buffer.alloc(8);
    whole.writeInt32BE(0x1c849314, 0);
    whole.writeInt32BE(deflated.length, 4);
    busy.stats.latency.hdr = Buffer.concat([whole, deflated]).toString('base64');
    const crafted = await runCli(['summary', write('hostile.cmstate', hostile)]);
    expect(crafted.code).toBe(1);
    expect(crafted.stderr).toMatch(/hostile.cmstate: hours\[\d+\].latency: not an HdrHistogram in V2 compressed Base64 \(a bucket beyond any latency\)/);
    const lying = structuredClone(document);
    lying.hours[0].stats.calls += 1;
    const mismatch = await runCli(['summary', write('lying.cmstate', lying)]);
    expect(mismatch.stderr).toMatch(/lying.cmstate: hours\[0\]: .*latencies for .* calls/);
  }, 30_000);
});

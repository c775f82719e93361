/**
 * Property: every figure two commands share is the same number, on generated logs — timestamps written in ns, µs,
 * ms and s (ISO and epoch), calls placed exactly on the edges of the windows, `--now latest` and a fixed `--now`
 * equal to a record's own time, in UTC and in a zone changing from summer time inside the logs:
 * - today's calls, errors, cost: `summary --since today`, `dashboard`, `alerts` daily_cost, `trend`'s last day;
 * - the last 10 minutes' calls and errors: `summary --since 10m`, `alerts` error_rate (all, and each feature);
 * - the last hour's p95 by feature: `summary --since 1h --by feature`, the dashboard's slowest-feature ranking;
 * - the 429s of the last 24 hours: `summary --since 24h`, the dashboard (in all, and by feature);
 * - a `fold` state and its logs: `summary` of each;
 * - `serve`'s counters and `summary` over the same lines, the cache hit rate included (below, with the binary).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { random, runCli, temporaryDirectory } from '../helpers.js';
import { serve, stopAll, total, until } from './prometheus.js';

afterEach(stopAll);

const FEATURES = ['chat', 'search', 'extract', 'doc_summary'];
const MODELS = ['claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-5'];
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

type Precision = 'ns' | 'us' | 'ms' | 's';

/** The instant (epoch ms, fractions kept) as a log writes it at a precision: ISO, or sometimes an epoch number. */
function written(ms: number, precision: Precision, epoch: boolean, next: () => number): { text: string | number; ms: number } {
  const whole = Math.floor(ms / 1000) * 1000;
  const digits = { s: 0, ms: 3, us: 6, ns: 9 }[precision];
  // A fraction of the second with that many digits (random below a millisecond, so µs and ns really differ).
  const fraction = digits === 0 ? '' : String(Math.floor((ms - whole) * 10 ** (digits - 3)) + (digits > 3 ? Math.floor(next() * 10 ** (digits - 3)) : 0)).padStart(digits, '0').slice(0, digits);
  const iso = `${new Date(whole).toISOString().slice(0, 19)}${fraction === '' ? '' : `.${fraction}`}Z`;
  const exact = whole + (fraction === '' ? 0 : Number(`0.${fraction}`) * 1000);
  if (!epoch || precision === 'ns') return { text: iso, ms: exact };
  if (precision === 's') return { text: whole / 1000, ms: whole };
  if (precision === 'ms') return { text: Math.floor(exact), ms: Math.floor(exact) };
  return { text: Math.floor(exact * 1000), ms: Math.floor(exact * 1000) / 1000 };
}

interface Log {
  readonly file: string;
  /** Records' timestamps as written: the newest (ns), and one of the last day on a whole second. */
  readonly newest: string;
  readonly onASecond: string;
}

/** An ISO time `back` ms before `iso`, written with the same fraction of a second (exactly that far back). */
function before(iso: string, back: number): string {
  const [seconds, fraction] = iso.replace(/Z$/, '').split('.') as [string, string?];
  const earlier = new Date(Date.parse(`${seconds}Z`) - back).toISOString().slice(0, 19);
  return `${earlier}${fraction === undefined ? '' : `.${fraction}`}Z`;
}

function makeLog(seed: number, start: number): Log {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const lines: string[] = [];
  const line = (timestamp: string | number, overrides: Record<string, unknown> = {}): string => {
    const error = next() < 0.08 ? pick(['RateLimitError', 'OverloadedError', 'APIConnectionError']) : null;
    const record = {
      timestamp,
      request_id: `req-${lines.length}`,
      user_id: `user-${Math.floor(next() * 30)}`,
      feature: pick(FEATURES),
      model: pick(MODELS),
      input_tokens: Math.floor(next() * 4000),
      output_tokens: Math.floor(next() * 800),
      cached_tokens: next() < 0.6 ? Math.floor(next() * 20_000) : 0,
      cache_creation_tokens: next() < 0.2 ? Math.floor(next() * 3000) : 0,
      latency_ms: Math.round(next() * 40_000_000) / 1000,
      stop_reason: pick(['end_turn', 'end_turn', 'max_tokens', 'tool_use']),
      error,
      error_status: error === 'RateLimitError' ? 429 : error === 'OverloadedError' ? 529 : null,
      ...overrides,
    };
    const json = JSON.stringify(record);
    return next() < 0.3 ? `INFO:root:${json}` : json;
  };
  const precisions: Precision[] = ['ns', 'us', 'ms', 's'];
  // 9 days of calls, denser over the last hours (the windows), written at every precision.
  for (let i = 0; i < 1800; i++) {
    const back = next() < 0.5 ? next() * 9 * DAY : next() * 3 * HOUR;
    lines.push(line(written(start + 9 * DAY - back, pick(precisions), next() < 0.3, next).text));
  }
  // The newest record, in ns, and one of the last day on a whole second; calls exactly on the edges of the windows
  // at each (a 429, so that a call counted on the wrong side moves two figures), and a millisecond inside them.
  const newest = written(start + 9 * DAY + 1234.567891, 'ns', false, next).text as string;
  const onASecond = new Date(Math.floor((start + 9 * DAY - 2 * HOUR) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  lines.push(line(newest), line(onASecond));
  for (const now of [newest, onASecond]) {
    for (const edge of [10 * MINUTE, HOUR, DAY]) {
      lines.push(line(before(now, edge), { error: 'RateLimitError', error_status: 429 }), line(before(now, edge - 1)));
    }
  }
  // On a whole second, the same edges written as epoch seconds and milliseconds too.
  for (const edge of [10 * MINUTE, HOUR]) {
    const ms = Date.parse(onASecond) - edge;
    lines.push(line(ms / 1000, { error: 'RateLimitError', error_status: 429 }), line(ms, { error: 'RateLimitError', error_status: 429 }));
  }
  const file = path.join(temporaryDirectory(), 'calls.log');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, newest, onASecond };
}

async function json(args: readonly string[]): Promise<any> {
  const run = await runCli([...args, '--json', '-q']);
  expect(run.code, run.stderr).toBeLessThanOrEqual(args[0] === 'alerts' ? 3 : 0);
  return JSON.parse(run.stdout);
}

const scenarios = ['UTC', 'America/New_York'].flatMap((tz) =>
  (['latest', 'newest', 'onASecond'] as const).map((now) => ({ name: `${tz}, --now ${now === 'latest' ? 'latest' : now === 'newest' ? "the newest record's time (ns)" : "a record's whole second"}`, tz, now })),
);

describe('the same figure is the same number in every command', () => {
  // The logs end on 2026-11-03 in New York: they cross the change from EDT to EST on 1 November.
  const log = makeLog(7, Date.UTC(2026, 9, 25, 18));

  it.each(scenarios)('$name', async ({ tz, now }) => {
    const common = ['--tz', tz, '--now', now === 'latest' ? 'latest' : log[now], log.file];
    const [today, dashboard, alerts, trend, tenMinutes, tenByFeature, hourByFeature, day, dayByFeature] = await Promise.all([
      json(['summary', '--since', 'today', ...common]),
      json(['dashboard', ...common]),
      json(['alerts', ...common]),
      json(['trend', ...common]),
      json(['summary', '--since', '10m', ...common]),
      json(['summary', '--since', '10m', '--by', 'feature', ...common]),
      json(['summary', '--since', '1h', '--by', 'feature', ...common]),
      json(['summary', '--since', '24h', ...common]),
      json(['summary', '--since', '24h', '--by', 'feature', ...common]),
    ]);
    expect(dashboard.now).toBe(alerts.now);
    expect(today.total.calls).toBeGreaterThan(20);

    // Today.
    const dailyCost = alerts.evaluations.find((e: any) => e.rule === 'daily_cost' && Object.keys(e.scope).length === 0);
    const lastDay = trend.total.days[trend.total.days.length - 1];
    expect(dashboard.rates.today.calls).toBe(today.total.calls);
    expect(dailyCost.sample.calls).toBe(today.total.calls);
    expect(lastDay.calls).toBe(today.total.calls);
    expect(dashboard.costToday.todayUsd).toBe(today.total.costUsd);
    expect(dailyCost.sample.costUsd).toBe(today.total.costUsd);
    expect(lastDay.costUsd).toBe(today.total.costUsd);
    expect(dashboard.rates.today.errorRate).toBe(today.total.errorRate);
    expect(lastDay.errorRate).toBe(today.total.errorRate);
    for (const feature of FEATURES) {
      const scoped = alerts.evaluations.find((e: any) => e.rule === 'daily_cost' && e.scope.feature === feature);
      const series = trend.series.find((s: any) => s.key.feature === feature);
      const group = today.groups?.find((g: any) => g.key.feature === feature);
      expect(scoped?.sample.calls ?? 0).toBe(group?.calls ?? 0);
      expect(series?.days.at(-1).calls ?? 0).toBe(group?.calls ?? 0);
    }

    // The last 10 minutes: calls exactly 10 minutes before now are the window before's.
    const errorRate = alerts.evaluations.find((e: any) => e.rule === 'error_rate' && Object.keys(e.scope).length === 0);
    expect(errorRate.sample.calls).toBe(tenMinutes.total.calls);
    expect(errorRate.sample.errors).toBe(tenMinutes.total.errors);
    for (const group of tenByFeature.groups) {
      const scoped = alerts.evaluations.find((e: any) => e.rule === 'error_rate' && e.scope.feature === group.key.feature);
      expect(scoped.sample.calls).toBe(group.calls);
      expect(scoped.sample.errors).toBe(group.errors);
    }

    // The last hour's p95 by feature.
    const ranking = new Map(dashboard.slowestFeature.ranking.map((entry: any) => [entry.feature, entry]));
    expect(ranking.size).toBe(hourByFeature.groups.length);
    for (const group of hourByFeature.groups) {
      expect(ranking.get(group.key.feature)).toMatchObject({ calls: group.calls, p95Ms: group.latencyMs.p95 });
    }

    // The 429s of the last 24 hours.
    expect(dashboard.rateLimits.count).toBe(day.total.rateLimited);
    for (const group of dayByFeature.groups) expect(dashboard.rateLimits.byFeature[group.key.feature] ?? 0).toBe(group.rateLimited);
  }, 60_000);

  it('a fold of the logs answers as the logs do', async () => {
    const state = path.join(temporaryDirectory(), 'calls.cmstate');
    expect((await runCli(['fold', '-q', '-o', state, log.file])).code).toBe(0);
    for (const by of ['feature', 'model', 'feature,model,day']) {
      const fromState = await json(['summary', '--by', by, state]);
      const fromLogs = await json(['summary', '--by', by, log.file]);
      expect(fromState.groups, by).toEqual(fromLogs.groups);
      expect(fromState.total, by).toEqual(fromLogs.total);
    }
  });

  it('serve counts what summary counts, per feature and model, and its cache hit rate is summary\'s', async () => {
    const serving = await serve(['--from-start', log.file]);
    const summary = await json(['summary', '--by', 'feature,model', log.file]);
    const calls = summary.total.calls as number;
    expect(await until(async () => total((await serving.scrape()).text, 'claude_mon_calls_total') === calls, 20_000)).toBe(true);
    const { text } = await serving.scrape();
    let cacheRead = 0;
    let uncached = 0;
    for (const group of summary.groups) {
      const pair = [`feature=${JSON.stringify(group.key.feature)}`, `model=${JSON.stringify(group.key.model)}`];
      expect(total(text, 'claude_mon_calls_total', pair)).toBe(group.calls);
      expect(total(text, 'claude_mon_errors_total', pair)).toBe(group.errors);
      expect(total(text, 'claude_mon_rate_limited_calls_total', pair)).toBe(group.rateLimited);
      expect(total(text, 'claude_mon_cost_usd_total', pair)).toBe(group.costUsd);
      expect(total(text, 'claude_mon_tokens_total', [...pair, 'type="cache_read"'])).toBe(group.tokens.cacheRead);
      const read = total(text, 'claude_mon_successful_prompt_tokens_total', [...pair, 'type="cache_read"']);
      const rest = total(text, 'claude_mon_successful_prompt_tokens_total', [...pair, 'type="uncached"']);
      // The PromQL of the README: sum(cache_read) / sum(cache_read + uncached).
      expect(read + rest === 0 ? null : read / (read + rest)).toBe(group.cacheHitRate);
      cacheRead += read;
      uncached += rest;
    }
    expect(cacheRead / (cacheRead + uncached)).toBeCloseTo(summary.total.cacheHitRate, 12);
  }, 60_000);
});

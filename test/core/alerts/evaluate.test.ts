import { describe, expect, it } from 'vitest';
import { type AlertConfig, DEFAULT_CONFIG, parseAlertConfig } from '../../../src/core/alerts/alertConfig.js';
import { AlertParts } from '../../../src/core/alerts/alertParts.js';
import { type AlertStatus, statusOf } from '../../../src/core/alerts/alertStatus.js';
import { Engine } from '../../../src/core/engine/engine.js';
import { sinceStart } from '../../../src/core/window.js';
import { type Evaluation, evaluateRules } from '../../../src/core/alerts/evaluate.js';
import { PriceBook } from '../../../src/core/pricing.js';
import { TimeZone } from '../../../src/core/timezone.js';
import type { CallRecord } from '../../../src/core/types.js';
import { call } from '../records.js';

const pricing = PriceBook.embedded();
const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const MINUTE = 60_000;
const DAY = 86_400_000;
/** The default rules but daily_cost's $5 floor, which the tests of its other parts would trip over (one test has it). */
const NO_FLOOR = parseAlertConfig({ rules: { daily_cost: { minUsd: 0 } } }, 'test.json');

function evaluate(
  records: readonly CallRecord[],
  options: { now?: number; tz?: string; config?: AlertConfig; until?: number; since?: number } = {},
): Evaluation[] {
  const tz = new TimeZone(options.tz ?? 'UTC');
  const now = options.now ?? NOW;
  const until = options.until ?? now;
  // Spans fixed around now (as a backtest's): calls up to `until` are kept, the rules must still stop at now.
  const engine = new Engine({ kind: 'fixed', ms: until }, until);
  const to = sinceStart(now, until).to;
  const parts = new AlertParts(engine, ['feature'], tz, pricing, {
    recent: { kind: 'window', window: { from: { ms: now - DAY, included: false, name: 'a day before now' }, to } },
    days: { kind: 'window', window: sinceStart(options.since ?? now - 30 * DAY, until) },
    today: { kind: 'window', window: sinceStart(tz.startOfDay(now), until) },
    minutes: { unit: 'minute' },
  });
  for (const record of records) engine.add(record);
  return evaluateRules(parts, options.config ?? NO_FLOOR, now, tz, pricing, options.since === undefined ? {} : { windowFromMs: options.since });
}

/** The status of the evaluations. */
function overallStatus(evaluations: readonly Evaluation[], inputProblem: boolean): AlertStatus {
  return statusOf(evaluations, inputProblem).status;
}

function find(evaluations: readonly Evaluation[], rule: string, feature?: string): Evaluation {
  const found = evaluations.find((e) => e.rule === rule && e.scope['feature'] === feature);
  if (found === undefined) throw new Error(`no ${rule} evaluation for ${feature ?? 'all'}`);
  return found;
}

/** `count` calls spread over the minute before `end`, the first `failed` of them failed with `status`. */
function calls(count: number, options: { end?: number; failed?: number; status?: number; feature?: string; latencyMs?: number } = {}): CallRecord[] {
  const end = options.end ?? NOW;
  return Array.from({ length: count }, (_, i) =>
    call({
      timestampMs: end - i * 1000,
      feature: options.feature ?? 'chat',
      latencyMs: options.latencyMs ?? 500,
      ...(i < (options.failed ?? 0) ? { error: 'APIStatusError', errorStatus: options.status ?? 500 } : {}),
    }),
  );
}

describe('error_rate', () => {
  it('does not fire at exactly 5%, fires above it', () => {
    expect(find(evaluate(calls(20, { failed: 1 })), 'error_rate')).toMatchObject({ state: 'ok', value: 0.05 });
    expect(find(evaluate(calls(40, { failed: 3 })), 'error_rate')).toMatchObject({ state: 'firing', value: 0.075, severity: 'critical' });
  });

  it('needs 20 calls or 3 errors: 19 calls with 2 errors is insufficient, with 3 errors it is judged', () => {
    const few = find(evaluate(calls(19, { failed: 2 })), 'error_rate');
    expect(few).toMatchObject({ state: 'insufficient', reason: 'needs ≥ 20 calls or ≥ 3 errors (has 19 and 2)' });
    expect(find(evaluate(calls(19, { failed: 3 })), 'error_rate').state).toBe('firing');
    expect(find(evaluate(calls(20, { failed: 2 })), 'error_rate').state).toBe('firing');
  });

  it('is no_data, not ok, without calls in the window, and the window is (now − 10m, now]', () => {
    expect(find(evaluate(calls(30, { end: NOW - 10 * MINUTE })), 'error_rate')).toMatchObject({ state: 'no_data', value: null });
    const edge = [...calls(20), call({ timestampMs: NOW - 10 * MINUTE, error: 'X', errorStatus: 500 })];
    expect(find(evaluate(edge), 'error_rate').sample).toMatchObject({ calls: 20, errors: 0 });
  });

  it('fires for the feature whose errors a healthy total hides, naming its users and models', () => {
    const search = calls(40, { feature: 'search', failed: 8 }).map((record, i) => ({ ...record, userId: i < 6 ? 'alice' : i < 8 ? 'bob' : 'carol' }));
    const evaluations = evaluate([...calls(400, { feature: 'chat' }), ...search]);
    expect(find(evaluations, 'error_rate').state).toBe('ok'); // 8 / 440 = 1.8%
    const firing = find(evaluations, 'error_rate', 'search');
    expect(firing).toMatchObject({ state: 'firing', value: 0.2 });
    // Users by share of the errors; not the model: every call of the scope used the same one, it explains nothing.
    expect(firing.drivers).toEqual([
      { dimension: 'user', value: 'alice', amount: 6, share: 0.75 },
      { dimension: 'user', value: 'bob', amount: 2, share: 0.25 },
    ]);
    // The whole input's drivers name the feature.
    const whole = evaluate([...calls(100, { feature: 'chat', failed: 2 }), ...calls(40, { feature: 'search', failed: 8 })]);
    expect(find(whole, 'error_rate').drivers).toEqual([
      { dimension: 'feature', value: 'search', amount: 8, share: 0.8 },
      { dimension: 'feature', value: 'chat', amount: 2, share: 0.2 },
    ]);
  });
});

describe('rate_limited', () => {
  it('counts a 429 at now but not one at the open edge now − 5m', () => {
    const atClosedEdge = [
      call({ timestampMs: NOW, errorStatus: 429, error: 'RateLimitError', userId: 'bob', ratelimitTokensRemaining: 12 }),
      call({ timestampMs: NOW - MINUTE, userId: 'alice' }),
    ];
    const fired = find(evaluate(atClosedEdge), 'rate_limited');
    expect(fired).toMatchObject({ state: 'firing', value: 1, severity: 'warning' });
    expect(fired.lowestRemaining).toEqual({ requests: null, tokens: 12, inputTokens: null, outputTokens: null });
    expect(fired.drivers).toContainEqual({ dimension: 'user', value: 'bob', amount: 1, share: 1 });
    const atOpenEdge = [call({ timestampMs: NOW - 5 * MINUTE, errorStatus: 429 }), call({ timestampMs: NOW - 5 * MINUTE + 1 })];
    expect(find(evaluate(atOpenEdge), 'rate_limited')).toMatchObject({ state: 'ok', value: 0 });
  });
});

describe('p95_latency', () => {
  it('needs 20 calls, and compares the nearest-rank p95 with 15 s', () => {
    expect(find(evaluate(calls(19, { latencyMs: 20_000 })), 'p95_latency').state).toBe('insufficient');
    const slow = find(evaluate(calls(20, { latencyMs: 20_000 })), 'p95_latency');
    expect(slow).toMatchObject({ state: 'firing', value: 20_000 });
    expect(slow.sample.slowCalls).toBe(20);
    // 19 fast and 1 slow of 20: the 19th value (nearest rank of p95) is fast.
    const mostlyFast = [...calls(19, { latencyMs: 1000 }), ...calls(1, { latencyMs: 30_000, end: NOW - 30_000 })];
    expect(find(evaluate(mostlyFast), 'p95_latency')).toMatchObject({ state: 'ok', value: 1000 });
  });

  it('takes a feature override from the config', () => {
    const config = parseAlertConfig({ rules: { p95_latency: { features: { doc_summary: { thresholdMs: 30_000 } } } } }, 'test.json');
    const records = [...calls(20, { feature: 'doc_summary', latencyMs: 20_000 }), ...calls(20, { feature: 'chat', latencyMs: 20_000 })];
    const evaluations = evaluate(records, { config });
    expect(find(evaluations, 'p95_latency', 'doc_summary')).toMatchObject({ state: 'ok', threshold: 30_000 });
    expect(find(evaluations, 'p95_latency', 'chat')).toMatchObject({ state: 'firing', threshold: 15_000 });
  });
});

describe('daily_cost', () => {
  /** One Sonnet 4.5 call of `outputTokens` ($15/M; output tokens never reach the long-context cliff) at `hour`:00 UTC. */
  const spend = (daysAgo: number, hour: number, outputTokens: number, feature = 'chat'): CallRecord =>
    call({ timestampMs: Date.UTC(2026, 10, 26 - daysAgo, hour), outputTokens, feature });

  it('compares today so far with the mean of the previous days up to the same time of day', () => {
    const baseline = [1, 2, 3, 4, 5, 6, 7].flatMap((d) => [spend(d, 9, 200_000), spend(d, 18, 1_000_000)]); // $3 by noon, $18 a day
    const today = [spend(0, 9, 320_000)]; // $4.80 by noon: 160% of $3
    const cost = find(evaluate([...baseline, ...today]), 'daily_cost');
    expect(cost).toMatchObject({ state: 'firing', value: 4.8, threshold: 4.5 });
    expect(cost.sample).toMatchObject({ baselineDays: 7, baselineMeanUsd: 3, projectedUsd: 28.8 }); // 4.80 × 18 / 3
    expect(find(evaluate([...baseline, spend(0, 9, 280_000)]), 'daily_cost').state).toBe('ok'); // $4.20
  });

  it('does not fire below minUsd ($5 by default), whatever the baseline; the threshold is then the floor', () => {
    const baseline = [1, 2, 3, 4, 5, 6, 7].map((d) => spend(d, 9, 2000)); // $0.03 by noon
    const cents = find(evaluate([...baseline, spend(0, 9, 20_000)], { config: DEFAULT_CONFIG }), 'daily_cost'); // $0.30: 10×
    expect(cents).toMatchObject({ state: 'ok', value: 0.3, threshold: 5 });
    expect(cents.sample.floorUsd).toBe(5);
    expect(find(evaluate([...baseline, spend(0, 9, 400_000)], { config: DEFAULT_CONFIG }), 'daily_cost')).toMatchObject({ state: 'firing', value: 6, threshold: 5 });
    // Without the floor the cents fire; a floor of the config's own applies per feature too.
    expect(find(evaluate([...baseline, spend(0, 9, 20_000)]), 'daily_cost')).toMatchObject({ state: 'firing', threshold: 0.045 });
    const perFeature = parseAlertConfig({ rules: { daily_cost: { minUsd: 0, features: { chat: { minUsd: 1 } } } } }, 'test.json');
    const chat = find(evaluate([...baseline, spend(0, 9, 20_000)], { config: perFeature }), 'daily_cost', 'chat');
    expect(chat).toMatchObject({ state: 'ok', threshold: 1 });
    // Above the floor, the baseline's ratio is the threshold, and no floor is named.
    const big = [1, 2, 3, 4, 5, 6, 7].map((d) => spend(d, 9, 1_000_000)); // $15 by noon
    const over = find(evaluate([...big, spend(0, 9, 1_600_000)], { config: DEFAULT_CONFIG }), 'daily_cost');
    expect(over).toMatchObject({ state: 'firing', threshold: 22.5 });
    expect(over.sample.floorUsd).toBeUndefined();
  });

  it('needs 5 of the 7 previous days with calls: 4 is insufficient', () => {
    const four = [1, 2, 3, 4].map((d) => spend(d, 9, 200_000));
    expect(find(evaluate([...four, spend(0, 9, 900_000)]), 'daily_cost')).toMatchObject({
      state: 'insufficient',
      reason: 'needs ≥ 5 of the previous 7 days with calls (has 4)',
    });
    const five = [1, 2, 3, 4, 6].map((d) => spend(d, 9, 200_000));
    expect(find(evaluate([...five, spend(0, 9, 900_000)]), 'daily_cost').state).toBe('firing');
  });

  it('fires on any cost over a zero-cost baseline, and not on zero over zero', () => {
    const free = [1, 2, 3, 4, 5].map((d) => spend(d, 9, 0));
    expect(find(evaluate([...free, spend(0, 9, 0)]), 'daily_cost')).toMatchObject({ state: 'ok', value: 0, threshold: 0 });
    const paid = find(evaluate([...free, spend(0, 9, 1000)]), 'daily_cost');
    expect(paid).toMatchObject({ state: 'firing', value: 0.015, threshold: 0 });
    expect(paid.sample.projectedUsd).toBe(0.03); // no baseline shape: linear, half the day gone
  });

  it('counts the previous days at minute resolution, never past the same time of day', () => {
    // Calls at 12:00:30 on the days before must not count at 12:00:00, even when records after now are retained
    // (a backtest keeps everything up to --to).
    const late = [1, 2, 3, 4, 5].map((d) => call({ timestampMs: Date.UTC(2026, 10, 26 - d, 12, 0, 30), outputTokens: 200_000 }));
    const early = [1, 2, 3, 4, 5].map((d) => call({ timestampMs: Date.UTC(2026, 10, 26 - d, 9), outputTokens: 2000 }));
    const today = [call({ timestampMs: Date.UTC(2026, 10, 26, 9), outputTokens: 20_000 }), call({ timestampMs: NOW + 30_000, outputTokens: 200_000 })];
    const cost = find(evaluate([...late, ...early, ...today], { until: NOW + DAY }), 'daily_cost');
    expect(cost.sample).toMatchObject({ baselineMeanUsd: 0.03, costUsd: 0.3 });
    expect(cost.state).toBe('firing');
  });

  it('does not count days that --since cut, and says today was not read whole when it cut today', () => {
    const baseline = [1, 2, 3, 4, 5, 6, 7].map((d) => call({ timestampMs: Date.UTC(2026, 10, 26 - d, 9), outputTokens: 200_000 }));
    const today = [call({ timestampMs: Date.UTC(2026, 10, 26, 9), outputTokens: 200_000 })];
    // --since 6d (2026-11-20T12:00Z): the 20th was read only from noon: not a baseline day.
    const sixDays = find(evaluate([...baseline, ...today], { since: NOW - 6 * DAY }), 'daily_cost');
    expect(sixDays.sample).toMatchObject({ baselineDays: 5, baselineMeanUsd: 3 });
    expect(sixDays.state).toBe('ok');
    const tenMinutes = find(evaluate([...baseline, ...today], { since: NOW - 10 * MINUTE }), 'daily_cost');
    expect(tenMinutes).toMatchObject({ state: 'insufficient', reason: 'today was not read whole: --since starts after midnight' });
  });

  it('uses the same wall-clock time across a DST change in --tz', () => {
    // New York leaves DST on Sunday 2026-11-01. At 12:00 local on Tuesday 11-03 (17:00Z), the same time on the
    // days before is 12:00 local too: 17:00Z on 11-02 and 11-01, but 16:00Z on 10-31 and earlier (EDT).
    const tz = 'America/New_York';
    const now = Date.UTC(2026, 10, 3, 17, 0);
    const before = (utcDay: number, utcHour: number, minute = 0): CallRecord =>
      call({ timestampMs: Date.UTC(2026, 9, utcDay, utcHour, minute), outputTokens: 200_000 });
    const baseline = [
      before(33, 16, 59), // 11-02 11:59 EST: before noon, counts
      before(32, 16, 59), // 11-01 11:59 EST
      before(31, 15, 59), // 10-31 11:59 EDT
      before(30, 15, 59),
      before(29, 15, 59),
      before(31, 16, 30), // 10-31 12:30 EDT: after noon, must not count
    ];
    const today = [call({ timestampMs: Date.UTC(2026, 10, 3, 16), outputTokens: 200_000 })];
    const cost = find(evaluate([...baseline, ...today], { now, tz }), 'daily_cost');
    expect(cost.sample).toMatchObject({ baselineDays: 5, baselineMeanUsd: 3 });
    expect(cost.state).toBe('ok');
  });
});

describe('overall status', () => {
  it('is the worst firing severity; unknown when nothing had data; never hidden by missing data', () => {
    const critical = evaluate(calls(40, { failed: 10 }));
    expect(overallStatus(critical, false)).toBe('critical');
    expect(overallStatus(critical, true)).toBe('critical');
    const warning = evaluate([call({ timestampMs: NOW, errorStatus: 429 })]);
    expect(overallStatus(warning, false)).toBe('warning');
    expect(overallStatus(evaluate(calls(30)), false)).toBe('ok');
    expect(overallStatus(evaluate(calls(30)), true)).toBe('unknown');
    expect(overallStatus(evaluate(calls(30, { end: NOW - 3 * DAY })), false)).toBe('unknown');
    // Calls earlier today give daily_cost data, but the logs stopped hours ago: still unknown.
    expect(overallStatus(evaluate(calls(30, { end: NOW - 3 * 3_600_000 })), false)).toBe('unknown');
  });
});

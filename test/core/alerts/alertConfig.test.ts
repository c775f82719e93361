import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, parseAlertConfig, settingsFor } from '../../../src/core/alerts/alertConfig.js';
import { UsageError } from '../../../src/errors.js';

describe('the config file', () => {
  it('overrides thresholds, windows, guards and severities, per feature too', () => {
    const config = parseAlertConfig(
      {
        timezone: 'Europe/Berlin',
        rules: {
          error_rate: { threshold: 0.1, window: '15m', minCalls: 50, minErrors: 5, severity: 'warning' },
          rate_limited: { enabled: false },
          p95_latency: { thresholdMs: 20_000, features: { doc_summary: { thresholdMs: 30_000, window: '30m' } } },
          daily_cost: { thresholdPercent: 200, baselineDays: 14, minBaselineDays: 10 },
        },
      },
      'claude-mon.config.json',
    );
    expect(config.timezone).toBe('Europe/Berlin');
    expect(config.rules.error_rate.base).toMatchObject({ threshold: 0.1, windowMs: 900_000, minCalls: 50, minErrors: 5, severity: 'warning' });
    expect(config.rules.rate_limited.base.enabled).toBe(false);
    expect(settingsFor(config.rules.p95_latency, 'doc_summary')).toMatchObject({ threshold: 30_000, windowMs: 1_800_000, minCalls: 20 });
    expect(settingsFor(config.rules.p95_latency, 'chat')).toMatchObject({ threshold: 20_000, windowMs: 600_000 });
    expect(config.rules.daily_cost.base).toMatchObject({ threshold: 2, baselineDays: 14, minBaselineDays: 10 });
    expect(parseAlertConfig({}, 'x').rules.p95_latency.base).toEqual(DEFAULT_RULES.p95_latency);
  });

  it.each([
    [{ rule: {} }, 'c.json: rule: unknown key (expected one of: timezone, rules, otel, limits)'],
    [{ rules: { error_rates: {} } }, 'c.json: rules.error_rates: unknown key (expected one of: error_rate, rate_limited, p95_latency, daily_cost, ratelimit_headroom)'],
    [{ rules: { ratelimit_headroom: { window: '30s' } } }, 'c.json: rules.ratelimit_headroom.window: window "30s" is shorter than a minute: the rule reads the peak minute in it'],
    [{ rules: { ratelimit_headroom: { threshold: 80 } } }, 'c.json: rules.ratelimit_headroom.threshold: expected a fraction from 0 to 1 (0.05 = 5%), got 80'],
    [{ limits: { 'claude-sonnet-4-5': {} } }, 'c.json: limits.claude-sonnet-4-5: expected at least one of rpm, itpm, otpm'],
    // A limit is the pool's, shared by every feature.
    [{ rules: { ratelimit_headroom: { features: { chat: { threshold: 0.5 } } } } }, 'c.json: rules.ratelimit_headroom.features: unknown key (expected one of: enabled, severity, threshold, window)'],
    [{ rules: { error_rate: { threshold: 5 } } }, 'c.json: rules.error_rate.threshold: expected a fraction from 0 to 1 (0.05 = 5%), got 5'],
    [{ rules: { p95_latency: { threshold: 5 } } }, 'c.json: rules.p95_latency.threshold: unknown key (expected one of: enabled, severity, thresholdMs, window, minCalls, features)'],
    [{ rules: { p95_latency: { window: '10 minutes' } } }, 'c.json: rules.p95_latency.window: window "10 minutes": expected a duration like 90s, 10m, 24h, 7d, 2w or 1h30m'],
    [{ rules: { rate_limited: { severity: 'page' } } }, 'c.json: rules.rate_limited.severity: expected "warning" or "critical", got "page"'],
    [{ rules: { p95_latency: { features: { chat: { minCals: 3 } } } } }, 'c.json: rules.p95_latency.features["chat"].minCals: unknown key (expected one of: enabled, severity, thresholdMs, window, minCalls)'],
    [{ rules: { daily_cost: { minBaselineDays: 9 } } }, 'c.json: rules.daily_cost.minBaselineDays: 9 is more than baselineDays (7)'],
    [{ timezone: 3 }, 'c.json: timezone: expected an IANA time zone name, got 3'],
    [{ timezone: 'Mars/Olympus' }, 'c.json: timezone: unknown time zone "Mars/Olympus" — use an IANA name like "Europe/Berlin" or "UTC"'],
    [{ rules: { error_rate: { window: '500ms' } } }, 'c.json: rules.error_rate.window: window "500ms" is shorter than a second'],
    [{ rules: { daily_cost: { minBaselineDays: 0 } } }, 'c.json: rules.daily_cost.minBaselineDays: expected a whole number ≥ 1, got 0'],
    [[], 'c.json: the top level: expected an object, got []'],
  ])('rejects %j naming the key', (json, message) => {
    expect(() => parseAlertConfig(json, 'c.json')).toThrow(new UsageError(message));
  });
});

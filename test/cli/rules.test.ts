/**
 * `claude-mon rules --format prometheus` checked by the real promtool: `check rules` on what it writes, and
 * `test rules` with series for which each alert must fire and must not (promtool's unit tests: input series are
 * evaluated minute by minute by Prometheus's own rule engine).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, temporaryDirectory } from '../helpers.js';
import { HAS_PROMTOOL } from './prometheus.js';

const SKIPPED = '(skipped when promtool is not installed: Debian package prometheus, which .ci/run installs)';

function promtool(args: string[], cwd: string): { status: number | null; output: string } {
  const result = spawnSync('promtool', args, { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Writes `rules` for CONFIG (an object, or none: the defaults) into a new directory; returns its path. */
async function writeRules(config: object | undefined, extra: string[] = []): Promise<{ directory: string; text: string }> {
  const directory = temporaryDirectory();
  const args = ['rules', '--format', 'prometheus', '-o', path.join(directory, 'rules.yml'), ...extra];
  if (config !== undefined) {
    writeFileSync(path.join(directory, 'claude-mon.config.json'), JSON.stringify(config));
    args.push('--config', path.join(directory, 'claude-mon.config.json'));
  }
  const run = await runCli(args);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return { directory, text: readFileSync(path.join(directory, 'rules.yml'), 'utf8') };
}

/** `count` per step from `start`, for `steps` steps: promtool's expanding notation "a+bxn". */
const rising = (start: number, perStep: number, steps: number): string => `${start}+${perStep}x${steps}`;

/** Series of the latency histogram of one feature: calls per minute by bucket bound (seconds; the rest above). */
function histogram(feature: string, perMinute: Readonly<Record<string, number>>, minutes: number): { series: string; values: string }[] {
  const bounds = ['0.5', '1.0', '10.0', '15.0', '20.0', '30.0', '+Inf'];
  const callsPerMinute = Object.values(perMinute).reduce((a, b) => a + b, 0);
  const labels = `feature="${feature}",model="m"`;
  const result = bounds.map((le) => {
    const upTo = Object.entries(perMinute)
      .filter(([bound]) => le === '+Inf' || Number(bound) <= Number(le))
      .reduce((sum, [, count]) => sum + count, 0);
    return { series: `claude_mon_latency_seconds_bucket{${labels},le="${le}"}`, values: rising(0, upTo, minutes) };
  });
  result.push({ series: `claude_mon_latency_seconds_count{${labels}}`, values: rising(0, callsPerMinute, minutes) });
  return result;
}

const calls = (feature: string, statusClass: string, values: string) => ({
  series: `claude_mon_calls_total{feature="${feature}",model="m",status_class="${statusClass}"}`,
  values,
});

describe('claude-mon rules --format prometheus', () => {
  it.skipIf(!HAS_PROMTOOL)(`writes rules promtool accepts, for the defaults and for overrides and rules turned off ${SKIPPED}`, async () => {
    const defaults = await writeRules(undefined);
    const checked = promtool(['check', 'rules', 'rules.yml'], defaults.directory);
    expect(checked.output).toContain('SUCCESS: 8 rules found');
    expect(checked.status).toBe(0);
    // Without limits in the config, no headroom rule.
    expect(defaults.text).not.toContain('ClaudeRateLimitHeadroomLow');

    const tuned = await writeRules({
      rules: {
        error_rate: { features: { 'batch "jobs"': { threshold: 0.5 }, quiet: { enabled: false }, 'odd {{ name }}': { threshold: 0.2 } } },
        rate_limited: { enabled: false },
        p95_latency: { thresholdMs: 20_000, window: '15m' },
        ratelimit_headroom: { threshold: 0.9, window: '30m', severity: 'critical' },
      },
      limits: { 'claude-sonnet-4-5': { rpm: 50, itpm: 30_000 }, 'claude-opus-4-1': { otpm: 8_000 } },
    });
    const tunedCheck = promtool(['check', 'rules', 'rules.yml'], tuned.directory);
    // error_rate: all, features but the three, "batch \"jobs\"", "odd {{ name }}"; p95 and daily_cost: 2 each;
    // ratelimit_headroom: one per configured limit of a class.
    expect(tunedCheck.output).toContain('SUCCESS: 11 rules found');
    expect(tuned.text).toContain(
      'max_over_time((clamp_min(sum by (class) (claude_mon_ratelimit_output_tokens_total{class=\\"claude-opus-4.x\\"}) - sum by (class) (claude_mon_ratelimit_output_tokens_total{class=\\"claude-opus-4.x\\"} offset 1m), 0) or sum by (class) (claude_mon_ratelimit_output_tokens_total{class=\\"claude-opus-4.x\\"}))[30m:15s]) / 8000 > 0.9',
    );
    expect(tuned.text.match(/rule: "ratelimit_headroom"/g)?.length).toBe(3);
    // A feature name with template braces is written so that Prometheus does not expand it.
    expect(tuned.text).toContain('feature: "odd {{ \\"{{\\" }} name }}"');
    expect(tuned.text).toContain('feature!=\\"batch \\\\\\"jobs\\\\\\"\\",feature!=\\"odd {{ name }}\\",feature!=\\"quiet\\"');
    expect(tuned.text).toContain('> 20 and on (feature)');
    expect(tuned.text).toContain('[15m]');
    expect(tuned.text).not.toContain('ClaudeRateLimited');
  });

  it.skipIf(!HAS_PROMTOOL)(`fires each alert on series that cross its threshold, and not on those that do not ${SKIPPED}`, async () => {
    // A feature with its own error-rate threshold (50%): 20% errors fire the general rule's features but not it.
    const { directory, text } = await writeRules(
      {
        rules: { error_rate: { features: { batch: { threshold: 0.5 }, 'odd {{ name }}': { threshold: 0.2 } } } },
        // A limit keyed by a model is its class's; Haiku 3.5 is a class of its own.
        limits: { 'claude-sonnet-4-5': { itpm: 30_000 }, 'claude-3-5-haiku': { rpm: 100 } },
      },
      ['--for', '0s'],
    );
    // Annotations hold Prometheus's own rendering of values ("15.25%"); promtool compares them too, so they are
    // left out of the copy under test: the expressions, `for` and labels are what is tested here (the end-to-end
    // test reads the annotations of a real firing alert).
    writeFileSync(path.join(directory, 'rules-under-test.yml'), text.replace(/\n {8}annotations:(\n {10}.*)+/g, ''));
    const minutes = 30;
    const test = {
      rule_files: ['rules-under-test.yml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: [
            // error_rate: chat fails 2 of 12 calls a minute from minute 10; search never; tiny 1 error in 11 calls
            // (9%, but under both minCalls 20 and minErrors 3); batch 20% (under its own 50%).
            calls('chat', 'ok', rising(0, 10, minutes)),
            calls('chat', '5xx', `0x10 ${rising(0, 2, minutes - 10)}`),
            calls('search', 'ok', rising(0, 10, minutes)),
            calls('search', '5xx', `0x${minutes}`),
            calls('tiny', 'ok', rising(0, 1, minutes)),
            calls('tiny', '4xx', `0x15 1x${minutes - 15}`),
            calls('batch', 'ok', rising(0, 8, minutes)),
            calls('batch', '5xx', `0x10 ${rising(0, 2, minutes - 10)}`),
            // A feature of its own threshold (20%) whose name holds template braces: 1 in 3 fails from minute 10.
            calls('odd {{ name }}', 'ok', rising(0, 10, minutes)),
            calls('odd {{ name }}', '5xx', `0x10 ${rising(0, 5, minutes - 10)}`),
            // rate_limited: one 429 of chat at minute 10; none for search.
            { series: 'claude_mon_rate_limited_calls_total{feature="chat",model="m"}', values: `0x10 1x${minutes - 10}` },
            { series: 'claude_mon_rate_limited_calls_total{feature="search",model="m"}', values: `0x${minutes}` },
            // p95_latency: report has 9 of 10 calls between 15 and 20 s; fast all under 1 s; slowfew is slow but
            // has 1 call a minute (10 in the window, under minCalls 20).
            ...histogram('report', { '10.0': 1, '20.0': 9 }, minutes),
            ...histogram('fast', { '0.5': 5, '1.0': 5 }, minutes),
            ...histogram('slowfew', { '30.0': 1 }, minutes),
          ],
          alert_rule_test: [
            { eval_time: '5m', alertname: 'ClaudeErrorRateHigh', exp_alerts: [] },
            {
              eval_time: '20m',
              alertname: 'ClaudeErrorRateHigh',
              exp_alerts: [
                { exp_labels: { severity: 'critical', rule: 'error_rate', scope: 'all' } },
                { exp_labels: { severity: 'critical', rule: 'error_rate', scope: 'feature', feature: 'chat' } },
                { exp_labels: { severity: 'critical', rule: 'error_rate', scope: 'feature', feature: 'odd {{ name }}' } },
              ],
            },
            {
              eval_time: '12m',
              alertname: 'ClaudeRateLimited',
              exp_alerts: [
                { exp_labels: { severity: 'warning', rule: 'rate_limited', scope: 'all' } },
                { exp_labels: { severity: 'warning', rule: 'rate_limited', scope: 'feature', feature: 'chat' } },
              ],
            },
            { eval_time: '25m', alertname: 'ClaudeRateLimited', exp_alerts: [] },
            {
              eval_time: '20m',
              alertname: 'ClaudeLatencyP95High',
              exp_alerts: [
                { exp_labels: { severity: 'critical', rule: 'p95_latency', scope: 'all' } },
                { exp_labels: { severity: 'critical', rule: 'p95_latency', scope: 'feature', feature: 'report' } },
              ],
            },
          ],
        },
      ],
    };
    // daily_cost: 24 h against the mean of the 7 days before, evaluated hourly. spend triples on day 9; steady does not;
    // pennies grows fivefold, but stays under the $5 floor.
    const daily = {
      rule_files: ['rules-under-test.yml'],
      evaluation_interval: '1h',
      tests: [
        {
          interval: '1h',
          input_series: [
            { series: 'claude_mon_cost_usd_total{feature="spend",model="m"}', values: `${rising(0, 1, 192)} ${rising(195, 3, 23)}` },
            calls('spend', 'ok', rising(0, 10, 216)),
            { series: 'claude_mon_cost_usd_total{feature="steady",model="m"}', values: rising(0, 1, 216) },
            calls('steady', 'ok', rising(0, 10, 216)),
            // A feature first seen 36 hours ago, its cost up fivefold: one day of history, under minBaselineDays 5.
            { series: 'claude_mon_cost_usd_total{feature="newbie",model="m"}', values: `_x180 ${rising(0, 1, 18)} ${rising(23, 5, 17)}` },
            calls('newbie', 'ok', `_x180 ${rising(0, 10, 35)}`),
            // Pennies, fivefold on day 9 like spend: $1.20 in 24 h, under daily_cost's minUsd of $5.
            { series: 'claude_mon_cost_usd_total{feature="pennies",model="m"}', values: `${rising(0, 0.01, 192)} ${rising(1.95, 0.05, 23)}` },
            calls('pennies', 'ok', rising(0, 10, 216)),
          ],
          alert_rule_test: [
            { eval_time: '190h', alertname: 'ClaudeDailyCostHigh', exp_alerts: [] },
            {
              eval_time: '216h',
              alertname: 'ClaudeDailyCostHigh',
              exp_alerts: [
                { exp_labels: { severity: 'warning', rule: 'daily_cost', scope: 'all' } },
                { exp_labels: { severity: 'warning', rule: 'daily_cost', scope: 'feature', feature: 'spend' } },
              ],
            },
          ],
        },
      ],
    };
    // ratelimit_headroom, scraped every 15 s: Sonnet 4.x uses 10,000 input tokens a minute (300,000 at 30m), then
    // 32,000 in the minute from 30m (107% of its 30,000), then 10,000 again; Haiku 3.5 makes 50 calls a minute (50%
    // of its 100), but 84 in the minute from 60m15s to 61m15s, across a whole minute (84%): that minute is seen too
    const steps = (minutes: number): number => minutes * 4;
    // (3,000 at 60m; +21 at each of 60m30s … 61m15s; a clock minute never holds more than 75.5.)
    const haikuCalls = `${rising(0, 12.5, steps(60))} ${rising(3_012.5, 21, 4)} ${rising(3_109, 12.5, steps(60) - 6)}`;
    const sonnetItpm = { severity: 'warning', rule: 'ratelimit_headroom', scope: 'class', class: 'claude-sonnet-4.x', limit: 'itpm' };
    const haikuRpm = { severity: 'warning', rule: 'ratelimit_headroom', scope: 'class', class: 'claude-3-5-haiku-20241022', limit: 'rpm' };
    const headroom = {
      rule_files: ['rules-under-test.yml'],
      evaluation_interval: '15s',
      tests: [
        {
          interval: '15s',
          input_series: [
            { series: 'claude_mon_ratelimit_input_tokens_total{class="claude-sonnet-4.x"}', values: `${rising(0, 2_500, steps(30))} ${rising(308_000, 8_000, 3)} ${rising(334_500, 2_500, steps(90))}` },
            { series: 'claude_mon_ratelimit_requests_total{class="claude-3-5-haiku-20241022"}', values: haikuCalls },
          ],
          alert_rule_test: [
            { eval_time: '29m', alertname: 'ClaudeRateLimitHeadroomLow', exp_alerts: [] },
            { eval_time: '40m', alertname: 'ClaudeRateLimitHeadroomLow', exp_alerts: [{ exp_labels: sonnetItpm }] },
            { eval_time: '62m', alertname: 'ClaudeRateLimitHeadroomLow', exp_alerts: [{ exp_labels: sonnetItpm }, { exp_labels: haikuRpm }] },
            // Sonnet's peak minute has left the hour; Haiku's has not.
            { eval_time: '95m', alertname: 'ClaudeRateLimitHeadroomLow', exp_alerts: [{ exp_labels: haikuRpm }] },
          ],
        },
      ],
    };
    writeFileSync(path.join(directory, 'test.yml'), JSON.stringify(test, null, 2)); // JSON is YAML
    writeFileSync(path.join(directory, 'daily.yml'), JSON.stringify(daily, null, 2));
    writeFileSync(path.join(directory, 'headroom.yml'), JSON.stringify(headroom, null, 2));
    const result = promtool(['test', 'rules', 'test.yml', 'daily.yml', 'headroom.yml'], directory);
    expect(result.output).not.toContain('FAILED');
    expect(result.output.match(/SUCCESS/g)?.length).toBe(3);
    expect(result.status).toBe(0);
  }, 60_000);

  it('says what is wrong with a bad --for or config', async () => {
    const run = await runCli(['rules', '--for', 'soon']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--for "soon": expected a duration/);
    const directory = temporaryDirectory();
    writeFileSync(path.join(directory, 'bad.json'), JSON.stringify({ rules: { error_rate: { treshold: 0.1 } } }));
    const bad = await runCli(['rules', '--config', path.join(directory, 'bad.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('treshold');
  });
});

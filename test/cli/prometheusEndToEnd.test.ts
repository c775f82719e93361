/**
 * End to end: a real Prometheus (Debian's package) on loopback scrapes `claude-mon serve` every second and evaluates
 * the rules `claude-mon rules` wrote; a burst of failed calls (or of tokens near a configured rate limit) is piped
 * into serve, and Prometheus's HTTP API is asked until the alert is firing. Both processes are stopped cleanly at
 * the end.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, temporaryDirectory } from '../helpers.js';
import { serve, stopAll, until } from './prometheus.js';

const HAS_PROMETHEUS = spawnSync('prometheus', ['--version'], { timeout: 10_000 }).status === 0;

let prometheus: ChildProcess | undefined;
afterEach(async () => {
  await stopAll();
  if (prometheus !== undefined && prometheus.exitCode === null) {
    const exited = new Promise((resolve) => prometheus?.once('close', resolve));
    prometheus.kill('SIGTERM');
    await exited;
  }
  prometheus = undefined;
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface PromAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly state: string;
}

/** Prometheus on a free loopback port, scraping `target` every second and evaluating DIRECTORY/rules.yml. */
async function startPrometheus(directory: string, target: string): Promise<{ api: <T>(query: string) => Promise<T | undefined>; log: () => string }> {
  const port = await freePort();
  writeFileSync(
    path.join(directory, 'prometheus.yml'),
    JSON.stringify({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: ['rules.yml'],
      scrape_configs: [{ job_name: 'claude-mon', static_configs: [{ targets: [target] }] }],
    }),
  );
  let log = '';
  prometheus = spawn(
    'prometheus',
    [`--config.file=${path.join(directory, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(directory, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  prometheus.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
  const api = async <T>(query: string): Promise<T | undefined> => {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/v1/${query}`);
      return ((await response.json()) as { data: T }).data;
    } catch {
      return undefined; // not up yet
    }
  };
  return { api, log: () => log };
}

interface GrafanaDashboard {
  readonly panels: readonly { readonly title: string; readonly targets: readonly { readonly expr: string }[] }[];
  readonly annotations: { readonly list: readonly { readonly expr?: string }[] };
  readonly templating: { readonly list: readonly { readonly name: string }[] };
}

/** A successful call with cache reads and a logged rate-limit header; `extra` overrides any field. */
const call = (feature: string, extra: Record<string, unknown> = {}): string =>
  `${JSON.stringify({
    timestamp: new Date().toISOString(),
    feature,
    model: 'claude-sonnet-4-5-20250929',
    input_tokens: 100,
    output_tokens: 20,
    cached_tokens: 300,
    latency_ms: 900,
    stop_reason: 'end_turn',
    ratelimit_requests_remaining: 40,
    ...extra,
  })}\n`;

/** What turns a call into a failed one, with an HTTP status. */
const FAILED = { error: 'InternalServerError', error_status: 500, stop_reason: null };

describe('claude-mon serve scraped by a real Prometheus', () => {
  it.skipIf(!HAS_PROMETHEUS)('fires the error-rate alert for the feature with a burst of errors (needs Debian\'s prometheus, which .ci/run installs)', async () => {
    const directory = temporaryDirectory();
    const rules = await runCli(['rules', '--format', 'prometheus', '--for', '0s', '-o', path.join(directory, 'rules.yml')]);
    expect(rules.code).toBe(0);
    const serving = await serve([]);
    serving.child.stdin.write(call('chat').repeat(5) + call('search').repeat(5));
    const { api, log } = await startPrometheus(directory, serving.address);
    // Prometheus has scraped the calls before the burst (so their counters' increase is seen).
    const scraped = await until(async () => {
      const data = await api<{ result: { value: [number, string] }[] }>('query?query=sum(claude_mon_calls_total)');
      return data?.result[0]?.value[1] === '10';
    }, 30_000);
    expect(scraped, log()).toBe(true);
    const firing = async (): Promise<PromAlert[]> =>
      ((await api<{ alerts: PromAlert[] }>('alerts'))?.alerts ?? []).filter((alert) => alert.state === 'firing');
    expect(await firing()).toEqual([]);

    serving.child.stdin.write(call('chat', FAILED).repeat(30));
    expect(await until(async () => (await firing()).some((alert) => alert.labels['feature'] === 'chat'), 30_000), log()).toBe(true);
    const chat = (await firing()).find((alert) => alert.labels['alertname'] === 'ClaudeErrorRateHigh' && alert.labels['feature'] === 'chat');
    expect(chat?.labels).toMatchObject({ severity: 'critical', rule: 'error_rate', scope: 'feature' });
    expect(chat?.annotations['summary']).toMatch(/^Error rate of chat is [\d.]+% over 10m \(threshold 5%\)$/);
    // search had no errors: no alert names it.
    expect((await firing()).some((alert) => alert.labels['feature'] === 'search')).toBe(false);
  }, 90_000);

  it.skipIf(!HAS_PROMETHEUS)('fires the rate-limit headroom alert for the class whose minute came near its configured limit (needs Debian\'s prometheus)', async () => {
    const directory = temporaryDirectory();
    const config = path.join(directory, 'claude-mon.config.json');
    // A limit keyed by a model is its class's. Haiku 3.5 has room to spare.
    writeFileSync(config, JSON.stringify({ limits: { 'claude-sonnet-4-5': { itpm: 3_000 }, 'claude-3-5-haiku': { itpm: 100_000 } } }));
    expect((await runCli(['rules', '--format', 'prometheus', '--for', '0s', '--config', config, '-o', path.join(directory, 'rules.yml')])).code).toBe(0);
    const serving = await serve(['--config', config]);
    const haiku = { model: 'claude-3-5-haiku-20241022' };
    // An hour of history first (as `kubectl logs -f` begins with the pod's past): 40 calls of the hour before, read at
    // once. They are late: not a burst.
    const history = Array.from({ length: 40 }, (_, i) => call('import', { timestamp: new Date(Date.now() - 3_600_000 + i * 60_000).toISOString() })).join('');
    serving.child.stdin.write(history + call('chat') + call('chat', haiku));
    const { api, log } = await startPrometheus(directory, serving.address);
    const query = async (expr: string): Promise<string | undefined> =>
      (await api<{ result: { value: [number, string] }[] }>(`query?query=${encodeURIComponent(expr)}`))?.result[0]?.value[1];
    // Scraped at zero, then with the first calls: their increase is seen.
    expect(await until(async () => (await query('sum(claude_mon_ratelimit_requests_total)')) === '2', 30_000), log()).toBe(true);
    expect(await query('claude_mon_ratelimit_late_calls_total')).toBe('40');
    const firing = async (): Promise<PromAlert[]> =>
      ((await api<{ alerts: PromAlert[] }>('alerts'))?.alerts ?? []).filter((alert) => alert.state === 'firing' && alert.labels['alertname'] === 'ClaudeRateLimitHeadroomLow');
    await sleep(5000); // a few evaluations of the rules over what was scraped
    expect(await firing()).toEqual([]);

    // 40 calls of 100 input tokens within seconds (ITPM counts input, not the 300 cache reads on Sonnet): 4,000 in a
    // minute against 3,000. Haiku's 40 × (100 + 300 cache reads) is 16% of its 100,000.
    serving.child.stdin.write(call('import').repeat(40) + call('chat', haiku).repeat(40));
    expect(await until(async () => (await firing()).length > 0, 90_000), log()).toBe(true);
    const [alert, ...others] = await firing();
    expect(others).toEqual([]);
    expect(alert?.labels).toMatchObject({ severity: 'warning', rule: 'ratelimit_headroom', scope: 'class', class: 'claude-sonnet-4.x', limit: 'itpm' });
    expect(alert?.annotations['summary']).toMatch(/^The peak minute of claude-sonnet-4\.x over 1h used \d+(\.\d+)?% of its ITPM limit, 3000 per minute \(threshold 80%\)$/);
    expect(await query('sum(claude_mon_ratelimit_input_tokens_total{class="claude-3-5-haiku-20241022"})')).toBe(String(41 * 400));
  }, 150_000);

  it.skipIf(!HAS_PROMETHEUS)('answers every query of the Grafana dashboard with data, and its alert annotations once a rule fires', async () => {
    const directory = temporaryDirectory();
    expect((await runCli(['rules', '--format', 'prometheus', '--for', '0s', '-o', path.join(directory, 'rules.yml')])).code).toBe(0);
    const file = path.join(directory, 'claude-mon.grafana.json');
    expect((await runCli(['grafana', '-o', file])).code).toBe(0);
    const dashboard = JSON.parse(readFileSync(file, 'utf8')) as GrafanaDashboard;
    const serving = await serve([]);
    const batch = (feature: string, count: number, extra: Record<string, unknown> = {}): string => call(feature, extra).repeat(count);
    serving.child.stdin.write(batch('chat', 5) + batch('search', 5));
    const { api, log } = await startPrometheus(directory, serving.address);
    const total = async (): Promise<string | undefined> => (await api<{ result: { value: [number, string] }[] }>('query?query=sum(claude_mon_calls_total)'))?.result[0]?.value[1];
    expect(await until(async () => (await total()) === '10', 30_000), log()).toBe(true);
    // More of every kind, so that each rate and ratio has something to show: cut-off answers, a 429, a burst of
    // failures (the error-rate alert fires for chat).
    serving.child.stdin.write(
      batch('chat', 5) + batch('search', 3, { stop_reason: 'max_tokens' }) + batch('search', 1, { error: 'RateLimitError', error_status: 429, stop_reason: null }) +
        batch('chat', 30, FAILED),
    );
    const query = async (expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> =>
      (await api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(`query?query=${encodeURIComponent(expr)}`))?.result ?? [];
    const annotation = dashboard.annotations.list[0]?.expr as string;
    expect(await until(async () => (await query(annotation)).some((series) => series.metric['feature'] === 'chat'), 30_000), log()).toBe(true);

    // Grafana's variables and interval as a user leaves them: every feature and model, a 1m interval.
    const asGrafanaRuns = (expr: string): string =>
      expr.replaceAll('$feature', '.*').replaceAll('$model', '.*').replaceAll('$__rate_interval', '1m').replaceAll('$__interval', '1m');
    const targets = dashboard.panels.flatMap((panel) => panel.targets.map((target) => ({ panel: panel.title, expr: target.expr })));
    expect(targets.length).toBeGreaterThanOrEqual(9);
    for (const { panel, expr } of targets) {
      const result = await query(asGrafanaRuns(expr));
      const values = result.map((series) => Number(series.value[1])).filter(Number.isFinite);
      expect(values.length, `${panel}: ${expr} returned no number`).toBeGreaterThan(0);
    }
    // The error rate by feature over the whole test (a window back past the first scrape, which saw every series
    // at zero): chat failed 30 of its 40 calls; search, the one 429 of its 9.
    const errorRate = targets.find((target) => target.panel === 'Error rate by feature')?.expr as string;
    const wholeTest = asGrafanaRuns(errorRate.replaceAll('$__rate_interval', '10m'));
    const rates = Object.fromEntries((await query(wholeTest)).map((series) => [series.metric['feature'], Number(series.value[1])]));
    expect(rates['chat']).toBeCloseTo(30 / 40, 2);
    expect(rates['search']).toBeCloseTo(1 / 9, 2);
    // The variables' values: label_values(...) of Grafana, as Prometheus's label API answers it.
    const labelValues = async (label: string): Promise<string[]> => (await api<string[]>(`label/${label}/values?match[]=claude_mon_calls_total`)) ?? [];
    expect(await labelValues('feature')).toEqual(['chat', 'search']);
    expect(await labelValues('model')).toEqual(['claude-sonnet-4-5-20250929']);
    expect(dashboard.templating.list.map((variable) => variable.name)).toEqual(['datasource', 'feature', 'model']);
  }, 90_000);
});

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, temporaryDirectory } from '../helpers.js';
import { schemaErrors } from './schema.js';
import { ALERTS_NOW, alertsLog, type Incidents } from './alertsLog.js';

const NOW = new Date(ALERTS_NOW).toISOString();

function logFile(incidents: Incidents): string {
  const file = path.join(temporaryDirectory(), 'app.jsonl');
  writeFileSync(file, alertsLog(incidents));
  return file;
}

interface EvaluationJson {
  rule: string;
  scope: Record<string, string>;
  state: string;
  severity: string;
  value: number | null;
  drivers: { dimension: string; value: string; share: number }[];
  lowestRemaining?: Record<string, number | null>;
}

async function alertsJson(incidents: Incidents, extra: string[] = []) {
  const run = await runCli(['alerts', logFile(incidents), '--now', NOW, '--json', ...extra]);
  return { run, document: JSON.parse(run.stdout) as { status: string; exitCode: number; evaluations: EvaluationJson[] } };
}

const firing = (evaluations: EvaluationJson[]): string[] =>
  evaluations.filter((e) => e.state === 'firing').map((e) => `${e.rule} ${JSON.stringify(e.scope)}`).sort();

describe('claude-mon alerts on logs with known incidents', () => {
  it('fires the right rules for the right scopes, with their drivers, and exits 2 (critical)', async () => {
    const { run, document } = await alertsJson({ errorBurst: true, rateLimitBurst: true, latencySpike: true, costSpike: true });
    expect(run.code).toBe(2);
    expect(schemaErrors('alerts', run.stdout)).toEqual([]);
    expect(document).toMatchObject({ status: 'critical', exitCode: 2 });
    expect(firing(document.evaluations)).toEqual([
      'daily_cost {"feature":"chat"}',
      'daily_cost {}',
      'error_rate {"feature":"search"}',
      'p95_latency {"feature":"doc_summary"}',
      'rate_limited {"feature":"extract"}',
      'rate_limited {}',
    ]);
    const find = (rule: string, feature?: string) =>
      document.evaluations.find((e) => e.rule === rule && e.scope['feature'] === feature) as EvaluationJson;
    expect(find('error_rate', 'search').drivers[0]).toEqual({ dimension: 'user', value: 'alice', amount: 20, share: 1 });
    expect(find('rate_limited').drivers).toContainEqual({ dimension: 'feature', value: 'extract', amount: 4, share: 1 });
    expect(find('rate_limited').drivers).toContainEqual({ dimension: 'user', value: 'bulk-importer', amount: 4, share: 1 });
    expect(find('rate_limited').lowestRemaining).toEqual({ requests: 50, tokens: 0, inputTokens: null, outputTokens: null });
    expect(find('p95_latency', 'doc_summary').value).toBeGreaterThan(15_000);
    expect(find('daily_cost', 'chat').drivers[0]).toMatchObject({ dimension: 'user', value: 'carol' });
    // The rest is ok (or, for scopes without their own calls in a window, no_data), never silently dropped.
    expect(find('error_rate')).toMatchObject({ state: 'ok' });
    expect(find('p95_latency')).toMatchObject({ state: 'ok' });
  });

  it('exits 1 when only a warning fires, 0 when nothing does', async () => {
    const warning = await alertsJson({ rateLimitBurst: true });
    expect(warning.run.code).toBe(1);
    expect(firing(warning.document.evaluations)).toEqual(['rate_limited {"feature":"extract"}', 'rate_limited {}']);
    const quiet = await alertsJson({});
    expect(quiet.run.code).toBe(0);
    expect(quiet.document.status).toBe('ok');
    expect(firing(quiet.document.evaluations)).toEqual([]);
  });

  it('prints one Nagios status line with perfdata, then details', async () => {
    const run = await runCli(['alerts', logFile({ errorBurst: true, rateLimitBurst: true }), '--now', NOW, '--format', 'nagios']);
    expect(run.code).toBe(2);
    const [status, ...details] = run.stdout.trimEnd().split('\n');
    const match = /^CLAUDE-MON (OK|WARNING|CRITICAL|UNKNOWN) - ([^|]+) \| (.+)$/.exec(status ?? '');
    expect(match?.[1]).toBe('CRITICAL');
    expect(match?.[2]).toContain('error_rate feature=search 8.2% > 5.0%');
    const perfdata = (match?.[3] ?? '').split(' ');
    for (const item of perfdata) expect(item).toMatch(/^'[a-z_0-9]+'=[-\d.]+(ms)?;[\d.]*;[\d.]*;0;$/);
    expect(perfdata).toContain("'rate_limited'=4;0;;0;");
    expect(details).toContainEqual(expect.stringMatching(/^FIRING critical: error_rate feature=search 8\.2% > 5\.0% \(245 calls, 10m\) user alice 100%/));
  });

  it('carries each threshold in perfdata also when the sample is too small to judge', async () => {
    // 2 of 17 calls failed: 11.8%, under minCalls 20 and minErrors 3 (insufficient), yet its threshold is there.
    const lines = Array.from({ length: 17 }, (_, i) =>
      JSON.stringify({ timestamp: new Date(Date.parse(NOW) - (i + 1) * 10_000).toISOString(), feature: 'chat', model: 'claude-haiku-4-5', latency_ms: 300, ...(i < 2 ? { error: 'InternalServerError', error_status: 500 } : {}) }),
    );
    const file = path.join(temporaryDirectory(), 'few.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const run = await runCli(['alerts', file, '--now', NOW, '--format', 'nagios']);
    const perfdata = run.stdout.split('\n')[0]?.split(' | ')[1]?.split(' ') ?? [];
    expect(perfdata).toContain("'error_rate'=0.117647;;0.05;0;");
    expect(perfdata).toContain("'p95_latency'=300ms;;15000;0;");
  });

  it('prints nothing with --quiet-ok when all is OK, and everything when it is not', async () => {
    const ok = await runCli(['alerts', logFile({}), '--now', NOW, '--quiet-ok']);
    expect(ok).toMatchObject({ code: 0, stdout: '' });
    const warning = await runCli(['alerts', logFile({ rateLimitBurst: true }), '--now', NOW, '--quiet-ok']);
    expect(warning.code).toBe(1);
    expect(warning.stdout).toContain('FIRING warning');
  });

  it('shows a table with one row per rule and scope that has data', async () => {
    const run = await runCli(['alerts', logFile({ latencySpike: true }), '--now', NOW]);
    expect(run.code).toBe(2);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('claude-mon alerts · 2026-11-26 12:00:00 UTC · CRITICAL: 1 critical, 0 warning firing');
    expect(lines).toContainEqual(expect.stringMatching(/^p95_latency +feature=doc_summary +FIRING critical +\d+\.\d\d s +> 15\.00 s +30 +10m +user /));
    expect(lines).toContainEqual(expect.stringMatching(/^error_rate +all +ok +0\.0% +> 5\.0% +[\d,]+ +10m/));
  });

  it('says how old the newest record is when the windows are empty, and exits 3 (unknown)', async () => {
    const file = logFile({});
    const run = await runCli(['alerts', file, '--now', '2026-11-28T12:00:00Z', '--json']);
    expect(run.code).toBe(3);
    const document = JSON.parse(run.stdout);
    expect(document.status).toBe('unknown');
    expect(document.notes[0]).toMatch(/^no calls in the rule windows: the newest record \(2026-11-26T1[12]:\d\d:\d\d\.\d+Z\) is 2 days older than --now; .*--now latest$/);
    const latest = await runCli(['alerts', file, '--now', 'latest', '--json']);
    expect(JSON.parse(latest.stdout).status).toBe('ok');
  });

  it('uses --since as the window of the rate and latency rules', async () => {
    const { document } = await alertsJson({ errorBurst: true }, ['--since', '2m']);
    const search = document.evaluations.find((e) => e.rule === 'error_rate' && e.scope['feature'] === 'search');
    expect(search).toMatchObject({ window: '2m' });
  });

  it('exits 3 on a bad config, naming the key, and on usage errors', async () => {
    const directory = temporaryDirectory();
    const config = path.join(directory, 'bad.json');
    writeFileSync(config, JSON.stringify({ rules: { p95_latency: { thresholdSeconds: 15 } } }));
    const bad = await runCli(['alerts', logFile({}), '--config', config, '--now', NOW]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain(`${config}: rules.p95_latency.thresholdSeconds: unknown key`);
    expect((await runCli(['alerts', logFile({}), '--until', '1h'])).code).toBe(3);
    expect((await runCli(['alerts', logFile({}), '--date', 'today'])).code).toBe(3);
    expect((await runCli(['alerts', logFile({}), '--by', 'day'])).code).toBe(3);
    expect((await runCli(['alerts', path.join(directory, 'missing.jsonl')])).code).toBe(3);
  });

  it('prints an UNKNOWN status line with --format nagios when it cannot evaluate at all', async () => {
    const directory = temporaryDirectory();
    const junk = path.join(directory, 'junk.txt');
    writeFileSync(junk, 'hello\nworld\n');
    const unrecognisable = await runCli(['alerts', junk, '--format', 'nagios']);
    expect(unrecognisable.code).toBe(3);
    expect(unrecognisable.stdout).toMatch(/^CLAUDE-MON UNKNOWN - 0 of 2 lines are Claude call records/);
    expect(unrecognisable.stdout.trimEnd().split('\n')).toHaveLength(1);
    const badFlag = await runCli(['alerts', junk, '--format', 'nagios', '--frobnicate']);
    expect(badFlag).toMatchObject({ code: 3, stdout: "CLAUDE-MON UNKNOWN - error: unknown option '--frobnicate'\n" });
    const unreadable = await runCli(['alerts', logFile({}), path.join(directory, 'missing.jsonl'), '--now', NOW, '--format', 'nagios']);
    expect(unreadable.code).toBe(3);
    expect(unreadable.stdout).toMatch(/^CLAUDE-MON UNKNOWN - cannot read .*missing\.jsonl: no such file or directory \| /);
  });

  it('refuses --since at or after --now (exit 3)', async () => {
    const run = await runCli(['alerts', logFile({}), '--now', NOW, '--since', '2026-11-26T13:00:00Z']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('is not before --now');
  });

  it('keeps a scope per user in bounded memory (--by user over a week of 4,000 users)', async () => {
    const file = path.join(temporaryDirectory(), 'users.jsonl');
    const lines: string[] = [];
    for (let i = 0; i < 40_000; i++) {
      const at = ALERTS_NOW - 8 * 86_400_000 + i * 17_280; // 8 days
      lines.push(JSON.stringify({ timestamp: new Date(at).toISOString(), user_id: `user-${i % 4000}`, feature: 'chat', latency_ms: 300, output_tokens: 100 }));
    }
    writeFileSync(file, `${lines.join('\n')}\n`);
    const script = `import { main } from '../dist/cli.js'; import { nodeIo } from '../dist/io/cliIo.js';
      const code = await main(['node', 'claude-mon', 'alerts', ${JSON.stringify(file)}, '--by', 'user', '--now', 'latest', '--json', '-q'], nodeIo());
      process.stderr.write(JSON.stringify({ code, maxRssKiB: process.resourceUsage().maxRSS }));`;
    const child = spawnSync('node', ['--input-type=module', '-e', script], { cwd: path.join(ROOT, 'test'), encoding: 'utf8', maxBuffer: 1 << 28, timeout: 120_000 });
    const { code, maxRssKiB } = JSON.parse(child.stderr) as { code: number; maxRssKiB: number };
    expect(code).toBeLessThan(3);
    const document = JSON.parse(child.stdout);
    expect(document.evaluations.filter((e: EvaluationJson) => e.rule === 'daily_cost')).toHaveLength(4001);
    // About 10 calls per user-day: memory follows the calls, not 1,500 minute slots per user and day.
    expect(maxRssKiB / 1024).toBeLessThan(400);
  });

  it('applies per-feature overrides from the config', async () => {
    const directory = temporaryDirectory();
    const config = path.join(directory, 'claude-mon.config.json');
    writeFileSync(config, JSON.stringify({ rules: { p95_latency: { features: { doc_summary: { thresholdMs: 60_000 } } } } }));
    const run = await runCli(['alerts', logFile({ latencySpike: true }), '--config', config, '--now', NOW, '--json']);
    expect(run.code).toBe(0);
    const document = JSON.parse(run.stdout);
    expect(document.evaluations.find((e: EvaluationJson) => e.rule === 'p95_latency' && e.scope['feature'] === 'doc_summary')).toMatchObject({
      state: 'ok',
      threshold: 60_000,
    });
  });
});

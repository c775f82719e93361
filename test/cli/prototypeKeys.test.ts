/**
 * Injection: names that are also the names of Object.prototype's members — `__proto__`,
 * `constructor`, `hasOwnProperty`, `toString`, `valueOf` — are ordinary keys to every command and in every JSON
 * document: counted, never merged with each other, never lost. Expected values are counted here, by hand.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, temporaryDirectory } from '../helpers.js';

const NAMES = ['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf'] as const;
const NOW = '2026-11-26T12:00:00Z';

/**
 * Name i makes i + 1 calls in the last hour, feature, user and stop reason all that name; every other call is a
 * 429, the others fail with an error type of that name.
 */
function writeLog(): string {
  const lines: string[] = [];
  NAMES.forEach((name, i) => {
    for (let call = 0; call <= i; call++) {
      const limited = call % 2 === 0;
      lines.push(
        JSON.stringify({
          timestamp: new Date(Date.parse(NOW) - (call + 1) * 60_000).toISOString(),
          request_id: `${name}-${call}`,
          user_id: name,
          feature: name,
          model: 'claude-haiku-4-5',
          input_tokens: 1000,
          output_tokens: 100,
          latency_ms: 100,
          stop_reason: name,
          ...(limited ? { error: 'RateLimitError', error_status: 429 } : { error: name }),
        }),
      );
    }
  });
  const file = path.join(temporaryDirectory(), 'app.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const calls = (i: number): number => i + 1;
const limited = (i: number): number => Math.ceil((i + 1) / 2);

/** JSON.parse keeps "__proto__" as an own key; a Map of the entries compares them as ordinary names. */
function entries(object: object): Map<string, unknown> {
  return new Map(Object.entries(object));
}

describe('keys named like Object.prototype members are ordinary keys everywhere', () => {
  const file = writeLog();

  it.each(['feature', 'user'])('summary --by %s: one group per name, each with its own calls, 429s and stop reasons', async (by) => {
    const run = await runCli(['summary', '--json', '--by', by, file]);
    expect(run.code).toBe(0);
    const groups = JSON.parse(run.stdout).groups as { key: Record<string, string>; calls: number; rateLimited: number; stopReasons: object; errorTypes: object }[];
    expect(groups).toHaveLength(NAMES.length);
    NAMES.forEach((name, i) => {
      const group = groups.find((candidate) => Object.getOwnPropertyDescriptor(candidate.key, by)?.value === name);
      expect(group, name).toBeDefined();
      expect(group?.calls).toBe(calls(i));
      expect(group?.rateLimited).toBe(limited(i));
      expect(entries(group?.stopReasons ?? {})).toEqual(new Map([[name, calls(i)]]));
      const failures = calls(i) - limited(i);
      expect(entries(group?.errorTypes ?? {})).toEqual(new Map([['RateLimitError', limited(i)], ...(failures > 0 ? [[name, failures] as const] : [])]));
    });
  });

  it('summary totals: stop reasons and error types by name', async () => {
    const total = JSON.parse((await runCli(['summary', '--json', file])).stdout).total;
    expect(entries(total.stopReasons)).toEqual(new Map(NAMES.map((name, i) => [name, calls(i)])));
    const failures = NAMES.flatMap((name, i): [string, number][] => (calls(i) > limited(i) ? [[name, calls(i) - limited(i)]] : []));
    expect(entries(total.errorTypes)).toEqual(new Map([['RateLimitError', NAMES.reduce((sum, _, i) => sum + limited(i), 0)], ...failures]));
  });

  it('dashboard: 429s by feature and by user, and the top users, by name', async () => {
    const run = await runCli(['dashboard', '--json', '--now', NOW, file]);
    expect(run.code).toBe(0);
    const dashboard = JSON.parse(run.stdout);
    const expected = new Map(NAMES.map((name, i) => [name, limited(i)]));
    expect(entries(dashboard.rateLimits.byFeature)).toEqual(expected);
    expect(entries(dashboard.rateLimits.byUser)).toEqual(expected);
    const users = new Map((dashboard.topUsers as { user: string; calls: number }[]).map((user) => [user.user, user.calls]));
    expect(users).toEqual(new Map(NAMES.map((name, i) => [name, calls(i)])));
  });

  it('trend --by feature: a series per name with its calls', async () => {
    const run = await runCli(['trend', '--json', '--now', NOW, '--by', 'feature', file]);
    expect(run.code).toBe(0);
    const series = JSON.parse(run.stdout).series as { key: Record<string, string>; days: { calls: number }[] }[];
    const byName = new Map(series.map((one) => [Object.getOwnPropertyDescriptor(one.key, 'feature')?.value, one.days.reduce((sum, day) => sum + day.calls, 0)]));
    expect(byName).toEqual(new Map(NAMES.map((name, i) => [name, calls(i)])));
  });

  it.each(['feature', 'user'])('alerts --by %s: every name is a scope with its own 429 count', async (by) => {
    const run = await runCli(['alerts', '--json', '--now', NOW, '--by', by, file]);
    const document = JSON.parse(run.stdout);
    const rateLimited = (document.evaluations as { rule: string; scope: object; value: number | null }[]).filter((evaluation) => evaluation.rule === 'rate_limited');
    const byScope = new Map(rateLimited.map((evaluation) => [Object.getOwnPropertyDescriptor(evaluation.scope, by)?.value ?? 'ALL', evaluation.value]));
    // The rate_limited window is (now − 5 min, now]: calls 1 to 4 minutes before now, every other one a 429.
    const inWindow = (i: number): number => Array.from({ length: calls(i) }, (_, call) => call).filter((call) => call % 2 === 0 && call + 1 < 5).length;
    expect(byScope).toEqual(new Map<string, number | null>([['ALL', NAMES.reduce((sum, _, i) => sum + inWindow(i), 0)], ...NAMES.map((name, i): [string, number] => [name, inWindow(i)])]));
    expect(run.code).toBe(2); // 429s fire the rule
  });
});

/**
 * The ratelimit_headroom rule of `claude-mon alerts`: each configured limit's use in the peak clock minute of the
 * last hour, against per-minute sums worked out by hand (the window's edge, cache reads counted on Haiku 3.5 and not
 * on Sonnet, batch calls and 429s left out, ties to the earliest minute), the same figures as `limits --since 1h`,
 * its drivers, its settings, Nagios perfdata, a checkpoint's two runs, and --follow.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, runCli, temporaryDirectory } from '../helpers.js';
import { type Call, HAIKU_35, line } from './rateLimitCalls.js';
import { schemaErrors } from './schema.js';

const NOW = '2026-11-26T12:00:00.000Z';
function write(directory: string, name: string, content: string): string {
  const file = path.join(directory, name);
  writeFileSync(file, content);
  return file;
}

interface Evaluation {
  rule: string;
  scope: Record<string, string>;
  state: string;
  value: number | null;
  threshold: number | null;
  window: string;
  sample: { calls: number; rateLimited?: number; peak?: number; limit?: number; peakAt?: string };
  drivers: { dimension: string; value: string; amount: number; share: number }[];
  reason: string | null;
}

async function headroom(args: string[]): Promise<{ evaluations: Evaluation[]; code: number; stdout: string }> {
  const run = await runCli(['alerts', '--json', ...args]);
  expect(run.stderr).toBe('');
  expect(schemaErrors('alerts', run.stdout)).toEqual([]);
  const document = JSON.parse(run.stdout) as { evaluations: Evaluation[] };
  return { evaluations: document.evaluations.filter((evaluation) => evaluation.rule === 'ratelimit_headroom'), code: run.code, stdout: run.stdout };
}

const LIMITS = {
  limits: {
    'claude-sonnet-4-5': { rpm: 50, itpm: 24_000 },
    'claude-3-5-haiku': { itpm: 4_500 },
    // No call of Opus 4.x in the hour.
    'claude-opus-4.x': { otpm: 8_000 },
  },
};

/**
 * By hand, for the hour (11:00, 12:00]:
 * - Sonnet 4.x ITPM: 11:30 is 10,000 + 2,000 cache writes (chat/ann) + 8,000 (search/bob; its 50,000 cache reads
 *   do not count) = 20,000; 11:50 the same 20,000 (a tie: the earliest wins); a batch call of 100,000 at 11:30 and a
 *   429 at 11:30 count for nothing; 90,000 at 11:00:00.000 is on the window's open edge, outside. 20,000 / 24,000.
 * - Sonnet 4.x RPM: 3 calls at 11:30 and at 11:50 (not the batch call, not the 429): 3 / 50.
 * - Haiku 3.5 ITPM: 11:40 is 1,000 input + 3,000 cache reads (they count on Haiku 3.5) = 4,000 / 4,500.
 */
const HOUR: Call[] = [
  { at: '11:00:00.000', input: 90_000 },
  { at: '11:30:05', input: 10_000, cacheWrite: 2_000 },
  { at: '11:30:40', feature: 'search', user: 'bob', input: 8_000, cacheRead: 50_000 },
  { at: '11:30:50', feature: 'search', user: 'bob' },
  { at: '11:30:20', input: 100_000, batch: true },
  { at: '11:30:30', input: 50_000, limited: true },
  { at: '11:40:10', model: HAIKU_35, feature: 'extract', user: 'cy', input: 1_000, cacheRead: 3_000 },
  { at: '11:50:00', feature: 'search', user: 'bob', input: 12_000 },
  { at: '11:50:30', input: 8_000 },
  { at: '11:50:59.999', input: 0 },
];

describe('the ratelimit_headroom alert rule', () => {
  it('fires when the peak minute of the hour uses more than 80% of a configured limit, with hand-computed sums', async () => {
    const directory = temporaryDirectory();
    const config = write(directory, 'config.json', JSON.stringify(LIMITS));
    const log = write(directory, 'app.jsonl', HOUR.map(line).join(''));
    const { evaluations, code } = await headroom(['--now', NOW, '--config', config, log]);
    const byScope = Object.fromEntries(evaluations.map((evaluation) => [`${evaluation.scope['class']} ${evaluation.scope['limit']}`, evaluation]));
    expect(Object.keys(byScope)).toEqual(['claude-3-5-haiku-20241022 itpm', 'claude-opus-4.x otpm', 'claude-sonnet-4.x rpm', 'claude-sonnet-4.x itpm']);

    const itpm = byScope['claude-sonnet-4.x itpm'] as Evaluation;
    expect(itpm).toMatchObject({ state: 'firing', value: 20_000 / 24_000, threshold: 0.8, window: '1h' });
    expect(itpm.sample).toEqual({ calls: 6, rateLimited: 1, peak: 20_000, limit: 24_000, peakAt: '2026-11-26T11:30:00.000Z' });
    // Who drove 11:30: chat (ann) 12,000 of 20,000, search (bob) 8,000; the model is the same for all, so not named.
    expect(itpm.drivers).toEqual([
      { dimension: 'feature', value: 'chat', amount: 12_000, share: 0.6 },
      { dimension: 'feature', value: 'search', amount: 8_000, share: 0.4 },
      { dimension: 'user', value: 'ann', amount: 12_000, share: 0.6 },
      { dimension: 'user', value: 'bob', amount: 8_000, share: 0.4 },
    ]);
    expect(byScope['claude-sonnet-4.x rpm']).toMatchObject({ state: 'ok', value: 3 / 50, sample: { peak: 3, peakAt: '2026-11-26T11:30:00.000Z' }, drivers: [] });
    expect(byScope['claude-3-5-haiku-20241022 itpm']).toMatchObject({ state: 'firing', value: 4_000 / 4_500, sample: { calls: 1, peak: 4_000 } });
    expect(byScope['claude-opus-4.x otpm']).toMatchObject({ state: 'no_data', value: null, reason: 'no calls of claude-opus-4.x in the window' });
    expect(code).toBe(1); // warning
  });

  it('gives the same use as `limits --since 1h` at every now, on the bundled burst', async () => {
    const config = fixture('limits/claude-mon.config.json');
    const log = fixture('limits/burst.jsonl');
    for (const now of ['2026-11-26T09:30:30Z', '2026-11-26T09:45:00Z', '2026-11-26T10:29:59Z', '2026-11-26T10:31:00Z']) {
      const { evaluations } = await headroom(['--now', now, '--config', config, log]);
      const limits = await runCli(['limits', '--json', '--since', '1h', '--now', now, '--config', config, log]);
      const groups = (JSON.parse(limits.stdout) as { groups: { key: { class: string }; [kind: string]: unknown }[] }).groups;
      for (const evaluation of evaluations) {
        const group = groups.find((candidate) => candidate.key.class === evaluation.scope['class']);
        const figures = group?.[evaluation.scope['limit'] as string] as { peak: number; peakAt: string; utilization: number } | undefined;
        if (figures === undefined) {
          expect(evaluation.state, now).toBe('no_data');
          continue;
        }
        expect({ value: evaluation.value, peak: evaluation.sample.peak, peakAt: evaluation.sample.peakAt }, now).toEqual({ value: figures.utilization, peak: figures.peak, peakAt: figures.peakAt });
      }
      expect(evaluations.length, now).toBe(3);
    }
  });

  it('takes its threshold, window and severity from the config, and is not evaluated without limits', async () => {
    const directory = temporaryDirectory();
    const log = write(directory, 'app.jsonl', HOUR.map(line).join(''));
    const tuned = write(directory, 'tuned.json', JSON.stringify({ ...LIMITS, rules: { ratelimit_headroom: { threshold: 0.85, window: '15m', severity: 'critical' } } }));
    const { evaluations, code } = await headroom(['--now', NOW, '--config', tuned, log]);
    const itpm = evaluations.find((evaluation) => evaluation.scope['class'] === 'claude-sonnet-4.x' && evaluation.scope['limit'] === 'itpm') as Evaluation;
    // 15 minutes back from 12:00 leave 11:50 only: the same peak, now at 11:50; 83% is under 85%.
    expect(itpm).toMatchObject({ state: 'ok', window: '15m', threshold: 0.85, sample: { peakAt: '2026-11-26T11:50:00.000Z' } });
    expect(evaluations.find((evaluation) => evaluation.scope['class'] === HAIKU_35)).toMatchObject({ state: 'no_data' });
    expect(code).toBe(0);

    const none = await headroom(['--now', NOW, '--config', write(directory, 'none.json', '{}'), log]);
    expect(none.evaluations).toEqual([]);
    const off = write(directory, 'off.json', JSON.stringify({ ...LIMITS, rules: { ratelimit_headroom: { enabled: false } } }));
    expect((await headroom(['--now', NOW, '--config', off, log])).evaluations).toEqual([]);
  });

  it('reads --since as its window, is insufficient for a class with only 429s, and backtests', async () => {
    const directory = temporaryDirectory();
    const config = write(directory, 'config.json', JSON.stringify(LIMITS));
    const onlyLimited: Call[] = [{ at: '11:58:00', model: 'claude-opus-4-1', limited: true }];
    const log = write(directory, 'app.jsonl', [...HOUR, ...onlyLimited].map(line).join(''));
    const { evaluations } = await headroom(['--now', NOW, '--since', '20m', '--config', config, log]);
    const sonnet = evaluations.find((evaluation) => evaluation.scope['class'] === 'claude-sonnet-4.x' && evaluation.scope['limit'] === 'itpm');
    expect(sonnet).toMatchObject({ window: '20m', sample: { peak: 20_000, peakAt: '2026-11-26T11:50:00.000Z' } });
    expect(evaluations.find((evaluation) => evaluation.scope['class'] === 'claude-opus-4.x')).toMatchObject({
      state: 'insufficient',
      value: null,
      sample: { calls: 0, rateLimited: 1 },
      reason: 'no call of claude-opus-4.x served in the window, 1 rate-limited: no use to measure (rate_limited judges them)',
    });

    const backtest = await runCli(['alerts', '--json', '--backtest', '--from', '2026-11-26T11:00Z', '--to', NOW, '--step', '10m', '--config', config, log]);
    expect(schemaErrors('backtest', backtest.stdout)).toEqual([]);
    const intervals = (JSON.parse(backtest.stdout) as { intervals: { rule: string; scope: Record<string, string> }[] }).intervals;
    // The 90,000 tokens of 11:00:00.000 are in the hours of the steps from 11:00 to 11:50 (375%); at 12:00 they are on
    // the window's open edge, and 11:30 (83%) keeps it firing: one interval, every step.
    expect(intervals.filter((interval) => interval.rule === 'ratelimit_headroom' && interval.scope['class'] === 'claude-sonnet-4.x')).toEqual([
      expect.objectContaining({ scope: { class: 'claude-sonnet-4.x', limit: 'itpm' }, start: '2026-11-26T11:00:00.000Z', end: NOW, steps: 7, peak: 90_000 / 24_000 }),
    ]);
  });

  it('carries each configured limit\'s use in Nagios perfdata, and says who drove it', async () => {
    const directory = temporaryDirectory();
    const config = write(directory, 'config.json', JSON.stringify(LIMITS));
    const log = write(directory, 'app.jsonl', HOUR.map(line).join(''));
    const run = await runCli(['alerts', '--format', 'nagios', '--now', NOW, '--config', config, log]);
    const [status = '', ...details] = run.stdout.trimEnd().split('\n');
    expect(status).toMatch(/^CLAUDE-MON WARNING - /);
    expect(status).toContain("'ratelimit_headroom:claude-sonnet-4.x:itpm'=0.833333;0.8;;0;");
    expect(status).toContain("'ratelimit_headroom:claude-sonnet-4.x:rpm'=0.06;0.8;;0;");
    expect(details).toContain(
      'FIRING warning: ratelimit_headroom class=claude-sonnet-4.x,limit=itpm 83.3% > 80.0% (6 calls, 1h) peak 20,000 of 24,000 ITPM at 2026-11-26 11:30 UTC; feature chat 60%, feature search 40%, user ann 60%, user bob 40%',
    );
    expect(run.code).toBe(1);
  });

  it('with --checkpoint, two runs over a growing log give what one run over all of it gives', async () => {
    const directory = temporaryDirectory();
    const config = write(directory, 'config.json', JSON.stringify(LIMITS));
    const log = write(directory, 'app.jsonl', HOUR.slice(0, 5).map(line).join(''));
    const checkpoint = path.join(directory, 'alerts.checkpoint');
    await headroom(['--now', '2026-11-26T11:35:00Z', '--checkpoint', checkpoint, '--config', config, log]);
    appendFileSync(log, HOUR.slice(5).map(line).join(''));
    const second = await headroom(['--now', NOW, '--checkpoint', checkpoint, '--config', config, log]);
    const once = await headroom(['--now', NOW, '--config', config, log]);
    expect(second.evaluations).toEqual(once.evaluations);
    expect(second.evaluations.filter((evaluation) => evaluation.state === 'firing')).toHaveLength(2);
  });

  it('with --follow, fires when the burst comes and resolves when its minute has left the hour', async () => {
    const directory = temporaryDirectory();
    const config = write(directory, 'config.json', JSON.stringify(LIMITS));
    // A call a minute from 10:00 to 12:29, 1,000 input tokens each, and one of 20,000 at 10:30 (feature import; every
    // call is ann's, so no user is named).
    const calls: Call[] = [];
    for (let minute = 0; minute < 150; minute++) {
      const at = `${String(10 + Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:10`;
      calls.push({ at, input: minute === 30 ? 20_000 : 1_000, feature: minute === 30 ? 'import' : 'chat' });
    }
    const run = await runCli(['alerts', '--follow', '--now', 'latest', '--interval', '1m', '--config', config], { stdin: calls.map(line).join('') });
    const events = run.stdout.split('\n').filter((text) => /Z (FIRING warning|RESOLVED) ratelimit_headroom /.test(text));
    expect(events).toEqual([
      expect.stringMatching(/^2026-11-26T10:3[01]:\d\d\.000Z FIRING warning ratelimit_headroom class=claude-sonnet-4\.x,limit=itpm 83\.3% > 80\.0% \(\d+ calls, 1h\) peak 20,000 of 24,000 ITPM at 2026-11-26 10:30 UTC; feature import 100%$/),
      expect.stringMatching(/^2026-11-26T11:3[01]:\d\d\.000Z RESOLVED ratelimit_headroom class=claude-sonnet-4\.x,limit=itpm now ok: 4\.2%$/),
    ]);
  });
});

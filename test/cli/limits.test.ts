/**
 * `claude-mon limits` against per-minute sums worked out by hand: a minute's edge, a 60 s window across two
 * minutes, cache reads counted on Haiku 3.5 and not on Sonnet, batch calls and 429s left out, ties to the earliest
 * minute and the first name, the configured limits by class and by model, and the same figures from split inputs.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, runCli, temporaryDirectory } from '../helpers.js';
import { type Call, HAIKU_35, line, SONNET } from './rateLimitCalls.js';
import { schemaErrors } from './schema.js';

function logOf(calls: readonly Call[], name = 'calls.jsonl'): string {
  const file = path.join(temporaryDirectory(), name);
  writeFileSync(file, calls.map(line).join(''));
  return file;
}

interface Figures {
  peak: number;
  peakAt: string;
  peakSliding: number;
  peakSlidingAt: string;
  p99: number;
  topFeature: { feature: string; share: number | null } | null;
  topUser: { user: string; share: number | null } | null;
  limit: number | null;
  utilization: number | null;
  headroom: number | null;
}
interface Remaining {
  requests: number | null;
  tokens: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
}
interface Limits {
  groups: { key: { class?: string; model?: string }; models: string[]; rpm: Figures; itpm: Figures; otpm: Figures }[];
  incidents: {
    kind: string;
    class?: string;
    start: string;
    end: string;
    count: number;
    lowestRemainingBefore: Remaining;
    lowestRemainingDuring: Remaining;
    minuteBefore: { rpm: number; itpm: number; otpm: number };
    topFeature: { feature: string; share: number | null } | null;
    topUser: { user: string; share: number | null } | null;
  }[];
}

async function limits(args: readonly string[]): Promise<Limits> {
  const run = await runCli(['limits', '--json', '--now', '2026-11-26T12:00:00Z', ...args]);
  expect(run.code, run.stderr).toBe(0);
  expect(schemaErrors('limits', run.stdout)).toEqual([]);
  return JSON.parse(run.stdout) as Limits;
}

describe('claude-mon limits', () => {
  it('sums each clock minute, its edge included in the next one', async () => {
    const log = logOf([
      { at: '10:00:59.999', input: 100, output: 10 },
      { at: '10:01:00.000', input: 300, output: 30 },
      { at: '10:01:59.000', input: 50, output: 5 },
    ]);
    const [group] = (await limits([log])).groups;
    expect(group?.key).toEqual({ class: 'claude-sonnet-4.x' });
    expect(group?.rpm).toMatchObject({ peak: 2, peakAt: '2026-11-26T10:01:00.000Z' });
    expect(group?.itpm).toMatchObject({ peak: 350, peakAt: '2026-11-26T10:01:00.000Z', p99: 350 });
    expect(group?.otpm).toMatchObject({ peak: 35, peakAt: '2026-11-26T10:01:00.000Z' });
  });

  it('finds the peak 60 s across two minutes, and ties at the earliest minute', async () => {
    // 10:00 and 10:01 hold 5 calls each: the peak minute is 10:00; from 10:00:30, 60 s hold all 10.
    const calls = [...Array.from({ length: 5 }, () => ({ at: '10:00:30', output: 1 })), ...Array.from({ length: 5 }, () => ({ at: '10:01:20', output: 1 }))];
    const [group] = (await limits([logOf(calls)])).groups;
    expect(group?.rpm).toMatchObject({ peak: 5, peakAt: '2026-11-26T10:00:00.000Z', peakSliding: 10, peakSlidingAt: '2026-11-26T10:00:30.000Z' });
    expect(group?.otpm).toMatchObject({ peak: 5, peakSliding: 10 });
  });

  it('counts cache reads towards ITPM on Haiku 3.5 and not on Sonnet; cache writes on both', async () => {
    const log = logOf([
      { at: '10:00:00', model: HAIKU_35, input: 100, cacheRead: 1000, cacheWrite: 10 },
      { at: '10:00:00', model: SONNET, input: 100, cacheRead: 1000, cacheWrite: 10 },
    ]);
    const groups = (await limits([log])).groups;
    expect(groups.map((group) => [group.key.class, group.itpm.peak])).toEqual([
      [HAIKU_35, 1110],
      ['claude-sonnet-4.x', 110],
    ]);
  });

  it('leaves out batch calls and 429s', async () => {
    const log = logOf([
      { at: '10:00:00', input: 100 },
      { at: '10:00:10', input: 9999, batch: true },
      { at: '10:00:20', limited: true },
      { at: '10:05:00', input: 10, batch: true },
    ]);
    const [group] = (await limits([log])).groups;
    expect(group?.rpm).toMatchObject({ peak: 1, p99: 1 });
    expect(group?.itpm).toMatchObject({ peak: 100, peakAt: '2026-11-26T10:00:00.000Z' });
  });

  it('names the feature and the user that drove the peak minute, ties to the first name', async () => {
    const log = logOf([
      { at: '10:00:01', feature: 'search', user: 'zoe', output: 30 },
      { at: '10:00:02', feature: 'chat', user: 'bob', output: 30 },
      { at: '10:00:03', feature: 'chat', user: 'amy', output: 30 },
      { at: '10:00:04', feature: 'search', user: 'abe', output: 10 },
      { at: '11:00:00', feature: 'extract', user: 'cy', output: 5 },
    ]);
    const [group] = (await limits([log])).groups;
    // Minute 10:00: chat 60, search 40; users amy, bob and zoe 30 each, abe 10: amy first by name.
    expect(group?.otpm.topFeature).toEqual({ feature: 'chat', share: 0.6 });
    expect(group?.otpm.topUser).toEqual({ user: 'amy', share: 0.3 });
    // RPM: chat 2, search 2 calls: chat first by name; each user one call: abe.
    expect(group?.rpm.topFeature).toEqual({ feature: 'chat', share: 0.5 });
    expect(group?.rpm.topUser).toEqual({ user: 'abe', share: 0.25 });
    // The 99th percentile of two minutes (4 and 1 calls) is the higher.
    expect(group?.rpm.p99).toBe(4);
  });

  it('gives the utilization and headroom of configured limits, by class or by a model of it, and per model with --by model', async () => {
    const log = logOf([
      { at: '10:00:00', model: 'claude-sonnet-4-5', input: 20_000, output: 2000 },
      { at: '10:00:30', model: 'claude-sonnet-4-20250514', input: 4000, output: 2000 },
    ]);
    const config = path.join(temporaryDirectory(), 'claude-mon.config.json');
    writeFileSync(config, JSON.stringify({ limits: { 'claude-sonnet-4-5': { rpm: 50, itpm: 30_000, otpm: 8000 }, 'claude-sonnet-4-0': { itpm: 10_000 } } }));
    const [pool] = (await limits(['--config', config, log])).groups;
    expect(pool?.models).toEqual(['claude-sonnet-4-20250514', 'claude-sonnet-4-5']);
    expect(pool?.itpm).toMatchObject({ peak: 24_000, limit: 30_000, utilization: 0.8, headroom: 6000 });
    expect(pool?.rpm).toMatchObject({ peak: 2, limit: 50, utilization: 0.04, headroom: 48 });
    const byModel = (await limits(['--config', config, '--by', 'model', log])).groups;
    expect(byModel.map((group) => [group.key.model, group.itpm.limit, group.itpm.utilization, group.otpm.limit])).toEqual([
      ['claude-sonnet-4-20250514', 10_000, 0.4, 8000],
      ['claude-sonnet-4-5', 30_000, 20_000 / 30_000, 8000],
    ]);
  });

  it('gives the same figures from the lines split over two files as from one', async () => {
    const calls: Call[] = [];
    for (let i = 0; i < 400; i++) {
      const seconds = (i * 37) % 3600;
      const at = `10:${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
      calls.push({ at, model: i % 5 === 0 ? HAIKU_35 : SONNET, feature: ['chat', 'search', 'extract'][i % 3] as string, user: `u${i % 7}`, input: 100 + i, output: i % 50, cacheRead: i % 11 });
    }
    const whole = await limits([logOf(calls)]);
    const split = await limits([logOf(calls.filter((_, i) => i % 2 === 0), 'a.jsonl'), logOf(calls.filter((_, i) => i % 2 === 1), 'b.jsonl')]);
    expect(split.groups).toEqual(whole.groups);
    expect(whole.groups).toHaveLength(2);
  });

  it('reads piped logs as it reads the file (spooled, for its second pass)', async () => {
    const calls: Call[] = [{ at: '10:00:00', input: 10, user: 'ann' }, { at: '10:00:10', input: 20, user: 'bob' }];
    const file = await limits([logOf(calls)]);
    const run = await runCli(['limits', '--json', '--now', '2026-11-26T12:00:00Z'], { stdin: calls.map(line).join('') });
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as Limits).groups).toEqual(file.groups);
    expect(file.groups[0]?.itpm.topUser).toEqual({ user: 'bob', share: 20 / 30 });
    // What it says of the input names stdin, not the file it was spooled to.
    for (const now of ['2026-11-26T12:00:00Z', 'latest']) {
      const bad = await runCli(['limits', '--now', now], { stdin: `${calls.map(line).join('')}{"timestamp":"2026-11-26T10:00:20Z","input_tokens":-5}\n` });
      expect(bad.stderr).toContain('first at stdin:3 ');
    }
  });

  it('shows the burst of the bundled fixture: the batch feature and user over the configured ITPM', async () => {
    const [group] = (await limits(['--config', fixture('limits/claude-mon.config.json'), fixture('limits/burst.jsonl')])).groups;
    expect(group?.itpm.topFeature?.feature).toBe('nightly_digest');
    expect(group?.itpm.topUser?.user).toBe('batch-runner');
    expect(group?.itpm.utilization).toBeGreaterThan(1);
    expect(group?.itpm.peakSliding).toBeGreaterThanOrEqual(group?.itpm.peak as number);
    for (const format of ['csv', 'markdown', 'table']) {
      const run = await runCli(['limits', '--format', format, '--now', '2026-11-26T12:00:00Z', '--config', fixture('limits/claude-mon.config.json'), fixture('limits/burst.jsonl')]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout, format).toContain('batch-runner');
    }
  });

  it('makes one incident of 429s less than 2 minutes apart, with the headers before and during it and the 60 s before it', async () => {
    const log = logOf([
      { at: '09:50:00', input: 5, remainingInput: 10 }, // more than 5 minutes before: not "before"
      { at: '09:57:00', input: 5, remainingInput: 1000 },
      { at: '09:58:50', input: 100, feature: 'chat', user: 'ann' }, // more than 60 s before the first 429
      { at: '09:59:10', input: 500, feature: 'digest', user: 'batch' },
      { at: '09:59:30', input: 300, output: 7, feature: 'chat', user: 'ann' },
      { at: '10:00:00', limited: true, remainingInput: 0 },
      { at: '10:00:10', limited: true, error: 'enforced_spend_limit_reached' },
      { at: '10:01:30', limited: true, remainingInput: 40 }, // 90 s after the last: the same incident
      { at: '10:04:00', limited: true }, // 150 s after: a new one
    ]);
    const { incidents } = await limits([log]);
    expect(incidents.map((incident) => [incident.kind, incident.start, incident.end, incident.count])).toEqual([
      ['burst', '2026-11-26T10:00:00.000Z', '2026-11-26T10:01:30.000Z', 2],
      ['spend_limit', '2026-11-26T10:00:10.000Z', '2026-11-26T10:00:10.000Z', 1],
      ['burst', '2026-11-26T10:04:00.000Z', '2026-11-26T10:04:00.000Z', 1],
    ]);
    const [first] = incidents;
    expect(first?.class).toBe('claude-sonnet-4.x');
    expect(first?.lowestRemainingBefore.inputTokens).toBe(1000);
    expect(first?.lowestRemainingDuring.inputTokens).toBe(0);
    // The 60 s before 10:00:00: the calls of 09:59:10 and 09:59:30.
    expect(first?.minuteBefore).toEqual({ rpm: 2, itpm: 800, otpm: 7 });
    expect(first?.topFeature).toEqual({ feature: 'digest', share: 500 / 800 });
    expect(first?.topUser).toEqual({ user: 'batch', share: 500 / 800 });
  });

  it('puts the same use of the configured limits in the dashboard\'s 429 panel, and none from states', async () => {
    const config = fixture('limits/claude-mon.config.json');
    const log = fixture('limits/burst.jsonl');
    const [group] = (await limits(['--config', config, log])).groups;
    const run = await runCli(['dashboard', '--json', '--now', '2026-11-26T12:00:00Z', '--config', config, log]);
    expect(run.code, run.stderr).toBe(0);
    expect(schemaErrors('dashboard', run.stdout)).toEqual([]);
    const uses = (JSON.parse(run.stdout) as { rateLimits: { utilization: { class: string; limit: 'rpm' | 'itpm' | 'otpm'; configured: number; peak: number; peakAt: string; utilization: number }[] } }).rateLimits.utilization;
    expect(uses.map((use) => use.limit)).toEqual(['rpm', 'itpm', 'otpm']);
    for (const use of uses) {
      const figures = group?.[use.limit];
      expect(use).toEqual({ class: group?.key.class, limit: use.limit, configured: figures?.limit, peak: figures?.peak, peakAt: figures?.peakAt, utilization: figures?.utilization });
    }
    const state = path.join(temporaryDirectory(), 'burst.cmstate');
    expect((await runCli(['fold', '-q', '--now', '2026-11-26T12:00:00Z', '-o', state, log])).code).toBe(0);
    const fromState = await runCli(['dashboard', '--json', '--now', '2026-11-26T12:00:00Z', '--config', config, state]);
    expect(fromState.code, fromState.stderr).toBe(0);
    expect((JSON.parse(fromState.stdout) as { rateLimits: { utilization: unknown } }).rateLimits.utilization).toBeNull();
  });

  it('takes the 99th percentile over the minutes with calls by nearest rank', async () => {
    // Minute i of 150 holds i + 1 calls: rank ⌈0.99 × 150⌉ = 149 holds 149.
    const calls: Call[] = [];
    for (let minute = 0; minute < 150; minute++) {
      const at = `${String(8 + Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
      for (let i = 0; i <= minute; i++) calls.push({ at: `${at}:${String(i % 60).padStart(2, '0')}`, output: 1 });
    }
    const [group] = (await limits([logOf(calls)])).groups;
    expect(group?.rpm).toMatchObject({ peak: 150, p99: 149, peakAt: '2026-11-26T10:29:00.000Z' });
  });

  it('counts an incident\'s 60 s before in whole seconds, and the headers of its first second as during it', async () => {
    const log = logOf([
      { at: '09:58:59.900', input: 1000, feature: 'early' }, // before the 60 s
      { at: '09:59:00.200', input: 7, feature: 'chat' },
      { at: '09:59:00.700', input: 100, feature: 'digest' },
      { at: '09:59:59.900', input: 1, remainingInput: 50 },
      { at: '10:00:00.100', input: 1, remainingInput: 5 }, // the first 429's second: during
      { at: '10:00:00.500', limited: true },
      { at: '10:00:00.700', input: 2000, feature: 'late' }, // after the first 429
      { at: '10:00:30', limited: true, batch: true }, // a batch call's 429: not the API's own limits
    ]);
    const { incidents } = await limits([log]);
    expect(incidents).toHaveLength(1);
    const [incident] = incidents;
    expect(incident?.count).toBe(1);
    expect(incident?.minuteBefore).toEqual({ rpm: 3, itpm: 108, otpm: 0 });
    expect(incident?.topFeature).toEqual({ feature: 'digest', share: 100 / 108 });
    expect(incident?.lowestRemainingBefore.inputTokens).toBe(50);
    expect(incident?.lowestRemainingDuring.inputTokens).toBe(5);
  });

  it('shows the incidents of an input of nothing but 429s', async () => {
    const log = logOf([{ at: '10:00:00', limited: true }, { at: '10:00:20', limited: true }]);
    const json = await limits([log]);
    expect(json.groups).toEqual([]);
    expect(json.incidents.map((incident) => incident.count)).toEqual([2]);
    const table = await runCli(['limits', '--now', '2026-11-26T12:00:00Z', log]);
    expect(table.stdout).toContain('Incidents: 429s less than 2 minutes apart (1)');
  });

  it('pools Opus 4.x across versions, a spelling the price table does not know included, and counts Haiku 3 cache reads', async () => {
    const log = logOf([
      { at: '10:00:00', model: 'claude-opus-4-1-20250805', input: 10 },
      { at: '10:00:01', model: 'anthropic/claude-opus-4-9', input: 20 },
      { at: '10:00:02', model: 'claude-3-haiku-20240307', input: 1, cacheRead: 100 },
    ]);
    const groups = (await limits([log])).groups;
    expect(groups.map((group) => [group.key.class, group.models, group.itpm.peak])).toEqual([
      ['claude-3-haiku-20240307', ['claude-3-haiku-20240307'], 101],
      ['claude-opus-4.x', ['anthropic/claude-opus-4-9', 'claude-opus-4-1-20250805'], 30],
    ]);
  });

  it('takes a class\'s own key before another model\'s of the class, whatever the order of the config', async () => {
    const log = logOf([
      { at: '10:00:00', model: 'claude-sonnet-4-5', input: 5000 },
      { at: '10:00:30', model: 'claude-sonnet-4-20250514', input: 1000 },
    ]);
    const config = path.join(temporaryDirectory(), 'claude-mon.config.json');
    writeFileSync(config, JSON.stringify({ limits: { 'claude-sonnet-4-0': { itpm: 10_000 }, 'claude-sonnet-4.x': { itpm: 50_000 } } }));
    expect((await limits(['--config', config, log])).groups[0]?.itpm.limit).toBe(50_000);
    const byModel = (await limits(['--config', config, '--by', 'model', log])).groups;
    expect(byModel.map((group) => [group.key.model, group.itpm.limit])).toEqual([
      ['claude-sonnet-4-20250514', 10_000],
      ['claude-sonnet-4-5', 50_000],
    ]);
    writeFileSync(config, JSON.stringify({ limits: { 'claude-sonnet-4-5': { rpm: 0 } } }));
    const bad = await runCli(['limits', '--config', config, log]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('limits.claude-sonnet-4-5.rpm');
  });
});

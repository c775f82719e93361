import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { fixture, ROOT, runCli, temporaryDirectory } from '../helpers.js';
import { schemaErrors } from './schema.js';

const BIN = path.join(ROOT, 'bin', 'claude-mon.cjs');

/** A running `claude-mon alerts --follow`, fed through a real pipe; stdout lines with the time they arrived. */
function follow(args: string[], nodeFlags: string[] = []) {
  const child = spawn('node', [...nodeFlags, BIN, 'alerts', '--follow', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: { at: number; text: string }[] = [];
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const text of parts) lines.push({ at: Date.now(), text });
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const write = (record: Record<string, unknown>): boolean => child.stdin.write(`${JSON.stringify(record)}\n`);
  return { child, lines, write, exited, stderr: () => stderr };
}

async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (predicate()) return true;
    await sleep(50);
  }
  return predicate();
}

describe('claude-mon alerts --follow', () => {
  it('prints a firing line within an interval of the incident, a resolved line after it, and the final state on SIGTERM', async () => {
    const config = path.join(temporaryDirectory(), 'claude-mon.config.json');
    writeFileSync(
      config,
      JSON.stringify({
        rules: {
          error_rate: { window: '3s', minCalls: 5 },
          rate_limited: { enabled: false },
          p95_latency: { enabled: false },
          daily_cost: { enabled: false },
        },
      }),
    );
    const run = follow(['--interval', '500ms', '--config', config]);
    const call = (failed: boolean) =>
      run.write({
        timestamp: new Date().toISOString(),
        feature: 'chat',
        latency_ms: 300,
        ...(failed ? { error: 'InternalServerError', error_status: 500 } : {}),
      });
    for (let i = 0; i < 20; i++) {
      call(false);
      await sleep(50);
    }
    expect(run.lines.filter((line) => line.text.includes('FIRING'))).toEqual([]);

    const incident = Date.now();
    for (let i = 0; i < 10; i++) call(true);
    const fired = await waitFor(() => run.lines.some((line) => line.text.includes('FIRING critical error_rate')), 5000);
    expect(fired, run.stderr()).toBe(true);
    const firing = run.lines.find((line) => line.text.includes('FIRING critical error_rate all')) ?? run.lines[0];
    // Within one interval (500 ms), plus slack for a loaded machine — far below any batching delay.
    expect((firing?.at ?? Infinity) - incident).toBeLessThan(500 + 2500);
    expect(firing?.text).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z FIRING critical error_rate all \d+\.\d% > 5\.0% \(\d+ calls, 3s\)/);

    // Healthy calls only: the failures leave the 3-second window and the rule resolves.
    const resolved = await (async () => {
      const deadline = Date.now() + 8000;
      while (Date.now() < deadline) {
        call(false);
        if (run.lines.some((line) => line.text.includes('RESOLVED error_rate all'))) return true;
        await sleep(100);
      }
      return false;
    })();
    expect(resolved, run.lines.map((line) => line.text).join('\n')).toBe(true);
    expect(run.lines.find((line) => line.text.includes('RESOLVED error_rate all'))?.text).toMatch(/RESOLVED error_rate all now ok: \d+\.\d%$/);

    run.child.kill('SIGTERM');
    const code = await run.exited;
    expect(code).toBe(0);
    expect(run.lines.some((line) => line.text.startsWith('claude-mon alerts · ') && line.text.includes('OK: nothing firing'))).toBe(true);
  }, 30_000);

  it('follows a growing file (with --now latest, at the pace of its own timestamps) and exits 2 on SIGINT while critical', async () => {
    const file = path.join(temporaryDirectory(), 'app.jsonl');
    const start = Date.UTC(2026, 10, 26, 10);
    const line = (i: number, failed: boolean): string =>
      `${JSON.stringify({ timestamp: new Date(start + i * 1000).toISOString(), feature: 'chat', latency_ms: 200, ...(failed ? { error_status: 500 } : {}) })}\n`;
    writeFileSync(file, Array.from({ length: 100 }, (_, i) => line(i, false)).join(''));
    const run = follow(['--now', 'latest', '--interval', '300ms', file]);
    await sleep(800);
    expect(run.lines.some((l) => l.text.includes('FIRING'))).toBe(false);
    appendFileSync(file, Array.from({ length: 30 }, (_, i) => line(100 + i, true)).join(''));
    const fired = await waitFor(() => run.lines.some((l) => l.text.includes('FIRING critical error_rate all')), 5000);
    expect(fired, run.stderr()).toBe(true);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(2);
    expect(run.lines.some((l) => l.text.includes('CRITICAL: 2 critical, 0 warning firing'))).toBe(true);
  }, 30_000);

  it('with --json, prints one JSON object per line: the events, then the final state when the input ends', async () => {
    const run = await runCli(['alerts', '--follow', '--json', '--now', 'latest'], { stdin: readFileSync(fixture('envelopes/bare.jsonl')) });
    expect(run.code).toBe(1); // a 429: warning
    const lines = run.stdout.trimEnd().split('\n');
    const documents = lines.map((line) => JSON.parse(line) as { kind: string; event?: string; rule?: string });
    expect(documents.slice(0, -1).every((d) => d.kind === 'alert_event')).toBe(true);
    expect(documents.some((d) => d.event === 'firing' && d.rule === 'rate_limited')).toBe(true);
    expect(documents.at(-1)?.kind).toBe('alerts');
    expect(schemaErrors('alerts', lines.at(-1) as string)).toEqual([]);
  });

  it('with --now latest, evaluates on the records\' own clock: a fast replay fires and resolves like the live run', async () => {
    const start = Date.UTC(2026, 10, 26, 10);
    const lines = Array.from({ length: 3600 }, (_, i) =>
      JSON.stringify({
        timestamp: new Date(start + i * 1000).toISOString(),
        feature: 'chat',
        latency_ms: 200,
        // Half the calls of minutes 30–34 fail.
        ...(i >= 1800 && i < 2100 && i % 2 === 0 ? { error_status: 503, error: 'APIStatusError' } : {}),
      }),
    );
    const run = await runCli(['alerts', '--follow', '--now', 'latest', '--interval', '1m'], { stdin: `${lines.join('\n')}\n` });
    const events = run.stdout.split('\n').filter((line) => / (FIRING|RESOLVED) /.test(line));
    expect(events[0]).toMatch(/^2026-11-26T10:3[0-4]:\d\d\.000Z FIRING critical error_rate all /);
    expect(events).toContainEqual(expect.stringMatching(/^2026-11-26T10:4[0-9]:\d\d\.000Z RESOLVED error_rate all now ok/));
    expect(run.code).toBe(0);
  });

  it('keeps memory flat over a long stream: old records expire (RSS sampled from /proc)', async () => {
    // --now latest: the clock is the records' time, evaluated every 10 minutes of it. A heap capped at 128 MB keeps
    // the garbage collector from letting RSS drift up (Node 24 collects later than 20), and makes a leak fatal.
    const run = follow(['--now', 'latest', '--interval', '10m', '--quiet-ok', '-q', '--no-dedupe'], ['--max-old-space-size=128', '--max-semi-space-size=8']);
    const start = Date.UTC(2026, 0, 1);
    const features = ['chat', 'search', 'extract', 'doc_summary'];
    const rssKiB = (): number => {
      const status = readFileSync(`/proc/${run.child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    };
    const samples: number[] = [];
    const total = 800_000;
    const batch = 4000;
    for (let sent = 0; sent < total; sent += batch) {
      // 40 days of log time, a call every 4.3 s: far past the longest window (7 days of baseline + today).
      const lines: string[] = [];
      for (let i = sent; i < sent + batch; i++) {
        lines.push(
          JSON.stringify({
            timestamp: new Date(start + i * 4320).toISOString(),
            request_id: `r${i}`,
            user_id: `user-${i % 500}`,
            feature: features[i % 4],
            model: 'claude-haiku-4-5',
            input_tokens: 500,
            output_tokens: 100,
            latency_ms: 300 + (i % 700),
          }),
        );
      }
      if (!run.child.stdin.write(`${lines.join('\n')}\n`)) await new Promise((resolve) => run.child.stdin.once('drain', resolve));
      if ((sent / batch) % 10 === 9) samples.push(rssKiB());
    }
    run.child.stdin.end();
    expect(await run.exited).toBe(0);
    // After the first quarter the retained days are full; from there the footprint must not keep growing. A leak of
    // even 100 bytes a record would add 40 MB over the second half; the medians of each half ride out the garbage
    // collector's swings.
    const settled = samples.slice(Math.floor(samples.length / 4));
    const half = Math.floor(settled.length / 2);
    const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
    const earlier = median(settled.slice(0, half));
    const later = median(settled.slice(half));
    expect(later / earlier, samples.join(' ')).toBeLessThan(1.2);
  }, 60_000);
  it('--positions: a restart restores the windows and the rules firing, reads what was written while down once, and says when a rule resolved meanwhile', async () => {
    const directory = temporaryDirectory();
    const config = path.join(directory, 'claude-mon.config.json');
    writeFileSync(config, JSON.stringify({ rules: { error_rate: { window: '1h', minCalls: 5 }, rate_limited: { enabled: false }, p95_latency: { enabled: false }, daily_cost: { enabled: false } } }));
    const log = path.join(directory, 'calls.jsonl');
    const positions = path.join(directory, 'follow.positions');
    const calls = (count: number, failed: boolean): string =>
      Array.from({ length: count }, () => `${JSON.stringify({ timestamp: new Date().toISOString(), feature: 'chat', latency_ms: 300, ...(failed ? { error: 'InternalServerError', error_status: 500 } : {}) })}\n`).join('');
    const args = ['--interval', '200ms', '--config', config, '--json', '--positions', positions, log];
    const events = (run: ReturnType<typeof follow>, kind: string) => run.lines.filter((line) => line.text.includes(`"event":"${kind}"`) && line.text.includes('"scope":{}'));
    writeFileSync(log, calls(10, false) + calls(10, true));

    const first = follow(args);
    expect(await waitFor(() => events(first, 'firing').length === 1, 10_000), first.stderr()).toBe(true);
    first.child.kill('SIGTERM');
    await first.exited;

    // Restarted with nothing new: the rule is still firing, and it is not said again.
    const second = follow(args);
    await sleep(1500);
    second.child.kill('SIGTERM');
    await second.exited;
    expect(events(second, 'firing')).toEqual([]);
    const state = JSON.parse(second.lines.at(-1)?.text ?? '{}');
    expect(state.evaluations.find((e: { rule: string; scope: object; sample: { calls: number } }) => e.rule === 'error_rate' && Object.keys(e.scope).length === 0)?.sample.calls).toBe(20);

    // Written while it was down, then rotated: 180 healthy calls bring the rate to 5% or below; read once.
    appendFileSync(log, calls(100, false));
    renameSync(log, `${log}.1`);
    writeFileSync(log, calls(80, false));
    const third = follow(args);
    expect(await waitFor(() => events(third, 'resolved').length === 1, 10_000), third.stderr()).toBe(true);
    third.child.kill('SIGTERM');
    await third.exited;
    const last = JSON.parse(third.lines.at(-1)?.text ?? '{}');
    expect(last.evaluations.find((e: { rule: string; scope: object; sample: { calls: number } }) => e.rule === 'error_rate' && Object.keys(e.scope).length === 0)?.sample.calls).toBe(200);
    expect(events(third, 'firing')).toEqual([]);
  }, 60_000);
});

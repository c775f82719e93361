/**
 * Crash safety of `--checkpoint`: the real binary killed (SIGKILL) at 20 random moments — while it reads, answers
 * or writes its state — leaves a checkpoint the next run uses, and that run's answer is a full read's.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { childEnv, random, ROOT, runCli, temporaryDirectory } from '../helpers.js';

const BIN = path.join(ROOT, 'bin', 'claude-mon.cjs');
const START = Date.UTC(2026, 10, 24);

function lines(next: () => number, from: number, count: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const error = next() < 0.05 ? 'RateLimitError' : null;
    out.push(
      JSON.stringify({
        timestamp: new Date(START + (from + i) * 5_000).toISOString(),
        request_id: `req-${from + i}`,
        user_id: `user-${Math.floor(next() * 50)}`,
        feature: ['chat', 'search', 'extract'][Math.floor(next() * 3)],
        model: 'claude-sonnet-4-5',
        input_tokens: Math.floor(next() * 3000),
        output_tokens: Math.floor(next() * 500),
        latency_ms: Math.floor(next() * 9000),
        stop_reason: 'end_turn',
        error,
        error_status: error === null ? null : 429,
      }),
    );
  }
  return `${out.join('\n')}\n`;
}

/** Runs the binary and kills it after `afterMs` (when it has not ended by then); resolves when it is gone. */
function killedAfter(args: readonly string[], afterMs: number): Promise<{ killed: boolean; ms: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], { env: childEnv(), stdio: 'ignore' });
  const timer = setTimeout(() => child.kill('SIGKILL'), afterMs);
  return new Promise((resolve) => {
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve({ killed: signal === 'SIGKILL', ms: performance.now() - started });
    });
  });
}

function withoutInput(stdout: string): unknown {
  const json = JSON.parse(stdout);
  delete json.input;
  return json;
}

describe('--checkpoint survives SIGKILL', () => {
  it('killed at 20 random moments: the next run uses the state and answers as a full read', async () => {
    const next = random(20);
    const directory = temporaryDirectory();
    const log = path.join(directory, 'app.log');
    const checkpoint = path.join(temporaryDirectory(), 'dashboard.checkpoint');
    let written = 0;
    const append = (count: number): void => {
      appendFileSync(log, lines(next, written, count));
      written += count;
    };
    writeFileSync(log, '');
    append(30_000);
    const now = (): string[] => ['--now', new Date(START + written * 5_000).toISOString()];
    // How long a whole first run takes here: the kills fall anywhere in it, and just after.
    const whole = await killedAfter(['dashboard', ...now(), '--json', '--checkpoint', `${checkpoint}.probe`, directory], 60_000);
    let killedRuns = 0;
    for (let round = 0; round < 20; round++) {
      append(1 + Math.floor(next() * 3000));
      const { killed } = await killedAfter(['dashboard', ...now(), '--json', '--checkpoint', checkpoint, directory], next() * whole.ms * 1.1);
      if (killed) killedRuns++;
      const resumed = await runCli(['dashboard', ...now(), '--json', '--checkpoint', checkpoint, directory]);
      expect(resumed.stderr).not.toContain('cannot be used');
      expect(resumed.stderr).not.toContain('is in use');
      const full = await runCli(['dashboard', ...now(), '--json', log]);
      expect(withoutInput(resumed.stdout)).toEqual(withoutInput(full.stdout));
    }
    expect(killedRuns).toBeGreaterThanOrEqual(10);
    // What killed runs left beside the checkpoint (temporary files, the lock) is gone after a run that ended.
    expect(readdirSync(path.dirname(checkpoint)).filter((name) => !name.endsWith('.probe'))).toEqual([path.basename(checkpoint)]);
  }, 180_000);
});

/**
 * SIGINT and SIGTERM mid-run: the process ends as the signal says (a shell shows 130 or 143), nothing half-written
 * on stdout (results are written whole at the end), and no temporary file left behind (a spooled stdin).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, temporaryDirectory } from '../helpers.js';

const BIN = path.join(ROOT, 'bin', 'claude-mon.cjs');
const LINE = `${JSON.stringify({ timestamp: '2026-11-26T10:00:00Z', feature: 'chat', model: 'claude-haiku-4-5', latency_ms: 5 })}\n`;

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('signals', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('%s while stdin is spooled: ended by the signal, stdout empty, the spool removed', async (signal) => {
    const tmp = temporaryDirectory();
    // Without the code cache, which would keep its own directory in TMPDIR (test/cli/launch.test.ts covers it).
    const env = { ...process.env, TMPDIR: tmp, NODE_DISABLE_COMPILE_CACHE: '1' };
    const child = spawn('node', [BIN, 'summary', '--json', '--now', 'latest', '--since', '1d'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stdin.write(LINE.repeat(1000)); // and the pipe stays open: the spool is waiting for more
    await until(() => readdirSync(tmp).some((name) => name.startsWith('claude-mon-')));
    const ended = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (code, by) => resolve([code, by])));
    child.kill(signal);
    const [code, by] = await ended;
    child.stdin.destroy();
    expect(code).toBeNull();
    expect(by).toBe(signal);
    expect(stdout).toBe('');
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('a shell sees 130 for SIGINT and 143 for SIGTERM', () => {
    for (const [signal, status] of [['INT', '130'], ['TERM', '143']] as const) {
      // stdin: a FIFO held open by the shell, so the read never ends by itself.
      const script = `f=$(mktemp -u); mkfifo $f; exec 3<>$f; node '${BIN}' summary --json <&3 >/dev/null 2>&1 & pid=$!; sleep 1; kill -${signal} $pid; wait $pid; echo $?; rm -f $f`;
      const run = spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout: 20_000 });
      expect(run.stdout.trim().split('\n').pop(), signal).toBe(status);
    }
  });
});

/** A few tests spawn the built binary (bin/claude-mon.cjs → dist/), for what only a real process shows. */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { childEnv, fixture, ROOT, temporaryDirectory } from '../helpers.js';

const BIN = path.join(ROOT, 'bin', 'claude-mon.cjs');

function shell(script: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: childEnv({ NO_COLOR: '1' }), timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the installed binary', () => {
  it('reads a pipe on stdin', () => {
    const run = shell(`cat '${fixture('envelopes/cri.log')}' | node '${BIN}' summary --json`);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).total.calls).toBe(3);
  });

  it('reads stdin as a pipe, a socket or a redirected file, plain or gzip, as it reads the file named', () => {
    // Over 1 MiB, so that stdin's buffer is reused many times, and lines cross the edges of its pieces.
    const directory = temporaryDirectory();
    const file = path.join(directory, 'calls.jsonl');
    const lines = Array.from({ length: 30_000 }, (_, i) =>
      JSON.stringify({ timestamp: 1795687200 + i, request_id: `r-${i % 29_000}`, feature: `f${i % 7}`, model: 'claude-haiku-4-5', latency_ms: i % 977, input_tokens: i }),
    );
    writeFileSync(file, `${lines.join('\n')}\n`);
    writeFileSync(`${file}.gz`, gzipSync(readFileSync(file)));
    const run = (args: readonly string[], input?: Buffer): string => execFileSync('node', [BIN, 'summary', '--json', ...args], { encoding: 'utf8', stdio: 'pipe', ...(input ? { input } : {}) });
    const named = run(['--by', 'feature', file]);
    expect(JSON.parse(named).total.calls).toBe(29_000);
    for (const script of [`cat '${file}' |`, `cat '${file}.gz' |`, `<'${file}'`, `<'${file}.gz'`]) {
      const piped = shell(`${script} node '${BIN}' summary --json --by feature`);
      expect(piped.status, script).toBe(0);
      expect(piped.stdout, script).toBe(named);
    }
    expect(run(['--by', 'feature'], readFileSync(file)), 'a socket (a parent\'s spawn)').toBe(named);
    // --now latest reads stdin twice: from a copy of it
    const latest = run(['--now', 'latest', '--since', '1h', file]);
    for (const script of [`cat '${file}' |`, `<'${file}'`]) expect(shell(`${script} node '${BIN}' summary --json --now latest --since 1h`).stdout, script).toBe(latest);
  });

  it('leaves stdin unread when given files', () => {
    const run = shell(`printf 'for the next reader\\n' | { node '${BIN}' summary --json '${fixture('envelopes/bare.jsonl')}' >/dev/null; cat; }`);
    expect(run.stdout).toBe('for the next reader\n');
  });

  it('reads a gzip file and a directory', () => {
    const gz = JSON.parse(execFileSync('node', [BIN, 'summary', '--json', fixture('envelopes/rotated-two-members.jsonl.gz')], { encoding: 'utf8' }));
    expect(gz.total.calls).toBe(3);
    const directory = JSON.parse(execFileSync('node', [BIN, 'summary', '--json', '-q', fixture('envelopes')], { encoding: 'utf8' }));
    expect(directory.input.files).toBe(readdirSync(fixture('envelopes')).length);
    expect(directory.total.calls).toBe(3);
  });

  it('exits 0 quietly when the reader of its output goes away (| head -1)', () => {
    const directory = temporaryDirectory();
    const file = path.join(directory, 'many-users.jsonl');
    const lines = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ timestamp: 1795687200 + i, user_id: `user-${i}`, model: 'claude-haiku-4-5', latency_ms: 5 }));
    writeFileSync(file, `${lines.join('\n')}\n`);
    const run = shell(`node '${BIN}' summary --by user '${file}' | head -1; echo "status=\${PIPESTATUS[0]}"`);
    expect(run.stdout).toMatch(/^claude-mon summary .*\nstatus=0\n$/);
    expect(run.stderr).toBe('');
    // 5,000 calls in the total: its latencies go through the HDR histogram as loaded by Node itself.
    const total = JSON.parse(execFileSync('node', [BIN, 'summary', '--json', file], { encoding: 'utf8' })).total;
    expect(total.latencyMs).toMatchObject({ p50: 5, p99: 5 });
  });

  it('exits 1 for a missing file and 2 for a usage error', () => {
    expect(shell(`node '${BIN}' summary /nonexistent.jsonl`).status).toBe(1);
    expect(shell(`node '${BIN}' summary --by nope '${fixture('envelopes/bare.jsonl')}'`).status).toBe(2);
    expect(shell(`node '${BIN}' summary < /dev/null`).status).toBe(0);
  });
});

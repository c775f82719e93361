/** Messages that get a new user unstuck: the line closest to a record, Python's hidden INFO lines, missing cache writes. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, temporaryDirectory } from '../helpers.js';

function logOf(lines: readonly string[]): string {
  const file = path.join(temporaryDirectory(), 'app.log');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const HEALTH = '{"path": "/healthz", "status": 200}';
const NEAR = '{"timestamp": "2026-11-26T10:00:00Z", "feature": "chat", "model": "claude-sonnet-4-5", "duration": 1.2}';

describe('when no line is a call record', () => {
  it('shows the line closest to one (most record fields, not the first noise line) and what it lacks', async () => {
    const run = await runCli(['summary', logOf([HEALTH, 'starting worker', NEAR, '{"feature": "chat"}'])]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('0 of 4 lines are Claude call records');
    expect(run.stderr).toMatch(/closest .*app\.log:3: \{"timestamp": "2026-11-26T10:00:00Z", "feature": "chat"/);
    expect(run.stderr).toContain('it has timestamp, feature, model, but a call record also needs latency_ms');
    // Without a timestamp, both are named.
    const bare = await runCli(['summary', logOf([HEALTH, '{"feature": "chat", "user_id": "u"}'])]);
    expect(bare.stderr).toContain('it has user_id, feature, but a call record also needs latency_ms and timestamp');
  });

  it('without a single record field, shows the first noise line as before', async () => {
    const run = await runCli(['summary', logOf(['starting worker', HEALTH])]);
    expect(run.stderr).toMatch(/e\.g\. .*app\.log:1: starting worker/);
    expect(run.stderr).not.toContain('it has');
  });

  it("says that a Python app's log without INFO lines hides logging.info, with the fix", async () => {
    const python = ['WARNING:urllib3.connectionpool:Retrying (Retry(total=2)) after connection broken', 'Traceback (most recent call last):', '  File "app.py", line 12, in call', 'anthropic.APIConnectionError: Connection error.'];
    const run = await runCli(['summary', logOf(python)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("logging.info(...) writes nothing at Python's default level, WARNING");
    expect(run.stderr).toContain('logging.basicConfig(level=logging.INFO)');
    // A Python log that has INFO lines has another problem: no such hint.
    const withInfo = await runCli(['summary', logOf([...python, 'INFO:root:request done'])]);
    expect(withInfo.code).toBe(1);
    expect(withInfo.stderr).not.toContain('logging.basicConfig');
    // Nor does a log that is not Python's.
    const other = await runCli(['summary', logOf([HEALTH, 'listening on :8080'])]);
    expect(other.stderr).not.toContain('logging.basicConfig');
  });
});

describe('cache writes', () => {
  const call = (extra: Record<string, unknown>): string =>
    JSON.stringify({ timestamp: '2026-11-26T10:00:00Z', feature: 'chat', model: 'claude-sonnet-4-5', input_tokens: 100, latency_ms: 100, ...extra });

  it('when cache reads are logged and no call has a cache-write field, a note says cost leaves them out and names the SDK field', async () => {
    const run = await runCli(['summary', '--json', logOf([call({ cached_tokens: 5000 }), call({ cached_tokens: 0 })])]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('1 call logged cache reads, and no call logged cache writes: cost leaves out cache writes (1.25× the input price, 2× for the 1-hour cache)');
    expect(run.stderr).toContain('usage.cache_creation_input_tokens');
    // One call with the field, even 0, says the app logs it.
    const logged = await runCli(['summary', '--json', logOf([call({ cached_tokens: 5000 }), call({ cache_creation_input_tokens: 0 })])]);
    expect(logged.stderr).not.toContain('cache writes');
    // No cache reads: nothing to say.
    const none = await runCli(['summary', '--json', logOf([call({})])]);
    expect(none.stderr).toBe('');
  });
});

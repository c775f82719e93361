/**
 * The anthropic-ratelimit-* headers as apps log them — numbers, the header's own text, under several names — read
 * into the record, and shown as the lowest remaining per model in summary, the dashboard and the 429 alert.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecords, runCli, temporaryDirectory } from '../helpers.js';
import { schemaErrors } from './schema.js';

const call = (minute: number, model: string, headers: Record<string, unknown>, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ timestamp: `2026-11-26T11:${String(minute).padStart(2, '0')}:00Z`, feature: 'chat', model, input_tokens: 10, latency_ms: 100, ...extra, ...headers });

function logOf(lines: readonly string[]): string {
  const file = path.join(temporaryDirectory(), 'app.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const SONNET = 'claude-sonnet-4-5';
const NO_RESETS = { requests: null, tokens: null, inputTokens: null, outputTokens: null };
const HAIKU = 'claude-haiku-4-5';
const LINES = [
  // Numbers, under the canonical names.
  call(1, SONNET, { ratelimit_requests_remaining: 40, ratelimit_requests_limit: 50, ratelimit_input_tokens_remaining: 25000, ratelimit_requests_reset: '2026-11-26T11:01:30Z' }),
  // The header's own text, as `headers.get(...)` returns it, under the header's name.
  call(2, SONNET, { 'anthropic-ratelimit-requests-remaining': '0', 'anthropic-ratelimit-requests-limit': '50', 'anthropic-ratelimit-input-tokens-remaining': ' 1200 ', 'anthropic-ratelimit-requests-reset': '2026-11-26T11:02:45Z' }, { error: 'RateLimitError', error_status: 429 }),
  // rate_limit_* and anthropic_ratelimit_* spellings; a malformed value is ignored, the call kept.
  call(3, HAIKU, { rate_limit_output_tokens_remaining: '800', anthropic_ratelimit_output_tokens_limit: 8000, rate_limit_tokens_remaining: 'lots', rate_limit_output_tokens_reset: 'soon' }),
  // No header at all.
  call(4, HAIKU, {}),
];

describe('rate-limit headers', () => {
  it('are read as numbers or numeric text under every documented name; a malformed one is read as absent', async () => {
    const { records, tally } = await readRecords([logOf(LINES)]);
    expect(tally.records).toBe(4);
    expect(records.map((r) => [r.ratelimitRequestsRemaining, r.ratelimitRequestsLimit, r.ratelimitInputTokensRemaining, r.ratelimitOutputTokensRemaining, r.ratelimitOutputTokensLimit, r.ratelimitTokensRemaining, r.ratelimitRequestsReset, r.ratelimitOutputTokensReset])).toEqual([
      [40, 50, 25000, null, null, null, Date.UTC(2026, 10, 26, 11, 1, 30), null],
      [0, 50, 1200, null, null, null, Date.UTC(2026, 10, 26, 11, 2, 45), null],
      [null, null, null, 800, 8000, null, null, null],
      [null, null, null, null, null, null, null, null],
    ]);
  });

  it('reads a reset only as an RFC 3339 time: a number could be seconds until it as well as a time', async () => {
    const { records } = await readRecords([logOf([call(1, SONNET, { ratelimit_requests_remaining: 3, ratelimit_requests_reset: 30, ratelimit_tokens_reset: '2026-11-26T11:01:30+01:00' })])]);
    expect([records[0]?.ratelimitRequestsReset, records[0]?.ratelimitTokensReset]).toEqual([null, Date.UTC(2026, 10, 26, 10, 1, 30)]);
  });

  it('summary --json gives the lowest remaining and the limit per model; the table says it under the rows', async () => {
    const file = logOf(LINES);
    const json = await runCli(['summary', '--json', file]);
    expect(schemaErrors('summary', json.stdout)).toEqual([]);
    expect(JSON.parse(json.stdout).rateLimitHeaders).toEqual([
      { model: HAIKU, calls: 1, lowestRemaining: { requests: null, tokens: null, inputTokens: null, outputTokens: 800 }, limits: { requests: null, tokens: null, inputTokens: null, outputTokens: 8000 }, resets: NO_RESETS },
      // The reset logged with the lowest remaining (0 at 11:02), not the other call's.
      { model: SONNET, calls: 2, lowestRemaining: { requests: 0, tokens: null, inputTokens: 1200, outputTokens: null }, limits: { requests: 50, tokens: null, inputTokens: null, outputTokens: null }, resets: { ...NO_RESETS, requests: '2026-11-26T11:02:45.000Z' } },
    ]);
    const table = await runCli(['summary', file]);
    expect(table.stdout).toContain(`lowest rate-limit remaining, ${SONNET}: requests 0 of 50 (reset 2026-11-26 11:02:45), input tokens 1,200`);
    expect(table.stdout).toContain(`lowest rate-limit remaining, ${HAIKU}: output tokens 800 of 8,000`);
    // A range without the 429's minute: its values are not the lowest of the range.
    const later = await runCli(['summary', '--json', '--since', '2026-11-26T11:02:30Z', file]);
    expect(JSON.parse(later.stdout).rateLimitHeaders.map((m: { model: string }) => m.model)).toEqual([HAIKU]);
  });

  it('the dashboard shows them in its 429 panel, and the 429 alert names the lowest', async () => {
    const file = logOf(LINES);
    const dashboard = await runCli(['dashboard', '--json', '--now', '2026-11-26T12:00:00Z', file]);
    expect(schemaErrors('dashboard', dashboard.stdout)).toEqual([]);
    const headers = JSON.parse(dashboard.stdout).rateLimits.headers;
    expect(headers.find((m: { model: string }) => m.model === SONNET).lowestRemaining.requests).toBe(0);
    const table = await runCli(['dashboard', '--now', '2026-11-26T12:00:00Z', file]);
    expect(table.stdout).toMatch(/429s, last 24 h:[\s\S]*lowest rate-limit remaining, claude-sonnet-4-5: requests 0 of 50/);
    // 24 hours later the calls have left the panel, and so have their headers.
    const dayLater = await runCli(['dashboard', '--json', '--now', '2026-11-27T11:30:00Z', file]);
    expect(JSON.parse(dayLater.stdout).rateLimits.headers).toEqual([]);
    const alerts = await runCli(['alerts', '--json', '--now', '2026-11-26T11:05:00Z', file]);
    const fired = JSON.parse(alerts.stdout).evaluations.find((e: { rule: string; scope: object }) => e.rule === 'rate_limited' && Object.keys(e.scope).length === 0);
    expect(fired.lowestRemaining).toEqual({ requests: 0, tokens: null, inputTokens: 1200, outputTokens: null });
  });
});

/** OTLP/JSON batches: each span or log record an entry, GenAI spans as calls, the config's attribute names. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { accountedLines, fixture, readRecords, runCli, temporaryDirectory } from '../helpers.js';

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const int = (key: string, value: number) => ({ key, value: { intValue: String(value) } });

/** A TracesData line of GenAI spans, one a second from 10:00 UTC, each 250 ms long. */
function traces(spans: readonly (readonly object[])[], resource: readonly object[] = [], traceId = '0af7651916cd43dd8448eb211c80319c'): string {
  const start = BigInt(Date.UTC(2026, 10, 26, 10)) * 1_000_000n;
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: resource },
        scopeSpans: [
          {
            scope: { name: 'test' },
            spans: spans.map((attributes, i) => ({
              traceId,
              spanId: `b7ad6b71692033${String(i).padStart(2, '0')}`,
              name: 'chat',
              startTimeUnixNano: String(start + BigInt(i) * 1_000_000_000n),
              endTimeUnixNano: String(start + BigInt(i) * 1_000_000_000n + 250_000_000n),
              attributes,
              status: {},
            })),
          },
        ],
      },
    ],
  });
}

function logOf(lines: readonly string[]): string {
  const file = path.join(temporaryDirectory(), 'otel.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const GENAI = [str('gen_ai.request.model', 'claude-haiku-4-5'), int('gen_ai.usage.input_tokens', 100), int('gen_ai.usage.output_tokens', 10)];

describe('OTLP/JSON', () => {
  it('counts each span of a batch as an entry: GenAI spans are calls, the others noise; a batch delivered twice is a duplicate', async () => {
    const line = traces([GENAI, [str('http.request.method', 'GET')], GENAI]);
    const { records, tally } = await readRecords([logOf([line, line])]);
    expect(records).toHaveLength(2);
    expect(records.map((r) => [r.latencyMs, r.inputTokens, r.outputTokens, r.model])).toEqual([
      [250, 100, 10, 'claude-haiku-4-5'],
      [250, 100, 10, 'claude-haiku-4-5'],
    ]);
    expect(tally).toMatchObject({ lines: 6, records: 2, duplicates: 2, noise: 2 });
    expect(accountedLines(tally)).toBe(tally.lines);
  });

  it('takes the cache tokens off the conventions\' input_tokens, but not off OpenLIT\'s, nor below zero', async () => {
    const cached = [...GENAI.slice(0, 1), int('gen_ai.usage.input_tokens', 1300), int('gen_ai.usage.cache_read.input_tokens', 1000), int('gen_ai.usage.cache_creation_input_tokens', 200)];
    const short = [...GENAI.slice(0, 1), int('gen_ai.usage.input_tokens', 50), int('gen_ai.usage.cache_read_input_tokens', 1000)];
    const { records } = await readRecords([logOf([traces([cached, short]), traces([cached], [str('telemetry.sdk.name', 'openlit')], '1af7651916cd43dd8448eb211c80319c')])]);
    expect(records.map((r) => [r.inputTokens, r.cacheReadTokens, r.cacheWriteTokens])).toEqual([
      [100, 1000, 200],
      [50, 1000, 0],
      [1300, 1000, 200],
    ]);
  });

  it('names feature and user by the config\'s attributes, on the span or its resource', async () => {
    const directory = temporaryDirectory();
    const config = path.join(directory, 'claude-mon.config.json');
    writeFileSync(config, JSON.stringify({ otel: { feature: 'app.feature', user: 'app.tenant' } }));
    const file = logOf([traces([[...GENAI, str('app.feature', 'triage'), str('user.id', 'u1')]], [str('app.tenant', 'acme'), str('service.name', 'api')])]);
    const byConfig = JSON.parse((await runCli(['summary', '--json', '--by', 'feature,user', '--config', config, file])).stdout);
    expect(byConfig.groups.map((g: { key: object }) => g.key)).toEqual([{ feature: 'triage', user: 'acme' }]);
    // Without it: the service's name and user.id.
    const byDefault = JSON.parse((await runCli(['summary', '--json', '--by', 'feature,user', file])).stdout);
    expect(byDefault.groups.map((g: { key: object }) => g.key)).toEqual([{ feature: 'api', user: 'u1' }]);
    writeFileSync(config, JSON.stringify({ otel: { feature: 3 } }));
    const bad = await runCli(['summary', '--config', config, file]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('otel.feature: expected an attribute name such as "app.feature", got 3');
  });

  it("judges each entry's noise by its own fields, not the span's before it", async () => {
    const rejected = [str('gen_ai.request.model', 'claude-haiku-4-5'), int('gen_ai.usage.input_tokens', -5)];
    const run = await runCli(['summary', logOf([traces([rejected, [str('http.request.method', 'GET')], [str('http.request.method', 'GET')]])])]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('0 of 3 lines are Claude call records');
    expect(run.stderr).toMatch(/e\.g\. .*otel\.jsonl:1:/);
    expect(run.stderr).not.toContain('it has');
  });

  it('the traces fixture: an OpenLLMetry span beside an HTTP span, an OpenLIT span, a failed span', () => {
    // Guards the fixture itself: written by fixtures/make-otel-fixtures.mjs, it must stay what it says.
    const lines = readFileSync(fixture('envelopes/otel-traces.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('"telemetry.sdk.name","value":{"stringValue":"openlit"}');
    expect(lines[2]).toContain('"status":{"code":2');
  });
});

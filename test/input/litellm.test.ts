/** LiteLLM's StandardLoggingPayload: Anthropic's usage told apart from OpenAI's words, and its response_cost as a cross-check. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecords, runCli, temporaryDirectory } from '../helpers.js';
import { schemaErrors } from '../cli/schema.js';

let ids = 0;

function payload(fields: Record<string, unknown>, usage: Record<string, unknown>): string {
  return JSON.stringify({
    id: `chatcmpl-${++ids}`,
    call_type: 'acompletion',
    status: 'success',
    startTime: 1795687200.5,
    endTime: 1795687201.25,
    model: 'claude-sonnet-4-5',
    completion_tokens: 100,
    metadata: { usage_object: usage },
    response_cost: 0,
    ...fields,
  });
}

function logOf(lines: readonly string[]): string {
  const file = path.join(temporaryDirectory(), 'spend.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('LiteLLM spend logs', () => {
  it("takes Anthropic's input tokens from text_tokens, else prompt_tokens less the cache (only the reads where the writes were left out)", async () => {
    const { records } = await readRecords([
      logOf([
        payload({ prompt_tokens: 1300 }, { cache_read_input_tokens: 1000, cache_creation_input_tokens: 200 }),
        payload({ prompt_tokens: 1100 }, { cache_read_input_tokens: 1000, cache_creation_input_tokens: 200 }), // mid-2025: writes left out
        payload({ prompt_tokens: 1300 }, { prompt_tokens_details: { cached_tokens: 1000, cache_creation_tokens: 200, text_tokens: 100 } }),
        payload({ prompt_tokens: 1300, response: { usage: { cache_read_input_tokens: 1200 } } }, {}), // usage in the response only
      ]),
    ]);
    expect(records.map((r) => [r.inputTokens, r.cacheReadTokens, r.cacheWriteTokens, r.latencyMs, r.timestampMs])).toEqual([
      [100, 1000, 200, 750, 1795687200500],
      [100, 1000, 200, 750, 1795687200500],
      [100, 1000, 200, 750, 1795687200500],
      [100, 1200, 0, 750, 1795687200500],
    ]);
  });

  it("keeps LiteLLM's response_cost beside the cost priced here, and says when they are apart", async () => {
    // 1,000 input and 100 output tokens of Sonnet 4.5: $0.003 + $0.0015.
    const agreeing = logOf([payload({ prompt_tokens: 1000, response_cost: 0.0045 }, {})]);
    const run = await runCli(['summary', '--json', agreeing]);
    expect(schemaErrors('summary', run.stdout)).toEqual([]);
    expect(JSON.parse(run.stdout).pricing.reportedCost).toEqual({ calls: 1, reportedUsd: 0.0045, pricedUsd: 0.0045, unpricedCalls: 0 });
    expect((await runCli(['summary', agreeing])).stdout).toContain("the proxy's response_cost for 1 call: $0.0045; priced here: $0.0045\n");
    const apart = await runCli(['summary', logOf([payload({ prompt_tokens: 1000, response_cost: 0.5 }, {})])]);
    expect(apart.stdout).toContain("the proxy's response_cost for 1 call: $0.5000; priced here: $0.0045 ($0.4955 apart: check the prices, --prices FILE, or the proxy's model map)");
    // Logs without a reported cost say nothing of it.
    const plain = logOf([JSON.stringify({ timestamp: '2026-11-26T10:00:00Z', model: 'claude-sonnet-4-5', input_tokens: 1000, latency_ms: 5 })]);
    expect(JSON.parse((await runCli(['summary', '--json', plain])).stdout).pricing).not.toHaveProperty('reportedCost');
  });

  it('reads a failed call: the error class, its status, and a stop_reason of error', async () => {
    const failed = payload({ status: 'failure', prompt_tokens: 0, completion_tokens: 0, error_str: 'litellm.APIConnectionError: boom', error_information: { error_code: '', error_class: '' } }, {});
    const limited = payload({ status: 'failure', id: 'x', error_information: { error_code: '429', error_class: 'RateLimitError' } }, {});
    const overloaded = payload({ status: 'failure', id: 'y', error_information: { error_code: 529, error_class: 'litellm.InternalServerError' } }, {});
    const { records } = await readRecords([logOf([failed, limited, overloaded])]);
    expect(records.map((r) => [r.error, r.errorStatus, r.stopReason])).toEqual([
      ['APIConnectionError', null, 'error'],
      ['RateLimitError', 429, 'error'],
      ['InternalServerError', 529, 'error'],
    ]);
  });
});

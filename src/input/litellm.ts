/**
 * LiteLLM proxy's spend logs: its StandardLoggingPayload as a JSON line, turned into a call record.
 *
 * LiteLLM reports Anthropic's usage in OpenAI's words: `prompt_tokens` counts cache reads and writes. Anthropic's own
 * `input_tokens` is `prompt_tokens_details.text_tokens` where LiteLLM gives it, else `prompt_tokens` less the cache
 * reads and writes (some 2025 versions left the writes out of `prompt_tokens`: when taking both off would go below
 * zero, only the reads are taken off). The usage is read from `metadata.usage_object`, else `response.usage`, else
 * `hidden_params.usage_object`. LiteLLM's own `response_cost` rides along as `reported_cost_usd`.
 */
import { anthropicStopReason, definedFields, errorFields, inputWithoutCache, objectOf, tokenCount } from './foreignRecords.js';

/** Whether a parsed line is a StandardLoggingPayload. */
export function isLiteLlmPayload(object: Record<string, unknown>): boolean {
  return typeof object['call_type'] === 'string' && 'startTime' in object && ('response_cost' in object || 'prompt_tokens' in object);
}

/** The payload as a flat call record (fields it lacks are left out, for the validator to judge). */
export function liteLlmRecord(payload: Record<string, unknown>): Record<string, unknown> {
  const metadata = objectOf(payload['metadata']);
  const usage = [metadata['usage_object'], objectOf(payload['response'])['usage'], objectOf(payload['hidden_params'])['usage_object']].map(objectOf).find((u) => Object.keys(u).length > 0) ?? {};
  const details = objectOf(usage['prompt_tokens_details']);
  const cacheRead = tokenCount(usage['cache_read_input_tokens']) ?? tokenCount(details['cached_tokens']) ?? 0;
  const cacheWrite = tokenCount(usage['cache_creation_input_tokens']) ?? tokenCount(details['cache_creation_tokens']) ?? 0;
  const prompt = tokenCount(payload['prompt_tokens']) ?? tokenCount(usage['prompt_tokens']);
  const start = seconds(payload['startTime']);
  const end = seconds(payload['endTime']);
  const failed = payload['status'] === 'failure';
  const record: Record<string, unknown> = {
    // A time as text is left to the validator: without an offset it is read in --tz, as any record's.
    // Seconds as doubles hold about a µs at today's times: kept to the µs.
    timestamp: typeof payload['startTime'] === 'number' ? Math.round(payload['startTime'] * 1e6) / 1e3 : payload['startTime'],
    latency_ms: start === undefined || end === undefined || end < start ? undefined : Math.round((end - start) * 1e6) / 1e3,
    request_id: payload['id'],
    model: typeof payload['model'] === 'string' ? payload['model'].replace(/^[a-z_]+\//, '') : payload['model'],
    input_tokens: tokenCount(details['text_tokens']) ?? inputWithoutCache(prompt, cacheRead, cacheWrite),
    output_tokens: payload['completion_tokens'] ?? usage['completion_tokens'],
    cache_read_input_tokens: cacheRead,
    cache_creation_input_tokens: cacheWrite,
    stop_reason: failed ? 'error' : stopReason(payload['response']),
    feature: featureOf(payload, metadata),
    user_id: nonEmpty(payload['end_user']) ?? nonEmpty(metadata['user_api_key_end_user_id']) ?? nonEmpty(metadata['user_api_key_user_id']),
    reported_cost_usd: payload['response_cost'],
    ...(failed ? errorOf(payload) : {}),
  };
  return definedFields(record);
}

/** A tag of the request (LiteLLM's tag-based spend tracking) other than its User-Agent, else the team's or key's alias. */
function featureOf(payload: Record<string, unknown>, metadata: Record<string, unknown>): unknown {
  const tags = Array.isArray(payload['request_tags']) ? payload['request_tags'] : [];
  const tag = tags.find((t): t is string => typeof t === 'string' && t !== '' && !t.startsWith('User-Agent:'));
  return tag ?? nonEmpty(metadata['user_api_key_team_alias']) ?? nonEmpty(metadata['user_api_key_alias']);
}

/** The first choice's finish reason, in Anthropic's words. */
function stopReason(response: unknown): unknown {
  const choices = objectOf(response)['choices'];
  return anthropicStopReason(objectOf(Array.isArray(choices) ? choices[0] : undefined)['finish_reason']);
}

/** `error_information.error_class` (or the class named in `error_str`, "litellm.RateLimitError: …"), and its code. */
function errorOf(payload: Record<string, unknown>): Record<string, unknown> {
  const information = objectOf(payload['error_information']);
  const named = /(?:^|\.)(\w+Error)\b/.exec(typeof payload['error_str'] === 'string' ? payload['error_str'] : '')?.[1];
  return errorFields(nonEmpty(information['error_class']) ?? named, information['error_code']);
}

/** Epoch seconds: a number, or a time as text (`json.dumps(default=str)` of a datetime). */
function seconds(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const ms = Date.parse(value.includes('T') || value.includes('Z') || /[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`);
    return Number.isFinite(ms) ? ms / 1000 : undefined;
  }
  return undefined;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

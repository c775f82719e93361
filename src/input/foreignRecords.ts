/**
 * What the readers of other tools' records (OpenTelemetry spans, LiteLLM spend logs) share: safe access to parsed
 * JSON, and the three places where those tools speak OpenAI's words for Anthropic's — finish reasons, input tokens
 * that count the cache, and errors as class names or HTTP codes.
 */

export function objectOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function objectsIn(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.map(objectOf) : [];
}

/** A token count: a whole number ≥ 0 below 2^53; anything else → undefined (the validator judges what is logged). */
export function tokenCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/** The record without the fields that were not found (the validator then judges what is missing). */
export function definedFields(record: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(record)) if (record[key] === undefined) delete record[key];
  return record;
}

const ANTHROPIC_STOP_REASONS: Readonly<Record<string, string>> = { stop: 'end_turn', length: 'max_tokens', tool_call: 'tool_use', tool_calls: 'tool_use', function_call: 'tool_use' };

/** A finish reason in Anthropic's words (OpenAI's `stop`, `length`, `tool_calls` are Anthropic's `end_turn`, `max_tokens`, `tool_use`). */
export function anthropicStopReason(reason: unknown): unknown {
  return typeof reason === 'string' ? (ANTHROPIC_STOP_REASONS[reason] ?? reason) : undefined;
}

/**
 * Anthropic's own input tokens from a count that includes the cache reads and writes (OpenAI's way, and the GenAI
 * conventions'): what fits is taken off — both, else the reads only (a writer that left the writes out), else
 * nothing (one that left both out).
 */
export function inputWithoutCache(count: unknown, cacheReads: number, cacheWrites: number): unknown {
  if (typeof count !== 'number') return count;
  if (count >= cacheReads + cacheWrites) return count - cacheReads - cacheWrites;
  return count >= cacheReads ? count - cacheReads : count;
}

/**
 * `error` and `error_status` of a failed call from an error type — an exception class with or without its module
 * (`anthropic.RateLimitError`), or an HTTP code as text — and a status code.
 */
export function errorFields(type: unknown, status: unknown): Record<string, unknown> {
  const text = typeof type === 'string' ? type.trim() : '';
  const code = /^\d{3}$/.test(text) ? text : undefined;
  const fields: Record<string, unknown> = { error: text === '' || code !== undefined ? 'error' : text.slice(text.lastIndexOf('.') + 1) };
  if (typeof status === 'number' && status >= 100) fields['error_status'] = status;
  else if (typeof status === 'string' && /^\d{3}$/.test(status)) fields['error_status'] = status;
  else if (code !== undefined) fields['error_status'] = code;
  return fields;
}

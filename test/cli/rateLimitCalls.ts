/** Calls of one day (2026-11-26) as log lines, for the tests of `limits` and of the ratelimit_headroom rule. */

export const SONNET = 'claude-sonnet-4-5-20250929';
export const HAIKU_35 = 'claude-3-5-haiku-20241022';

export interface Call {
  readonly at: string;
  readonly model?: string;
  readonly feature?: string;
  readonly user?: string;
  readonly input?: number;
  readonly output?: number;
  readonly cacheRead?: number;
  readonly cacheWrite?: number;
  readonly batch?: boolean;
  readonly limited?: boolean;
  /** The error of a 429, when not RateLimitError. */
  readonly error?: string;
  readonly remainingInput?: number;
}

export function line(call: Call): string {
  return `${JSON.stringify({
    timestamp: `2026-11-26T${call.at}Z`,
    model: call.model ?? SONNET,
    feature: call.feature ?? 'chat',
    user_id: call.user ?? 'ann',
    input_tokens: call.input ?? 0,
    output_tokens: call.output ?? 0,
    cache_read_input_tokens: call.cacheRead ?? 0,
    cache_creation_input_tokens: call.cacheWrite ?? 0,
    latency_ms: 500,
    ...(call.batch === true ? { service_tier: 'batch' } : {}),
    ...(call.limited === true ? { error: call.error ?? 'RateLimitError', error_status: 429 } : {}),
    ...(call.remainingInput === undefined ? {} : { ratelimit_input_tokens_remaining: call.remainingInput }),
  })}\n`;
}

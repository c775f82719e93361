/** The names of the metric families `serve` exposes (counters without their `_total`, which the text formats add). */
export const FAMILY_NAMES = {
  calls: 'claude_mon_calls',
  errors: 'claude_mon_errors',
  rateLimited: 'claude_mon_rate_limited_calls',
  tokens: 'claude_mon_tokens',
  successfulPromptTokens: 'claude_mon_successful_prompt_tokens',
  cost: 'claude_mon_cost_usd',
  unpriced: 'claude_mon_unpriced_calls',
  maxTokens: 'claude_mon_max_tokens_stops',
  latency: 'claude_mon_latency_seconds',
  rateLimitRemaining: 'claude_mon_ratelimit_remaining',
  newestRecord: 'claude_mon_newest_record_timestamp_seconds',
  dropped: 'claude_mon_series_dropped',
  /** The rate limits' use per model class: RPM's calls, ITPM's and OTPM's tokens. */
  limitRequests: 'claude_mon_ratelimit_requests',
  limitInputTokens: 'claude_mon_ratelimit_input_tokens',
  limitOutputTokens: 'claude_mon_ratelimit_output_tokens',
  limitLateCalls: 'claude_mon_ratelimit_late_calls',
  /** Made by `serve` from its inputs' line counts. */
  inputLines: 'claude_mon_input_lines',
  inputTruncations: 'claude_mon_input_truncations',
} as const;

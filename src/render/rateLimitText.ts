/** The logged rate-limit headers in words (tables, Markdown, alert lines) and in JSON (times as ISO 8601 UTC). */
import { type ModelRateLimits, type PerLimit, RATE_LIMITS, type RateLimitName } from '../core/rateLimitHeaders.js';
import { formatIsoUtc } from '../core/timeRange.js';
import type { TimeZone } from '../core/timezone.js';
import { escapeForTerminal } from './escape.js';
import { formatLocalTime } from './localTime.js';
import { formatCount } from './numbers.js';

const WORDS: Record<RateLimitName, string> = { requests: 'requests', tokens: 'tokens', inputTokens: 'input tokens', outputTokens: 'output tokens' };

/**
 * "requests 0 of 50 (reset 2026-11-26 10:10:30), input tokens 1,200": the limits with a remaining value, each with
 * its limit and reset when logged; undefined when none.
 */
export function formatRemaining(remaining: PerLimit, limits?: PerLimit, resets?: PerLimit, tz?: TimeZone): string | undefined {
  const parts: string[] = [];
  for (const limit of RATE_LIMITS) {
    const value = remaining[limit];
    if (value === null) continue;
    const of = limits?.[limit] ?? null;
    const reset = resets?.[limit] ?? null;
    parts.push(`${WORDS[limit]} ${formatCount(value)}${of === null ? '' : ` of ${formatCount(of)}`}${reset === null || tz === undefined ? '' : ` (reset ${formatLocalTime(reset, tz)})`}`);
  }
  return parts.length === 0 ? undefined : parts.join(', ');
}

/** A line per model that logged remaining values: "lowest rate-limit remaining, claude-sonnet-4-5: requests 0 of 50". */
export function rateLimitLines(models: readonly ModelRateLimits[], tz: TimeZone): string[] {
  const lines: string[] = [];
  for (const { model, lowestRemaining, limits, resets } of models) {
    const text = formatRemaining(lowestRemaining, limits, resets, tz);
    if (text !== undefined) lines.push(`lowest rate-limit remaining, ${escapeForTerminal(model)}: ${text}`);
  }
  return lines;
}

/** The models' headers as JSON: the resets as ISO 8601 UTC. */
export function rateLimitsJson(models: readonly ModelRateLimits[]): unknown[] {
  return models.map((model) => ({
    ...model,
    resets: Object.fromEntries(RATE_LIMITS.map((limit) => [limit, model.resets[limit] === null ? null : formatIsoUtc(model.resets[limit] as number)])),
  }));
}

/** The logged rate-limit headers in words, for tables, Markdown and alert lines. */
import { type ModelRateLimits, type PerLimit, RATE_LIMITS, type RateLimitName } from '../core/rateLimitHeaders.js';
import { escapeForTerminal } from './escape.js';
import { formatCount } from './numbers.js';

const WORDS: Record<RateLimitName, string> = { requests: 'requests', tokens: 'tokens', inputTokens: 'input tokens', outputTokens: 'output tokens' };

/** "requests 0 of 50, input tokens 1,200": the limits with a remaining value, each with its limit when logged; undefined when none. */
export function formatRemaining(remaining: PerLimit, limits?: PerLimit): string | undefined {
  const parts: string[] = [];
  for (const limit of RATE_LIMITS) {
    const value = remaining[limit];
    if (value === null) continue;
    const of = limits?.[limit];
    parts.push(`${WORDS[limit]} ${formatCount(value)}${of === null || of === undefined ? '' : ` of ${formatCount(of)}`}`);
  }
  return parts.length === 0 ? undefined : parts.join(', ');
}

/** A line per model that logged remaining values: "lowest rate-limit remaining, claude-sonnet-4-5: requests 0 of 50". */
export function rateLimitLines(models: readonly ModelRateLimits[]): string[] {
  const lines: string[] = [];
  for (const { model, lowestRemaining, limits } of models) {
    const text = formatRemaining(lowestRemaining, limits);
    if (text !== undefined) lines.push(`lowest rate-limit remaining, ${escapeForTerminal(model)}: ${text}`);
  }
  return lines;
}

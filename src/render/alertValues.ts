/** An evaluation's value, threshold, scope and drivers in words, shared by the table, Nagios and follow lines. */
import { formatRemaining } from './rateLimitText.js';
import type { Evaluation } from '../core/alerts/evaluate.js';
import type { RuleName } from '../core/alerts/alertConfig.js';
import { escapeForTerminal } from './escape.js';
import { formatIsoUtc } from '../core/timeRange.js';
import { formatCount, formatMs, formatPercent, formatUsd, MISSING } from './numbers.js';

export function formatRuleValue(rule: RuleName, value: number | null): string {
  if (value === null) return MISSING;
  switch (rule) {
    case 'error_rate':
      return formatPercent(value);
    case 'rate_limited':
      return formatCount(value);
    case 'p95_latency':
      return formatMs(value);
    case 'daily_cost':
      return formatUsd(value);
    case 'ratelimit_headroom':
      return formatPercent(value);
  }
}

/** "> 5.0%", "> 0", "> 15.00 s", "> $18.51 (150% of $12.34)". */
export function formatThreshold(evaluation: Evaluation): string {
  const { rule, threshold, sample } = evaluation;
  if (threshold === null) return MISSING;
  const text = `> ${formatRuleValue(rule, threshold)}`;
  if (rule !== 'daily_cost') return text;
  const notes: string[] = [];
  if (sample.floorUsd !== undefined) notes.push('minUsd');
  if (sample.baselineMeanUsd !== undefined && sample.baselineMeanUsd !== null) notes.push(`mean ${formatUsd(sample.baselineMeanUsd)}`);
  return notes.length === 0 ? text : `${text} (${notes.join(', ')})`;
}

/** "all" or "feature=chat" (escaped: scope values come from the logs). */
export function formatScope(scope: Readonly<Record<string, string>>): string {
  const entries = Object.entries(scope);
  if (entries.length === 0) return 'all';
  return entries.map(([dimension, value]) => `${dimension}=${escapeForTerminal(value)}`).join(',');
}

/** "user alice 60%, model claude-sonnet-4-5 100%", then the lowest rate-limit headers for 429s. */
function formatDrivers(evaluation: Evaluation): string {
  const parts = evaluation.drivers.map((driver) => `${driver.dimension} ${escapeForTerminal(driver.value)} ${Math.round(driver.share * 100)}%`);
  const lowest = evaluation.lowestRemaining === undefined ? undefined : formatRemaining(evaluation.lowestRemaining);
  if (lowest !== undefined) parts.push(`lowest remaining: ${lowest}`);
  return parts.join(', ');
}

/** The state as shown to people: FIRING with its severity, the others in lower case. */
export function formatState(evaluation: Evaluation): string {
  return evaluation.state === 'firing' ? `FIRING ${evaluation.severity}` : evaluation.state.replace('_', ' ');
}

/** A short detail: why a rule is not evaluated, or the daily projection. */
export function formatDetail(evaluation: Evaluation): string {
  if (evaluation.reason !== null) return escapeForTerminal(evaluation.reason);
  const drivers = formatDrivers(evaluation);
  if (evaluation.rule === 'daily_cost') {
    const { projectedUsd, baselineDays } = evaluation.sample;
    const projection = projectedUsd === undefined || projectedUsd === null ? '' : `projected ${formatUsd(projectedUsd)} today; `;
    return `${projection}baseline ${baselineDays ?? 0} days${drivers === '' ? '' : `; ${drivers}`}`;
  }
  if (evaluation.rule === 'ratelimit_headroom') {
    const { peak, limit, peakAtMs } = evaluation.sample;
    const at = peakAtMs === undefined ? '' : ` at ${formatIsoUtc(peakAtMs).slice(0, 16).replace('T', ' ')} UTC`;
    const use = `peak ${formatCount(peak ?? 0)} of ${formatCount(limit ?? 0)} ${String(evaluation.scope['limit']).toUpperCase()}${at}`;
    return `${use}${drivers === '' ? '' : `; ${drivers}`}`;
  }
  return drivers;
}

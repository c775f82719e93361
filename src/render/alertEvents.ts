/** --follow's lines, one per state change: a table line for people, a JSON object per line for scripts. */
import type { Evaluation } from '../core/alerts/evaluate.js';
import { formatIsoUtc } from '../core/timeRange.js';
import { evaluationJson } from './alertsJson.js';
import { formatDetail, formatRuleValue, formatScope, formatThreshold } from './alertValues.js';
import { formatCount } from './numbers.js';

export type AlertEvent = 'firing' | 'resolved';

/**
 * "2026-11-26T10:00:10.000Z FIRING critical error_rate feature=chat 15.0% > 5.0% (80 calls, 10m) user alice 60%"
 * "2026-11-26T10:05:10.000Z RESOLVED error_rate feature=chat now ok: 2.0%"
 */
export function renderAlertEvent(event: AlertEvent, evaluation: Evaluation, atMs: number, format: 'json' | 'text'): string {
  if (format === 'json') return `${JSON.stringify({ kind: 'alert_event', event, at: formatIsoUtc(atMs), ...evaluationJson(evaluation) })}\n`;
  const value = formatRuleValue(evaluation.rule, evaluation.value);
  const where = `${evaluation.rule} ${formatScope(evaluation.scope)}`;
  if (event === 'resolved') return `${formatIsoUtc(atMs)} RESOLVED ${where} now ${evaluation.state.replace('_', ' ')}: ${value}\n`;
  const detail = formatDetail(evaluation);
  const sample = `(${formatCount(evaluation.sample.calls)} calls, ${evaluation.window})`;
  return `${formatIsoUtc(atMs)} FIRING ${evaluation.severity} ${where} ${value} ${formatThreshold(evaluation)} ${sample}${detail === '' ? '' : ` ${detail}`}\n`;
}

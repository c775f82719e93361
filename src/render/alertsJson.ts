/** `alerts` as the JSON document of PRODUCT.md §6 (schemas/alerts.schema.json), and --follow's event lines. */
import type { AlertsReport } from '../core/alerts/alertsReport.js';
import type { Evaluation } from '../core/alerts/evaluate.js';
import { formatIsoUtc } from '../core/timeRange.js';
import { inputJson, SCHEMA_VERSION } from './json.js';

/** `compact`: on one line, for --follow --json, whose output is a stream of JSON lines. */
export function renderAlertsJson(report: AlertsReport, compact = false): string {
  const document = {
    schemaVersion: SCHEMA_VERSION,
    kind: 'alerts',
    now: formatIsoUtc(report.nowMs),
    timezone: report.timezone,
    status: report.status,
    exitCode: report.exitCode,
    evaluations: report.evaluations.map(evaluationJson),
    notes: report.notes,
    input: inputJson(report.input),
  };
  return `${compact ? JSON.stringify(document) : JSON.stringify(document, null, 2)}\n`;
}

export function evaluationJson(evaluation: Evaluation): Record<string, unknown> {
  return {
    rule: evaluation.rule,
    scope: evaluation.scope,
    state: evaluation.state,
    severity: evaluation.severity,
    value: evaluation.value,
    threshold: evaluation.threshold,
    window: evaluation.window,
    from: formatIsoUtc(evaluation.fromMs),
    to: formatIsoUtc(evaluation.toMs),
    sample: evaluation.sample,
    drivers: evaluation.drivers,
    ...(evaluation.lowestRemaining === undefined ? {} : { lowestRemaining: evaluation.lowestRemaining }),
    reason: evaluation.reason,
  };
}

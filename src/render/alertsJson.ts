/** `alerts` as its JSON document (schemas/alerts.schema.json), and --follow's event lines. */
import type { AlertsReport } from '../core/alerts/alertsReport.js';
import type { Evaluation, Sample } from '../core/alerts/evaluate.js';
import { formatIsoUtc } from '../core/timeRange.js';
import { inputJson, SCHEMA_VERSION } from './json.js';
import { JsonItems, jsonDocument, mapItems } from './jsonStream.js';
import type { StreamedText } from './streamedText.js';

export function renderAlertsJson(report: AlertsReport): StreamedText {
  return jsonDocument(alertsDocument(report, new JsonItems(mapItems(report.evaluations, evaluationJson))));
}

/** The document on one line, for --follow --json, whose output is a stream of JSON lines. */
export function renderAlertsJsonLine(report: AlertsReport): string {
  return `${JSON.stringify(alertsDocument(report, [...report.evaluations].map(evaluationJson)))}\n`;
}

function alertsDocument(report: AlertsReport, evaluations: unknown): Record<string, unknown> {
  return {
    schemaVersion: SCHEMA_VERSION,
    kind: 'alerts',
    now: formatIsoUtc(report.nowMs),
    timezone: report.timezone,
    status: report.status,
    exitCode: report.exitCode,
    evaluations,
    notes: report.notes,
    input: inputJson(report.input),
  };
}

/** The sample, with the time of a peak minute as a time. */
function sampleJson(sample: Sample): Record<string, unknown> {
  const { peakAtMs, ...rest } = sample;
  return peakAtMs === undefined ? rest : { ...rest, peakAt: formatIsoUtc(peakAtMs) };
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
    sample: sampleJson(evaluation.sample),
    drivers: evaluation.drivers,
    ...(evaluation.lowestRemaining === undefined ? {} : { lowestRemaining: evaluation.lowestRemaining }),
    reason: evaluation.reason,
  };
}

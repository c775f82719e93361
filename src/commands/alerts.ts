/**
 * `claude-mon alerts`: read the input once into the alert parts of the engine, evaluate the rules at --now, render,
 * and end with the Monitoring Plugins status of the worst firing severity. --follow and --backtest share the rest.
 */
import type { AlertsOptions } from '../commandOptions.js';
import type { RunContext } from '../context/runContext.js';
import { AlertParts } from '../core/alerts/alertParts.js';
import { alertSpans, sinceSpans } from '../core/alerts/alertSpans.js';
import { alertsReport, type AlertsReport, staleNotes } from '../core/alerts/alertsReport.js';
import type { AlertStatus } from '../core/alerts/alertStatus.js';
import { evaluationList } from '../core/alerts/evaluate.js';
import { Engine, type NowMode } from '../core/engine/engine.js';
import { formatIsoUtc, parseInstant } from '../core/timeRange.js';
import type { LineCounts } from '../core/types.js';
import { UsageError } from '../errors.js';
import { type Inputs, openInputs, readLogs } from '../input/readLogs.js';
import { renderAlertsJson } from '../render/alertsJson.js';
import { renderAlertsNagios, renderAlertsTable } from '../render/alertsView.js';
import type { StreamedText } from '../render/streamedText.js';
import { checkInput } from './inputChecks.js';
import { newestFirst, nowModeOf, readOptionsOf } from './readReport.js';

export interface AlertsResult {
  readonly output: StreamedText;
  readonly status: AlertStatus;
}

export async function runAlerts(context: RunContext, options: AlertsOptions): Promise<AlertsResult> {
  const { config, tz, pricing, clockMs, io } = context;
  if (options.since !== undefined) parseInstant(options.since, clockMs, tz, '--since'); // usage errors first
  let inputs = await openInputs(options.inputs, io, 'alerts');
  try {
    let now: NowMode = nowModeOf(context);
    let sinceMs: number | undefined;
    if (options.since !== undefined) {
      // --since relative to the newest record: that record must be known before reading.
      if (context.now.kind === 'latest') ({ inputs, now } = await newestFirst(context, inputs));
      const nowMs = (now as { readonly ms: number }).ms;
      sinceMs = parseInstant(options.since, nowMs, tz, '--since');
      if (sinceMs >= nowMs) throw new UsageError(`--since ${formatIsoUtc(sinceMs)} is not before --now ${formatIsoUtc(nowMs)}: the windows would be empty`);
    }
    const engine = new Engine(now, clockMs);
    const spans = sinceMs !== undefined ? sinceSpans(config, tz, engine.nowMs, sinceMs) : alertSpans(config, tz, now.kind === 'fixed' ? now.ms : undefined);
    const parts = new AlertParts(engine, options.groupBy, tz, pricing, spans);
    const { counts, inputFailed } = await readAlertInputs(context, inputs, engine, parts);
    engine.finish();
    const nowMs = engine.nowMs;
    const evaluations = evaluationList(parts, config, nowMs, tz, pricing, sinceMs === undefined ? {} : { windowFromMs: sinceMs });
    const report = alertsReport(evaluations, nowMs, tz, counts, inputFailed, staleNotes(evaluations, parts, nowMs, context.now.kind === 'latest'));
    return { output: options.quietOk && report.status === 'ok' ? '' : renderAlerts(report, options, context), status: report.status };
  } finally {
    await inputs.cleanup();
  }
}

/** Reads every source into the engine; reports on the input like every command does. */
export async function readAlertInputs(
  context: RunContext,
  inputs: Inputs,
  engine: Engine,
  parts: AlertParts,
): Promise<{ counts: LineCounts; inputFailed: boolean }> {
  const tally = await readLogs(inputs, context.io, readOptionsOf(context), engine);
  const inputFailed = checkInput(tally, parts.unpricedModels(), context.reading, context.diagnostics);
  return { counts: tally.counts(), inputFailed };
}

export function renderAlerts(report: AlertsReport, options: Pick<AlertsOptions, 'format' | 'limit'>, context: RunContext): StreamedText {
  switch (options.format) {
    case 'json':
      return renderAlertsJson(report);
    case 'nagios':
      return renderAlertsNagios(report);
    case 'table':
      return renderAlertsTable(report, { style: context.style, tz: context.tz, showEmpty: context.reading.verbose, limit: options.limit });
  }
}

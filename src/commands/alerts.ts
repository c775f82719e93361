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
import { readWithCheckpoint } from './checkpointRead.js';
import { checkInput } from './inputChecks.js';
import { newestFirst, nowModeOf, readOptionsOf } from './readReport.js';

export interface AlertsResult {
  readonly output: StreamedText;
  readonly status: AlertStatus;
  /** After the output: what the run keeps for the next (--checkpoint). */
  readonly end?: (written: boolean) => Promise<void>;
}

export async function runAlerts(context: RunContext, options: AlertsOptions): Promise<AlertsResult> {
  const { config, tz, pricing, clockMs, io } = context;
  if (options.since !== undefined) parseInstant(options.since, clockMs, tz, '--since'); // usage errors first
  if (context.checkpointFile !== undefined) return alertsFromCheckpoint(context, options, context.checkpointFile);
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
    return evaluated(context, options, engine, parts, { counts, inputFailed }, sinceMs);
  } finally {
    await inputs.cleanup();
  }
}

/**
 * With --checkpoint: the alert parts on sliding windows (minutes, not cut at one now), restored from the last run,
 * and only what is new read into them. A log gone with lines maybe unread makes the status UNKNOWN (not with -q).
 */
async function alertsFromCheckpoint(context: RunContext, options: AlertsOptions, file: string): Promise<AlertsResult> {
  if (options.since !== undefined) {
    throw new UsageError('--since and --checkpoint do not go together: with a checkpoint each run reads only what is new, and each rule reads its own window');
  }
  const { config, tz, pricing, clockMs } = context;
  const request = { file, command: 'alerts', inputs: options.inputs, options: { by: options.groupBy } };
  const read = await readWithCheckpoint(context, request, (now) => {
    const engine = new Engine(now, clockMs);
    return { engine, parts: new AlertParts(engine, options.groupBy, tz, pricing, alertSpans(config, tz)) };
  });
  try {
    const { engine, parts } = read.fold;
    for (const message of read.gone) context.diagnostics.warn(message);
    const inputFailed = checkInput(read.tally, parts.unpricedModels(), context.reading, context.diagnostics, read.resumed) || (read.gone.length > 0 && !context.reading.quiet);
    return { ...evaluated(context, options, engine, parts, { counts: read.tally.counts(), inputFailed }), end: read.end };
  } catch (error) {
    await read.end(false);
    throw error;
  }
}

/** The rules evaluated at the engine's now, and the report rendered (nothing with --quiet-ok when all is OK). */
function evaluated(
  context: RunContext,
  options: AlertsOptions,
  engine: Engine,
  parts: AlertParts,
  input: { counts: LineCounts; inputFailed: boolean },
  sinceMs?: number,
): AlertsResult {
  const { config, tz, pricing } = context;
  const nowMs = engine.nowMs;
  const evaluations = evaluationList(parts, config, nowMs, tz, pricing, sinceMs === undefined ? {} : { windowFromMs: sinceMs });
  const report = alertsReport(evaluations, nowMs, tz, input.counts, input.inputFailed, staleNotes(evaluations, parts, nowMs, context.now.kind === 'latest'));
  return { output: options.quietOk && report.status === 'ok' ? '' : renderAlerts(report, options, context), status: report.status };
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

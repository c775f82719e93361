/**
 * `claude-mon alerts`: read the input once into the alert parts of the engine, evaluate the rules at --now, render,
 * and end with the Monitoring Plugins status of the worst firing severity. --follow and --backtest share the rest.
 */
import type { AlertsOptions } from '../commandOptions.js';
import type { RunContext } from '../context/runContext.js';
import type { AlertConfig } from '../core/alerts/alertConfig.js';
import { AlertParts, type AlertSpans, MINUTE_MS } from '../core/alerts/alertParts.js';
import { statusOf, windowsAreEmpty } from '../core/alerts/alertStatus.js';
import type { AlertsReport } from '../core/alerts/alertsReport.js';
import type { AlertStatus } from '../core/alerts/alertStatus.js';
import { type Evaluation, type EvaluationList, evaluationList } from '../core/alerts/evaluate.js';
import { Engine, type NowMode } from '../core/engine/engine.js';
import { formatIsoUtc, parseInstant } from '../core/timeRange.js';
import type { TimeZone } from '../core/timezone.js';
import type { LineCounts } from '../core/types.js';
import { sameTimeDaysBack } from '../core/sameTimeOfDay.js';
import { calendarSpan, type Edge, sinceStart } from '../core/window.js';
import type { Bucketing } from '../core/engine/bucketing.js';
import { UsageError } from '../errors.js';
import { exitCodeOfStatus } from '../exitCodes.js';
import { findLatestTimestamp, type Inputs, openInputs, readLogs, spoolStdin } from '../input/readLogs.js';
import { renderAlertsJson } from '../render/alertsJson.js';
import { renderAlertsNagios, renderAlertsTable } from '../render/alertsView.js';
import type { StreamedText } from '../render/streamedText.js';
import { checkInput } from './inputChecks.js';
import { readOptionsOf } from './readReport.js';

export interface AlertsResult {
  readonly output: StreamedText;
  readonly status: AlertStatus;
}

export async function runAlerts(context: RunContext, options: AlertsOptions): Promise<AlertsResult> {
  const { config, tz, pricing, clockMs, io } = context;
  if (options.since !== undefined) parseInstant(options.since, clockMs, tz, '--since'); // usage errors first
  let inputs = await openInputs(options.inputs, io, 'alerts');
  try {
    let now: NowMode = context.now.kind === 'fixed' ? context.now : { kind: 'moving' };
    let sinceMs: number | undefined;
    if (options.since !== undefined) {
      if (context.now.kind === 'latest') {
        // --since relative to the newest record: that record must be known before reading (stdin is spooled).
        inputs = await spoolStdin(inputs, io);
        now = { kind: 'fixed', ms: (await findLatestTimestamp(inputs, io, readOptionsOf(context))) ?? clockMs };
      }
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

/**
 * How far back the rules look: the longest window of the rate and latency rules (at least a minute: today's cost
 * takes the calls of now's minute from them), and the baseline days.
 */
export function ruleReach(config: AlertConfig): { longestWindowMs: number; baselineDays: number } {
  let longestWindowMs = MINUTE_MS;
  let baselineDays = 0;
  for (const rule of Object.values(config.rules)) {
    for (const settings of [rule.base, ...rule.features.values()]) {
      if (!settings.enabled) continue;
      longestWindowMs = Math.max(longestWindowMs, settings.windowMs);
      baselineDays = Math.max(baselineDays, settings.baselineDays);
    }
  }
  return { longestWindowMs, baselineDays };
}

/**
 * The spans the rules read at now (fixed, moving or a clock): the longest window, the baseline days, today. At a
 * fixed now (`fixedNowMs`), the days are cut only where the rules look.
 */
export function alertSpans(config: AlertConfig, tz: TimeZone, fixedNowMs?: number): AlertSpans {
  const { longestWindowMs, baselineDays } = ruleReach(config);
  return {
    recent: { kind: 'last', ms: longestWindowMs },
    days: { kind: 'days', days: baselineDays + 1, tz },
    today: { kind: 'days', days: 1, tz },
    minutes: fixedNowMs === undefined ? BY_MINUTE : dayCuts(fixedNowMs, baselineDays, tz),
  };
}

const BY_MINUTE: Bucketing = { unit: 'minute' };

/** The starts of today and the baseline days, and of the minute of now's time of day on each and of the next. */
function dayCuts(nowMs: number, baselineDays: number, tz: TimeZone): Bucketing {
  const starts = new Set<number>();
  for (let back = baselineDays; back >= 0; back--) {
    const { before, minute } = sameTimeDaysBack(nowMs, back, tz);
    for (const edge of [before.from, minute.from, minute.to]) starts.add(edge.ms);
  }
  starts.add(tz.startOfDay(nowMs));
  return { unit: 'starts', starts: [...starts].sort((a, b) => a - b) };
}

/** With --since: (since, now] is the window of the rate and latency rules, and bounds what is read at all. */
function sinceSpans(config: AlertConfig, tz: TimeZone, nowMs: number, sinceMs: number): AlertSpans {
  const since: Edge = { ms: sinceMs, included: false, name: '--since' };
  const { minutes } = alertSpans(config, tz, nowMs);
  const { baselineDays } = ruleReach(config);
  const todayStart = tz.startOfDay(nowMs);
  const from = (startMs: number): Edge => (sinceMs >= startMs ? since : sinceStart(startMs, nowMs).from);
  const to = sinceStart(todayStart, nowMs).to;
  return {
    recent: { kind: 'window', window: { from: since, to } },
    days: { kind: 'window', window: { from: from(tz.addDays(todayStart, -baselineDays)), to } },
    today: { kind: 'window', window: { from: from(todayStart), to } },
    minutes,
  };
}

/** What a backtest from `fromMs` to `toMs` reads: every step's windows and baseline days. */
export function backtestSpans(config: AlertConfig, tz: TimeZone, fromMs: number, toMs: number): AlertSpans {
  const { longestWindowMs, baselineDays } = ruleReach(config);
  const lastDay = tz.startOfDay(toMs);
  return {
    recent: { kind: 'window', window: { from: { ms: fromMs - longestWindowMs, included: false, name: 'the first window' }, to: sinceStart(fromMs, toMs).to } },
    days: { kind: 'window', window: sinceStart(tz.addDays(tz.startOfDay(fromMs), -baselineDays), toMs) },
    today: { kind: 'window', window: calendarSpan(lastDay, tz.addDays(lastDay, 1)) },
    minutes: BY_MINUTE,
  };
}

export function alertsReport(
  evaluations: EvaluationList,
  nowMs: number,
  tz: TimeZone,
  input: LineCounts,
  inputFailed: boolean,
  notes: readonly string[],
): AlertsReport {
  const { status, firing, critical } = statusOf(evaluations, inputFailed);
  return { nowMs, timezone: tz.name, status, exitCode: exitCodeOfStatus(status), evaluations, firing, critical, notes, input };
}

/** When the windows are empty but the input has records, say how old the newest is: old logs need --now latest. */
export function staleNotes(evaluations: Iterable<Evaluation>, parts: AlertParts, nowMs: number, nowIsLatest: boolean): string[] {
  const newest = parts.newestRecordMs;
  if (newest === null || !windowsAreEmpty(evaluations)) return [];
  const age = nowMs - newest;
  if (age <= 0) return [];
  const hint = nowIsLatest ? '' : '; to evaluate old logs as of their last record, use --now latest';
  return [`no calls in the rule windows: the newest record (${formatIsoUtc(newest)}) is ${formatAge(age)} older than --now${hint}`];
}

function formatAge(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return `${Math.round(ms / 1000)} s`;
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} days`;
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

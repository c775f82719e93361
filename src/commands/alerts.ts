/**
 * `claude-mon alerts`: read the input once into an AlertTimeline, evaluate the rules at --now, render, and exit
 * with the Monitoring Plugins code of the worst firing severity. --follow and --backtest use the same setup.
 */
import type { AlertsOptions } from '../commandOptions.js';
import type { AlertConfig } from '../core/alerts/alertConfig.js';
import { EXIT_BY_STATUS, statusOf, windowsAreEmpty } from '../core/alerts/alertStatus.js';
import type { AlertsReport } from '../core/alerts/alertsReport.js';
import { AlertTimeline, type Retention } from '../core/alerts/alertTimeline.js';
import { type Evaluation, type EvaluationList, evaluationList } from '../core/alerts/evaluate.js';
import { isTimeDimension } from '../core/grouping.js';
import type { PriceBook } from '../core/pricing.js';
import { formatIsoUtc, parseInstant, parseNow } from '../core/timeRange.js';
import { TimeZone } from '../core/timezone.js';
import type { CallRecord, LineCounts } from '../core/types.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io/cliIo.js';
import { renderAlertsJson } from '../render/alertsJson.js';
import { renderAlertsNagios, renderAlertsTable } from '../render/alertsView.js';
import type { StreamedText } from '../render/streamedText.js';
import { createStyle, colorLevel } from '../render/style.js';
import { checkInput, type Diagnostics } from './inputChecks.js';
import { loadConfig } from './loadConfig.js';
import { loadPricing } from './loadPricing.js';
import { findLatestTimestamp, type Inputs, openInputs, readLogs, spoolStdin } from './readLogs.js';

/**
 * How often (in records) retention is moved forward while reading, when it follows the newest record: often
 * enough that let-go records die young (cheap for the garbage collector); each move costs what it drops.
 */
export const RETAIN_EVERY_RECORDS = 4096;

export interface AlertsResult {
  readonly output: StreamedText;
  readonly exitCode: number;
}

/** What every alerts mode needs before reading: config, zone, prices, and the flags checked. */
export interface AlertsSetup {
  readonly config: AlertConfig;
  readonly tz: TimeZone;
  readonly pricing: PriceBook;
  readonly clockMs: number;
}

export async function setUpAlerts(options: AlertsOptions, io: CliIo): Promise<AlertsSetup> {
  const config = await loadConfig(options.configFile);
  const tz = new TimeZone(options.tz ?? config.timezone ?? 'UTC');
  const pricing = await loadPricing(options.pricesFile);
  if (options.range.until !== undefined || options.range.date !== undefined) {
    throw new UsageError('alerts evaluates at --now: use --now to move it (and --since to limit what is read), not --until or --date');
  }
  const timeDimension = options.groupBy.find(isTimeDimension);
  if (timeDimension !== undefined) throw new UsageError(`--by ${timeDimension}: alert scopes are split by feature, model, user or status`);
  return { config, tz, pricing, clockMs: io.now() };
}

export async function runAlerts(options: AlertsOptions, io: CliIo, diagnostics: Diagnostics): Promise<AlertsResult> {
  const setup = await setUpAlerts(options, io);
  const { config, tz, pricing, clockMs } = setup;
  const now = parseNow(options.now, tz, clockMs);
  if (options.range.since !== undefined) parseInstant(options.range.since, clockMs, tz, '--since'); // usage errors first

  let inputs = await openInputs(options.inputs, io, 'alerts');
  try {
    let nowMs = now.kind === 'fixed' ? now.ms : clockMs;
    let timeline: AlertTimeline;
    let read: { counts: LineCounts; inputFailed: boolean };
    let sinceMs: number | undefined;
    if (now.kind === 'latest' && options.range.since !== undefined) {
      // --since relative to the newest record: that record must be known before reading (stdin is spooled).
      inputs = await spoolStdin(inputs, io);
      nowMs = (await findLatestTimestamp(inputs, io, { ...options, tz })) ?? clockMs;
    }
    if (now.kind === 'latest' && options.range.since === undefined) {
      // One pass: what is retained follows the newest record read so far, which ends as --now. Whatever falls
      // behind that moving mark is also outside every window at the end.
      timeline = new AlertTimeline(options.groupBy, tz, pricing, { recentFrom: -Infinity, daysFrom: -Infinity, until: Infinity });
      const follow = (): void => {
        const newest = timeline.newestRecordMs;
        if (newest !== null) timeline.retain(retentionAt(newest, config, tz, undefined, Infinity));
      };
      read = await readInto(timeline, inputs, io, options, tz, pricing, diagnostics, follow);
      nowMs = timeline.newestRecordMs ?? clockMs;
      follow(); // the last records may have moved the mark: let go of what is now behind it
    } else {
      sinceMs = options.range.since === undefined ? undefined : parseInstant(options.range.since, nowMs, tz, '--since');
      if (sinceMs !== undefined && sinceMs >= nowMs) {
        throw new UsageError(`--since ${formatIsoUtc(sinceMs)} is not before --now ${formatIsoUtc(nowMs)}: the windows would be empty`);
      }
      timeline = new AlertTimeline(options.groupBy, tz, pricing, retentionAt(nowMs, config, tz, sinceMs));
      read = await readInto(timeline, inputs, io, options, tz, pricing, diagnostics);
    }
    const { counts, inputFailed } = read;
    const evaluations = evaluationList(timeline, config, nowMs, tz, pricing, sinceMs === undefined ? {} : { windowFromMs: sinceMs });
    const report = alertsReport(evaluations, nowMs, tz, counts, inputFailed, staleNotes(evaluations, timeline, nowMs, now.kind === 'latest'));
    return { output: options.quietOk && report.status === 'ok' ? '' : renderAlerts(report, options, io, tz), exitCode: report.exitCode };
  } finally {
    await inputs.cleanup();
  }
}

/** Reads every source into the timeline; reports on the input like every command does. */
export async function readInto(
  timeline: AlertTimeline,
  inputs: Inputs,
  io: CliIo,
  options: AlertsOptions,
  tz: TimeZone,
  pricing: PriceBook,
  diagnostics: Diagnostics,
  /** Called every RETAIN_EVERY_RECORDS records: to move retention forward while reading. */
  everyFewRecords?: () => void,
): Promise<{ counts: LineCounts; inputFailed: boolean }> {
  const unpriced = new Map<string, number>();
  let count = 0;
  const sink = {
    add(record: CallRecord): void {
      timeline.add(record);
      if (pricing.resolve(record.model) === null) unpriced.set(record.model, (unpriced.get(record.model) ?? 0) + 1);
      if (++count % RETAIN_EVERY_RECORDS === 0) everyFewRecords?.();
    },
  };
  const tally = await readLogs(inputs, io, { ...options, tz }, sink);
  const inputFailed = checkInput(tally, Object.fromEntries(unpriced), options, diagnostics);
  return { counts: tally.counts(), inputFailed };
}

/** What the rules evaluated at nowMs need: the longest window of recent records, and the baseline days. */
export function retentionAt(nowMs: number, config: AlertConfig, tz: TimeZone, sinceMs?: number, until = nowMs): Retention {
  let longestWindowMs = 0;
  let baselineDays = 0;
  for (const rule of Object.values(config.rules)) {
    for (const settings of [rule.base, ...rule.features.values()]) {
      if (!settings.enabled) continue;
      longestWindowMs = Math.max(longestWindowMs, settings.windowMs);
      baselineDays = Math.max(baselineDays, settings.baselineDays);
    }
  }
  const daysFrom = tz.addDays(tz.startOfDay(nowMs), -baselineDays);
  // --since is the window of the rate and latency rules, (since, now], and what is read at all.
  if (sinceMs !== undefined) return { recentFrom: sinceMs, daysFrom: Math.max(daysFrom, sinceMs), until };
  return { recentFrom: nowMs - longestWindowMs, daysFrom, until };
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
  return { nowMs, timezone: tz.name, status, exitCode: EXIT_BY_STATUS[status], evaluations, firing, critical, notes, input };
}

/** When the windows are empty but the input has records, say how old the newest is: old logs need --now latest. */
export function staleNotes(evaluations: Iterable<Evaluation>, timeline: AlertTimeline, nowMs: number, nowIsLatest: boolean): string[] {
  const newest = timeline.newestRecordMs;
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

export function renderAlerts(report: AlertsReport, options: AlertsOptions, io: CliIo, tz: TimeZone): StreamedText {
  switch (options.format) {
    case 'json':
      return renderAlertsJson(report);
    case 'nagios':
      return renderAlertsNagios(report);
    case 'table': {
      const toTerminal = options.outputFile === undefined && io.stdout.isTTY === true;
      return renderAlertsTable(report, createStyle(colorLevel(options.color, io.env, toTerminal)), tz, options.verbose);
    }
  }
}

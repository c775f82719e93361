/** Everything an `alerts` renderer needs, as plain data, and how it is made from the evaluations. */
import { exitCodeOfStatus } from '../../exitCodes.js';
import { MINUTE_MS } from '../durations.js';
import { formatIsoUtc } from '../timeRange.js';
import type { TimeZone } from '../timezone.js';
import type { LineCounts } from '../types.js';
import type { AlertParts } from './alertParts.js';
import { type AlertStatus, statusOf, windowsAreEmpty } from './alertStatus.js';
import type { Evaluation, EvaluationList } from './evaluate.js';

export interface AlertsReport {
  readonly nowMs: number;
  readonly timezone: string;
  readonly status: AlertStatus;
  readonly exitCode: number;
  /** Made again at each iteration: read them once for output (the counts below are already taken). */
  readonly evaluations: EvaluationList;
  /** Evaluations firing, and how many of them are critical. */
  readonly firing: number;
  readonly critical: number;
  /** What the evaluations leave out or suggest ("the newest record is 3 h old: try --now latest"). */
  readonly notes: readonly string[];
  readonly input: LineCounts;
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
  const minutes = Math.round(ms / MINUTE_MS);
  if (minutes < 1) return `${Math.round(ms / 1000)} s`;
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} days`;
}

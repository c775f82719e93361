/**
 * One status for a whole evaluation, on the Monitoring Plugins (Nagios/Icinga) scale: the worst firing severity
 * wins, so a real firing is never hidden by another rule's missing data; UNKNOWN when nothing could be judged.
 */
import type { Evaluation } from './evaluate.js';
import { ALL } from './alertTimeline.js';

export type AlertStatus = 'ok' | 'warning' | 'critical' | 'unknown';

export const EXIT_BY_STATUS: Readonly<Record<AlertStatus, number>> = { ok: 0, warning: 1, critical: 2, unknown: 3 };

/**
 * critical or warning when a rule of that severity fires; otherwise unknown when part of the input could not be
 * read, or when the rate and latency rules of the whole input all have no calls in their windows (the logs have
 * stopped, or --now is off: a quiet app should widen its windows in the config); else ok.
 */
export function overallStatus(evaluations: readonly Evaluation[], inputProblem: boolean): AlertStatus {
  const firing = evaluations.filter((evaluation) => evaluation.state === 'firing');
  if (firing.some((evaluation) => evaluation.severity === 'critical')) return 'critical';
  if (firing.length > 0) return 'warning';
  if (inputProblem || windowsAreEmpty(evaluations)) return 'unknown';
  return 'ok';
}

/** True when every rate and latency rule of the whole input found no calls in its window. */
export function windowsAreEmpty(evaluations: readonly Evaluation[]): boolean {
  const windowed = evaluations.filter((evaluation) => evaluation.scopeKey === ALL && evaluation.rule !== 'daily_cost');
  return windowed.length > 0 && windowed.every((evaluation) => evaluation.state === 'no_data');
}

/**
 * One status for a whole evaluation, on the Monitoring Plugins (Nagios/Icinga) scale: the worst firing severity
 * wins, so a real firing is never hidden by another rule's missing data; UNKNOWN when nothing could be judged.
 */
import type { Evaluation } from './evaluate.js';
import { ALL } from './alertTimeline.js';

export const ALERT_STATUSES = ['ok', 'warning', 'critical', 'unknown'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export const EXIT_BY_STATUS: Readonly<Record<AlertStatus, number>> = { ok: 0, warning: 1, critical: 2, unknown: 3 };

/**
 * critical or warning when a rule of that severity fires; otherwise unknown when part of the input could not be
 * read, or when no rule had any data for the whole input (the logs have stopped, or --now is off); else ok.
 */
export function overallStatus(evaluations: readonly Evaluation[], inputProblem: boolean): AlertStatus {
  const firing = evaluations.filter((evaluation) => evaluation.state === 'firing');
  if (firing.some((evaluation) => evaluation.severity === 'critical')) return 'critical';
  if (firing.length > 0) return 'warning';
  if (inputProblem) return 'unknown';
  const whole = evaluations.filter((evaluation) => evaluation.scopeKey === ALL);
  if (whole.length > 0 && whole.every((evaluation) => evaluation.state === 'no_data')) return 'unknown';
  return 'ok';
}

/**
 * One status for a whole evaluation, on the Monitoring Plugins (Nagios/Icinga) scale: the worst firing severity
 * wins, so a real firing is never hidden by another rule's missing data; UNKNOWN when nothing could be judged.
 */
import type { Evaluation } from './evaluate.js';
import { ALL } from './alertParts.js';

export type AlertStatus = 'ok' | 'warning' | 'critical' | 'unknown';

/**
 * critical or warning when a rule of that severity fires; otherwise unknown when part of the input could not be
 * read, or when the rate and latency rules of the whole input all have no calls in their windows (the logs have
 * stopped, or --now is off: a quiet app should widen its windows in the config); else ok. The firing counts come
 * in the same pass (each pass evaluates every rule again).
 */
export function statusOf(evaluations: Iterable<Evaluation>, inputProblem: boolean): { status: AlertStatus; firing: number; critical: number } {
  let firing = 0;
  let critical = 0;
  let windowed = 0;
  let windowedEmpty = 0;
  for (const evaluation of evaluations) {
    if (evaluation.state === 'firing') {
      firing++;
      if (evaluation.severity === 'critical') critical++;
    }
    if (isWholeInputWindow(evaluation)) {
      windowed++;
      if (evaluation.state === 'no_data') windowedEmpty++;
    }
  }
  const empty = windowed > 0 && windowedEmpty === windowed;
  const status = critical > 0 ? 'critical' : firing > 0 ? 'warning' : inputProblem || empty ? 'unknown' : 'ok';
  return { status, firing, critical };
}

/** True when every rate and latency rule of the whole input found no calls in its window. */
export function windowsAreEmpty(evaluations: Iterable<Evaluation>): boolean {
  let windowed = 0;
  for (const evaluation of evaluations) {
    if (!isWholeInputWindow(evaluation)) continue;
    if (evaluation.state !== 'no_data') return false;
    windowed++;
  }
  return windowed > 0;
}

function isWholeInputWindow(evaluation: Evaluation): boolean {
  return evaluation.scopeKey === ALL && evaluation.rule !== 'daily_cost';
}

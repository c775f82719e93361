/** Everything an `alerts` renderer needs, as plain data. */
import type { LineCounts } from '../types.js';
import type { AlertStatus } from './alertStatus.js';
import type { EvaluationList } from './evaluate.js';

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

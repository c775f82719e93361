/** Everything an `alerts` renderer needs, as plain data. */
import type { LineCounts } from '../types.js';
import type { AlertStatus } from './alertStatus.js';
import type { EvaluationList } from './evaluate.js';

export interface AlertsReport {
  readonly nowMs: number;
  readonly timezone: string;
  readonly status: AlertStatus;
  readonly exitCode: number;
  readonly evaluations: EvaluationList;
  /** What the evaluations leave out or suggest ("the newest record is 3 h old: try --now latest"). */
  readonly notes: readonly string[];
  readonly input: LineCounts;
}

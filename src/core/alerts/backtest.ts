/**
 * --backtest: the rules evaluated at every step over historical logs, folded into the intervals in which each
 * rule and scope would have fired — to tune thresholds before trusting them.
 */
import type { Mutable, RuleName, Severity } from './alertConfig.js';
import { compareStrings } from '../order.js';
import type { Evaluation } from './evaluate.js';

export interface FiringInterval {
  readonly rule: RuleName;
  readonly scope: Readonly<Record<string, string>>;
  readonly severity: Severity;
  /** The first and the last evaluation at which it was firing. */
  readonly startMs: number;
  readonly endMs: number;
  /** Evaluations firing in the interval. */
  readonly steps: number;
  /** The highest value seen while firing, and when. */
  readonly peak: number;
  readonly peakMs: number;
}

/** Collects evaluations step by step (in time order) and closes an interval when its rule stops firing. */
export class IntervalCollector {
  private readonly open = new Map<string, Mutable<FiringInterval>>();
  private readonly closed: FiringInterval[] = [];

  add(nowMs: number, evaluations: readonly Evaluation[]): void {
    const seen = new Set<string>();
    for (const evaluation of evaluations) {
      if (evaluation.state !== 'firing' || evaluation.value === null) continue;
      const key = `${evaluation.rule}\u0000${evaluation.scopeKey}`;
      seen.add(key);
      const interval = this.open.get(key);
      if (interval === undefined) {
        this.open.set(key, {
          rule: evaluation.rule,
          scope: evaluation.scope,
          severity: evaluation.severity,
          startMs: nowMs,
          endMs: nowMs,
          steps: 1,
          peak: evaluation.value,
          peakMs: nowMs,
        });
      } else {
        interval.endMs = nowMs;
        interval.steps++;
        if (evaluation.value > interval.peak) {
          interval.peak = evaluation.value;
          interval.peakMs = nowMs;
        }
      }
    }
    for (const [key, interval] of this.open) {
      if (seen.has(key)) continue;
      this.closed.push(interval);
      this.open.delete(key);
    }
  }

  /** Every interval, open ones closed at their last firing step, in order of start, then rule and scope. */
  intervals(): FiringInterval[] {
    const all = [...this.closed, ...this.open.values()];
    return all.sort((a, b) => a.startMs - b.startMs || compareStrings(a.rule, b.rule) || compareStrings(JSON.stringify(a.scope), JSON.stringify(b.scope)));
  }
}

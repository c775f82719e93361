/**
 * Cost and calls of one scope on one day, by minute of the day, stored sparsely (only minutes with calls): a scope
 * per user over a week costs memory in proportion to its calls, not 1,500 slots a day.
 */
import { appended } from '../appended.js';
import { lowerBound } from '../lowerBound.js';

export class MinuteSeries {
  private minutes: number[] = [];
  private costs: number[] = [];
  private calls: number[] = [];
  /** Running totals through each stored minute; rebuilt after a change. */
  private cumulativeCost: Float64Array | null = null;
  private cumulativeCalls: Float64Array | null = null;
  unpricedCalls = 0;

  /** One call in `minute`; cost null when its model has no price. The arrays are copied at their exact size while short (appended). */
  add(minute: number, cost: number | null): void {
    const { minutes } = this;
    let at = minutes.length - 1;
    if (at < 0 || (minutes[at] as number) < minute) {
      this.minutes = appended(minutes, minute);
      this.costs = appended(this.costs, 0);
      this.calls = appended(this.calls, 0);
      at = this.minutes.length - 1;
    } else if (minutes[at] !== minute) {
      at = lowerBound(this.minutes, minute); // out of order: rare
      if (minutes[at] !== minute) {
        minutes.splice(at, 0, minute);
        this.costs.splice(at, 0, 0);
        this.calls.splice(at, 0, 0);
      }
    }
    this.calls[at] = (this.calls[at] as number) + 1;
    if (cost === null) this.unpricedCalls++;
    else this.costs[at] = (this.costs[at] as number) + cost;
    this.cumulativeCost = null;
  }

  /** Cost and calls of the minutes before `minute` (exclusive). */
  before(minute: number): { costUsd: number; calls: number } {
    if (this.cumulativeCost === null || this.cumulativeCalls === null) {
      this.cumulativeCost = runningTotals(this.costs);
      this.cumulativeCalls = runningTotals(this.calls);
    }
    const count = lowerBound(this.minutes, minute);
    if (count === 0) return { costUsd: 0, calls: 0 };
    return { costUsd: this.cumulativeCost[count - 1] as number, calls: this.cumulativeCalls[count - 1] as number };
  }

}

function runningTotals(values: readonly number[]): Float64Array {
  const totals = new Float64Array(values.length);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i] as number;
    totals[i] = sum;
  }
  return totals;
}

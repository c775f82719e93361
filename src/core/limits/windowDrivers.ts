/**
 * Who drove some minutes (the peak minutes, the 60 s before each run of 429s): per window of 60 s, the features'
 * and the users' RPM, ITPM and OTPM, for the calls of one group (a model class, or a model). A part of the second
 * pass of `limits`: the windows are known from the first, and only their calls are summed — users are too many to
 * keep by minute.
 */
import { MINUTE_MS } from '../durations.js';
import { Span } from '../engine/span.js';
import { lowerBound } from '../lowerBound.js';
import type { CallRecord } from '../types.js';
import { addUsage, drawsOnLimits, type Usage } from './rateUsage.js';

/** [fromMs, fromMs + 60 s) of a group's calls. */
export interface DriverWindow {
  readonly fromMs: number;
  readonly group: string;
}

/** The feature or user with the most of a window's figure, and its share of it (null when the figure is 0). */
export interface LimitDriver {
  readonly name: string;
  readonly share: number | null;
}

interface Sums {
  readonly window: DriverWindow;
  readonly features: Map<string, Usage>;
  readonly users: Map<string, Usage>;
}

export class WindowDrivers {
  readonly span = new Span();
  /** Each window once, by start: the binary search of the windows a call is in. */
  private readonly sums: Sums[];
  private readonly starts: number[];

  /** `usage(record)`: the call's RPM, ITPM and OTPM (which depend on its model); `groupOf`: its group. */
  constructor(
    windows: readonly DriverWindow[],
    private readonly groupOf: (model: string) => string,
    private readonly usage: (record: CallRecord) => Usage,
  ) {
    const unique = new Map(windows.map((window) => [keyOf(window), window]));
    this.sums = [...unique.values()].sort((a, b) => a.fromMs - b.fromMs).map((window) => ({ window, features: new Map(), users: new Map() }));
    this.starts = this.sums.map(({ window }) => window.fromMs);
  }

  add(record: CallRecord): void {
    const time = record.timestampMs;
    if (!this.span.takes(time) || !drawsOnLimits(record)) return;
    // The windows that start in [time − 60 s, time] (one that starts exactly 60 s before ends just before it).
    for (let i = lowerBound(this.starts, time - MINUTE_MS); i < this.sums.length && (this.starts[i] as number) <= time; i++) {
      const sums = this.sums[i] as Sums;
      if (time >= sums.window.fromMs + MINUTE_MS || this.groupOf(record.model) !== sums.window.group) continue;
      const usage = this.usage(record);
      addUsage(sums.features, record.feature, usage);
      addUsage(sums.users, record.userId, usage);
    }
  }

  prune(): void {}

  /** The feature and the user with the most of limit `k` (0 RPM, 1 ITPM, 2 OTPM) in the window, and their shares of `total`. */
  driversOf(window: DriverWindow, k: number, total: number): { feature: LimitDriver | null; user: LimitDriver | null } {
    const sums = this.sums.find((candidate) => keyOf(candidate.window) === keyOf(window));
    return { feature: topOf(sums?.features, k, total), user: topOf(sums?.users, k, total) };
  }
}

/** No windows: figures without drivers (the dashboard's use of the limits). */
export const NO_DRIVERS = new WindowDrivers([], () => '', () => [0, 0, 0]);

function keyOf(window: DriverWindow): string {
  return JSON.stringify([window.fromMs, window.group]);
}

/** The most, ties to the first name. */
function topOf(sums: ReadonlyMap<string, Usage> | undefined, k: number, total: number): LimitDriver | null {
  let best: [string, number] | null = null;
  for (const [name, usage] of sums ?? []) {
    const value = usage[k] as number;
    if (best === null || value > best[1] || (value === best[1] && name < best[0])) best = [name, value];
  }
  return best === null ? null : { name: best[0], share: total === 0 ? null : best[1] / total };
}

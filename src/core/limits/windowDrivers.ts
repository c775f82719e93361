/**
 * Who drove some 60 s windows (the peak minutes, the minute before each run of 429s): per window, the features' and
 * the users' RPM, ITPM and OTPM, for the calls of one group (a model class, or a model). A part of the second pass
 * of `limits`: the windows are known from the first, and only their calls are summed — users are too many to keep
 * by minute.
 */
import { Span } from '../engine/span.js';
import { lowerBound } from '../lowerBound.js';
import type { CallRecord } from '../types.js';
import { drawsOnLimits } from './rateUsage.js';

export interface DriverWindow {
  readonly fromMs: number;
  readonly group: string;
}

/** Every window is this long: [fromMs, fromMs + WINDOW_MS). */
export const WINDOW_MS = 60_000;

export interface Driver {
  readonly name: string;
  /** Its part of the window's figure (null when that figure is 0). */
  readonly share: number | null;
}

type Vector = [number, number, number];

interface Sums {
  readonly window: DriverWindow;
  readonly features: Map<string, Vector>;
  readonly users: Map<string, Vector>;
}

export class WindowDrivers {
  readonly span = new Span();
  /** By start, for the binary search of the windows a call is in. */
  private readonly sums: Sums[];
  private readonly starts: number[];

  /** `usage(record)`: the call's RPM, ITPM and OTPM (which depend on its model); `groupOf`: its group. */
  constructor(
    windows: readonly DriverWindow[],
    private readonly groupOf: (model: string) => string,
    private readonly usage: (record: CallRecord) => Vector,
  ) {
    this.sums = [...windows].sort((a, b) => a.fromMs - b.fromMs).map((window) => ({ window, features: new Map(), users: new Map() }));
    this.starts = this.sums.map(({ window }) => window.fromMs);
  }

  add(record: CallRecord): void {
    const time = record.timestampMs;
    if (!this.span.takes(time) || !drawsOnLimits(record)) return;
    // The windows that start in [time − 60 s, time] (one that starts exactly 60 s before ends just before it).
    for (let i = lowerBound(this.starts, time - WINDOW_MS); i < this.sums.length && (this.starts[i] as number) <= time; i++) {
      const sums = this.sums[i] as Sums;
      if (time >= sums.window.fromMs + WINDOW_MS || this.groupOf(record.model) !== sums.window.group) continue;
      const values = this.usage(record);
      addInto(sums.features, record.feature, values);
      addInto(sums.users, record.userId, values);
    }
  }

  prune(): void {}

  /** The feature and the user with the most of limit `k` (0 RPM, 1 ITPM, 2 OTPM) in the window, and their shares of `total`. */
  driversOf(window: DriverWindow, k: number, total: number): { feature: Driver | null; user: Driver | null } {
    const sums = this.sums.find((candidate) => candidate.window.fromMs === window.fromMs && candidate.window.group === window.group);
    return { feature: topOf(sums?.features, k, total), user: topOf(sums?.users, k, total) };
  }
}

function addInto(sums: Map<string, Vector>, name: string, values: Vector): void {
  const sum = sums.get(name) ?? (sums.set(name, [0, 0, 0]).get(name) as Vector);
  for (let k = 0; k < 3; k++) sum[k] = (sum[k] as number) + (values[k] as number);
}

/** The most, ties to the first name. */
function topOf(sums: ReadonlyMap<string, Vector> | undefined, k: number, total: number): Driver | null {
  let best: [string, number] | null = null;
  for (const [name, values] of sums ?? []) {
    const value = values[k] as number;
    if (best === null || value > best[1] || (value === best[1] && name < best[0])) best = [name, value];
  }
  return best === null ? null : { name: best[0], share: total === 0 ? null : best[1] / total };
}

/** No windows: figures without drivers (the dashboard's use of the limits). */
export const NO_DRIVERS = new WindowDrivers([], () => '', () => [0, 0, 0]);

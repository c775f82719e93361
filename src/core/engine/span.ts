/**
 * The calls a part of the engine takes: a window whose edges the engine moves with now (a `--now latest` read
 * moves them with the newest record: the start of the last hour moves each time now has moved on by a sixteenth
 * of it). Kept as plain numbers for the check made on every call; the window object is made when asked for.
 */
import type { Edge, TimeWindow } from '../window.js';

export class Span {
  private fromMs = Number.NEGATIVE_INFINITY;
  private fromIncluded = true;
  private fromName = 'the first call';
  private toMs = Number.POSITIVE_INFINITY;
  private toIncluded = true;
  private toName = 'the last call';
  private made: TimeWindow | null = null;

  get window(): TimeWindow {
    this.made ??= {
      from: { ms: this.fromMs, included: this.fromIncluded, name: this.fromName },
      to: { ms: this.toMs, included: this.toIncluded, name: this.toName },
    };
    return this.made;
  }

  set window(window: TimeWindow) {
    this.from = window.from;
    this.to = window.to;
    this.made = window;
  }

  set from(edge: Edge) {
    this.moveFrom(edge.ms, edge.included, edge.name);
  }

  set to(edge: Edge) {
    this.toMs = edge.ms;
    this.toIncluded = edge.included;
    this.toName = edge.name;
    this.made = null;
  }

  get fromEdgeMs(): number {
    return this.fromMs;
  }

  /** Moves the start without making an object (called many times in a `--now latest` read). */
  moveFrom(ms: number, included: boolean, name: string): void {
    this.fromMs = ms;
    this.fromIncluded = included;
    this.fromName = name;
    this.made = null;
  }

  /** Whether a call at `ms` is before the start (let go when the start moves). */
  isBeforeStart(ms: number): boolean {
    return this.fromIncluded ? ms < this.fromMs : ms <= this.fromMs;
  }

  takes(ms: number): boolean {
    return (this.fromIncluded ? ms >= this.fromMs : ms > this.fromMs) && (this.toIncluded ? ms <= this.toMs : ms < this.toMs);
  }
}

/**
 * Spans of time, with the side each edge falls on — defined once for every command (docs/definitions.md, "Time"):
 *
 * - a duration back from now is the window (now − d, now]: a call exactly d ago belongs to the window before, so
 *   consecutive windows never share a call, and `summary --since 10m` is the window `alerts` evaluates;
 * - a calendar day, an hour or a time given as a date is [start, end): a call at midnight is the new day's;
 * - "so far" ends at now, included: now is a record's own instant with `--now latest`, to the full precision of the
 *   logs' timestamps (ns, µs, ms or s), and no call after now counts.
 *
 * Each edge carries a name ("now", "--since") so that a message can say which one cut something.
 */

export interface Edge {
  readonly ms: number;
  /** Whether a call exactly at the edge is inside. */
  readonly included: boolean;
  /** How a message names it: "now", "--since", "the start of a day". */
  readonly name: string;
}

export interface TimeWindow {
  readonly from: Edge;
  readonly to: Edge;
}

const OPEN_FROM: Edge = { ms: Number.NEGATIVE_INFINITY, included: true, name: 'the first call' };
const OPEN_TO: Edge = { ms: Number.POSITIVE_INFINITY, included: true, name: 'the last call' };

/** Every call. */
export const ALL_TIME: TimeWindow = { from: OPEN_FROM, to: OPEN_TO };

/** The calls up to and including now. */
export function upTo(nowMs: number): TimeWindow {
  return { from: OPEN_FROM, to: nowEdge(nowMs) };
}

/** (now − d, now]: the last `durationMs` before now. */
export function lastDuration(nowMs: number, durationMs: number, name = 'the start of the window'): TimeWindow {
  return { from: { ms: nowMs - durationMs, included: false, name }, to: nowEdge(nowMs) };
}

/** [start, now]: a calendar span so far (today, the last 14 days). */
export function sinceStart(startMs: number, nowMs: number, name = 'the start of a day'): TimeWindow {
  return { from: startEdge(startMs, name), to: nowEdge(nowMs) };
}

/** [start, end): a calendar span (a day, an hour, a date range). */
export function calendarSpan(startMs: number, endMs: number, name = 'the start of a day'): TimeWindow {
  return { from: startEdge(startMs, name), to: { ms: endMs, included: false, name } };
}

export function nowEdge(nowMs: number): Edge {
  return { ms: nowMs, included: true, name: 'now' };
}

/** The edge a calendar span starts at: a call exactly on it is inside. */
function startEdge(ms: number, name: string): Edge {
  return { ms, included: true, name };
}

/** Whether a call at `ms` is after the `from` edge. */
function isAfterStart(edge: Edge, ms: number): boolean {
  return edge.included ? ms >= edge.ms : ms > edge.ms;
}

/** Whether a call at `ms` is before the `to` edge. */
export function isBeforeEnd(edge: Edge, ms: number): boolean {
  return edge.included ? ms <= edge.ms : ms < edge.ms;
}

/**
 * Where the calls from `firstMs` to `lastMs` (a group folded elsewhere, which cannot be split) lie against the
 * window: all inside, all outside, or cut by an edge (returned, for the message).
 */
export function placeOf(window: TimeWindow, firstMs: number, lastMs: number): 'inside' | 'outside' | Edge {
  const { from, to } = window;
  if (!isBeforeEnd(to, firstMs) || !isAfterStart(from, lastMs)) return 'outside';
  if (!isAfterStart(from, firstMs)) return from;
  if (!isBeforeEnd(to, lastMs)) return to;
  return 'inside';
}


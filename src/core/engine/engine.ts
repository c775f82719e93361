/**
 * The one engine every command folds calls into. A command declares the parts it reads — ledgers (measures per
 * time bucket × group key), token ledgers (calls and token sums only), and short windows of the calls themselves —
 * each with the span of time it covers relative to now; the engine hands every call to each part, and moves the
 * spans when now moves. Reports are then read from the parts, each over a window defined once (core/window.ts),
 * so a figure two commands share (today's cost, the last 10 minutes' errors) is the same sum of the same calls,
 * with costs priced from token sums wherever they are kept.
 *
 * Now is fixed (`--now TIME`, the wall clock), or moves with the newest call read so far (`--now latest` read in
 * one pass: a "moving now"). With a moving now, what falls out of a span as now moves on is let go; since now only moves
 * forward, a call let go would also be outside the span at the final now, so one pass gives what a fixed now at the
 * newest call gives.
 */
import type { TimeZone } from '../timezone.js';
import type { CallRecord } from '../types.js';
import { ALL_TIME, type Edge, lastDuration, sinceStart, type TimeWindow, upTo } from '../window.js';
import { finiteOrNull, StateReader } from './stateReader.js';
import type { Span } from './span.js';

/**
 * Now: an instant; moving with the newest call read so far (`--now latest` read in one pass); or a clock the
 * caller moves with `tick` (`alerts --follow` at the wall clock), calls after it kept for when it gets there.
 */
export type NowMode = { readonly kind: 'fixed'; readonly ms: number } | { readonly kind: 'moving' } | { readonly kind: 'clock'; readonly ms: number };

/** The time a part covers. */
export type SpanRule =
  /** Every call, whatever now. */
  | { readonly kind: 'all' }
  /** A window fixed before reading (summary's --since/--until). */
  | { readonly kind: 'window'; readonly window: TimeWindow }
  /** The calls up to and including now. */
  | { readonly kind: 'upToNow' }
  /** Today and the `days − 1` calendar days before it in `tz`, up to now: [start of that day, now]. */
  | { readonly kind: 'days'; readonly days: number; readonly tz: TimeZone }
  /** (now − ms, now]; `name` names its start in messages. */
  | { readonly kind: 'last'; readonly ms: number; readonly name?: string };

/**
 * What the engine needs of a part: its span, a call, and to let go of what its span no longer covers. As now
 * moves, a `last` span's start moves (and its part is pruned) only each time now has moved on by a sixteenth of
 * the span, and at `finish`: between, it may still take and hold calls just before its span, so a part on a
 * `last` span is read over its span's window, or after `finish`.
 */
export interface Part {
  readonly span: Span;
  add(record: CallRecord): void;
  prune(): void;
  /** What it holds as plain JSON data (a checkpoint), and back: its cells added to what it holds. */
  toState?(): unknown;
  restore?(state: unknown, reader: StateReader): void;
}

/** The engine as plain JSON data: its newest call (a moving now starts there), and each part's state in the order they were made. */
export interface EngineState {
  readonly newestMs: number | null;
  readonly parts: readonly unknown[];
}

interface Entry {
  readonly part: Part;
  readonly rule: SpanRule;
  /** When the span must move next: for `days`, the start of tomorrow at the last move; for `last`, a sixteenth of it on. */
  nextMoveMs: number;
}

export class Engine {
  private readonly entries: Entry[] = [];
  private readonly parts: Part[] = [];
  /** The earliest `nextMoveMs` of the entries: a moving now passes it on few of its calls. */
  private nextMoveMs = Number.NEGATIVE_INFINITY;
  private newest = Number.NEGATIVE_INFINITY;
  /** Initialized as a number, never undefined: a field that held undefined boxes every number stored in it. */
  private current = Number.NEGATIVE_INFINITY;
  /** Now follows the newest call. */
  private readonly moving: boolean;
  /** Spans stay open at the end: now moves on (with the calls, or with the clock). */
  private readonly openEnded: boolean;

  /** `fallbackNowMs`: now when it follows the newest call and there is none (the wall clock). */
  constructor(
    now: NowMode,
    private readonly fallbackNowMs: number,
  ) {
    this.moving = now.kind === 'moving';
    this.openEnded = now.kind !== 'fixed';
    this.current = now.kind === 'moving' ? Number.NEGATIVE_INFINITY : now.ms;
  }

  /**
   * Registers a part and returns it; its span is set from `rule` at once (a moving now sets it at the first call).
   * `takesCalls` false: a part that only takes cells folded elsewhere (a `.cmstate`'s), whose span still moves.
   */
  part<P extends Part>(part: P, rule: SpanRule, takesCalls = true): P {
    if (Number.isFinite(this.newest)) throw new Error('a part is made after the first call');
    const entry: Entry = { part, rule, nextMoveMs: Number.NEGATIVE_INFINITY };
    this.entries.push(entry);
    if (takesCalls) this.parts.push(part);
    if (rule.kind === 'all') part.span.window = ALL_TIME;
    else if (rule.kind === 'window') part.span.window = rule.window;
    else if (!this.moving) {
      place(entry, this.current);
      if (this.openEnded) part.span.to = OPEN_END;
    }
    return part;
  }

  /** Every call of the input, in any order. */
  add(record: CallRecord): void {
    const time = record.timestampMs;
    if (time > this.newest) {
      this.newest = time;
      if (this.moving) {
        // Not a call on every record: a number passed to a call not inlined is a new heap number.
        this.current = time;
        if (time >= this.nextMoveMs) this.moveSpans(time);
      }
    }
    const parts = this.parts;
    for (let i = 0; i < parts.length; i++) (parts[i] as Part).add(record);
  }

  /** With a moving now: the newest call of inputs read otherwise (a state's), before they are merged. */
  advanceTo(ms: number): void {
    if (ms > this.newest) {
      this.newest = ms;
      if (this.moving) this.moveTo(ms);
    }
  }

  /** With a clock: now is `ms`; the spans move to it, and what falls out of them is let go. */
  tick(ms: number): void {
    if (this.openEnded && !this.moving && ms > this.current) this.moveTo(ms);
  }

  /** Now: fixed, or the newest call so far (the fallback when there is none). */
  get nowMs(): number {
    if (!this.moving) return this.current;
    return Number.isFinite(this.current) ? this.current : this.fallbackNowMs;
  }

  /**
   * Whether every part's span moves with now (a call after now is in none of them yet, but will be), or none does
   * (a call after now is in them or never): a run that keeps calls after its now for a later one needs to know.
   */
  get spansFollowNow(): boolean {
    const following = this.entries.filter(({ rule }) => followsNow(rule)).length;
    if (following !== 0 && following !== this.entries.length) throw new Error('parts whose spans follow now beside parts whose spans do not');
    return following > 0;
  }

  /** The newest call read, in a span or not (null: none). */
  get newestMs(): number | null {
    return Number.isFinite(this.newest) ? this.newest : null;
  }

  /**
   * After the last input: with a moving now, every span ends at now (and is set at the fallback now when no call
   * came), so the parts read as they would at a fixed now.
   */
  finish(): void {
    if (!this.openEnded) return;
    const now = this.nowMs;
    for (const entry of this.entries) {
      if (entry.rule.kind === 'all' || entry.rule.kind === 'window') continue;
      place(entry, now);
      entry.part.prune();
    }
  }

  /** Everything the parts hold, as plain JSON data: a later run restores it and reads on. */
  toState(): EngineState {
    const parts = this.entries.map(({ part }, i) => {
      if (part.toState === undefined) throw new Error(`part ${i} cannot be written out`);
      return part.toState();
    });
    return { newestMs: finiteOrNull(this.newest), parts };
  }

  /**
   * Adds a state written by `toState` of an engine made the same way (the same parts, in the same order), before
   * any call: its cells are merged into the parts, which then keep what their spans at this engine's now take.
   * `where` names the state in errors.
   */
  restore(state: EngineState, where: string): void {
    const reader = new StateReader(where);
    const fields = reader.object(state, 'an engine state');
    const parts = reader.list(fields['parts'], 'parts');
    if (parts.length !== this.entries.length) reader.fail(`${parts.length} parts, where ${this.entries.length} are read`);
    // A moving now starts at the state's newest call: the parts know their spans before their cells come back.
    this.advanceTo(reader.time(fields['newestMs'], 'newestMs', Number.NEGATIVE_INFINITY));
    this.entries.forEach(({ part }, i) => {
      const restore = part.restore?.bind(part) ?? reader.fail(`part ${i} cannot be read back`);
      restore(parts[i], reader.at(`parts[${i}]`));
    });
    for (const { part } of this.entries) part.prune();
  }

  private moveTo(nowMs: number): void {
    this.current = nowMs;
    if (nowMs >= this.nextMoveMs) this.moveSpans(nowMs);
  }

  /** The spans whose time to move has come, moved to `nowMs`. */
  private moveSpans(nowMs: number): void {
    let next = Number.POSITIVE_INFINITY;
    for (const entry of this.entries) {
      const { rule, part } = entry;
      if (rule.kind !== 'last' && rule.kind !== 'days') continue;
      if (nowMs >= entry.nextMoveMs) {
        if (rule.kind === 'last') {
          part.span.moveFrom(nowMs - rule.ms, false, rule.name ?? START_NAME);
          entry.nextMoveMs = nowMs + rule.ms / PRUNES_PER_SPAN;
        } else {
          place(entry, nowMs);
          part.span.to = OPEN_END; // nothing is after the newest call
        }
        part.prune();
      }
      next = Math.min(next, entry.nextMoveMs);
    }
    this.nextMoveMs = next;
  }
}

/** Whether a span moves with now (a fixed window or every call does not). */
export function followsNow(rule: SpanRule): boolean {
  return rule.kind !== 'all' && rule.kind !== 'window';
}

const START_NAME = 'the start of the window';
/** How often a `last` span's part is pruned as now moves: each time now has moved on by this fraction of it. */
const PRUNES_PER_SPAN = 16;
const OPEN_END: Edge = { ms: Number.POSITIVE_INFINITY, included: true, name: 'now' };

/** Sets a part's span from its rule at `nowMs`. */
function place(entry: Entry, nowMs: number): void {
  const { rule, part } = entry;
  switch (rule.kind) {
    case 'upToNow':
      part.span.window = upTo(nowMs);
      return;
    case 'last':
      part.span.window = lastDuration(nowMs, rule.ms, rule.name ?? START_NAME);
      return;
    case 'days': {
      const today = rule.tz.startOfDay(nowMs);
      part.span.window = sinceStart(rule.tz.addDays(today, -(rule.days - 1)), nowMs);
      entry.nextMoveMs = rule.tz.addDays(today, 1);
      return;
    }
    case 'all':
    case 'window':
      return;
  }
}


/**
 * The request ids a checkpoint carries to the next run, so that a call delivered twice is dropped even when its
 * copies are read by different runs: the ids of the calls within RECENT_IDS_MS of the newest call read. Within
 * one run every id is checked against every other, as without a checkpoint.
 */
import { HOUR_MS } from '../core/durations.js';
import type { StateReader } from '../core/engine/stateReader.js';
import { type IdSet, RequestIdSet } from '../input/requestIdSet.js';

/** How far back (in the calls' own time, from the newest) the ids are kept from run to run. */
export const RECENT_IDS_MS = HOUR_MS;

/** The ids as plain data: 64-bit hashes as two int32 halves, and the time of each id's call. */
export interface RecentIdsState {
  readonly a: Int32Array;
  readonly b: Int32Array;
  readonly ms: Float64Array;
}

export class RecentRequestIds implements IdSet {
  private all = new RequestIdSet();
  private a = new Int32Array(1024);
  private b = new Int32Array(1024);
  private ms = new Float64Array(1024);
  private kept = 0;
  private newestMs = Number.NEGATIVE_INFINITY;

  add(a: number, b: number, timestampMs = Number.NEGATIVE_INFINITY): boolean {
    if (!this.all.add(a, b)) return false;
    if (timestampMs > this.newestMs) this.newestMs = timestampMs;
    if (timestampMs > this.newestMs - RECENT_IDS_MS) this.keep(a, b, timestampMs);
    return true;
  }

  toState(): RecentIdsState {
    this.forgetOld();
    return { a: this.a.slice(0, this.kept), b: this.b.slice(0, this.kept), ms: this.ms.slice(0, this.kept) };
  }

  /** Adds the ids of a state, before any other. */
  restore(state: unknown, reader: StateReader): void {
    const fields = reader.object(state, 'request ids');
    const a = reader.column(fields['a'], Int32Array, 'a');
    const b = reader.column(fields['b'], Int32Array, 'b', a.length);
    const ms = reader.finiteColumn(fields['ms'], 'ms', a.length);
    this.all = new RequestIdSet(a.length);
    for (let i = 0; i < a.length; i++) this.all.add(a[i] as number, b[i] as number);
    [this.a, this.b, this.ms, this.kept] = [Int32Array.from(a), Int32Array.from(b), Float64Array.from(ms), a.length];
    for (let i = 0; i < ms.length; i++) this.newestMs = Math.max(this.newestMs, ms[i] as number);
    if (this.kept === 0) [this.a, this.b, this.ms] = [new Int32Array(1024), new Int32Array(1024), new Float64Array(1024)];
  }

  private keep(a: number, b: number, ms: number): void {
    if (this.kept === this.ms.length) {
      this.forgetOld(); // the newest so far moved on: let go of what it left behind, then make room
      if (this.kept > this.ms.length / 2) this.grow();
    }
    this.a[this.kept] = a;
    this.b[this.kept] = b;
    this.ms[this.kept++] = ms;
  }

  private forgetOld(): void {
    const keepFrom = this.newestMs - RECENT_IDS_MS;
    let kept = 0;
    for (let i = 0; i < this.kept; i++) {
      if ((this.ms[i] as number) <= keepFrom) continue;
      this.a[kept] = this.a[i] as number;
      this.b[kept] = this.b[i] as number;
      this.ms[kept++] = this.ms[i] as number;
    }
    this.kept = kept;
  }

  private grow(): void {
    const size = this.ms.length * 2;
    const [a, b, ms] = [new Int32Array(size), new Int32Array(size), new Float64Array(size)];
    a.set(this.a);
    b.set(this.b);
    ms.set(this.ms);
    [this.a, this.b, this.ms] = [a, b, ms];
  }
}

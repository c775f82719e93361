/**
 * The request ids a checkpoint carries to the next run, so that a call delivered twice is dropped even when its
 * copies are read by different runs: the ids of the calls within RECENT_IDS_MS of the newest call read. Within
 * one run every id is checked against every other, as without a checkpoint.
 */
import { HOUR_MS } from '../core/durations.js';
import { type IdSet, RequestIdSet } from '../input/requestIdSet.js';

/** How far back (in the calls' own time, from the newest) the ids are kept from run to run. */
export const RECENT_IDS_MS = HOUR_MS;

/** The ids as plain data: 64-bit hashes as two int32 halves, and the time of each id's call (base64). */
export interface RecentIdsState {
  readonly a: string;
  readonly b: string;
  readonly ms: string;
}

export class RecentRequestIds implements IdSet {
  private readonly all: RequestIdSet;
  private a: number[] = [];
  private b: number[] = [];
  private ms: number[] = [];
  private newestMs = Number.NEGATIVE_INFINITY;
  /** How many kept ids make the old ones be let go (doubled from what is left each time). */
  private sweepAt = 1 << 16;

  constructor(expectedIds: number) {
    this.all = new RequestIdSet(expectedIds);
  }

  add(a: number, b: number, timestampMs = Number.NEGATIVE_INFINITY): boolean {
    if (!this.all.add(a, b)) return false;
    if (timestampMs > this.newestMs) this.newestMs = timestampMs;
    if (timestampMs > this.newestMs - RECENT_IDS_MS) {
      this.a.push(a);
      this.b.push(b);
      this.ms.push(timestampMs);
      if (this.ms.length >= this.sweepAt) {
        this.forgetOld(); // the newest so far moved on: let go of what it left behind
        this.sweepAt = Math.max(1 << 16, 2 * this.ms.length);
      }
    }
    return true;
  }

  toState(): RecentIdsState {
    this.forgetOld();
    return {
      a: Buffer.from(Int32Array.from(this.a).buffer).toString('base64'),
      b: Buffer.from(Int32Array.from(this.b).buffer).toString('base64'),
      ms: Buffer.from(Float64Array.from(this.ms).buffer).toString('base64'),
    };
  }

  /** Adds the ids of a state (`where` names it in errors). */
  restore(state: RecentIdsState, fail: (message: string) => never): void {
    const a = new Int32Array(bytesOf(state.a, 4, fail));
    const b = new Int32Array(bytesOf(state.b, 4, fail));
    const ms = new Float64Array(bytesOf(state.ms, 8, fail));
    if (a.length !== b.length || a.length !== ms.length) fail('request ids: the lists differ in length');
    for (let i = 0; i < a.length; i++) this.add(a[i] as number, b[i] as number, ms[i] as number);
  }

  private forgetOld(): void {
    const keepFrom = this.newestMs - RECENT_IDS_MS;
    let kept = 0;
    for (let i = 0; i < this.ms.length; i++) {
      if ((this.ms[i] as number) <= keepFrom) continue;
      this.a[kept] = this.a[i] as number;
      this.b[kept] = this.b[i] as number;
      this.ms[kept++] = this.ms[i] as number;
    }
    this.a.length = this.b.length = this.ms.length = kept;
  }
}

function bytesOf(text: unknown, width: number, fail: (message: string) => never): ArrayBuffer {
  if (typeof text !== 'string') return fail('request ids: expected base64 text');
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % width !== 0) fail('request ids: a list is cut short');
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
}

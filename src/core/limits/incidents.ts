/**
 * The incidents of `limits`: a group's 429s less than 2 minutes apart are one, with the lowest `-remaining`
 * headers logged in the 5 minutes before its first 429 and during it, and the RPM, ITPM and OTPM of the 60 s before
 * it (whole seconds: the second of the first 429 is "during"). 429s whose error names the spend limit
 * (`spend_limit`, as in `enforced_spend_limit_reached`) are not a burst: they are incidents of their own kind.
 */
import { MINUTE_MS, SECOND_MS } from '../durations.js';
import type { Ledger } from '../engine/ledger.js';
import { compareStrings } from '../order.js';
import { type PerLimit, RateLimitHeaders } from '../rateLimitHeaders.js';
import type { CallRecord } from '../types.js';
import type { Usage } from './rateUsage.js';

/** 429s closer than this are one incident. */
const INCIDENT_GAP_MS = 2 * MINUTE_MS;
/** The remaining headers "before" an incident: those logged this long before its first 429. */
const BEFORE_MS = 5 * MINUTE_MS;

export interface IncidentFound {
  readonly kind: 'burst' | 'spend_limit';
  readonly group: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly count: number;
  readonly lowestRemainingBefore: PerLimit;
  readonly lowestRemainingDuring: PerLimit;
  /** The start of the 60 s before it (a whole second), and their RPM, ITPM and OTPM. */
  readonly beforeFromMs: number;
  readonly before: Usage;
}

export interface IncidentSources {
  /** The group of a model's calls. */
  readonly groupOf: (model: string) => string;
  /** Each group's usage by second (its start). */
  readonly seconds: (group: string) => ReadonlyMap<number, Usage> | undefined;
  /** Second × model: the lowest remaining headers logged. */
  readonly headers: Ledger<RateLimitHeaders>;
}

/** The incidents of the 429s, in time order. */
export function incidentsOf(calls: readonly CallRecord[], sources: IncidentSources): IncidentFound[] {
  const runs = new Map<string, { kind: 'burst' | 'spend_limit'; group: string; calls: CallRecord[][] }>();
  for (const call of [...calls].sort((a, b) => a.timestampMs - b.timestampMs)) {
    const kind = /spend_limit/i.test(call.error ?? '') ? 'spend_limit' : 'burst';
    const group = sources.groupOf(call.model);
    const at = JSON.stringify([kind, group]);
    const entry = runs.get(at) ?? (runs.set(at, { kind, group, calls: [] }).get(at) as { kind: typeof kind; group: string; calls: CallRecord[][] });
    const last = entry.calls[entry.calls.length - 1];
    const previous = last?.[last.length - 1];
    if (last !== undefined && previous !== undefined && call.timestampMs - previous.timestampMs < INCIDENT_GAP_MS) last.push(call);
    else entry.calls.push([call]);
  }
  const incidents: IncidentFound[] = [];
  for (const { kind, group, calls: list } of runs.values()) {
    for (const run of list) {
      const startMs = (run[0] as CallRecord).timestampMs;
      const endMs = (run[run.length - 1] as CallRecord).timestampMs;
      const startSecond = Math.floor(startMs / SECOND_MS) * SECOND_MS;
      const beforeFromMs = startSecond - MINUTE_MS;
      incidents.push({
        kind,
        group,
        startMs,
        endMs,
        count: run.length,
        lowestRemainingBefore: lowestRemaining(sources, group, startSecond - BEFORE_MS, startSecond),
        lowestRemainingDuring: lowestRemaining(sources, group, startSecond, Math.floor(endMs / SECOND_MS) * SECOND_MS + SECOND_MS),
        beforeFromMs,
        before: sumOver(sources.seconds(group), beforeFromMs, startSecond),
      });
    }
  }
  return incidents.sort((a, b) => a.startMs - b.startMs || compareStrings(a.group, b.group));
}

/** The lowest remaining headers of the group's calls in the seconds of [fromMs, toMs) (whole seconds). */
function lowestRemaining(sources: IncidentSources, group: string, fromMs: number, toMs: number): PerLimit {
  const lowest = new RateLimitHeaders();
  const { headers } = sources;
  for (const { bucket, key, measure } of headers.cells()) {
    if (bucket < fromMs || bucket >= toMs || sources.groupOf(headers.valuesOf(key)[0] as string) !== group) continue;
    lowest.merge(measure);
  }
  return lowest.remaining;
}

/** The sums of the seconds in [fromMs, toMs). */
function sumOver(seconds: ReadonlyMap<number, Usage> | undefined, fromMs: number, toMs: number): Usage {
  const sum: Usage = [0, 0, 0];
  for (const [second, usage] of seconds ?? []) {
    if (second < fromMs || second >= toMs) continue;
    for (let k = 0; k < 3; k++) sum[k] = (sum[k] as number) + (usage[k] as number);
  }
  return sum;
}

/**
 * The anthropic-ratelimit-* headers the calls logged, per model: the lowest `-remaining` value of each limit (how
 * close the calls came to running out), the `-reset` logged with it (when it was full again; of equal lowest values,
 * the latest), and the highest `-limit` (what they ran against). A ledger measure, so
 * summary's range and the dashboard's 24 hours read the same cells, and a checkpoint carries them.
 */
import type { Cell, Ledger } from './engine/ledger.js';
import type { Measure } from './engine/measure.js';
import type { MeasureKind } from './engine/measureKinds.js';
import type { StateReader } from './engine/stateReader.js';
import { compareStrings } from './order.js';
import type { CallRecord } from './types.js';

/** The limits the headers name, in this order everywhere. */
export const RATE_LIMITS = ['requests', 'tokens', 'inputTokens', 'outputTokens'] as const;
export type RateLimitName = (typeof RATE_LIMITS)[number];

/** A value per limit; null where no call logged one. */
export type PerLimit = Readonly<Record<RateLimitName, number | null>>;

/** Each limit's header of a record, in RATE_LIMITS order. */
type HeaderOf = (record: CallRecord) => number | null;
const REMAINING: readonly HeaderOf[] = [(r) => r.ratelimitRequestsRemaining, (r) => r.ratelimitTokensRemaining, (r) => r.ratelimitInputTokensRemaining, (r) => r.ratelimitOutputTokensRemaining];
const LIMIT: readonly HeaderOf[] = [(r) => r.ratelimitRequestsLimit, (r) => r.ratelimitTokensLimit, (r) => r.ratelimitInputTokensLimit, (r) => r.ratelimitOutputTokensLimit];
const RESET: readonly HeaderOf[] = [(r) => r.ratelimitRequestsReset, (r) => r.ratelimitTokensReset, (r) => r.ratelimitInputTokensReset, (r) => r.ratelimitOutputTokensReset];

/** Whether the call logged any rate-limit header: only those are counted. Asked of every call, so written out. */
export function logsRateLimitHeaders(record: CallRecord): boolean {
  return (
    record.ratelimitRequestsRemaining !== null ||
    record.ratelimitTokensRemaining !== null ||
    record.ratelimitInputTokensRemaining !== null ||
    record.ratelimitOutputTokensRemaining !== null ||
    record.ratelimitRequestsLimit !== null ||
    record.ratelimitTokensLimit !== null ||
    record.ratelimitInputTokensLimit !== null ||
    record.ratelimitOutputTokensLimit !== null
  );
}

export class RateLimitHeaders implements Measure<RateLimitHeaders> {
  calls = 0;
  firstCallMs = Number.POSITIVE_INFINITY;
  lastCallMs = Number.NEGATIVE_INFINITY;
  /** Per limit: the lowest remaining logged (+Infinity: none), the highest limit (-Infinity: none). */
  readonly lowest = new Float64Array(RATE_LIMITS.length).fill(Number.POSITIVE_INFINITY);
  readonly highestLimit = new Float64Array(RATE_LIMITS.length).fill(Number.NEGATIVE_INFINITY);
  /** The reset logged with the lowest remaining (NaN: none). */
  readonly lowestResetMs = new Float64Array(RATE_LIMITS.length).fill(Number.NaN);

  add(record: CallRecord): void {
    this.noteCalls(1, record.timestampMs, record.timestampMs);
    for (let limit = 0; limit < RATE_LIMITS.length; limit++) {
      this.note(limit, (REMAINING[limit] as HeaderOf)(record) ?? Number.POSITIVE_INFINITY, (LIMIT[limit] as HeaderOf)(record) ?? Number.NEGATIVE_INFINITY, (RESET[limit] as HeaderOf)(record) ?? Number.NaN);
    }
  }

  merge(other: RateLimitHeaders): void {
    this.noteCalls(other.calls, other.firstCallMs, other.lastCallMs);
    for (let limit = 0; limit < RATE_LIMITS.length; limit++) this.note(limit, other.lowest[limit] as number, other.highestLimit[limit] as number, other.lowestResetMs[limit] as number);
  }

  /** The lowest remaining per limit. */
  get remaining(): PerLimit {
    return perLimit(this.lowest);
  }

  /** The highest limit logged per limit. */
  get limits(): PerLimit {
    return perLimit(this.highestLimit);
  }

  /** The reset logged with the lowest remaining, per limit (epoch ms). */
  get resets(): PerLimit {
    return perLimit(this.lowestResetMs);
  }

  toState(): unknown {
    return { calls: this.calls, firstMs: this.firstCallMs, lastMs: this.lastCallMs, remaining: Object.values(this.remaining), limits: Object.values(this.limits), resets: Object.values(this.resets) };
  }

  static fromState(state: unknown, reader: StateReader): RateLimitHeaders {
    const fields = reader.object(state, 'rate-limit headers');
    const headers = new RateLimitHeaders();
    headers.noteCalls(reader.count(fields['calls'], 'calls'), reader.number(fields['firstMs'], 'firstMs'), reader.number(fields['lastMs'], 'lastMs'));
    const column = (name: string, read: (value: unknown, what: string) => number): number[] => {
      const values = reader.list(fields[name], name);
      if (values.length !== RATE_LIMITS.length) reader.fail(`${name} must hold ${RATE_LIMITS.length} values`);
      return values.map((value, i) => (value === null ? Number.NaN : read(value, `${name}[${i}]`)));
    };
    const remaining = column('remaining', (value, what) => reader.count(value, what));
    const limits = column('limits', (value, what) => reader.count(value, what));
    const resets = column('resets', (value, what) => reader.number(value, what));
    for (let limit = 0; limit < RATE_LIMITS.length; limit++) {
      const lowest = Number.isNaN(remaining[limit]) ? Number.POSITIVE_INFINITY : (remaining[limit] as number);
      headers.note(limit, lowest, Number.isNaN(limits[limit]) ? Number.NEGATIVE_INFINITY : (limits[limit] as number), resets[limit] as number);
    }
    return headers;
  }

  private noteCalls(calls: number, firstMs: number, lastMs: number): void {
    this.calls += calls;
    if (firstMs < this.firstCallMs) this.firstCallMs = firstMs;
    if (lastMs > this.lastCallMs) this.lastCallMs = lastMs;
  }

  private note(limit: number, remaining: number, highestLimit: number, resetMs: number): void {
    const lowest = this.lowest[limit] as number;
    if (remaining < lowest) {
      this.lowest[limit] = remaining;
      this.lowestResetMs[limit] = resetMs;
    } else if (remaining === lowest && remaining !== Number.POSITIVE_INFINITY) {
      // The same lowest again: the later reset, whatever the order the calls came in (NaN: none logged).
      const reset = this.lowestResetMs[limit] as number;
      if (Number.isNaN(reset) || resetMs > reset) this.lowestResetMs[limit] = resetMs;
    }
    if (highestLimit > (this.highestLimit[limit] as number)) this.highestLimit[limit] = highestLimit;
  }
}

function perLimit(values: Float64Array): PerLimit {
  const at = (limit: number): number | null => (Number.isFinite(values[limit]) ? (values[limit] as number) : null);
  return { requests: at(0), tokens: at(1), inputTokens: at(2), outputTokens: at(3) };
}

export const RATE_LIMIT_HEADERS_MEASURE: MeasureKind<RateLimitHeaders> = {
  newMeasure: () => new RateLimitHeaders(),
  measureFromState: (state, reader) => RateLimitHeaders.fromState(state, reader),
};

/** What one model's calls logged. */
export interface ModelRateLimits {
  readonly model: string;
  /** Calls that logged a rate-limit header. */
  readonly calls: number;
  readonly lowestRemaining: PerLimit;
  readonly limits: PerLimit;
  /** When each lowest remaining was to be full again (epoch ms). */
  readonly resets: PerLimit;
}

/** Per model, in model order: the cells of ledgers by model that `counts` takes, merged across time buckets. */
export function rateLimitsByModel(ledgers: readonly Ledger<RateLimitHeaders>[], counts: (cell: Cell<RateLimitHeaders>) => boolean = () => true): ModelRateLimits[] {
  const byModel = new Map<string, RateLimitHeaders>();
  for (const ledger of ledgers) {
    for (const cell of ledger.cells()) {
      if (!counts(cell)) continue;
      const model = ledger.valuesOf(cell.key)[0] as string;
      let merged = byModel.get(model);
      if (merged === undefined) byModel.set(model, (merged = new RateLimitHeaders()));
      merged.merge(cell.measure);
    }
  }
  return [...byModel]
    .map(([model, headers]) => ({ model, calls: headers.calls, lowestRemaining: headers.remaining, limits: headers.limits, resets: headers.resets }))
    .sort((a, b) => compareStrings(a.model, b.model));
}

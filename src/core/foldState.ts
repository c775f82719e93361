/**
 * The folded state of some logs (`claude-mon fold`, a `.cmstate` file): the engine's ledgers of a StatsAccumulator
 * per UTC hour × feature × model and per day (in the fold's time zone) × user — everything `summary` reports of
 * those groups, exactly: token sums by model (priced when a report is made), latencies exact for small groups and
 * as an HDR histogram above, the counts by stop reason, error type and status — and beside them the rate-limited
 * calls by hour × feature × user (how many, the first and the last: the dashboard's 429 panel), few in any log.
 * States merge by adding their cells, so the summary of the states of N shards equals the summary of the shards'
 * logs read in one pass (duplicates are dropped within a shard, not across shards).
 *
 * The calls exactly at an hour's start (a day's, for users) are a cell of their own, so that a window that ends at
 * and includes a whole hour, (now − 1h, now], never cuts a cell at any resolution of the logs' timestamps.
 */
import { CallCount } from './engine/measure.js';
import { Ledger } from './engine/ledger.js';
import { COUNT_MEASURE, statsMeasure } from './engine/measures.js';
import type { GroupDimension } from './grouping.js';
import { StatsAccumulator, type AccumulatorState } from './stats.js';
import type { PriceBook } from './pricing.js';
import type { TimeZone } from './timezone.js';
import type { LineCounts } from './types.js';
import { isRateLimited } from './callOutcome.js';

export const STATE_FORMAT = 'claude-mon-state';
/** 2 added `rateLimited`; version 1 states are read without it (the dashboard refuses them). */
export const STATE_VERSION = 2;
export const HOUR_MS = 3_600_000;

/** The ledgers a `.cmstate` holds. */
export interface FoldLedgers {
  readonly hours: Ledger<StatsAccumulator>;
  readonly users: Ledger<StatsAccumulator>;
  readonly rateLimited: Ledger<CallCount>;
}

export function makeFoldLedgers(tz: TimeZone, pricing: PriceBook): FoldLedgers {
  return {
    hours: new Ledger({ bucketing: { unit: 'hour', edges: true }, dims: ['feature', 'model'], tz, ...statsMeasure(pricing) }),
    users: new Ledger({ bucketing: { unit: 'day', tz, edges: true }, dims: ['user'], tz, ...statsMeasure(pricing) }),
    rateLimited: new Ledger({ bucketing: { unit: 'hour', edges: true }, dims: ['feature', 'user'], tz, ...COUNT_MEASURE, keeps: isRateLimited }),
  };
}

export interface HourGroup {
  readonly hourMs: number;
  /** The calls exactly at the hour's start, kept apart from the rest of the hour. */
  readonly edge: boolean;
  readonly feature: string;
  readonly model: string;
  readonly stats: StatsAccumulator;
}

export interface UserDayGroup {
  /** YYYY-MM-DD in the state's time zone. */
  readonly day: string;
  /** The calls exactly at the day's start (midnight), kept apart like an hour's. */
  readonly edge: boolean;
  readonly user: string;
  readonly stats: StatsAccumulator;
}

export interface RateLimitGroup {
  readonly hourMs: number;
  /** The calls exactly at the hour's start, kept apart like an hour's. */
  readonly edge: boolean;
  readonly feature: string;
  readonly user: string;
  readonly count: CallCount;
}

export type StateSection = 'hours' | 'users' | 'rateLimited';

/** The dimensions each section's cells are grouped by (time aside). */
export const SECTION_DIMENSIONS: Readonly<Record<StateSection, readonly GroupDimension[]>> = {
  hours: ['feature', 'model'],
  users: ['user'],
  rateLimited: ['feature', 'user'],
};

/** A state file's document, as written (src/render/stateFile.ts) and read. */
export interface StateDocument {
  readonly format: typeof STATE_FORMAT;
  readonly version: number;
  readonly createdBy: string;
  readonly timezone: string;
  readonly input: LineCounts;
  /** The newest call (null: none), since version 2: a report at --now latest need not read the groups for it. */
  readonly newestMs?: number | null;
  /** `edge` (since version 2): the group of the calls exactly at the hour's (the day's) start. */
  readonly hours: readonly { readonly hour: number; readonly edge?: true; readonly feature: string; readonly model: string; readonly stats: AccumulatorState }[];
  readonly users: readonly { readonly day: string; readonly edge?: true; readonly user: string; readonly stats: AccumulatorState }[];
  /** Since version 2. */
  readonly rateLimited?: readonly { readonly hour: number; readonly edge?: true; readonly feature: string; readonly user: string; readonly calls: number; readonly firstMs: number; readonly lastMs: number }[];
}

export interface ReadState {
  readonly version: number;
  /** The newest call (−Infinity: none); in a version 1 state, of the sections read. */
  readonly newestMs: number;
  readonly timezone: string;
  readonly input: LineCounts;
  readonly hours: readonly HourGroup[];
  readonly users: readonly UserDayGroup[];
  /** Empty in a version 1 state. */
  readonly rateLimited: readonly RateLimitGroup[];
}

/**
 * Checks a parsed state document and makes the groups of the sections asked for (the others are left empty: a
 * report by feature does not need 35,000 user-days); `source` names the file in errors. Throws Error with what is
 * wrong and where.
 */
export function readStateDocument(json: unknown, source: string, pricing: PriceBook, sections: ReadonlySet<StateSection>): ReadState {
  const fail = (what: string): never => {
    throw new Error(`${source}: ${what}`);
  };
  const document = (typeof json === 'object' && json !== null && !Array.isArray(json) ? json : fail('not a claude-mon state')) as Partial<StateDocument>;
  if (document.format !== STATE_FORMAT) fail(`not a claude-mon state (no "format": "${STATE_FORMAT}")`);
  const version = document.version;
  if (!Number.isSafeInteger(version) || (version as number) < 1) fail('no valid "version"');
  if ((version as number) > STATE_VERSION) {
    fail(`state format version ${version} was written by a newer claude-mon (${document.createdBy ?? 'unknown'}); this one reads version ${STATE_VERSION}: upgrade claude-mon`);
  }
  if (typeof document.timezone !== 'string') fail('no "timezone"');
  if (!Array.isArray(document.hours) || !Array.isArray(document.users)) fail('"hours" and "users" must be lists');
  const input = checkedCounts(document.input, fail);
  const hours = (sections.has('hours') ? (document.hours as unknown[]) : []).map((entry, i): HourGroup => {
    const where = `${source}: hours[${i}]`;
    const group = (typeof entry === 'object' && entry !== null ? entry : fail(`hours[${i}] must be an object`)) as Partial<StateDocument['hours'][number]>;
    if (!Number.isSafeInteger(group.hour) || (group.hour as number) % HOUR_MS !== 0) fail(`hours[${i}]: "hour" must be the start of an hour in ms`);
    if (typeof group.feature !== 'string' || typeof group.model !== 'string') fail(`hours[${i}]: "feature" and "model" must be strings`);
    const edge = edgeOf(group.edge, `hours[${i}]`, fail);
    const stats = accumulator(group.stats, pricing, where);
    if (edge && (stats.firstCallMs !== group.hour || stats.lastCallMs !== group.hour)) fail(`hours[${i}]: an "edge" group holds calls at the hour's start only`);
    return { hourMs: group.hour as number, edge, feature: group.feature as string, model: group.model as string, stats };
  });
  const users = (sections.has('users') ? (document.users as unknown[]) : []).map((entry, i): UserDayGroup => {
    const where = `${source}: users[${i}]`;
    const group = (typeof entry === 'object' && entry !== null ? entry : fail(`users[${i}] must be an object`)) as Partial<StateDocument['users'][number]>;
    if (typeof group.day !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(group.day)) fail(`users[${i}]: "day" must be YYYY-MM-DD`);
    if (typeof group.user !== 'string') fail(`users[${i}]: "user" must be a string`);
    const edge = edgeOf(group.edge, `users[${i}]`, fail);
    const stats = accumulator(group.stats, pricing, where);
    if (edge && stats.firstCallMs !== stats.lastCallMs) fail(`users[${i}]: an "edge" group holds calls at the day's start only`);
    return { day: group.day as string, edge, user: group.user as string, stats };
  });
  if ((version as number) >= 2 && !Array.isArray(document.rateLimited)) fail('"rateLimited" must be a list');
  const rateLimited = (sections.has('rateLimited') ? ((document.rateLimited ?? []) as unknown[]) : []).map((entry, i): RateLimitGroup => {
    const group = (typeof entry === 'object' && entry !== null ? entry : fail(`rateLimited[${i}] must be an object`)) as Partial<NonNullable<StateDocument['rateLimited']>[number]>;
    const { hour, feature, user, calls, firstMs, lastMs } = group;
    if (!Number.isSafeInteger(hour) || (hour as number) % HOUR_MS !== 0) fail(`rateLimited[${i}]: "hour" must be the start of an hour in ms`);
    if (typeof feature !== 'string' || typeof user !== 'string') fail(`rateLimited[${i}]: "feature" and "user" must be strings`);
    if (!Number.isSafeInteger(calls) || (calls as number) < 1) fail(`rateLimited[${i}]: "calls" must be a whole number ≥ 1`);
    const inHour = (ms: unknown): boolean => typeof ms === 'number' && ms >= (hour as number) && ms < (hour as number) + HOUR_MS;
    if (!inHour(firstMs) || !inHour(lastMs) || (firstMs as number) > (lastMs as number)) fail(`rateLimited[${i}]: "firstMs" and "lastMs" must be times in its hour, in order`);
    const edge = edgeOf(group.edge, `rateLimited[${i}]`, fail);
    if (edge && lastMs !== hour) fail(`rateLimited[${i}]: an "edge" group holds calls at the hour's start only`);
    const count = new CallCount();
    count.note(calls as number, firstMs as number, lastMs as number);
    return { hourMs: hour as number, edge, feature: feature as string, user: user as string, count };
  });
  let newestMs = Number.NEGATIVE_INFINITY;
  if ((version as number) >= 2) {
    const { newestMs: newest } = document;
    if (newest !== null && (typeof newest !== 'number' || !Number.isFinite(newest))) fail('"newestMs" must be a time in ms or null');
    newestMs = newest ?? Number.NEGATIVE_INFINITY;
  } else {
    for (const group of [...hours, ...users]) newestMs = Math.max(newestMs, group.stats.lastCallMs);
  }
  return { version: version as number, newestMs, timezone: document.timezone as string, input, hours, users, rateLimited };
}

function edgeOf(value: unknown, where: string, fail: (what: string) => never): boolean {
  if (value !== undefined && typeof value !== 'boolean') fail(`${where}: "edge" must be true, false or absent`);
  return value === true;
}

function accumulator(state: unknown, pricing: PriceBook, where: string): StatsAccumulator {
  if (typeof state !== 'object' || state === null) throw new Error(`${where}: no "stats"`);
  return StatsAccumulator.fromState(state as AccumulatorState, pricing, where);
}

function checkedCounts(value: unknown, fail: (what: string) => never): LineCounts {
  const counts = (typeof value === 'object' && value !== null ? value : fail('no "input" counts')) as Partial<LineCounts>;
  const whole = (n: unknown): boolean => Number.isSafeInteger(n) && (n as number) >= 0;
  if (![counts.files, counts.lines, counts.records, counts.duplicates, counts.noise].every(whole)) fail('"input" counts must be whole numbers');
  const skipped = counts.skipped ?? fail('no "input.skipped"');
  if (typeof skipped !== 'object' || !Object.values(skipped).every(whole)) fail('"input.skipped" must count lines by reason');
  const strings = (list: unknown): list is string[] => Array.isArray(list) && list.every((item) => typeof item === 'string');
  if (!strings(counts.unreadable) || !strings(counts.truncated)) fail('"input.unreadable" and "input.truncated" must be lists of names');
  return counts as LineCounts;
}

/**
 * A parsed `.cmstate` document checked and made into the fold's groups (core/foldState.ts): the boundary where a
 * state file's JSON becomes typed data, each mistake named by where it is.
 */
import { CallCount } from '../core/engine/measure.js';
import { StateReader } from '../core/engine/stateReader.js';
import { RateLimitHeaders } from '../core/rateLimitHeaders.js';
import { reportedCostMeasure } from '../core/reportedCost.js';
import type { Measure } from '../core/engine/measure.js';
import { type HourGroup, type RateLimitGroup, type RateLimitHeadersGroup, type ReadState, type ReportedCostGroup, STATE_FORMAT, STATE_VERSION, type StateDocument, type StateSection, type UserDayGroup } from '../core/foldState.js';
import { HOUR_MS } from '../core/durations.js';
import type { PriceBook } from '../core/pricing.js';
import { type AccumulatorState, StatsAccumulator } from '../core/stats.js';
import type { LineCounts } from '../core/types.js';

/**
 * Checks a parsed state document and makes the groups of the sections asked for (the others are left empty: a
 * report by feature does not need 35,000 user-days); `source` names the file in errors. Throws Error with what is
 * wrong and where.
 */
export function readStateDocument(json: unknown, source: string, pricing: PriceBook, sections: ReadonlySet<StateSection>): ReadState {
  // What is wrong, and what to do: a state is only ever written by fold, so a bad one is damaged or not a state.
  const fail = (what: string): never => {
    throw new Error(`${source}: ${what}: the file is damaged or not a state; fold its logs again`);
  };
  const document = (typeof json === 'object' && json !== null && !Array.isArray(json) ? json : fail('not a claude-mon state')) as Partial<StateDocument>;
  if (document.format !== STATE_FORMAT) fail(`not a claude-mon state (no "format": "${STATE_FORMAT}")`);
  const version = document.version;
  if (!Number.isSafeInteger(version) || (version as number) < 1) fail('no valid "version"');
  if ((version as number) > STATE_VERSION) {
    throw new Error(`${source}: state format version ${version} was written by a newer claude-mon (${document.createdBy ?? 'unknown'}); this one reads version ${STATE_VERSION}: upgrade claude-mon`);
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
  const sinceVersion3 = (name: 'rateLimitHeaders' | 'reportedCost'): unknown[] => {
    if ((version as number) >= 3 && !Array.isArray(document[name])) fail(`"${name}" must be a list`);
    return sections.has(name) ? ((document[name] ?? []) as unknown[]) : [];
  };
  const rateLimitHeaders = sinceVersion3('rateLimitHeaders').map((entry, i): RateLimitHeadersGroup => {
    const { hourMs, edge, group, measure } = measureOfHour(entry, `rateLimitHeaders[${i}]`, fail, (state, reader) => RateLimitHeaders.fromState(state, reader));
    if (typeof group['model'] !== 'string') fail(`rateLimitHeaders[${i}]: "model" must be a string`);
    return { hourMs, edge, model: group['model'] as string, headers: measure };
  });
  const costMeasure = reportedCostMeasure(pricing);
  const reportedCost = sinceVersion3('reportedCost').map((entry, i): ReportedCostGroup => {
    const { hourMs, edge, measure } = measureOfHour(entry, `reportedCost[${i}]`, fail, costMeasure.measureFromState);
    return { hourMs, edge, cost: measure };
  });
  let newestMs = Number.NEGATIVE_INFINITY;
  if ((version as number) >= 2) {
    const { newestMs: newest } = document;
    if (newest !== null && (typeof newest !== 'number' || !Number.isFinite(newest))) fail('"newestMs" must be a time in ms or null');
    newestMs = newest ?? Number.NEGATIVE_INFINITY;
  } else {
    for (const group of [...hours, ...users]) newestMs = Math.max(newestMs, group.stats.lastCallMs);
  }
  return { version: version as number, newestMs, timezone: document.timezone as string, input, hours, users, rateLimited, rateLimitHeaders, reportedCost };
}

/**
 * A group of one hour whose other fields are a measure's state (version 3's sections): its hour, edge and measure
 * checked, the measure's calls inside the hour.
 */
function measureOfHour<M extends Measure<M>>(
  entry: unknown,
  where: string,
  fail: (what: string) => never,
  fromState: (state: unknown, reader: StateReader) => M,
): { hourMs: number; edge: boolean; group: Record<string, unknown>; measure: M } {
  const group = (typeof entry === 'object' && entry !== null ? entry : fail(`${where} must be an object`)) as Record<string, unknown>;
  const hour = group['hour'];
  if (!Number.isSafeInteger(hour) || (hour as number) % HOUR_MS !== 0) fail(`${where}: "hour" must be the start of an hour in ms`);
  let measure: M;
  try {
    measure = fromState(group, new StateReader(where));
  } catch (error) {
    return fail((error as Error).message);
  }
  const inHour = (ms: number): boolean => ms >= (hour as number) && ms < (hour as number) + HOUR_MS;
  if (measure.calls < 1 || !inHour(measure.firstCallMs) || !inHour(measure.lastCallMs)) fail(`${where}: its calls must be ≥ 1 and in its hour`);
  const edge = edgeOf(group['edge'], where, fail);
  if (edge && measure.lastCallMs !== hour) fail(`${where}: an "edge" group holds calls at the hour's start only`);
  return { hourMs: hour as number, edge, group, measure };
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

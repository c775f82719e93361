/**
 * The folded state of some logs (`claude-mon fold`, a `.cmstate` file): a StatsAccumulator per UTC hour × feature ×
 * model and per day (in the fold's time zone) × user — everything `summary` reports of those groups, exactly: token
 * sums by model (priced when a report is made), latencies exact for small groups and as an HDR histogram above, the
 * counts by stop reason, error type and status. States merge by adding their accumulators, so the summary of the
 * states of N shards equals the summary of the shards' logs read in one pass (duplicates are dropped within a
 * shard, not across shards).
 */
import { StatsAccumulator, type AccumulatorState } from './stats.js';
import type { PriceBook } from './pricing.js';
import type { TimeZone } from './timezone.js';
import type { CallRecord, LineCounts } from './types.js';

export const STATE_FORMAT = 'claude-mon-state';
export const STATE_VERSION = 1;
export const HOUR_MS = 3_600_000;

export interface HourGroup {
  readonly hourMs: number;
  readonly feature: string;
  readonly model: string;
  readonly stats: StatsAccumulator;
}

export interface UserDayGroup {
  /** YYYY-MM-DD in the state's time zone. */
  readonly day: string;
  readonly user: string;
  readonly stats: StatsAccumulator;
}

export class FoldState {
  /** By hour start, feature and model (nested maps: no key string made per call). */
  private readonly hourMaps = new Map<number, Map<string, Map<string, HourGroup>>>();
  /** By day and user. */
  private readonly userMaps = new Map<string, Map<string, UserDayGroup>>();

  constructor(
    private readonly tz: TimeZone,
    private readonly pricing: PriceBook,
  ) {}

  /** The zone of the users' days. */
  get timezone(): string {
    return this.tz.name;
  }

  add(record: CallRecord): void {
    const hourMs = Math.floor(record.timestampMs / HOUR_MS) * HOUR_MS;
    const byModel = inner(inner(this.hourMaps, hourMs), record.feature);
    let hour = byModel.get(record.model);
    if (hour === undefined) {
      hour = { hourMs, feature: record.feature, model: record.model, stats: new StatsAccumulator(this.pricing) };
      byModel.set(record.model, hour);
    }
    hour.stats.add(record);
    const day = this.tz.dayKey(record.timestampMs);
    const byUser = inner(this.userMaps, day);
    let user = byUser.get(record.userId);
    if (user === undefined) {
      user = { day, user: record.userId, stats: new StatsAccumulator(this.pricing) };
      byUser.set(record.userId, user);
    }
    user.stats.add(record);
  }

  /** Every hour × feature × model group. */
  *hours(): Generator<HourGroup> {
    for (const byFeature of this.hourMaps.values()) for (const byModel of byFeature.values()) yield* byModel.values();
  }

  /** Every day × user group. */
  *users(): Generator<UserDayGroup> {
    for (const byUser of this.userMaps.values()) yield* byUser.values();
  }
}

function inner<K, V>(outer: Map<K, Map<string, V>>, key: K): Map<string, V> {
  let map = outer.get(key);
  if (map === undefined) {
    map = new Map();
    outer.set(key, map);
  }
  return map;
}

/** A state file's document, as written (src/render/stateFile.ts) and read. */
export interface StateDocument {
  readonly format: typeof STATE_FORMAT;
  readonly version: number;
  readonly createdBy: string;
  readonly timezone: string;
  readonly input: LineCounts;
  readonly hours: readonly { readonly hour: number; readonly feature: string; readonly model: string; readonly stats: AccumulatorState }[];
  readonly users: readonly { readonly day: string; readonly user: string; readonly stats: AccumulatorState }[];
}

export interface ReadState {
  readonly timezone: string;
  readonly input: LineCounts;
  readonly hours: readonly HourGroup[];
  readonly users: readonly UserDayGroup[];
}

/**
 * Checks a parsed state document and makes the accumulators of one of its sections (the other is left empty: a
 * report by feature does not need 35,000 user-days); `source` names the file in errors. Throws Error with what is
 * wrong and where.
 */
export function readStateDocument(json: unknown, source: string, pricing: PriceBook, section: 'hours' | 'users'): ReadState {
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
  const hours = (section === 'hours' ? (document.hours as unknown[]) : []).map((entry, i): HourGroup => {
    const where = `${source}: hours[${i}]`;
    const group = (typeof entry === 'object' && entry !== null ? entry : fail(`hours[${i}] must be an object`)) as Partial<StateDocument['hours'][number]>;
    if (!Number.isSafeInteger(group.hour) || (group.hour as number) % HOUR_MS !== 0) fail(`hours[${i}]: "hour" must be the start of an hour in ms`);
    if (typeof group.feature !== 'string' || typeof group.model !== 'string') fail(`hours[${i}]: "feature" and "model" must be strings`);
    return { hourMs: group.hour as number, feature: group.feature as string, model: group.model as string, stats: accumulator(group.stats, pricing, where) };
  });
  const users = (section === 'users' ? (document.users as unknown[]) : []).map((entry, i): UserDayGroup => {
    const where = `${source}: users[${i}]`;
    const group = (typeof entry === 'object' && entry !== null ? entry : fail(`users[${i}] must be an object`)) as Partial<StateDocument['users'][number]>;
    if (typeof group.day !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(group.day)) fail(`users[${i}]: "day" must be YYYY-MM-DD`);
    if (typeof group.user !== 'string') fail(`users[${i}]: "user" must be a string`);
    return { day: group.day as string, user: group.user as string, stats: accumulator(group.stats, pricing, where) };
  });
  return { timezone: document.timezone as string, input, hours, users };
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

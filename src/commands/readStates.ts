/**
 * `.cmstate` inputs (written by `claude-mon fold`) beside logs, for `summary`, `trend` and `dashboard`: read,
 * checked, and their groups handed to the command's fold. A state holds hour × feature × model and day × user groups, so it answers
 * `--by` feature, model, day and hour (in a time zone whose offset is whole hours), or user and day (in the zone it
 * was folded in), and windows whose edges do not fall between the calls of a group; anything else is a usage error
 * that says so, never an approximation. Only the sections a report needs are parsed.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { HOUR_MS, type ReadState, readStateDocument, type StateSection, STATE_VERSION } from '../core/foldState.js';
import type { StatsAccumulator } from '../core/stats.js';
import type { PriceBook } from '../core/pricing.js';
import type { TimeZone } from '../core/timezone.js';
import type { CallRecord } from '../core/types.js';
import { describeFsError, InputError, UsageError } from '../errors.js';
import { filesUnder } from '../input/sources.js';
import type { Tally } from '../input/tally.js';

const STATE_FILE = /\.cmstate(\.gz)?$/i;
/** Past this a state cannot be one string (V8's limit is ~512 MiB of text): said so, rather than a crash. */
const MAX_STATE_BYTES = 500 * 2 ** 20;

export function isStateFile(arg: string): boolean {
  return STATE_FILE.test(arg);
}

/**
 * The inputs of a command that reads states: the .cmstate files named, and those found in directories (read
 * recursively). A directory holding both logs and states is refused: a state there may be of the logs beside it.
 */
export async function splitInputs(args: readonly string[]): Promise<{ logArgs: string[]; stateFiles: string[] }> {
  const logArgs: string[] = [];
  const stateFiles: string[] = [];
  for (const arg of args) {
    if (isStateFile(arg)) {
      stateFiles.push(arg);
      continue;
    }
    const isDirectory = await fs.stat(arg).then((stat) => stat.isDirectory(), () => false);
    if (!isDirectory) {
      logArgs.push(arg);
      continue;
    }
    const { files, firstLog } = await filesUnder(arg, STATE_FILE);
    if (firstLog !== null && files.length > 0) {
      throw new UsageError(
        `${arg} holds both logs (${firstLog}, read as one: *.jsonl, *.log, *.json…) and .cmstate states: a state folded from those logs would count them twice; give the logs or the states (e.g. ${arg}/*.cmstate)`,
      );
    }
    stateFiles.push(...files);
    if (files.length === 0) logArgs.push(arg);
  }
  return { logArgs, stateFiles };
}

/** For the commands that need call records. */
export function refuseStates(args: readonly string[], command: string): void {
  const state = args.find(isStateFile);
  if (state !== undefined) {
    throw new UsageError(`${command} reads call records; ${state} is a folded state (claude-mon fold), which \`summary\`, \`trend\` and \`dashboard\` read: give ${command} the logs`);
  }
}

/**
 * The section of a state that answers a report by `dimensions`: hours for feature, model, day and hour; users for
 * user (and day). Anything else is a usage error naming the file.
 */
export function stateSectionFor(dimensions: readonly string[], file: string): 'hours' | 'users' {
  if (dimensions.every((dimension) => ['feature', 'model', 'day', 'hour'].includes(dimension))) return 'hours';
  if (dimensions.includes('user') && dimensions.every((dimension) => dimension === 'user' || dimension === 'day')) return 'users';
  throw new UsageError(
    `${file} holds hour × feature × model and day × user groups: --by ${dimensions.join(',')} needs the logs (with .cmstate inputs, --by takes feature, model, day and hour, or user and day)`,
  );
}

/**
 * Reads a state file (gzipped or not) and the sections of it a report needs; with `usersOfDay`, only that day's
 * users (YYYY-MM-DD) are read when the file is laid out as fold writes it. With `seen` (the states read so far by
 * their content's digest), a state read before — the same file twice, or a copy — is a usage error: it would count
 * its calls twice.
 */
export async function readStateFile(
  file: string,
  pricing: PriceBook,
  sections: readonly StateSection[],
  seen?: Map<string, string>,
  usersOfDay?: string,
): Promise<ReadState> {
  const wanted = new Set(sections);
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
    if (bytes.length > MAX_STATE_BYTES) throw new Error(`larger than ${MAX_STATE_BYTES / 2 ** 20} MiB`);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes, { maxOutputLength: MAX_STATE_BYTES });
  } catch (error) {
    throw new InputError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === undefined ? (error as Error).message : describeFsError(error)}`);
  }
  const digest = seen === undefined ? '' : createHash('sha256').update(bytes).digest('hex');
  let json: unknown;
  try {
    json = parseStateText(bytes.toString('utf8'), wanted, usersOfDay === undefined ? '' : `{"day":${JSON.stringify(usersOfDay)},`);
  } catch (error) {
    throw new InputError(`${file}: not a claude-mon state (not JSON: ${(error as Error).message})`);
  }
  let state: ReadState;
  try {
    state = readStateDocument(json, file, pricing, wanted);
  } catch (error) {
    throw new InputError((error as Error).message);
  }
  // Two hosts without calls fold to the same bytes, and count nothing twice.
  if (seen !== undefined && Number.isFinite(state.newestMs)) {
    const earlier = seen.get(digest);
    if (earlier !== undefined) throw new UsageError(`${file} holds the same state as ${earlier}: given twice, its calls would count twice`);
    seen.set(digest, file);
  }
  return state;
}

/**
 * The document, with only the wanted sections' groups parsed when the text is laid out as `fold` writes it (a
 * group per line): the other sections' lines are skipped unparsed, and no tree of the whole file is built. Any other
 * layout of the same JSON is parsed whole.
 */
function parseStateText(text: string, wanted: ReadonlySet<StateSection>, usersPrefix: string): unknown {
  const lines = text.split('\n');
  const document = headerOf(lines[0] ?? '');
  if (document === null) return JSON.parse(text);
  const groups = new Map<string, unknown[]>();
  let at = 1;
  for (;;) {
    const name = /^"(hours|users|rateLimited)":\[$/.exec(lines[at++] ?? '')?.[1] as StateSection | undefined;
    if (name === undefined || groups.has(name) || name in document) return JSON.parse(text);
    const list: unknown[] = [];
    groups.set(name, list);
    for (; at < lines.length && lines[at] !== '],' && lines[at] !== ']}'; at++) {
      if (!wanted.has(name)) continue;
      const line = lines[at] as string;
      if (name === 'users' && !line.startsWith(usersPrefix)) {
        if (line.startsWith('{"day":')) continue; // another day's
        return JSON.parse(text); // keys in another order: the whole document decides
      }
      if (!line.startsWith('{')) return JSON.parse(text);
      try {
        list.push(JSON.parse(line.endsWith(',') ? line.slice(0, -1) : line));
      } catch {
        return JSON.parse(text); // not the layout fold writes after all: the whole document decides
      }
    }
    const closing = lines[at++];
    if (closing === ']}') break;
    if (closing !== '],') return JSON.parse(text);
  }
  // Nothing may follow but the final line feed.
  if (lines.slice(at).join('') !== '') return JSON.parse(text);
  return { ...document, ...Object.fromEntries(groups) };
}

/**
 * Reads the states one at a time (one in memory at a time) with the sections each needs, refuses one given twice
 * and (under --strict) one whose logs had skipped lines, counts their logs' lines in `tally`, and hands each to
 * `merge`. `usersOfDay`: the one day of users the report takes (see readStateFile).
 */
export async function mergeStates(
  states: readonly { readonly file: string; readonly sections: readonly StateSection[] }[],
  pricing: PriceBook,
  strict: boolean,
  tally: Tally,
  merge: (state: ReadState, file: string) => void,
  usersOfDay?: string,
): Promise<void> {
  const seen = new Map<string, string>();
  for (const { file, sections } of states) {
    const state = await readStateFile(file, pricing, sections, seen, usersOfDay);
    refuseSkippedUnderStrict(state, file, strict);
    tally.addCounts(state.input);
    merge(state, file);
  }
}

/** --strict fails on the first line that is not a call record: one skipped in a state's logs counts too. */
function refuseSkippedUnderStrict(state: ReadState, file: string, strict: boolean): void {
  const skipped = Object.values(state.input.skipped).reduce((sum, count) => sum + count, 0);
  if (strict && skipped > 0) throw new InputError(`${file}: ${skipped} lines of the logs it was folded from were skipped (--strict)`);
}

/** The calls a report takes: time in [from, to), or [from, to] when `toInclusive` (up to and including --now). */
export interface StateWindow {
  readonly from: number;
  readonly to: number;
  readonly toInclusive: boolean;
}

/**
 * Calls `visit` with each group of the state whose calls all fall in the window, as a record carrying the group's
 * grouped fields (feature, model, user, and its hour's or day's start as its time). A group with calls on both
 * sides of an edge of the window cannot be split: a usage error says so.
 */
export function visitStateGroups(
  state: ReadState,
  file: string,
  dimensions: readonly string[],
  tz: TimeZone,
  window: StateWindow,
  visit: (record: CallRecord, stats: StatsAccumulator) => void,
  /** The report puts calls in local days (trend always; summary --by day or hour). */
  byLocalTime = dimensions.includes('day') || dimensions.includes('hour'),
): void {
  const byHours = stateSectionFor(dimensions, file) === 'hours';
  const taken = (stats: StatsAccumulator, what: () => string): boolean => {
    const after = (ms: number): boolean => (window.toInclusive ? ms > window.to : ms >= window.to);
    const first = stats.firstCallMs;
    const last = stats.lastCallMs;
    if (first >= window.from && !after(last)) return true;
    if (last < window.from || after(first)) return false;
    throw new UsageError(`${file}: the range or --now cuts ${what()}, whose calls a state keeps together: give a time on a whole hour (a day, for users) with states folded up to it (fold --now), or the logs`);
  };
  if (byHours) {
    for (const group of state.hours) {
      if (byLocalTime) requireWholeHours(tz, group.hourMs, file);
      if (!taken(group.stats, () => `the hour from ${new Date(group.hourMs).toISOString()}`)) continue;
      visit(recordOf({ timestampMs: group.hourMs, feature: group.feature, model: group.model }), group.stats);
    }
    return;
  }
  if (byLocalTime && !tz.isNamed(state.timezone)) {
    throw new UsageError(`${file} holds users by day in ${state.timezone}: give --tz ${state.timezone}, or the logs`);
  }
  for (const group of state.users) {
    if (!taken(group.stats, () => `${group.day} of ${group.user}`)) continue;
    visit(recordOf({ timestampMs: tz.localToUtc(Date.parse(`${group.day}T00:00:00Z`)), userId: group.user }), group.stats);
  }
}

/**
 * The newest call of a state file (−Infinity when it has none): from its first line when that is the header fold
 * writes (version 2 on), without reading the rest; else from the whole file (a version 1 state: from its hours).
 */
export async function newestCallOfFile(file: string, pricing: PriceBook): Promise<number> {
  const header = headerOf(await firstLine(file).catch(() => ''));
  const newestMs = header?.['newestMs'];
  if (header?.['version'] === STATE_VERSION && (newestMs === null || (typeof newestMs === 'number' && Number.isFinite(newestMs)))) {
    return newestMs ?? Number.NEGATIVE_INFINITY;
  }
  // Not the header fold writes: the whole file decides (and says what is wrong).
  return (await readStateFile(file, pricing, ['hours'])).newestMs;
}

/** The header of a state as `fold` writes it — its first line, the document's opening up to its groups — or null. */
function headerOf(line: string): Record<string, unknown> | null {
  if (!line.startsWith('{"format":"claude-mon-state"') || !line.endsWith(',')) return null;
  try {
    return JSON.parse(`${line.slice(0, -1)}}`) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/**
 * The first line of a file, gzipped or not, from its first bytes (4 KiB, 64 KiB, then 1 MiB of them; gzipped, at
 * most 64 MiB inflated): '' when longer.
 */
async function firstLine(file: string): Promise<string> {
  const handle = await fs.open(file);
  try {
    for (const size of [2 ** 12, 2 ** 16, 2 ** 20]) {
      const { bytesRead, buffer } = await handle.read(Buffer.alloc(size), 0, size, 0);
      let bytes = buffer.subarray(0, bytesRead);
      // The start of a gzip stream inflates on its own with a sync flush (a state compresses ~40:1, at most 1032:1).
      if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes, { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: 2 ** 26 });
      const end = bytes.indexOf(0x0a);
      if (end >= 0) return bytes.subarray(0, end).toString('utf8');
      if (bytesRead < size) return '';
    }
    return '';
  } finally {
    await handle.close();
  }
}

/** Local hours must be UTC hours around this one (not so in zones such as Asia/Kolkata, UTC+5:30): a state holds UTC hours. */
export function requireWholeHours(tz: TimeZone, utcMs: number, file: string): void {
  if (tz.offsetMinutesAt(utcMs) % 60 === 0 && tz.offsetMinutesAt(utcMs + HOUR_MS - 1) % 60 === 0) return;
  throw new UsageError(`${file}: --tz ${tz.name} is not a whole number of hours from UTC, and a state holds UTC hours: use another --tz, or the logs`);
}

/** A record with the fields a group key reads; the rest are never read. */
function recordOf(fields: Partial<CallRecord>): CallRecord {
  return { feature: '', model: '', userId: '', ...fields } as CallRecord;
}

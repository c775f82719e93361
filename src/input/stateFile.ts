/**
 * `.cmstate` files (written by `claude-mon fold`) as inputs: found among the arguments and in directories, read —
 * gzipped or not, through the same decoder as logs — checked, and handed over one at a time. Only the sections a
 * report needs are parsed; the header alone answers `--now latest`.
 */
import { promises as fs } from 'node:fs';
import { type ReadState, type StateSection, STATE_VERSION } from '../core/foldState.js';
import type { PriceBook } from '../core/pricing.js';
import { describeFsError, InputError, UsageError } from '../errors.js';
import { decodeChunks, readFileChunks } from './decode.js';
import { sha256Hex } from './sha256.js';
import { readStateDocument } from './stateDocument.js';
import { filesUnder } from './sources.js';
import type { Tally } from './tally.js';

const STATE_FILE = /\.cmstate(\.gz)?$/i;
/** Past this a state cannot be one string (V8's limit is ~512 MiB of text): said so, rather than a crash. */
const MAX_STATE_BYTES = 500 * 2 ** 20;
/** A header is one line of a few hundred bytes; past this the first line is not one. */
const MAX_HEADER_BYTES = 2 ** 20;

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
    if (!(await fs.stat(arg).then((stat) => stat.isDirectory(), () => false))) {
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

/** A state file to read, with the sections the report needs. */
export interface StateInput {
  readonly file: string;
  readonly sections: readonly StateSection[];
}

/**
 * Reads the states one at a time (one in memory at a time), refuses one given twice (the same file, or a copy: its
 * calls would count twice) and, under --strict, one whose logs had skipped lines; counts their logs' lines in
 * `tally`, and hands each to `merge`. `usersOfDay`: the one day (YYYY-MM-DD) of users the report takes, when only
 * one: the other days' lines are not parsed.
 */
export async function readStates(
  states: readonly StateInput[],
  pricing: PriceBook,
  strict: boolean,
  tally: Tally,
  merge: (state: ReadState, file: string) => void,
  usersOfDay?: string,
): Promise<void> {
  const seen = new Map<string, string>();
  for (const { file, sections } of states) {
    const { state, digest } = await readStateFile(file, pricing, sections, usersOfDay);
    // Two hosts without calls fold to the same bytes, and count nothing twice.
    if (Number.isFinite(state.newestMs)) {
      const earlier = seen.get(digest);
      if (earlier !== undefined) throw new UsageError(`${file} holds the same state as ${earlier}: given twice, its calls would count twice`);
      seen.set(digest, file);
    }
    const skipped = Object.values(state.input.skipped).reduce((sum, count) => sum + count, 0);
    if (strict && skipped > 0) throw new InputError(`${file}: ${skipped} lines of the logs it was folded from were skipped, which --strict refuses: fold the logs again without them, or leave out --strict`);
    tally.addCounts(state.input);
    merge(state, file);
  }
}

/** A state file's sections the report needs, and the digest of its content. */
async function readStateFile(
  file: string,
  pricing: PriceBook,
  sections: readonly StateSection[],
  usersOfDay?: string,
): Promise<{ state: ReadState; digest: string }> {
  const bytes = await readWhole(file);
  const digest = sha256Hex(bytes);
  let json: unknown;
  try {
    json = parseStateText(bytes.toString('utf8'), new Set(sections), usersOfDay === undefined ? '' : `{"day":${JSON.stringify(usersOfDay)},`);
  } catch (error) {
    throw new InputError(`${file}: not a claude-mon state (not JSON: ${(error as Error).message})`);
  }
  try {
    return { state: readStateDocument(json, file, pricing, new Set(sections)), digest };
  } catch (error) {
    throw new InputError((error as Error).message);
  }
}

/**
 * The newest call of a state file (−Infinity when it has none): from its header, the first line fold writes
 * (version 2 on), without reading the rest; else from the whole file (a version 1 state: from its hours).
 */
export async function newestCallOfFile(file: string, pricing: PriceBook): Promise<number> {
  const header = headerOf(await firstLine(file));
  const newestMs = header?.['newestMs'];
  if (header?.['version'] === STATE_VERSION && (newestMs === null || (typeof newestMs === 'number' && Number.isFinite(newestMs)))) {
    return newestMs ?? Number.NEGATIVE_INFINITY;
  }
  // Not the header fold writes: the whole file decides (and says what is wrong).
  return (await readStateFile(file, pricing, ['hours'])).state.newestMs;
}

async function readWhole(file: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of decodeChunks(readFileChunks(file))) {
      size += chunk.length;
      if (size > MAX_STATE_BYTES) throw new Error(`larger than ${MAX_STATE_BYTES / 2 ** 20} MiB`);
      chunks.push(Buffer.from(chunk));
    }
  } catch (error) {
    throw new InputError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === undefined ? (error as Error).message : describeFsError(error)}`);
  }
  return Buffer.concat(chunks);
}

/** The first line of a file, gzipped or not ('' when it cannot be read or is longer than a header can be). */
async function firstLine(file: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of decodeChunks(readFileChunks(file))) {
      const end = chunk.indexOf(0x0a);
      chunks.push(Buffer.from(end >= 0 ? chunk.subarray(0, end) : chunk));
      size += chunk.length;
      if (end >= 0) return Buffer.concat(chunks).toString('utf8');
      if (size > MAX_HEADER_BYTES) return '';
    }
  } catch {
    return '';
  }
  return '';
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
    const name = /^"(hours|users|rateLimited|rateLimitHeaders|reportedCost)":\[$/.exec(lines[at++] ?? '')?.[1] as StateSection | undefined;
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

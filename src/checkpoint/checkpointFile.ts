/**
 * The checkpoint file: what a run leaves for the next — the engine's state, the calls after its now, the recent
 * request ids and where each log file was left — tagged with the settings it was made under. It is written to a
 * temporary file, synced and renamed into place (a run killed at any moment leaves the previous one whole), and a
 * lock file beside it keeps two runs from using it at once.
 */
import { promises as fs, rmSync } from 'node:fs';
import path from 'node:path';
import type { EngineState } from '../core/engine/engine.js';
import { StateReader } from '../core/engine/stateReader.js';
import { describeFsError, InputError } from '../errors.js';
import { cleanUpOnInterrupt } from '../io/interrupt.js';
import { replaceFile } from '../io/output.js';
import { decodeBinaryJson, encodeBinaryJson } from './binaryJson.js';
import type { FilePosition } from './filePositions.js';
import type { RecentIdsState } from './recentRequestIds.js';

const FORMAT = 'claude-mon checkpoint';
const FORMAT_VERSION = 2;

/** What decides what the state holds: a state made under other settings is not used. */
export type Settings = Readonly<Record<string, unknown>>;

export interface Checkpoint {
  readonly settings: Settings;
  /** The run's now, fixed or the wall clock (null: --now latest, the newest call). */
  readonly nowMs: number | null;
  readonly engine: EngineState;
  /** Calls after the run's now, for a later now. */
  readonly postponed: readonly unknown[];
  readonly requestIds: RecentIdsState | null;
  readonly files: readonly FilePosition[];
  /** Some run recognised call records in the inputs (the "wrong file or format?" check is behind it). */
  readonly sawRecords: boolean;
  /** The rules firing at the end of the run, by rule and scope (`alerts --follow`: said once, not at each start). */
  readonly firing: readonly string[];
}

/** A checkpoint as read: usable, or set aside with the reason in words. */
export type Loaded = { readonly kind: 'none' } | { readonly kind: 'stale'; readonly reason: string } | { readonly kind: 'usable'; readonly checkpoint: Checkpoint };

export async function loadCheckpoint(file: string, settings: Settings): Promise<Loaded> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    throw new InputError(`cannot read the checkpoint ${file}: ${describeFsError(error)}`);
  }
  let document: unknown;
  try {
    document = decodeBinaryJson(FORMAT, bytes);
  } catch (error) {
    throw unusable(file, `it is not a claude-mon checkpoint: ${(error as Error).message}`);
  }
  const reader = new StateReader(file);
  const fields = typeof document === 'object' && document !== null && !Array.isArray(document) ? (document as Record<string, unknown>) : {};
  if (fields['formatVersion'] !== FORMAT_VERSION) return { kind: 'stale', reason: `it is of checkpoint format ${String(fields['formatVersion'])}, this claude-mon writes ${FORMAT_VERSION}` };
  const saved = reader.object(fields['settings'], 'settings');
  const changed = Object.keys({ ...saved, ...settings }).filter((key) => JSON.stringify(saved[key]) !== JSON.stringify(settings[key]));
  if (changed.length > 0) return { kind: 'stale', reason: `it was made with another ${changed.join(', ')}` };
  try {
    const checkpoint: Checkpoint = {
      settings,
      nowMs: fields['nowMs'] === null ? null : reader.number(fields['nowMs'], 'nowMs'),
      engine: reader.object(fields['engine'], 'engine') as unknown as EngineState,
      postponed: reader.list(fields['postponed'], 'postponed'),
      requestIds: fields['requestIds'] === null ? null : (reader.object(fields['requestIds'], 'requestIds') as unknown as RecentIdsState),
      files: reader.list(fields['files'], 'files').map((entry, i) => filePosition(entry, reader.at(`files[${i}]`))),
      sawRecords: fields['sawRecords'] === true,
      firing: reader.list(fields['firing'], 'firing').map((key, i) => reader.string(key, `firing[${i}]`)),
    };
    return { kind: 'usable', checkpoint };
  } catch (error) {
    throw unusable(file, (error as Error).message);
  }
}

/** A checkpoint that cannot be read back: an error that says how to start over. */
export function unusable(file: string, why: string): InputError {
  return new InputError(`the checkpoint ${file} cannot be used: ${why}. Remove it, and the next run reads every input again from the start`);
}

/** A saved file position, every field checked. */
export function filePosition(value: unknown, reader: StateReader): FilePosition {
  const fields = reader.object(value, 'a file position');
  const flag = (key: string): boolean => (typeof fields[key] === 'boolean' ? (fields[key] as boolean) : reader.fail(`${key} must be true or false`));
  return {
    path: reader.string(fields['path'], 'path'),
    dev: reader.number(fields['dev'], 'dev'),
    ino: reader.number(fields['ino'], 'ino'),
    size: reader.count(fields['size'], 'size'),
    mtimeMs: reader.number(fields['mtimeMs'], 'mtimeMs'),
    gzip: flag('gzip'),
    offset: reader.count(fields['offset'], 'offset'),
    headBytes: reader.count(fields['headBytes'], 'headBytes'),
    headHash: reader.string(fields['headHash'], 'headHash'),
    tailHash: reader.string(fields['tailHash'], 'tailHash'),
    complete: flag('complete'),
    grew: flag('grew'),
  };
}

/**
 * Writes the checkpoint: a temporary file beside it, synced, renamed into place, and the directory synced. Called
 * with the lock held: temporary files of other runs were left by runs killed while writing, and are removed.
 */
export async function writeCheckpoint(file: string, checkpoint: Checkpoint, createdBy: string): Promise<void> {
  const directory = path.dirname(file);
  const prefix = `.${path.basename(file)}.`;
  for (const name of await fs.readdir(directory).catch(() => [])) {
    if (name.startsWith(prefix) && name.endsWith('.tmp')) await fs.rm(path.join(directory, name), { force: true });
  }
  const parts = encodeBinaryJson(FORMAT, { formatVersion: FORMAT_VERSION, createdBy, ...checkpoint });
  try {
    await replaceFile(file, async (handle) => {
      for (const part of parts) await handle.writeFile(part);
    });
  } catch (error) {
    throw new InputError(`cannot write the checkpoint ${file}: ${describeFsError(error)}`);
  }
}

/**
 * Takes FILE.lock, which holds this process's id from the moment it exists (written beside it, then hard-linked
 * into place: link fails when the lock is there). A lock whose process no longer runs (a run killed) is taken
 * over. Two runs taking over the same dead lock at once may both go on; each still writes a whole state (the last
 * one stays), so the checkpoint is never corrupted. Returns what releases it.
 */
export async function lockCheckpoint(file: string): Promise<() => Promise<void>> {
  const lock = `${file}.lock`;
  // Named as the checkpoint's temporary files are: one left by a run killed here goes with them.
  const mine = path.join(path.dirname(file), `.${path.basename(file)}.lock.${process.pid}.tmp`);
  const failed = (error: unknown): InputError => new InputError(`cannot lock the checkpoint ${file} (${lock}): ${describeFsError(error)}`);
  await fs.writeFile(mine, `${process.pid}\n`).catch((error: unknown) => {
    throw failed(error);
  });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await fs.link(mine, lock);
        const forget = cleanUpOnInterrupt(() => rmSync(lock, { force: true }));
        return async () => {
          forget();
          await fs.rm(lock, { force: true });
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw failed(error);
      }
      const holder = Number.parseInt(await fs.readFile(lock, 'utf8').catch(() => ''), 10);
      if (attempt === 0 && !isRunning(holder)) {
        await fs.rm(lock, { force: true }); // left by a run that was killed
        continue;
      }
      throw new InputError(
        `the checkpoint ${file} is in use by another claude-mon run (process ${Number.isNaN(holder) ? '?' : holder}, ${lock}): let it finish, or remove ${lock} if no run is going`,
      );
    }
  } finally {
    await fs.rm(mine, { force: true });
  }
}

function isRunning(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

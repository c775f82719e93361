/**
 * A read that starts where the last run with the same `--checkpoint FILE` stopped: the engine's state and the calls
 * after that run's now are restored, only the bytes appended since (and files new or rotated in) are read, and
 * after the output is written the new state replaces FILE. The answer is the one a full read of every line the
 * inputs have held gives at the same now. A checkpoint made under other settings, or at a later now, is set aside
 * (a note on stderr) and the inputs are read from their start.
 */
import path from 'node:path';
import type { RunContext } from '../context/runContext.js';
import { type Loaded, lockCheckpoint, loadCheckpoint, type Settings, unusable, writeCheckpoint } from '../checkpoint/checkpointFile.js';
import { hashOf } from '../checkpoint/fileIdentity.js';
import { type FileRead, NotAFile, planReads } from '../checkpoint/filePositions.js';
import { callOfState, copyOfCall } from '../checkpoint/postponedCalls.js';
import { RecentRequestIds } from '../checkpoint/recentRequestIds.js';
import type { Engine, NowMode } from '../core/engine/engine.js';
import { StateReader } from '../core/engine/stateReader.js';
import { formatIsoUtc } from '../core/timeRange.js';
import type { CallRecord } from '../core/types.js';
import { UsageError } from '../errors.js';
import { openInputs, readLogs } from '../input/readLogs.js';
import type { Tally } from '../input/tally.js';
import { formatCount } from '../render/numbers.js';
import { VERSION } from '../version.js';

export interface CheckpointRequest {
  readonly file: string;
  readonly command: string;
  readonly inputs: readonly string[];
  /** What the command keeps that depends on its options (grouping, days, windows). */
  readonly options: Settings;
}

export interface CheckpointedRead {
  readonly tally: Tally;
  /** Runs before this one recognised records (the "wrong file or format?" check is behind it). */
  readonly resumed: boolean;
  /** Files the last run read that are gone, with lines written after that run maybe not read. */
  readonly gone: readonly string[];
  /** After the output: saves the state when the output was written, and releases the checkpoint. */
  end(written: boolean): Promise<void>;
}

export async function readWithCheckpoint(context: RunContext, request: CheckpointRequest, makeEngine: (now: NowMode) => Engine): Promise<CheckpointedRead> {
  const { file } = request;
  if (request.inputs.length === 0 || request.inputs.includes('-')) {
    throw new UsageError(`--checkpoint reads log files and directories, and stdin cannot be read again from where a run stopped: give the files, e.g.\n  claude-mon ${request.command} --checkpoint ${file} /var/log/app/`);
  }
  const release = await lockCheckpoint(file);
  try {
    const settings = settingsOf(context, request);
    const now: NowMode = context.now.kind === 'fixed' ? { kind: 'clock', ms: context.now.ms } : { kind: 'moving' };
    const loaded = checkNow(await loadCheckpoint(file, settings), now);
    if (loaded.kind === 'stale') context.diagnostics.warn(`the checkpoint ${file} is not used (${loaded.reason}): every input is read from its start, and it is written anew`);
    const saved = loaded.kind === 'usable' ? loaded.checkpoint : null;

    const engine = makeEngine(now);
    const reader = new StateReader(file);
    const inputs = await openInputs(request.inputs, context.io, request.command);
    const ids = context.reading.dedupe ? new RecentRequestIds() : undefined; // grown as ids come: most runs read a minute, not the files
    let postponedCalls: CallRecord[] = [];
    try {
      if (saved !== null) {
        engine.restore(saved.engine, `${file}: engine`);
        if (saved.requestIds !== null) ids?.restore(saved.requestIds, reader.at('requestIds'));
        postponedCalls = saved.postponed.map((call, i) => callOfState(call, reader.at(`postponed[${i}]`)));
      }
    } catch (error) {
      throw unusable(file, (error as Error).message);
    }
    const plan = await planReads(
      inputs.sources.map((source) => source.path as string),
      saved?.files ?? [],
    ).catch((error: unknown) => {
      throw error instanceof NotAFile ? new UsageError(`--checkpoint reads regular files: ${error.path} is not one (a pipe or a device cannot be read again from where a run stopped)`) : error;
    });

    // Calls after now wait in the checkpoint for the now whose spans take them.
    const postponeAfter = now.kind === 'clock' && engine.spansFollowNow ? now.ms : Number.POSITIVE_INFINITY;
    const postponed: CallRecord[] = [];
    const sink = {
      add(record: CallRecord): void {
        if (record.timestampMs > postponeAfter) {
          postponed.push(copyOfCall(record));
          engine.advanceTo(record.timestampMs); // read, though not in a span yet
        } else engine.add(record);
      },
    };
    for (const call of postponedCalls) sink.add(call);
    const queued = queueByPath(plan.reads);
    const readOptions = { ...context.reading, tz: context.tz, openFile: (path: string) => (queued.get(path)?.shift() as FileRead).chunks(), ...(ids === undefined ? {} : { requestIds: ids }) };
    const tally = await readLogs(inputs, context.io, readOptions, sink);
    engine.finish();

    const sawRecords = (saved?.sawRecords ?? false) || tally.records + tally.duplicates > 0;
    if (context.reading.verbose) context.diagnostics.warn(describeRead(file, saved !== null, tally.lines, plan.reads));
    const gone = plan.gone
      .filter(({ unread }) => unread)
      .map(({ position }) => `${position.path} is gone since the last run with ${file}, and was not found renamed among the inputs: lines written to it after that run were not read`);
    return {
      tally,
      resumed: saved?.sawRecords ?? false,
      gone,
      end: async (written) => {
        try {
          // After a file failed to read, the next run starts again from this run's start.
          if (!written || tally.unreadable.length > 0) return;
          const files = plan.reads.map((read) => read.position()).filter((position) => position !== null);
          const nowMs = now.kind === 'clock' ? now.ms : null;
          const checkpoint = { settings, nowMs, engine: engine.toState(), postponed, requestIds: ids?.toState() ?? null, files, sawRecords, firing: [] };
          await writeCheckpoint(file, checkpoint, `claude-mon ${VERSION}`);
        } finally {
          await release();
        }
      },
    };
  } catch (error) {
    await release();
    throw error;
  }
}

/** What a run read, for --verbose: "checkpoint FILE: 12 new lines read (app.log from byte 4,096); 7 files unchanged". */
function describeRead(file: string, resumed: boolean, lines: number, reads: readonly FileRead[]): string {
  const read = reads.filter((each) => !each.unchanged).map((each) => `${each.path} ${each.start === 0 ? 'from its start' : `from byte ${formatCount(each.start)}`}`);
  const unchanged = reads.length - read.length;
  const files = (read.length > 0 ? ` (${read.join(', ')})` : '') + (unchanged > 0 ? `; ${formatCount(unchanged)} file${unchanged === 1 ? '' : 's'} unchanged` : '');
  return `checkpoint ${file}: ${resumed ? '' : 'made; '}${formatCount(lines)} new line${lines === 1 ? '' : 's'} read${files}`;
}

/** A checkpoint made at a later now than this run's holds calls this answer must not count: set aside. */
function checkNow(loaded: Loaded, now: NowMode): Loaded {
  if (loaded.kind !== 'usable' || now.kind !== 'clock' || loaded.checkpoint.nowMs === null || loaded.checkpoint.nowMs <= now.ms) return loaded;
  return { kind: 'stale', reason: `it was made at --now ${formatIsoUtc(loaded.checkpoint.nowMs)}, after this run's ${formatIsoUtc(now.ms)}` };
}

/** What decides what the state holds, besides the command's own options. */
export function settingsOf(context: RunContext, request: CheckpointRequest): Settings {
  return {
    version: VERSION,
    command: request.command,
    options: request.options,
    inputs: request.inputs.map((input) => path.resolve(input)),
    tz: context.tz.name,
    now: context.now.kind === 'latest' ? 'latest' : 'a time',
    config: hashOf(Buffer.from(JSON.stringify(context.config, withMaps))),
    prices: hashOf(Buffer.from(JSON.stringify(context.pricing.contents(), withMaps))),
    reading: { dedupe: context.reading.dedupe, maxLineBytes: context.reading.maxLineBytes },
  };
}

function withMaps(_key: string, value: unknown): unknown {
  return value instanceof Map ? [...value] : value;
}

/** The reads of each path, in order (a file given twice is read twice, as without a checkpoint). */
function queueByPath(reads: readonly FileRead[]): Map<string, FileRead[]> {
  const queued = new Map<string, FileRead[]>();
  for (const read of reads) queued.set(read.path, [...(queued.get(read.path) ?? []), read]);
  return queued;
}

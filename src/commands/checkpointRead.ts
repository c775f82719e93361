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
import { CannotResume, type FileRead, planReads, type ReadPlan } from '../checkpoint/filePositions.js';
import { PostponingSink } from '../checkpoint/postponedCalls.js';
import { RecentRequestIds } from '../checkpoint/recentRequestIds.js';
import type { Engine, NowMode } from '../core/engine/engine.js';
import { StateReader } from '../core/engine/stateReader.js';
import { formatIsoUtc } from '../core/timeRange.js';
import { describeFsError, UsageError } from '../errors.js';
import { type Inputs, openInputs, readLogs } from '../input/readLogs.js';
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

export interface CheckpointedRead<F> {
  /** What the command made of the engine, its state restored and what is new read into it. */
  readonly fold: F;
  readonly tally: Tally;
  /** Runs before this one recognised records (the "wrong file or format?" check is behind it). */
  readonly resumed: boolean;
  /** Files the last run read that are gone, with lines written after that run maybe not read. */
  readonly gone: readonly string[];
  /** After the output: saves the state when the output was written, and releases the checkpoint. */
  end(written: boolean): Promise<void>;
}

export async function readWithCheckpoint<F extends { readonly engine: Engine }>(
  context: RunContext,
  request: CheckpointRequest,
  make: (now: NowMode) => F,
): Promise<CheckpointedRead<F>> {
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

    const fold = make(now);
    const { engine } = fold;
    const reader = new StateReader(file);
    const inputs = await openInputs(request.inputs, context.io, request.command);
    const ids = context.reading.dedupe ? new RecentRequestIds() : undefined; // grown as ids come: most runs read a minute, not the files
    // Calls after now wait in the checkpoint for the now whose spans take them.
    const sink = new PostponingSink(engine, now.kind === 'clock' && engine.spansFollowNow ? now.ms : Number.POSITIVE_INFINITY);
    try {
      if (saved !== null) {
        engine.restore(saved.engine, `${file}: engine`);
        if (saved.requestIds !== null) ids?.restore(saved.requestIds, reader.at('requestIds'));
        sink.restore(saved.postponed, reader.at('postponed'));
      }
    } catch (error) {
      throw unusable(file, (error as Error).message);
    }
    const plan = await planReads(
      inputs.sources.map((source) => source.path as string),
      saved?.files ?? [],
    ).catch((error: unknown) => {
      if (!(error instanceof CannotResume)) throw error;
      throw new UsageError(`--checkpoint reads log lines on from where a run stopped: ${error.message}; read it in a run without --checkpoint`);
    });

    const queued = queueByPath(plan.reads);
    const readOptions = { ...context.reading, tz: context.tz, openFile: (path: string) => (queued.get(path)?.shift() as FileRead).chunks(), ...(ids === undefined ? {} : { requestIds: ids }) };
    const tally = await readLogs(readableInputs(inputs, plan), context.io, readOptions, sink);
    engine.finish();

    const sawRecords = (saved?.sawRecords ?? false) || tally.records + tally.duplicates > 0;
    if (context.reading.verbose) context.diagnostics.warn(describeRead(file, saved !== null, tally.lines, plan.reads));
    const gone = plan.gone
      .filter(({ unread }) => unread)
      .map(({ position }) => `${position.path} is gone since the last run with ${file}, and was not found renamed among the inputs: lines written to it after that run were not read`);
    return {
      fold,
      tally,
      resumed: saved?.sawRecords ?? false,
      gone,
      end: async (written) => {
        try {
          // After a file failed to read, the next run starts again from this run's start.
          if (tally.unreadable.length > 0) context.diagnostics.warn(`the checkpoint ${file} is left as it was (an input could not be read): the next run reads on from where it was`);
          if (!written || tally.unreadable.length > 0) return;
          const files = plan.reads.map((read) => read.position()).filter((position) => position !== null);
          const nowMs = now.kind === 'clock' ? now.ms : null;
          const checkpoint = { settings, nowMs, engine: engine.toState(), postponed: sink.postponed, requestIds: ids?.toState() ?? null, files, sawRecords, firing: [] };
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

/**
 * The inputs as planned: each read named with where it starts (a message's line numbers count from there), and
 * the files that could not be looked at among the unreadable.
 */
function readableInputs(inputs: Inputs, plan: ReadPlan): Inputs {
  const starts = new Map(plan.reads.map((read) => [read.path, read.start]));
  const sources = inputs.sources.flatMap((source) => {
    const start = starts.get(source.path as string);
    if (start === undefined) return [];
    return [start > 0 ? { ...source, name: `${source.name} (from byte ${formatCount(start)})` } : source];
  });
  const unreadable = plan.unreadable.map(({ path, error }) => `${path}: ${describeFsError(error)}`);
  return { ...inputs, sources, unreadable: [...inputs.unreadable, ...unreadable] };
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

/**
 * How the report commands (`summary`, `trend`, `dashboard`) read: logs and `.cmstate` states into the command's
 * engine, then the input report on stderr. With `--now latest`, now is found one of two ways:
 * - a moving now (the engine follows the newest call, one pass), when nothing the command reads depends on now
 *   before reading;
 * - the newest call first (`newestFirst`: the input is read twice, stdin spooled to a temporary file), when it
 *   does — a range relative to now bounds what summary keeps.
 * States are merged after the logs, one at a time; with `--now latest` their newest calls come from their headers.
 */
import type { RunContext } from '../context/runContext.js';
import type { Engine, NowMode } from '../core/engine/engine.js';
import type { ReadState, StateSection } from '../core/foldState.js';
import type { PriceBook } from '../core/pricing.js';
import type { LineCounts } from '../core/types.js';
import { findLatestTimestamp, type Inputs, NO_INPUTS, openInputs, type ReadOptions, readLogs, spoolStdin } from '../input/readLogs.js';
import { newestCallOfFile, readStates, splitInputs } from '../input/stateFile.js';
import { Tally } from '../input/tally.js';
import type { Settings } from '../checkpoint/checkpointFile.js';
import { UsageError } from '../errors.js';
import { type CheckpointRequest, readWithCheckpoint } from './checkpointRead.js';
import type { StreamedText } from '../render/streamedText.js';
import type { CommandResult } from './commandResult.js';
import { checkInput } from './inputChecks.js';

/** A command's engine for one now, how states go into it, and how its result is read out. */
export interface Fold {
  readonly engine: Engine;
  readonly states: {
    /** The sections of a state the report reads (a usage error when the state cannot answer it). */
    sections(file: string): readonly StateSection[];
    merge(state: ReadState, file: string): void;
    /** The one day (YYYY-MM-DD) of a state's users the report takes, if only one: the others are not parsed. */
    usersOfDay?(): string;
  };
  /** Calls per model without a price in what the report covers, for the warning. */
  unpricedModels(): Readonly<Record<string, number>>;
  render(counts: LineCounts): StreamedText;
}

/** A command's fold on an engine made by its caller, which may hold other commands' parts (`report` reads once for three). */
export type EngineFold = Omit<Fold, 'engine'>;

export interface ReadPlan {
  readonly command: string;
  readonly inputs: readonly string[];
  /** With --now latest, find the newest call before folding (else one pass with a moving now). */
  readonly newestFirst: boolean;
  /** What the command's state depends on among its options (a --checkpoint made with others is not used). */
  readonly keeps: Settings;
  /** Inputs shown by another name than their path: stdin spooled to a file is "stdin". */
  readonly names?: ReadonlyMap<string, string>;
}

export async function readReport(context: RunContext, plan: ReadPlan, makeFold: (now: NowMode) => Fold): Promise<CommandResult> {
  const { io, pricing } = context;
  const { logArgs, stateFiles } = await splitInputs(plan.inputs);
  if (context.checkpointFile !== undefined) {
    if (stateFiles.length > 0) throw new UsageError(`--checkpoint reads logs: merge .cmstate states (${stateFiles[0]}) in a run without it`);
    return readFromCheckpoint(context, { file: context.checkpointFile, command: plan.command, inputs: logArgs, options: plan.keeps }, makeFold);
  }
  const latest = context.now.kind === 'latest';
  const statesNewest = latest ? await newestCallOfStates(stateFiles, pricing) : Number.NEGATIVE_INFINITY;
  // Only states: stdin is not read.
  let inputs = stateFiles.length > 0 && logArgs.length === 0 ? NO_INPUTS : renamed(await openInputs(logArgs, io, plan.command), plan.names);
  try {
    const reading = readOptionsOf(context);
    let now = nowModeOf(context);
    if (latest && plan.newestFirst) ({ inputs, now } = await newestFirst(context, inputs, statesNewest));
    const fold = makeFold(now);
    const states = stateFiles.map((file) => ({ file, sections: fold.states.sections(file) })); // usage errors first
    const tally = inputs === NO_INPUTS ? new Tally() : await readLogs(inputs, io, reading, fold.engine);
    if (Number.isFinite(statesNewest)) fold.engine.advanceTo(statesNewest);
    fold.engine.finish();
    await readStates(states, pricing, context.reading.strict, tally, (state, file) => fold.states.merge(state, file), fold.states.usersOfDay?.());
    const failed = checkInput(tally, fold.unpricedModels(), context.reading, context.diagnostics);
    return { output: fold.render(tally.counts()), failed };
  } finally {
    await inputs.cleanup();
  }
}

function renamed(inputs: Inputs, names: ReadonlyMap<string, string> | undefined): Inputs {
  if (names === undefined) return inputs;
  return { ...inputs, sources: inputs.sources.map((source) => ({ ...source, name: names.get(source.path ?? '') ?? source.name })) };
}

/** A report read with --checkpoint: only what is new, into the state the last run left. */
async function readFromCheckpoint(context: RunContext, request: CheckpointRequest, makeFold: (now: NowMode) => Fold): Promise<CommandResult> {
  const read = await readWithCheckpoint(context, request, makeFold);
  const { fold } = read;
  try {
    for (const message of read.gone) context.diagnostics.warn(message);
    const failed = checkInput(read.tally, fold.unpricedModels(), context.reading, context.diagnostics, read.resumed);
    return { output: fold.render(read.tally.counts()), failed, end: read.end };
  } catch (error) {
    await read.end(false);
    throw error;
  }
}

/** The engine's now: fixed, or (`--now latest`) moving with the newest call of a one-pass read. */
export function nowModeOf(context: RunContext): NowMode {
  return context.now.kind === 'fixed' ? context.now : { kind: 'moving' };
}

/**
 * `--now latest` for a read that must know now before it starts (a range relative to now, --since, a backtest):
 * stdin spooled to a file, and now fixed at the newest record's time, found in a first pass — or at `statesNewestMs`,
 * the newest call of the states read besides, when later; the wall clock when there is none.
 */
export async function newestFirst(context: RunContext, inputs: Inputs, statesNewestMs = Number.NEGATIVE_INFINITY): Promise<{ inputs: Inputs; now: { kind: 'fixed'; ms: number } }> {
  const spooled = await spoolStdin(inputs, context.io);
  const newest = Math.max((spooled === NO_INPUTS ? null : await findLatestTimestamp(spooled, context.io, readOptionsOf(context))) ?? Number.NEGATIVE_INFINITY, statesNewestMs);
  return { inputs: spooled, now: { kind: 'fixed', ms: Number.isFinite(newest) ? newest : context.clockMs } };
}

/** The newest call of the states, from their headers (-Infinity when there is none). */
export async function newestCallOfStates(stateFiles: readonly string[], pricing: PriceBook): Promise<number> {
  let newest = Number.NEGATIVE_INFINITY;
  for (const file of stateFiles) newest = Math.max(newest, await newestCallOfFile(file, pricing));
  return newest;
}

/** How logs are read, from the context. */
export function readOptionsOf(context: RunContext): ReadOptions {
  return { ...context.reading, tz: context.tz, otel: context.config.otel };
}

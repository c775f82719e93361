/**
 * What `dashboard` and `trend` share: config and zone, --now, one pass into a fold, and the input report. With
 * `--now latest` a fold that can follow the newest record is read in one pass; else the input is read twice (once
 * for the newest record, once into the fold).
 */
import type { CommonOptions } from '../commandOptions.js';
import type { PriceBook } from '../core/pricing.js';
import { parseNow } from '../core/timeRange.js';
import { TimeZone } from '../core/timezone.js';
import type { CallRecord, LineCounts } from '../core/types.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io/cliIo.js';
import { createStyle, colorLevel, type Style } from '../render/style.js';
import type { StreamedText } from '../render/streamedText.js';
import { checkInput, type CommandResult, type Diagnostics } from './inputChecks.js';
import { loadConfig } from './loadConfig.js';
import { loadPricing } from './loadPricing.js';
import { findLatestTimestamp, NO_INPUTS, openInputs, readLogs, spoolStdin } from './readLogs.js';
import { mergeStates, newestCallOfFile, splitInputs } from './readStates.js';
import type { ReadState, StateSection } from '../core/foldState.js';
import { Tally } from '../input/tally.js';


export interface Fold {
  readonly fromMs: number;
  add(record: CallRecord): void;
  /** Merges a .cmstate input's groups, given after the logs (and after advanceTo). */
  mergeState(state: ReadState, file: string): void;
  /** The one day (YYYY-MM-DD) of a state's users the fold takes, if only one: the others need not be read. */
  usersOfDay?(): string;
  /** Following the newest record: the newest call of the states, before they are merged. */
  advanceTo?(nowMs: number): void;
  render(counts: LineCounts): StreamedText;
  /** Calls per unpriced model in the fold's period, when it tracks them itself (a following fold must). */
  unpricedModels?(): Record<string, number>;
}

export interface FoldContext {
  /** --now, or with `follow` the fallback when the input has no record. */
  readonly nowMs: number;
  /** --now latest, and the fold follows the newest record itself. */
  readonly follow: boolean;
  readonly tz: TimeZone;
  readonly pricing: PriceBook;
}

/**
 * The shared run: config and zone, --now (latest: read twice), one pass into the fold, the input report; .cmstate
 * inputs are merged into the fold after the logs (the fold says how: `mergeState`).
 */
export async function readAtNow(
  options: CommonOptions,
  io: CliIo,
  diagnostics: Diagnostics,
  command: string,
  makeFold: (context: FoldContext) => Fold,
  canFollow: boolean,
  /** The sections of a .cmstate input the fold needs. */
  stateSections: (file: string) => readonly StateSection[],
): Promise<CommandResult> {
  const config = await loadConfig(options.configFile);
  const tz = new TimeZone(options.tz ?? config.timezone ?? 'UTC');
  const pricing = await loadPricing(options.pricesFile);
  const clockMs = io.now();
  const now = parseNow(options.now, tz, clockMs);
  const split = await splitInputs(options.inputs);
  const logArgs = split.logArgs;
  const stateFiles = split.stateFiles.map((file) => ({ file, sections: stateSections(file) }));
  // --now latest: the states' newest calls, from their headers; their groups are read one state at a time, last.
  let statesNewest = Number.NEGATIVE_INFINITY;
  if (now.kind === 'latest') for (const { file } of stateFiles) statesNewest = Math.max(statesNewest, await newestCallOfFile(file, pricing));
  // Only states: stdin is not read.
  let inputs = stateFiles.length > 0 && logArgs.length === 0 ? NO_INPUTS : await openInputs(logArgs, io, command);
  try {
    let nowMs = now.kind === 'fixed' ? now.ms : clockMs;
    const follow = now.kind === 'latest' && canFollow;
    if (now.kind === 'latest' && !follow) {
      inputs = await spoolStdin(inputs, io);
      const newest = Math.max((await findLatestTimestamp(inputs, io, { ...options, tz })) ?? -Infinity, statesNewest);
      nowMs = Number.isFinite(newest) ? newest : clockMs;
    }
    const fold = makeFold({ nowMs, follow, tz, pricing });
    const unpriced = new Map<string, number>();
    const sink = fold.unpricedModels !== undefined ? fold : {
      add(record: CallRecord): void {
        if (record.timestampMs < fold.fromMs) return;
        fold.add(record);
        if (record.timestampMs <= nowMs && pricing.resolve(record.model) === null) unpriced.set(record.model, (unpriced.get(record.model) ?? 0) + 1);
      },
    };
    const tally = inputs === NO_INPUTS ? new Tally() : await readLogs(inputs, io, { ...options, tz }, sink);
    if (follow && Number.isFinite(statesNewest)) fold.advanceTo?.(statesNewest);
    await mergeStates(stateFiles, pricing, options.strict, tally, (state, file) => fold.mergeState(state, file), fold.usersOfDay?.());
    const failed = checkInput(tally, fold.unpricedModels?.() ?? Object.fromEntries(unpriced), options, diagnostics);
    return { output: fold.render(tally.counts()), failed };
  } finally {
    await inputs.cleanup();
  }
}

export function refuseRange(options: CommonOptions, command: string): void {
  if (options.range.since !== undefined || options.range.until !== undefined || options.range.date !== undefined) {
    throw new UsageError(`${command} is anchored at --now: use --now to move it, not --since, --until or --date`);
  }
}

export function styleFor(options: CommonOptions, io: CliIo): Style {
  const toTerminal = options.outputFile === undefined && io.stdout.isTTY === true;
  return createStyle(colorLevel(options.color, io.env, toTerminal));
}

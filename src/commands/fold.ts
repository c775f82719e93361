/**
 * `claude-mon fold -o host.cmstate logs/`: reads logs as `summary` does and writes their folded state (see
 * src/core/foldState.ts) instead of a report, for `summary` to merge with other hosts' states later.
 */
import { promises as fs } from 'node:fs';
import type { CommonOptions } from '../commandOptions.js';
import { FoldState } from '../core/foldState.js';
import { parseNow } from '../core/timeRange.js';
import type { CallRecord } from '../core/types.js';
import { UsageError } from '../errors.js';
import { unpricedModelsOf } from '../core/stats.js';
import { mapItems } from '../render/jsonStream.js';
import { TimeZone } from '../core/timezone.js';
import type { CliIo } from '../io/cliIo.js';
import { renderStateFile } from '../render/stateFile.js';
import { checkInput, type CommandResult, type Diagnostics } from './inputChecks.js';
import { loadConfig } from './loadConfig.js';
import { loadPricing } from './loadPricing.js';
import { openInputs, readLogs } from './readLogs.js';
import { isStateFile } from './readStates.js';

/** --now: the calls up to and including it (a report at --now on it then takes every group whole); else all. */
function foldAsOf(options: CommonOptions, tz: TimeZone, io: CliIo): number {
  if (options.now === undefined) return Infinity;
  const refuse = (): never => {
    throw new UsageError(`fold --now "${options.now}": expected an ISO time like 2026-11-26T10:00Z (without --now, fold takes every call)`);
  };
  let now;
  try {
    now = parseNow(options.now, tz, io.now());
  } catch {
    return refuse();
  }
  return now.kind === 'fixed' ? now.ms : refuse();
}

/** Reports know a state by its name: `-o` must end in .cmstate (a device such as /dev/stdout is written as it is). */
async function checkStateName(file: string | undefined): Promise<void> {
  if (file === undefined || isStateFile(file) && !/\.gz$/i.test(file)) return;
  const stat = await fs.stat(file).catch(() => null);
  if (stat !== null && !stat.isFile()) return;
  throw new UsageError(`fold -o ${file}: name the state *.cmstate, which reports know a state by (fold writes plain JSON; gzip it afterwards, as *.cmstate.gz, if you like)`);
}

export async function runFold(options: CommonOptions, io: CliIo, diagnostics: Diagnostics, createdBy: string): Promise<CommandResult> {
  await checkStateName(options.outputFile);
  const config = await loadConfig(options.configFile);
  const tz = new TimeZone(options.tz ?? config.timezone ?? 'UTC');
  const pricing = await loadPricing(options.pricesFile);
  const inputs = await openInputs(options.inputs, io, 'fold');
  try {
    const state = new FoldState(tz, pricing);
    const asOf = foldAsOf(options, tz, io);
    const sink = asOf === Infinity ? state : {
      add(record: CallRecord): void {
        if (record.timestampMs <= asOf) state.add(record);
      },
    };
    const tally = await readLogs(inputs, io, { ...options, tz }, sink);
    const failed = checkInput(tally, unpricedModelsOf(mapItems(state.hours(), (group) => group.stats)), options, diagnostics);
    return { output: renderStateFile(state, tally.counts(), createdBy), failed };
  } finally {
    await inputs.cleanup();
  }
}

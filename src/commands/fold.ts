/**
 * `claude-mon fold -o host.cmstate logs/`: reads logs as `summary` does into the ledgers a `.cmstate` holds
 * (src/core/foldState.ts) and writes them, instead of a report, for other hosts' reports to merge later.
 */
import { promises as fs } from 'node:fs';
import type { FoldOptions } from '../commandOptions.js';
import type { RunContext } from '../context/runContext.js';
import { Engine, type NowMode } from '../core/engine/engine.js';
import { makeFoldLedgers } from '../core/foldState.js';
import { unpricedModelsOf } from '../core/stats.js';
import { UsageError } from '../errors.js';
import { openInputs, readLogs } from '../input/readLogs.js';
import { isStateFile } from '../input/stateFile.js';
import { renderStateFile } from '../render/stateFile.js';
import type { CommandResult } from './commandResult.js';
import { checkInput } from './inputChecks.js';
import { readOptionsOf } from './readReport.js';

/** Reports know a state by its name: `-o` must end in .cmstate (a device such as /dev/stdout is written as it is). */
async function checkStateName(file: string | undefined): Promise<void> {
  if (file === undefined || (isStateFile(file) && !/\.gz$/i.test(file))) return;
  const stat = await fs.stat(file).catch(() => null);
  if (stat !== null && !stat.isFile()) return;
  throw new UsageError(`fold -o ${file}: name the state *.cmstate, which reports know a state by (fold writes plain JSON; gzip it afterwards, as *.cmstate.gz, if you like)`);
}

export async function runFold(context: RunContext, options: FoldOptions): Promise<CommandResult> {
  await checkStateName(context.outputFile);
  const { tz, pricing } = context;
  const inputs = await openInputs(options.inputs, context.io, 'fold');
  try {
    // --now: the calls up to and including it (a report at --now on it then takes every cell whole); else all.
    const engine = new Engine(context.now as NowMode, context.clockMs); // never latest: cliOptions refuses fold --now latest
    const ledgers = makeFoldLedgers(tz, pricing);
    const span = options.upToNow ? ({ kind: 'upToNow' } as const) : ({ kind: 'all' } as const);
    for (const ledger of Object.values(ledgers)) engine.part(ledger, span);
    const tally = await readLogs(inputs, context.io, readOptionsOf(context), engine);
    const hours = [...ledgers.hours.cells()].map((cell) => cell.measure);
    const failed = checkInput(tally, unpricedModelsOf(hours), context.reading, context.diagnostics);
    // The newest call folded (with --now, calls after it are not).
    const newestMs = hours.reduce((newest, stats) => Math.max(newest, stats.lastCallMs), Number.NEGATIVE_INFINITY);
    return { output: renderStateFile(ledgers, Number.isFinite(newestMs) ? newestMs : null, tz.name, tally.counts(), options.createdBy), failed };
  } finally {
    await inputs.cleanup();
  }
}

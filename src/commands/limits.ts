/**
 * `claude-mon limits`: how close the calls of --since (default 24h) came to the rate limits, per model class, and
 * the incidents of 429s. Read twice: once for the sums by second, the 429s and the headers logged, and again for the
 * features and users of the few minutes that matter (users are too many to keep by minute). Stdin is spooled to a
 * file first, so that it can be read again.
 */
import type { LimitsOptions } from '../commandOptions.js';
import type { RunContext } from '../context/runContext.js';
import { Engine } from '../core/engine/engine.js';
import { LimitsReader, limitsParts } from '../core/limits/limitsReport.js';
import { WindowDrivers } from '../core/limits/windowDrivers.js';
import { rangeDependsOnNow, resolveRange } from '../core/timeRange.js';
import type { TimeWindow } from '../core/window.js';
import { UsageError } from '../errors.js';
import { NO_INPUTS, openInputs, spoolStdin } from '../input/readLogs.js';
import { refuseStates } from '../input/stateFile.js';
import { renderLimits } from '../render/limitsView.js';
import type { CommandResult } from './commandResult.js';
import { type Fold, readReport } from './readReport.js';

export async function runLimits(context: RunContext, options: LimitsOptions): Promise<CommandResult> {
  const { tz, pricing, config } = context;
  if (context.checkpointFile !== undefined) throw new UsageError('limits reads the calls of its peak minutes twice: --checkpoint cannot be used with it');
  refuseStates(options.inputs, 'limits');
  resolveRange(options.range, context.clockMs, tz); // usage errors before any reading
  if (options.inputs.filter((input) => input === '-').length > 1) throw new UsageError('"-" (stdin) can be given only once');
  const readsStdin = options.inputs.length === 0 || options.inputs.includes('-');
  const spooled = readsStdin ? await spoolStdin(await openInputs([], context.io, 'limits'), context.io) : NO_INPUTS;
  try {
    const stdinFile = spooled.sources[0]?.path ?? '-';
    const inputs = options.inputs.length === 0 ? [stdinFile] : options.inputs.map((input) => (input === '-' ? stdinFile : input));
    const names = new Map(spooled.sources.flatMap((source) => (source.path === null ? [] : [[source.path, source.name] as const])));
    const plan = { command: 'limits', inputs, newestFirst: rangeDependsOnNow(options.range), keeps: {}, names };
    const windowAt = (ms: number): TimeWindow => resolveRange(options.range, ms, tz);

    let first: { reader: LimitsReader; nowMs: number; window: TimeWindow } | undefined;
    const sums = await readReport(context, plan, (now) => {
      const engine = new Engine(now, context.clockMs);
      const window = windowAt(now.kind === 'fixed' ? now.ms : context.clockMs);
      const parts = limitsParts(engine, { kind: 'window', window }, tz);
      return readOnce(engine, () => {
        first = { reader: new LimitsReader(parts, options.groupBy, pricing, config.limits, window), nowMs: engine.nowMs, window };
      });
    });
    const { reader, nowMs, window } = first as NonNullable<typeof first>;

    // Again, at the same now, quietly (the input report was given): the features and users of the peak minutes
    // and of the minutes before the incidents.
    const again = { ...context, now: { kind: 'fixed', ms: nowMs } as const, diagnostics: { warn: () => undefined, error: () => undefined } };
    const report = await readReport(again, { ...plan, newestFirst: false }, (now) => {
      const engine = new Engine(now, context.clockMs);
      const drivers = engine.part(new WindowDrivers(reader.windows(), (model) => reader.groupOf(model), (record) => reader.usageOf(record)), { kind: 'window', window });
      return {
        ...readOnce(engine, () => undefined),
        render: (input) => renderLimits({ groups: reader.groupsWith(drivers), incidents: reader.incidentsWith(drivers), window, nowMs, timezone: tz.name, groupBy: options.groupBy, input }, options, context),
      };
    });
    return { output: report.output, failed: sums.failed };
  } finally {
    await spooled.cleanup();
  }
}

/** A fold of logs only (limits reads no `.cmstate`: a state keeps no seconds), `done` called when read. */
function readOnce(engine: Engine, done: () => void): Fold {
  return {
    engine,
    states: { sections: () => [], merge: () => undefined },
    unpricedModels: () => ({}),
    render: () => {
      done();
      return '';
    },
  };
}

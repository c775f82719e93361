/** `claude-mon trend`: per day and group over the last --days, with drift flags. */
import type { CommonOptions } from '../commandOptions.js';
import { TrendFold } from '../core/trend.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io/cliIo.js';
import { renderTrendCsv, renderTrendJson, renderTrendView } from '../render/trendView.js';
import type { CommandResult, Diagnostics } from './inputChecks.js';
import { readAtNow, refuseRange, styleFor } from './readAtNow.js';
import { stateSectionFor, visitStateGroups } from './readStates.js';

export interface TrendOptions extends CommonOptions {
  readonly days: number;
}

export async function runTrend(options: TrendOptions, io: CliIo, diagnostics: Diagnostics): Promise<CommandResult> {
  if (options.format === 'markdown') throw new UsageError('trend prints a table, --json or --format csv');
  refuseRange(options, 'trend');
  if (options.groupBy.some((dimension) => dimension === 'day' || dimension === 'hour')) {
    throw new UsageError('trend is already by day: --by takes feature, model, user or status');
  }
  // With --now latest, one pass: the period follows the newest record.
  return readAtNow(options, io, diagnostics, 'trend', ({ nowMs, follow, tz, pricing }) => {
    const fold = new TrendFold(nowMs, options.days, options.groupBy, tz, pricing, follow);
    return {
      fromMs: fold.fromMs,
      add: (record) => fold.add(record),
      advanceTo: (ms) => fold.advanceTo(ms),
      mergeState: (state, file) =>
        visitStateGroups(
          state,
          file,
          options.groupBy,
          tz,
          { from: fold.periodStartMs, to: fold.toMs, toInclusive: true },
          (record, stats) => fold.mergeAccumulator(record, stats),
          true, // trend is by day
        ),
      unpricedModels: () => fold.unpricedModels(),
      render: (counts) => {
        const report = { trend: fold.snapshot(), timezone: tz.name, input: counts };
        if (options.format === 'json') return renderTrendJson(report);
        if (options.format === 'csv') return renderTrendCsv(report);
        return renderTrendView(report, styleFor(options, io), tz, io.stdout.isTTY === true && options.outputFile === undefined);
      },
    };
  }, true, (file) => [stateSectionFor(options.groupBy, file)]);
}


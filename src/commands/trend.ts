/** `claude-mon trend`: per day and group over the last --days, with drift flags. */
import type { TrendOptions } from '../commandOptions.js';
import type { RunContext } from '../context/runContext.js';
import { Engine } from '../core/engine/engine.js';
import { foldedInto, mergeFolded, stateSectionFor } from '../core/engine/mergeFolded.js';
import { type TrendLedgers, trendLedgers, trendOf } from '../core/reports/trendReport.js';
import { renderTrendCsv, renderTrendJson, renderTrendView } from '../render/trendView.js';
import type { CommandResult } from './commandResult.js';
import { type EngineFold, readReport } from './readReport.js';

export async function runTrend(context: RunContext, options: TrendOptions): Promise<CommandResult> {
  // With --now latest, one pass: the period follows the newest record.
  return readReport(context, { command: 'trend', inputs: options.inputs, newestFirst: false, keeps: { days: options.days, by: options.groupBy } }, (now) => {
    const engine = new Engine(now, context.clockMs);
    return { engine, ...trendFold(context, options, engine) };
  });
}

/** The trend's parts on `engine` (which may hold other commands' parts: `report`, which reads its ledgers too). */
export function trendFold(context: RunContext, options: Omit<TrendOptions, 'inputs'>, engine: Engine): EngineFold & { readonly ledgers: TrendLedgers } {
  const { tz, pricing } = context;
  const ledgers = trendLedgers(engine, options.days, options.groupBy, tz, pricing);
  const { series, total } = ledgers;
  return {
    ledgers,
    states: {
      sections: (file) => [stateSectionFor(options.groupBy, file)],
      merge: (state, file) =>
        mergeFolded(state, file, tz, {
          hours: [foldedInto(series), foldedInto(total)],
          ...(options.groupBy.includes('user') ? { users: [foldedInto(series), foldedInto(total)] } : {}),
          localTime: true,
          wholeHours: '--now on a whole hour (a whole day, for users), with states folded up to it (fold --now)',
        }),
    },
    unpricedModels: () => total.total().snapshot().unpricedModels,
    render: (input) => {
      const report = { trend: trendOf({ series, total }, engine.nowMs, options.days, tz, pricing), timezone: tz.name, input };
      if (options.format === 'json') return renderTrendJson(report);
      if (options.format === 'csv') return renderTrendCsv(report);
      return renderTrendView(report, context.style, tz, context.terminal, options.limit);
    },
  };
}

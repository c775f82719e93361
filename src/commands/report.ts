/**
 * `claude-mon report`: one self-contained HTML page of what `dashboard`, `summary` and `trend` answer at the same
 * --now over the trend's days (summary --since the first of them --until now) — their --json output itself,
 * embedded once, drawn by the page — and the sums its filters recompute from. The inputs are read once, into one
 * engine that holds the three commands' parts and the page's own.
 */
import type { ReportOptions } from '../commandOptions.js';
import type { RunContext } from '../context/runContext.js';
import { Engine } from '../core/engine/engine.js';
import { foldedInto, mergeFolded, outcomesInto } from '../core/engine/mergeFolded.js';
import type { StateSection } from '../core/foldState.js';
import { reportAggregateLedgers, reportAggregatesOf } from '../core/reports/reportAggregates.js';
import { trendDayStarts } from '../core/reports/trendReport.js';
import { sinceStart } from '../core/window.js';
import { readPageAssets, renderReportPage } from '../render/reportPage.js';
import type { StreamedText } from '../render/streamedText.js';
import type { CommandResult } from './commandResult.js';
import { dashboardFold } from './dashboard.js';
import { readReport } from './readReport.js';
import { summaryFold } from './summary.js';
import { trendFold } from './trend.js';

export async function runReport(context: RunContext, options: ReportOptions): Promise<CommandResult> {
  const { tz } = context;
  const assets = await readPageAssets();
  // The summary covers the trend's days up to now: with --now latest, now is found first.
  const plan = { command: 'report', inputs: options.inputs, newestFirst: true, keeps: { days: options.days, slowWindowMs: options.slowWindowMs } };
  return readReport(context, plan, (now) => {
    if (now.kind !== 'fixed') throw new Error('report reads at a fixed now');
    const engine = new Engine(now, context.clockMs);
    const byFeature = { format: 'json', groupBy: ['feature'], limit: 0 } as const;
    const firstDay = trendDayStarts(now.ms, options.days, tz)[0] as number;
    const summary = summaryFold(context, byFeature, engine, sinceStart(firstDay, now.ms, '--since'));
    const dashboard = dashboardFold(context, { format: 'json', slowWindowMs: options.slowWindowMs }, engine);
    const trend = trendFold(context, { ...byFeature, days: options.days }, engine);
    const aggregates = reportAggregateLedgers(engine, options.days, tz);
    const folds = [summary, dashboard, trend];
    return {
      engine,
      states: {
        sections: (file) => [...new Set<StateSection>([...folds.flatMap((fold) => fold.states.sections(file)), 'rateLimited'])],
        merge: (state, file) => {
          for (const fold of folds) fold.states.merge(state, file);
          mergeFolded(state, file, tz, {
            hours: [outcomesInto(aggregates.hours)],
            rateLimited: [foldedInto(aggregates.rateLimited)],
            localTime: true,
            wholeHours: '--now on a whole hour, with states folded up to it (fold --now)',
          });
        },
        ...(dashboard.states.usersOfDay === undefined ? {} : { usersOfDay: dashboard.states.usersOfDay }),
      },
      // The warnings of summary, which covers every call.
      unpricedModels: () => summary.unpricedModels(),
      render: (input) => {
        const dayStarts = trendDayStarts(engine.nowMs, options.days, tz);
        const data = {
          dashboard: jsonOf(dashboard.render(input)),
          summary: jsonOf(summary.render(input)),
          trend: jsonOf(trend.render(input)),
          aggregates: reportAggregatesOf(aggregates, trend.ledgers.series, dayStarts, engine.nowMs, tz),
        };
        return renderReportPage(data, assets);
      },
    };
  });
}

function jsonOf(output: StreamedText): unknown {
  return JSON.parse(typeof output === 'string' ? output : [...output].join(''));
}

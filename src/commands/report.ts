/**
 * `claude-mon report`: one self-contained HTML page of what `dashboard`, `summary` and `trend` answer at the same
 * --now over the trend's days (summary --since the first of them --until now) — their --json output itself,
 * embedded once, drawn by the page — and the sums its filters recompute from. The inputs are read once, into one
 * engine that holds the three commands' parts and the page's own; `serve` holds the same parts for its live page.
 */
import type { ReportOptions } from '../commandOptions.js';
import type { RunContext } from '../context/runContext.js';
import { Engine } from '../core/engine/engine.js';
import { foldedInto, mergeFolded, outcomesInto } from '../core/engine/mergeFolded.js';
import type { StateSection } from '../core/foldState.js';
import { reportAggregateLedgers, reportAggregatesOf } from '../core/reports/reportAggregates.js';
import { trendDayStarts } from '../core/reports/trendReport.js';
import type { LineCounts } from '../core/types.js';
import { readPageAssets, type ReportData, renderReportPage } from '../render/reportPage.js';
import type { StreamedText } from '../render/streamedText.js';
import type { CommandResult } from './commandResult.js';
import { dashboardFold } from './dashboard.js';
import { type FoldOn, readReport } from './readReport.js';
import { summaryFold } from './summary.js';
import { trendFold } from './trend.js';

export async function runReport(context: RunContext, options: ReportOptions): Promise<CommandResult> {
  const assets = await readPageAssets();
  // With --now latest, one pass: every part follows the newest call.
  const plan = { command: 'report', inputs: options.inputs, newestFirst: false, keeps: { days: options.days, slowWindowMs: options.slowWindowMs } };
  return readReport(context, plan, (now) => {
    const engine = new Engine(now, context.clockMs);
    const report = reportFold(context, options, engine);
    return { engine, ...report.fold, render: (input) => renderReportPage(report.data(input), assets) };
  });
}

/** The report's parts on an engine, and its data at the engine's now. */
export interface ReportFold {
  /** Its render is the page's data as JSON. */
  readonly fold: FoldOn;
  data(input: LineCounts): ReportData;
}

/** The parts of dashboard, summary and trend, and the page's aggregates, on `engine` (report's own, or `serve`'s). */
export function reportFold(context: RunContext, options: Omit<ReportOptions, 'inputs'>, engine: Engine): ReportFold {
  const { tz } = context;
  const byFeature = { format: 'json', groupBy: ['feature'], limit: 0 } as const;
  const days = { kind: 'days', days: options.days, tz } as const;
  const summary = summaryFold(context, byFeature, engine, days);
  const dashboard = dashboardFold(context, { format: 'json', slowWindowMs: options.slowWindowMs }, engine);
  const trend = trendFold(context, { ...byFeature, days: options.days }, engine);
  const aggregates = reportAggregateLedgers(engine, options.days, tz);
  const folds = [summary, dashboard, trend];
  const data = (input: LineCounts): ReportData => ({
    dashboard: jsonOf(dashboard.render(input)),
    summary: jsonOf(summary.render(input)),
    trend: jsonOf(trend.render(input)),
    aggregates: reportAggregatesOf(aggregates, trend.ledgers.series, trendDayStarts(engine.nowMs, options.days, tz), engine.nowMs, tz),
  });
  return {
    data,
    fold: {
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
      // The warnings of summary, which covers every call of the page.
      unpricedModels: () => summary.unpricedModels(),
      render: (input) => JSON.stringify(data(input)),
    },
  };
}

function jsonOf(output: StreamedText): unknown {
  return JSON.parse(typeof output === 'string' ? output : [...output].join(''));
}

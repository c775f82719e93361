/**
 * `claude-mon report`: one self-contained HTML page of what `dashboard`, `summary` and `trend` answer at the same
 * --now over the trend's days (summary --since the first of them --until now) — their --json output itself,
 * embedded once, drawn by the page — and the sums its filters recompute from. The inputs are read once, into one
 * engine that holds the three commands' parts and the page's own; `serve` holds the same parts for its live page.
 */
import type { ReportOptions } from '../commandOptions.js';
import type { RunContext } from '../context/runContext.js';
import { Engine } from '../core/engine/engine.js';
import { foldedInto, mergeFolded } from '../core/engine/mergeFolded.js';
import type { StateSection } from '../core/foldState.js';
import { outcomesInto, reportAggregateLedgers, reportAggregatesOf } from '../core/reports/reportAggregates.js';
import { compareStrings } from '../core/order.js';
import { trendDayStarts } from '../core/reports/trendReport.js';
import type { LineCounts } from '../core/types.js';
import { readPageAssets } from '../io/pageAssets.js';
import { type ReportData, renderReportPage } from '../render/reportPage.js';
import type { StreamedText } from '../render/streamedText.js';
import type { CommandResult } from './commandResult.js';
import { dashboardFold } from './dashboard.js';
import { type EngineFold, readReport } from './readReport.js';
import { summaryFold } from './summary.js';
import { trendFold } from './trend.js';

export async function runReport(context: RunContext, options: ReportOptions): Promise<CommandResult> {
  const assets = await readPageAssets();
  // With --now latest, one pass: every part follows the newest call.
  const plan = { command: 'report', inputs: options.inputs, newestFirst: false, keeps: { days: options.days, slowWindowMs: options.slowWindowMs } };
  return readReport(context, plan, (now) => {
    const engine = new Engine(now, context.clockMs);
    const { data, ...fold } = reportFold(context, options, engine);
    return { engine, ...fold, render: (input) => renderReportPage(data(input), assets) };
  });
}

/** The report's parts on an engine: how states go into them, and the page's data at the engine's now. */
export interface ReportFold extends Omit<EngineFold, 'render'> {
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
    aggregates: { ...reportAggregatesOf(aggregates, trend.ledgers.series, trendDayStarts(engine.nowMs, options.days, tz), engine.nowMs, tz), limitMinutes: dashboard.limitMinutes() },
  });
  return {
    data,
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
    // Each model without a price once, with the most calls any of the three saw (their spans differ).
    unpricedModels: () => {
      const calls = new Map<string, number>();
      for (const fold of folds) for (const [model, n] of Object.entries(fold.unpricedModels())) calls.set(model, Math.max(n, calls.get(model) ?? 0));
      return Object.fromEntries([...calls].sort(([a], [b]) => compareStrings(a, b)));
    },
  };
}

function jsonOf(output: StreamedText): unknown {
  return JSON.parse(typeof output === 'string' ? output : [...output].join(''));
}

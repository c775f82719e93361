/** `claude-mon summary`: the calls of the range → a ledger of one cell per group → the groups and their total. */
import type { SummaryOptions } from '../commandOptions.js';
import type { RunContext } from '../context/runContext.js';
import { Engine } from '../core/engine/engine.js';
import { Ledger } from '../core/engine/ledger.js';
import { foldedInto, mergeFolded, stateSectionFor } from '../core/engine/mergeFolded.js';
import { isTimeDimension } from '../core/grouping.js';
import { type AggregateSnapshot, groupsOf } from '../core/reports/groups.js';
import type { SummaryReport } from '../core/reports/summaryReport.js';
import { statsMeasure } from '../core/engine/measureKinds.js';
import { reportedCostMeasure, reportsCost, summaryOfReported } from '../core/reportedCost.js';
import { logsRateLimitHeaders, RATE_LIMIT_HEADERS_MEASURE, rateLimitsByModel } from '../core/rateLimitHeaders.js';
import { rangeDependsOnNow, resolveRange } from '../core/timeRange.js';
import type { TimeWindow } from '../core/window.js';
import { UsageError } from '../errors.js';
import { renderSummaryCsv } from '../render/csv.js';
import { renderSummaryJson } from '../render/json.js';
import { renderSummaryMarkdown } from '../render/markdown.js';
import type { StreamedText } from '../render/streamedText.js';
import { renderSummaryTable } from '../render/summaryTable.js';
import type { CommandResult } from './commandResult.js';
import { type FoldOn, readReport } from './readReport.js';

export async function runSummary(context: RunContext, options: SummaryOptions): Promise<CommandResult> {
  const { tz } = context;
  resolveRange(options.range, context.clockMs, tz); // usage errors before any reading
  const relative = rangeDependsOnNow(options.range);
  if (relative && context.checkpointFile !== undefined) {
    throw new UsageError('--checkpoint keeps summary\'s figures from run to run, and a range relative to --now moves every run: give --since/--until as ISO times, or no range');
  }
  const plan = { command: 'summary', inputs: options.inputs, newestFirst: relative, keeps: { by: options.groupBy, range: options.range } };
  return readReport(context, plan, (now) => {
    const engine = new Engine(now, context.clockMs);
    return { engine, ...summaryFold(context, options, engine, resolveRange(options.range, now.kind === 'moving' ? context.clockMs : now.ms, tz)) };
  });
}

/** Summary's parts on `engine` (which may hold other commands' parts: `report`), over `range`. */
export function summaryFold(context: RunContext, options: Pick<SummaryOptions, 'groupBy' | 'format' | 'limit'>, engine: Engine, range: TimeWindow): FoldOn {
  const { tz, pricing } = context;
  const ledger = new Ledger({ bucketing: { unit: 'all' }, dims: options.groupBy, tz, ...statsMeasure(pricing) });
  engine.part(ledger, { kind: 'window', window: range });
  const reported = engine.part(new Ledger({ bucketing: { unit: 'all' }, dims: [], tz, keeps: reportsCost, ...reportedCostMeasure(pricing) }), { kind: 'window', window: range });
  const headers = engine.part(new Ledger({ bucketing: { unit: 'all' }, dims: ['model'], tz, keeps: logsRateLimitHeaders, ...RATE_LIMIT_HEADERS_MEASURE }), { kind: 'window', window: range });
  let aggregate: AggregateSnapshot | undefined;
  const read = (): AggregateSnapshot => (aggregate ??= groupsOf(ledger));
  return {
    states: {
      sections: (file) => [stateSectionFor(options.groupBy, file), 'rateLimitHeaders', 'reportedCost'],
      merge: (state, file) =>
        mergeFolded(state, file, tz, {
          hours: [foldedInto(ledger)],
          ...(options.groupBy.includes('user') ? { users: [foldedInto(ledger)] } : {}),
          rateLimitHeaders: [foldedInto(headers)],
          reportedCost: [foldedInto(reported)],
          localTime: options.groupBy.some(isTimeDimension),
          wholeHours: 'times on a whole hour (a whole day, for users), with states folded up to them (fold --now)',
        }),
    },
    unpricedModels: () => read().total.unpricedModels,
    render: (input) => {
      const { total } = read();
      const report: SummaryReport = {
        range: {
          fromMs: Number.isFinite(range.from.ms) ? range.from.ms : total.firstMs,
          toMs: Number.isFinite(range.to.ms) ? range.to.ms : total.lastMs,
        },
        timezone: tz.name,
        aggregate: read(),
        input,
        pricing: { asOf: pricing.asOf, unpricedModels: total.unpricedModels, reportedCost: summaryOfReported(reported.total()) },
        rateLimits: rateLimitsByModel([headers]),
      };
      return render(report, options, context);
    },
  };
}

function render(report: SummaryReport, options: Pick<SummaryOptions, 'format' | 'limit'>, context: RunContext): StreamedText {
  switch (options.format) {
    case 'json':
      return renderSummaryJson(report);
    case 'csv':
      return renderSummaryCsv(report);
    case 'markdown':
      return renderSummaryMarkdown(report, context.tz);
    case 'table':
      return renderSummaryTable(report, { style: context.style, tz: context.tz, limit: options.limit, ...(context.terminal ? { maxLabelWidth: 40 } : {}) });
  }
}


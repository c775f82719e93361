/** `claude-mon summary`: the calls of the range → a ledger of one cell per group → the groups and their total. */
import type { SummaryOptions } from '../commandOptions.js';
import type { RunContext } from '../context/runContext.js';
import type { Bucketing } from '../core/engine/bucketing.js';
import { Engine, followsNow, type SpanRule } from '../core/engine/engine.js';
import { Ledger } from '../core/engine/ledger.js';
import { foldedInto, mergeFolded, stateSectionFor } from '../core/engine/mergeFolded.js';
import { isTimeDimension } from '../core/grouping.js';
import { groupsOf } from '../core/reports/groups.js';
import { unpricedModelsOf } from '../core/stats.js';
import type { SummaryReport } from '../core/reports/summaryReport.js';
import { statsMeasure } from '../core/engine/measureKinds.js';
import { reportedCostMeasure, reportsCost, summaryOfReported } from '../core/reportedCost.js';
import { logsRateLimitHeaders, RATE_LIMIT_HEADERS_MEASURE, rateLimitsByModel } from '../core/rateLimitHeaders.js';
import { rangeDependsOnNow, resolveRange } from '../core/timeRange.js';
import { UsageError } from '../errors.js';
import { renderSummaryCsv } from '../render/csv.js';
import { renderSummaryJson } from '../render/json.js';
import { renderSummaryMarkdown } from '../render/markdown.js';
import type { StreamedText } from '../render/streamedText.js';
import { renderSummaryTable } from '../render/summaryTable.js';
import type { CommandResult } from './commandResult.js';
import { type EngineFold, readReport } from './readReport.js';

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
    const window = resolveRange(options.range, now.kind === 'moving' ? context.clockMs : now.ms, tz);
    return { engine, ...summaryFold(context, options, engine, { kind: 'window', window }) };
  });
}

/**
 * Summary's parts on `engine` (which may hold other commands' parts: `report`, `serve`'s page), over the calls
 * `span` takes: the range (summary), or the trend's days up to a now that moves (the page).
 */
export function summaryFold(context: RunContext, options: Pick<SummaryOptions, 'groupBy' | 'format' | 'limit'>, engine: Engine, span: SpanRule): EngineFold {
  const { tz, pricing } = context;
  // A span that moves with now lets go of whole days: the ledgers keep days, merged when read.
  const moving = followsNow(span);
  const bucketing: Bucketing = moving ? { unit: 'day', tz } : { unit: 'all' };
  const ledger = engine.part(new Ledger({ bucketing, dims: options.groupBy, tz, ...statsMeasure(pricing) }), span);
  const reported = engine.part(new Ledger({ bucketing, dims: [], tz, keeps: reportsCost, ...reportedCostMeasure(pricing) }), span);
  const headers = engine.part(new Ledger({ bucketing, dims: ['model'], tz, keeps: logsRateLimitHeaders, ...RATE_LIMIT_HEADERS_MEASURE }), span);
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
    unpricedModels: () => unpricedModelsOf(ledger.measures()),
    // Read afresh at each render: `serve`'s page renders again as calls come.
    render: (input) => {
      const aggregate = groupsOf(ledger);
      const { total } = aggregate;
      const range = ledger.span.window;
      const report: SummaryReport = {
        range: {
          fromMs: Number.isFinite(range.from.ms) ? range.from.ms : total.firstMs,
          // A span that follows now ends there (left open while now moves: `serve`).
          toMs: moving ? engine.nowMs : Number.isFinite(range.to.ms) ? range.to.ms : total.lastMs,
        },
        timezone: tz.name,
        aggregate,
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


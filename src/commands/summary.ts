/** `claude-mon summary`: sources → fold into per-group accumulators → snapshot → one renderer. */
import type { CommonOptions } from '../commandOptions.js';
import { Aggregator } from '../core/aggregator.js';
import type { SummaryReport } from '../core/summaryReport.js';
import { parseNow, rangeDependsOnNow, resolveRange } from '../core/timeRange.js';
import { TimeZone } from '../core/timezone.js';
import type { CallRecord } from '../core/types.js';
import type { CliIo } from '../io/cliIo.js';
import { renderSummaryCsv } from '../render/csv.js';
import { renderSummaryJson } from '../render/json.js';
import { renderSummaryMarkdown } from '../render/markdown.js';
import type { StreamedText } from '../render/streamedText.js';
import { createStyle, colorLevel } from '../render/style.js';
import { renderSummaryTable } from '../render/table.js';
import { checkInput, type CommandResult, type Diagnostics } from './inputChecks.js';
import { loadConfig } from './loadConfig.js';
import { loadPricing } from './loadPricing.js';
import { findLatestTimestamp, NO_INPUTS, openInputs, readLogs, spoolStdin } from './readLogs.js';
import { mergeStates, splitInputs, stateSectionFor, visitStateGroups } from './readStates.js';
import { Tally } from '../input/tally.js';
import { UsageError } from '../errors.js';


export async function runSummary(options: CommonOptions, io: CliIo, diagnostics: Diagnostics): Promise<CommandResult> {
  const config = await loadConfig(options.configFile);
  const tz = new TimeZone(options.tz ?? config.timezone ?? 'UTC');
  const pricing = await loadPricing(options.pricesFile);
  const clockMs = io.now();
  const now = parseNow(options.now, tz, clockMs);
  resolveRange(options.range, clockMs, tz); // usage errors before any reading
  const readOptions = { ...options, tz };

  const { logArgs, stateFiles } = await splitInputs(options.inputs);
  // Only states: stdin is not read.
  let inputs = stateFiles.length > 0 && logArgs.length === 0 ? NO_INPUTS : await openInputs(logArgs, io, 'summary');
  try {
    let nowMs = now.kind === 'fixed' ? now.ms : clockMs;
    if (now.kind === 'latest' && rangeDependsOnNow(options.range)) {
      if (stateFiles.length > 0) throw new UsageError('--now latest with a range needs the newest call of the logs: with .cmstate inputs give --now an ISO time');
      inputs = await spoolStdin(inputs, io);
      nowMs = (await findLatestTimestamp(inputs, io, readOptions)) ?? clockMs;
    }
    const range = resolveRange(options.range, nowMs, tz);
    const aggregator = new Aggregator(options.groupBy, tz, pricing);
    const from = range.from ?? -Infinity;
    const to = range.to ?? Infinity;
    const sink =
      range.from === null && range.to === null
        ? aggregator
        : {
            add(record: CallRecord): void {
              if (record.timestampMs >= from && record.timestampMs < to) aggregator.add(record);
            },
          };
    const tally = inputs === NO_INPUTS ? new Tally() : await readLogs(inputs, io, readOptions, sink);
    const states = stateFiles.map((file) => ({ file, sections: [stateSectionFor(options.groupBy, file)] }));
    await mergeStates(states, pricing, options.strict, tally, (state, file) =>
      visitStateGroups(state, file, options.groupBy, tz, { from, to, toInclusive: false }, (record, stats) => aggregator.mergeAccumulator(record, stats)),
    );
    const aggregate = aggregator.snapshot();
    const failed = checkInput(tally, aggregate.total.unpricedModels, options, diagnostics);
    const report: SummaryReport = {
      range: { fromMs: range.from ?? aggregate.total.firstMs, toMs: range.to ?? aggregate.total.lastMs },
      timezone: tz.name,
      aggregate,
      input: tally.counts(),
      pricing: { asOf: pricing.asOf, unpricedModels: aggregate.total.unpricedModels },
    };
    return { output: render(report, options, io, tz), failed };
  } finally {
    await inputs.cleanup();
  }
}

function render(report: SummaryReport, options: CommonOptions, io: CliIo, tz: TimeZone): StreamedText {
  switch (options.format) {
    case 'json':
      return renderSummaryJson(report);
    case 'csv':
      return renderSummaryCsv(report);
    case 'markdown':
      return renderSummaryMarkdown(report, tz);
    case 'table': {
      const toTerminal = options.outputFile === undefined && io.stdout.isTTY === true;
      const style = createStyle(colorLevel(options.color, io.env, toTerminal));
      return renderSummaryTable(report, { style, tz, ...(toTerminal ? { maxLabelWidth: 40 } : {}) });
    }
  }
}

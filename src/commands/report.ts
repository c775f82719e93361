/**
 * `claude-mon report`: one self-contained HTML page of what `dashboard`, `summary` and `trend` answer at the same
 * --now — their --json output itself, embedded once, drawn by the page. Each of the three reads the inputs (stdin
 * is spooled to a file first, read in its place), at one now: with --now latest, the newest call is found first.
 */
import type { ReportOptions } from '../commandOptions.js';
import type { RunContext } from '../context/runContext.js';
import type { Now } from '../core/timeRange.js';
import { NO_INPUTS, openInputs, spoolStdin } from '../input/readLogs.js';
import { splitInputs } from '../input/stateFile.js';
import { renderReportPage } from '../render/reportPage.js';
import type { StreamedText } from '../render/streamedText.js';
import type { CommandResult } from './commandResult.js';
import { runDashboard } from './dashboard.js';
import { newestCallOfStates, newestFirst } from './readReport.js';
import { runSummary } from './summary.js';
import { runTrend } from './trend.js';

export async function runReport(context: RunContext, options: ReportOptions): Promise<CommandResult> {
  const { logArgs, stateFiles } = await splitInputs(options.inputs);
  // Stdin is read once, into a file that each of the three reads in its place.
  const readsStdin = logArgs.length === 0 ? stateFiles.length === 0 : logArgs.includes('-');
  const spooled = readsStdin ? await spoolStdin(await openInputs([], context.io, 'report'), context.io) : NO_INPUTS;
  try {
    const stdinFile = spooled.sources[0]?.path ?? '-';
    const inputs = options.inputs.length === 0 ? [stdinFile] : options.inputs.map((input) => (input === '-' ? stdinFile : input));
    const atNow = { ...context, now: await nowOf(context, inputs, stateFiles) };
    // The input report (skipped lines, unreadable files, unpriced models) once: from summary, which reads every
    // call in range.
    const quietly = { ...atNow, diagnostics: { warn: () => undefined, error: () => undefined } };
    const summary = await runSummary(atNow, { inputs, range: {}, groupBy: ['feature'], format: 'json', limit: 0 });
    const dashboard = await runDashboard(quietly, { inputs, format: 'json', slowWindowMs: options.slowWindowMs });
    const trend = await runTrend(quietly, { inputs, groupBy: ['feature'], format: 'json', days: options.days, limit: 0 });
    const data = { dashboard: jsonOf(dashboard.output), summary: jsonOf(summary.output), trend: jsonOf(trend.output) };
    return { output: await renderReportPage(data), failed: summary.failed || dashboard.failed || trend.failed };
  } finally {
    await spooled.cleanup();
  }
}

/** The now of all three: --now, or with --now latest the newest call of the logs and states, found first. */
async function nowOf(context: RunContext, inputs: readonly string[], stateFiles: readonly string[]): Promise<Now> {
  if (context.now.kind !== 'latest') return context.now;
  const statesNewest = await newestCallOfStates(stateFiles, context.pricing);
  const logFiles = inputs.filter((input) => !stateFiles.includes(input));
  const found = await newestFirst(context, logFiles.length === 0 ? NO_INPUTS : await openInputs(logFiles, context.io, 'report'), statesNewest);
  await found.inputs.cleanup();
  return found.now;
}

function jsonOf(output: StreamedText): unknown {
  return JSON.parse(typeof output === 'string' ? output : [...output].join(''));
}


/** `claude-mon dashboard` and `claude-mon trend`: read once at a known --now, fold, render. */
import type { CommonOptions } from '../commandOptions.js';
import { DashboardFold } from '../core/dashboard.js';
import type { PriceBook } from '../core/pricing.js';
import { parseDuration, parseNow } from '../core/timeRange.js';
import { TimeZone } from '../core/timezone.js';
import { TrendFold } from '../core/trend.js';
import type { CallRecord, LineCounts } from '../core/types.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io/cliIo.js';
import { renderDashboardJson, renderDashboardMarkdown, renderDashboardView } from '../render/dashboardView.js';
import { createStyle, colorLevel, type Style } from '../render/style.js';
import { renderTrendCsv, renderTrendJson, renderTrendView } from '../render/trendView.js';
import { checkInput, type CommandResult, type Diagnostics } from './inputChecks.js';
import { loadConfig } from './loadConfig.js';
import { loadPricing } from './loadPricing.js';
import { findLatestTimestamp, openInputs, readLogs, spoolStdin } from './readLogs.js';

export interface DashboardOptions extends CommonOptions {
  /** The window of the slowest-feature panel. */
  readonly slowWindow: string;
}

export interface TrendOptions extends CommonOptions {
  readonly days: number;
}

export async function runDashboard(options: DashboardOptions, io: CliIo, diagnostics: Diagnostics): Promise<CommandResult> {
  if (options.format === 'csv') throw new UsageError('dashboard prints a table, --json or --format markdown');
  refuseRange(options, 'dashboard');
  const slowWindowMs = parseDuration(options.slowWindow, '--slow-window');
  return read(options, io, diagnostics, 'dashboard', ({ nowMs, tz, pricing }) => {
    const fold = new DashboardFold({ nowMs, tz, pricing, slowWindowMs });
    return {
      fromMs: fold.fromMs,
      add: (record) => fold.add(record),
      render: (counts) => {
        const dashboard = fold.snapshot();
        const report = { dashboard, timezone: tz.name, input: counts };
        switch (options.format) {
          case 'json':
            return renderDashboardJson(report);
          case 'markdown':
            return renderDashboardMarkdown(report, tz);
          default:
            return renderDashboardView(report, styleFor(options, io), tz, io.stdout.isTTY === true && options.outputFile === undefined);
        }
      },
    };
  });
}

export async function runTrend(options: TrendOptions, io: CliIo, diagnostics: Diagnostics): Promise<CommandResult> {
  if (options.format === 'markdown') throw new UsageError('trend prints a table, --json or --format csv');
  refuseRange(options, 'trend');
  if (options.groupBy.some((dimension) => dimension === 'day' || dimension === 'hour')) {
    throw new UsageError('trend is already by day: --by takes feature, model, user or status');
  }
  return read(options, io, diagnostics, 'trend', ({ nowMs, tz, pricing }) => {
    const fold = new TrendFold(nowMs, options.days, options.groupBy, tz, pricing);
    return {
      fromMs: fold.fromMs,
      add: (record) => fold.add(record),
      render: (counts) => {
        const report = { trend: fold.snapshot(), timezone: tz.name, input: counts };
        if (options.format === 'json') return renderTrendJson(report);
        if (options.format === 'csv') return renderTrendCsv(report);
        return renderTrendView(report, styleFor(options, io), tz, io.stdout.isTTY === true && options.outputFile === undefined);
      },
    };
  });
}

interface Fold {
  readonly fromMs: number;
  add(record: CallRecord): void;
  render(counts: LineCounts): string;
}

/** The shared run: config and zone, --now (latest: read twice), one pass into the fold, the input report. */
async function read(
  options: CommonOptions,
  io: CliIo,
  diagnostics: Diagnostics,
  command: string,
  makeFold: (context: { nowMs: number; tz: TimeZone; pricing: PriceBook }) => Fold,
): Promise<CommandResult> {
  const config = await loadConfig(options.configFile);
  const tz = new TimeZone(options.tz ?? config.timezone ?? 'UTC');
  const pricing = await loadPricing(options.pricesFile);
  const clockMs = io.now();
  const now = parseNow(options.now, tz, clockMs);
  let inputs = await openInputs(options.inputs, io, command);
  try {
    let nowMs = now.kind === 'fixed' ? now.ms : clockMs;
    if (now.kind === 'latest') {
      inputs = await spoolStdin(inputs, io);
      nowMs = (await findLatestTimestamp(inputs, io, { ...options, tz })) ?? clockMs;
    }
    const fold = makeFold({ nowMs, tz, pricing });
    const unpriced = new Map<string, number>();
    const sink = {
      add(record: CallRecord): void {
        if (record.timestampMs < fold.fromMs) return;
        fold.add(record);
        if (record.timestampMs <= nowMs && pricing.resolve(record.model) === null) unpriced.set(record.model, (unpriced.get(record.model) ?? 0) + 1);
      },
    };
    const tally = await readLogs(inputs, io, { ...options, tz }, sink);
    const failed = checkInput(tally, Object.fromEntries(unpriced), options, diagnostics);
    return { output: fold.render(tally.counts()), failed };
  } finally {
    await inputs.cleanup();
  }
}

function refuseRange(options: CommonOptions, command: string): void {
  if (options.range.since !== undefined || options.range.until !== undefined || options.range.date !== undefined) {
    throw new UsageError(`${command} is anchored at --now: use --now to move it, not --since, --until or --date`);
  }
}

function styleFor(options: CommonOptions, io: CliIo): Style {
  const toTerminal = options.outputFile === undefined && io.stdout.isTTY === true;
  return createStyle(colorLevel(options.color, io.env, toTerminal));
}

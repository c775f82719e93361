/** `claude-mon dashboard`: the month-one answers at --now. */
import type { CommonOptions } from '../commandOptions.js';
import { DashboardFold } from '../core/dashboard.js';
import { parseDuration } from '../core/timeRange.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io/cliIo.js';
import { renderDashboardJson, renderDashboardMarkdown, renderDashboardView } from '../render/dashboardView.js';
import type { CommandResult, Diagnostics } from './inputChecks.js';
import { foldStateIntoDashboard } from './dashboardStates.js';
import { readAtNow, refuseRange, styleFor } from './readAtNow.js';

export interface DashboardOptions extends CommonOptions {
  /** The window of the slowest-feature panel. */
  readonly slowWindow: string;
}

export async function runDashboard(options: DashboardOptions, io: CliIo, diagnostics: Diagnostics): Promise<CommandResult> {
  if (options.format === 'csv') throw new UsageError('dashboard prints a table, --json or --format markdown');
  refuseRange(options, 'dashboard');
  const slowWindowMs = parseDuration(options.slowWindow, '--slow-window');
  // With --now latest, one pass: the windows follow the newest record.
  return readAtNow(options, io, diagnostics, 'dashboard', ({ nowMs, follow, tz, pricing }) => {
    const fold = new DashboardFold({ nowMs, follow, tz, pricing, slowWindowMs });
    return {
      fromMs: fold.fromMs,
      add: (record) => fold.add(record),
      advanceTo: (ms) => fold.advanceTo(ms),
      mergeState: (state, file) => foldStateIntoDashboard(state, file, tz, fold),
      usersOfDay: () => tz.dayKey(fold.atMs), // today's users only
      unpricedModels: () => fold.unpricedModels(),
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
  }, true, () => ['hours', 'users', 'rateLimited']);
}


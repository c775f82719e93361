/** `claude-mon dashboard`: the month-one answers at --now. */
import type { DashboardOptions } from '../commandOptions.js';
import type { RunContext } from '../context/runContext.js';
import { Engine } from '../core/engine/engine.js';
import { foldedInto, latenciesInto, mergeFolded, requireWholeHours, tokensInto, within } from '../core/engine/mergeFolded.js';
import { type DashboardSettings, dashboardOf, dashboardParts, type LimitMinutes, limitMinutesOf, yesterdayByNowWindows } from '../core/reports/dashboardReport.js';
import { unpricedModelsOf } from '../core/stats.js';
import { UsageError } from '../errors.js';
import { renderDashboardJson, renderDashboardMarkdown, renderDashboardView } from '../render/dashboardView.js';
import type { CommandResult } from './commandResult.js';
import { type EngineFold, readReport } from './readReport.js';

export async function runDashboard(context: RunContext, options: DashboardOptions): Promise<CommandResult> {
  // With --now latest, one pass: the windows follow the newest record.
  // With rate limits configured, the dashboard keeps the calls' use of them by second: a checkpoint made without is not used.
  const keeps = { slowWindowMs: options.slowWindowMs, ...(context.config.limits.size > 0 ? { rateLimits: true } : {}) };
  return readReport(context, { command: 'dashboard', inputs: options.inputs, newestFirst: false, keeps }, (now) => {
    const engine = new Engine(now, context.clockMs);
    return { engine, ...dashboardFold(context, options, engine) };
  });
}

/** The dashboard's parts on `engine` (which may hold other commands' parts: `report`). */
export function dashboardFold(context: RunContext, options: Pick<DashboardOptions, 'format' | 'slowWindowMs'>, engine: Engine): EngineFold & { readonly limitMinutes: () => LimitMinutes | null } {
  const { tz, pricing } = context;
  const parts = dashboardParts(engine, options.slowWindowMs, tz, pricing, context.config.limits.size > 0);
  let statesRead = false;
  const settings = (): DashboardSettings => ({ pricing, limits: context.config.limits, statesRead });
  return {
    limitMinutes: () => limitMinutesOf(parts, engine.nowMs, settings()),
    states: {
      sections: () => ['hours', 'users', 'rateLimited', 'rateLimitHeaders'],
      merge: (state, file) => {
        statesRead = true;
        if (state.version < 2) {
          throw new UsageError(`${file} was folded by an older claude-mon, without the rate-limited calls the dashboard shows: fold its logs again`);
        }
        // The panels' clock hours are UTC hours too (not so at --now in, say, Australia/Lord_Howe after its April change).
        requireWholeHours(tz, engine.nowMs, file);
        mergeFolded(state, file, tz, {
          hours: [foldedInto(parts.days), within(() => yesterdayByNowWindows(engine.nowMs, tz), tokensInto(parts.minutes)), latenciesInto(parts.slowFolded)],
          users: [tokensInto(parts.users)],
          rateLimited: [foldedInto(parts.limitsFolded)],
          rateLimitHeaders: [foldedInto(parts.limitHeadersFolded)],
          localTime: true,
          wholeHours: '--now on a whole hour (and a --slow-window of whole hours)',
        });
      },
      usersOfDay: () => tz.dayKey(engine.nowMs), // today's users only
    },
    unpricedModels: () => unpricedModelsOf(parts.days.measures()),
    render: (input) => {
      const report = { dashboard: dashboardOf(parts, engine.nowMs, options.slowWindowMs, tz, settings()), timezone: tz.name, input };
      switch (options.format) {
        case 'json':
          return renderDashboardJson(report);
        case 'markdown':
          return renderDashboardMarkdown(report, tz);
        case 'table':
          return renderDashboardView(report, context.style, tz, context.terminal);
      }
    },
  };
}

/** Each command's options, parsed once from argv by src/cli.ts (the flags shared by all are in the RunContext). */
import type { GroupDimension } from './core/grouping.js';
import type { RangeFlags } from './core/timeRange.js';

const OUTPUT_FORMATS = ['table', 'json', 'csv', 'markdown'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

const ALERTS_FORMATS = ['table', 'json', 'nagios'] as const;
export type AlertsFormat = (typeof ALERTS_FORMATS)[number];

/** Rows a terminal table shows at most by default (`--limit 0`: all). */
export const DEFAULT_LIMIT = 100;

export interface SummaryOptions {
  readonly inputs: readonly string[];
  readonly range: RangeFlags;
  readonly groupBy: readonly GroupDimension[];
  readonly format: OutputFormat;
  /** Groups a table shows (0: all); CSV, JSON and Markdown list every one. */
  readonly limit: number;
}

export interface TrendOptions {
  readonly inputs: readonly string[];
  readonly groupBy: readonly GroupDimension[];
  readonly format: 'table' | 'json' | 'csv';
  readonly days: number;
  readonly limit: number;
}

export interface DashboardOptions {
  readonly inputs: readonly string[];
  readonly format: 'table' | 'json' | 'markdown';
  /** The window of the slowest-feature panel. */
  readonly slowWindowMs: number;
}

/** The trend's days of a report made without --days (and of serve's page). */
export const REPORT_DAYS = 14;

export interface ReportOptions {
  readonly inputs: readonly string[];
  /** The trend's days, today included. */
  readonly days: number;
  /** The window of the dashboard's slowest-feature answer. */
  readonly slowWindowMs: number;
}

export interface AlertsOptions {
  readonly inputs: readonly string[];
  /** --since: what is read, and the window of the rate and latency rules. */
  readonly since: string | undefined;
  readonly groupBy: readonly GroupDimension[];
  readonly format: AlertsFormat;
  /** --quiet-ok: print nothing when all is OK (for cron mail). */
  readonly quietOk: boolean;
  /** Rows of evaluations a table shows (0: all); firing ones are always shown. */
  readonly limit: number;
  /** --follow: keep reading, re-evaluate every intervalMs, print state changes. */
  readonly follow: boolean;
  readonly intervalMs: number;
  /** --backtest --from --to --step. */
  readonly backtest: { readonly from: string; readonly to: string | undefined; readonly stepMs: number } | undefined;
  /** --follow --positions FILE: the windows, the firing rules and where the file was read to, kept across restarts. */
  readonly positions: string | undefined;
}

export interface FoldOptions {
  readonly inputs: readonly string[];
  /** Who wrote the state ("claude-mon 0.1.0"), for its header. */
  readonly createdBy: string;
  /** --now was given: fold the calls up to and including it only. */
  readonly upToNow: boolean;
}

export interface LimitsOptions {
  readonly inputs: readonly string[];
  /** --since (default 24h) and --until. */
  readonly range: RangeFlags;
  /** One row per model class (the pool of limits), or per model as logged. */
  readonly groupBy: 'class' | 'model';
  readonly format: OutputFormat;
  readonly limit: number;
}

export interface ServeOptions {
  readonly inputs: readonly string[];
  readonly listen: { readonly host: string; readonly port: number };
  readonly fromStart: boolean;
  readonly maxSeries: number;
  /** --positions FILE: where each file was read to, kept across restarts. */
  readonly positions: string | undefined;
  /** --page: the report page, live, on / (and its data on /api/report). */
  readonly page: boolean;
  /** --web-config FILE: TLS and basic authentication, in the Prometheus exporter toolkit's format. */
  readonly webConfig: string | undefined;
}

export interface RulesOptions {
  /** Prometheus `for`: how long a condition must hold. */
  readonly forMs: number;
  readonly version: string;
}

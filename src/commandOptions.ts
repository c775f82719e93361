/** Options as the commands receive them: parsed once from argv (src/cli.ts), typed and read-only. */
import type { GroupDimension } from './core/grouping.js';
import type { RangeFlags } from './core/timeRange.js';

export const OUTPUT_FORMATS = ['table', 'json', 'csv', 'markdown'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface CommonOptions {
  readonly inputs: readonly string[];
  readonly range: RangeFlags;
  /** --now as given: undefined (wall clock), "latest" or an ISO time. */
  readonly now: string | undefined;
  /** --tz as given; commands fall back to the config file's timezone, then UTC. */
  readonly tz: string | undefined;
  /** --config FILE; undefined: ./claude-mon.config.json when present. */
  readonly configFile: string | undefined;
  readonly groupBy: readonly GroupDimension[];
  readonly format: OutputFormat;
  /** --color (true), --no-color (false), or neither. */
  readonly color: boolean | undefined;
  readonly pricesFile: string | undefined;
  readonly strict: boolean;
  readonly verbose: boolean;
  readonly quiet: boolean;
  readonly dedupe: boolean;
  readonly maxLineBytes: number;
  /** --threads: parse workers for large inputs. */
  readonly threads: number;
  readonly outputFile: string | undefined;
}

export const ALERTS_FORMATS = ['table', 'json', 'nagios'] as const;
export type AlertsFormat = (typeof ALERTS_FORMATS)[number];

export interface AlertsOptions extends Omit<CommonOptions, 'format'> {
  readonly format: AlertsFormat;
  /** --quiet-ok: print nothing when all is OK (for cron mail). */
  readonly quietOk: boolean;
  /** --follow: keep reading, re-evaluate every intervalMs, print state changes. */
  readonly follow: boolean;
  readonly intervalMs: number;
  /** --backtest --from --to --step. */
  readonly backtest: { readonly from: string; readonly to: string | undefined; readonly stepMs: number } | undefined;
}

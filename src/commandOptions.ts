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
  readonly tz: string;
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
  readonly outputFile: string | undefined;
}

/**
 * The flags of every command (commander definitions) and how they become typed options: the RunContext's flags
 * and each command's own. Values are checked here, once; a bad one is a usage error that says what is expected.
 * The only module that imports commander: cli.ts takes its Command and CommanderError from here.
 */
import os from 'node:os';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import {
  type AlertsFormat,
  type AlertsOptions,
  type DashboardOptions,
  DEFAULT_LIMIT,
  type FoldOptions,
  type LimitsOptions,
  type OutputFormat,
  type ReportOptions,
  type RulesOptions,
  type ServeOptions,
  type SummaryOptions,
  type TrendOptions,
} from './commandOptions.js';
import type { ContextFlags } from './context/runContext.js';
import { parseGroupBy } from './core/grouping.js';
import { parseDuration } from './core/timeRange.js';
import { UsageError } from './errors.js';

export { Command, CommanderError };

/** Commander's parsed flags of one command. */
export type Flags = Record<string, unknown>;

const SUMMARY_SINCE = 'records after TIME: a duration back from --now (10m, 24h, 7d: the window (now − 10m, now]) or from an ISO date/time';

/** `since`: the --since help, or null for commands anchored at --now; `by`: whether --by applies. */
interface CommonFlags {
  readonly formats: readonly string[];
  readonly since?: string | null;
  readonly by?: boolean;
  /** Whether the command reads .cmstate states beside logs. */
  readonly states?: boolean;
  /** What --limit bounds in a table, when the command has it. */
  readonly limit?: string;
}

export function addCommonOptions(command: Command, flags: CommonFlags): Command {
  const inputs = flags.states === true ? 'log files, .cmstate states (claude-mon fold), directories (read recursively: of logs, or of states)' : 'log files, directories (read recursively)';
  command.argument('[inputs...]', `${inputs} or - for stdin; default: stdin when piped`);
  const since = flags.since === undefined ? SUMMARY_SINCE : flags.since;
  if (since !== null) command.option('--since <time>', since);
  command
    .option('--now <time>', 'the reference time: an ISO time, or "latest" (the newest record, for old logs)')
    .option('--tz <zone>', 'IANA time zone for days, hours, and timestamps without an offset (default: the config file\'s, else UTC)')
    .option('--config <file>', 'the config file (default: ./claude-mon.config.json when present)');
  if (flags.by !== false) command.option('--by <keys>', 'group by a comma list of: feature, model, user, day, hour, status', 'feature');
  command.addOption(formatOption(flags.formats, 'output format', 'table')).option('--json', 'same as --format json');
  if (flags.limit !== undefined) command.option('--limit <n>', `a table shows at most N ${flags.limit}; 0: all (CSV and JSON list every one)`, nonNegativeInteger, DEFAULT_LIMIT);
  command.option('--color', 'colour even when the output is not a terminal').option('--no-color', 'no colour (also: NO_COLOR=1)');
  command.option('--checkpoint <file>', 'keep the state in FILE between runs: each run reads only what was appended or rotated in since the last (for cron)');
  return addReadingOptions(command, 'write the result to FILE (atomically) instead of stdout');
}

/** How logs are read (every command that reads them whole), and -o. */
export function addReadingOptions(command: Command, outputHelp: string): Command {
  return command
    .option('--prices <file>', 'a JSON price file that overrides or adds models')
    .option('--strict', 'fail on the first line that is not a valid call record, and on models without a price')
    .option('-v, --verbose', 'show up to 5 examples of each kind of skipped line')
    .option('-q, --quiet', 'no warnings on stderr (errors are still shown)')
    .option('--no-dedupe', 'keep records whose request_id was already seen')
    .option('--max-line-bytes <n>', 'skip lines longer than N bytes', positiveInteger, 1 << 20)
    .option('--threads <n>', 'threads that parse large inputs: the cores when there are 3 or more, else 1', threadCount, defaultThreads())
    .option('-o, --output <file>', outputHelp);
}

export function formatOption(formats: readonly string[], help: string, defaultFormat: string): Option {
  return new Option('--format <format>', help).choices(formats).default(defaultFormat);
}

/** --format, with --json as json. */
export function formatOf(flags: Flags): string {
  return flags['json'] === true ? 'json' : String(flags['format'] ?? 'table');
}

const text = (flags: Flags, name: string): string | undefined => flags[name] as string | undefined;

export function contextFlags(flags: Flags): ContextFlags {
  return {
    configFile: text(flags, 'config'),
    tz: text(flags, 'tz'),
    pricesFile: text(flags, 'prices'),
    now: text(flags, 'now'),
    color: flags['color'] as boolean | undefined,
    outputFile: text(flags, 'output'),
    checkpointFile: text(flags, 'checkpoint'),
    reading: {
      dedupe: flags['dedupe'] !== false,
      strict: flags['strict'] === true,
      verbose: flags['verbose'] === true,
      quiet: flags['quiet'] === true,
      maxLineBytes: (flags['maxLineBytes'] as number | undefined) ?? 1 << 20,
      threads: (flags['threads'] as number | undefined) ?? 1,
    },
  };
}

export function summaryOptions(inputs: string[], flags: Flags): SummaryOptions {
  const [since, until, date] = [text(flags, 'since'), text(flags, 'until'), text(flags, 'date')];
  return {
    inputs,
    range: { ...(since === undefined ? {} : { since }), ...(until === undefined ? {} : { until }), ...(date === undefined ? {} : { date }) },
    groupBy: parseGroupBy(text(flags, 'by') ?? 'feature'),
    format: formatOf(flags) as OutputFormat,
    limit: flags['limit'] as number,
  };
}

export function limitsOptions(inputs: string[], flags: Flags): LimitsOptions {
  const [since, until] = [text(flags, 'since') ?? '24h', text(flags, 'until')];
  const by = text(flags, 'by') ?? 'class';
  if (by !== 'class' && by !== 'model') throw new UsageError(`--by ${by}: limits groups by class (the pools of rate limits) or model (as logged)`);
  return { inputs, range: { since, ...(until === undefined ? {} : { until }) }, groupBy: by, format: formatOf(flags) as OutputFormat, limit: flags['limit'] as number };
}

export function trendOptions(inputs: string[], flags: Flags): TrendOptions {
  const groupBy = parseGroupBy(text(flags, 'by') ?? 'feature');
  if (groupBy.some((dimension) => dimension === 'day' || dimension === 'hour')) throw new UsageError('trend is already by day: --by takes feature, model, user or status');
  return { inputs, groupBy, format: formatOf(flags) as TrendOptions['format'], days: flags['days'] as number, limit: flags['limit'] as number };
}

export function dashboardOptions(inputs: string[], flags: Flags): DashboardOptions {
  return { inputs, format: formatOf(flags) as DashboardOptions['format'], slowWindowMs: parseDuration(text(flags, 'slowWindow') ?? '1h', '--slow-window') };
}

export function reportOptions(inputs: string[], flags: Flags): ReportOptions {
  return { inputs, days: flags['days'] as number, slowWindowMs: parseDuration(text(flags, 'slowWindow') ?? '1h', '--slow-window') };
}

export function alertsOptions(inputs: string[], flags: Flags): AlertsOptions {
  const from = text(flags, 'from');
  const backtest = flags['backtest'] === true;
  if (!backtest && (from !== undefined || text(flags, 'to') !== undefined)) throw new UsageError('--from and --to go with --backtest');
  if (backtest && from === undefined) throw new UsageError('--backtest needs --from (e.g. --from 24h, or an ISO time)');
  const follow = flags['follow'] === true;
  if (backtest && follow) throw new UsageError('--follow and --backtest cannot be combined');
  if (backtest && formatOf(flags) === 'nagios') throw new UsageError('--backtest prints a table or --json, not --format nagios');
  if ((backtest || follow) && flags['checkpoint'] !== undefined) {
    throw new UsageError(`--checkpoint goes with a run of alerts at one now (from cron)${follow ? ': --follow keeps its place with --positions FILE' : ', not --backtest'}`);
  }
  if (!follow && flags['positions'] !== undefined) throw new UsageError('--positions goes with --follow (a run from cron keeps its place with --checkpoint FILE)');
  if (follow) {
    if (flags['output'] !== undefined) throw new UsageError('--follow prints to stdout as it goes: -o FILE cannot be used with it');
    if (flags['since'] !== undefined) throw new UsageError('--follow evaluates on sliding windows: --since cannot be used with it');
    const now = text(flags, 'now');
    if (now !== undefined && now.trim().toLowerCase() !== 'latest') {
      throw new UsageError('--follow evaluates at the wall clock, or with --now latest at the newest record read so far');
    }
  }
  const groupBy = parseGroupBy(text(flags, 'by') ?? 'feature');
  const timeDimension = groupBy.find((dimension) => dimension === 'day' || dimension === 'hour');
  if (timeDimension !== undefined) throw new UsageError(`--by ${timeDimension}: alert scopes are split by feature, model, user or status`);
  return {
    inputs,
    since: text(flags, 'since'),
    groupBy,
    format: formatOf(flags) as AlertsFormat,
    quietOk: flags['quietOk'] === true,
    limit: flags['limit'] as number,
    follow,
    intervalMs: parseDuration(text(flags, 'interval') ?? '10s', '--interval'),
    backtest: backtest ? { from: from as string, to: text(flags, 'to'), stepMs: parseDuration(text(flags, 'step') ?? '1m', '--step') } : undefined,
    positions: text(flags, 'positions'),
  };
}

export function foldOptions(inputs: string[], flags: Flags, createdBy: string): FoldOptions {
  if (text(flags, 'now')?.trim().toLowerCase() === 'latest') {
    throw new UsageError('fold --now "latest": expected an ISO time like 2026-11-26T10:00Z (without --now, fold takes every call)');
  }
  return { inputs, createdBy, upToNow: flags['now'] !== undefined };
}

export function serveOptions(inputs: string[], flags: Flags): ServeOptions {
  return {
    inputs,
    listen: parseListen(text(flags, 'listen') ?? '127.0.0.1:9464'),
    fromStart: flags['fromStart'] === true,
    maxSeries: flags['maxSeries'] as number,
    positions: text(flags, 'positions'),
    page: flags['page'] === true,
    webConfig: text(flags, 'webConfig'),
  };
}

export function rulesOptions(flags: Flags, version: string): RulesOptions {
  const value = text(flags, 'for') ?? '1m';
  // 0, 0s, 0m: fire at once.
  return { forMs: /^0+(ms|s|m|h)?$/.test(value.trim()) ? 0 : parseDuration(value, '--for'), version };
}

/** "HOST:PORT", "[IPv6]:PORT" or ":PORT" (all interfaces). */
function parseListen(value: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(value.trim());
  const port = Number(match?.[3]);
  if (match === null || port > 65_535) {
    throw new UsageError(`--listen ${value}: expected HOST:PORT, e.g. 127.0.0.1:9464, 0.0.0.0:9464 or [::1]:9464`);
  }
  return { host: match[1] ?? (match[2] === '' ? '0.0.0.0' : (match[2] as string)), port };
}

export function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return number;
}

/** `serve --max-series`: its bounds (every series is rendered at each scrape; see the option's help). */
export const MAX_SERIES_RANGE = { min: 100, max: 200_000 } as const;

export function seriesCap(value: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < MAX_SERIES_RANGE.min || number > MAX_SERIES_RANGE.max) {
    throw new InvalidArgumentError(`expected a whole number from ${MAX_SERIES_RANGE.min} to ${MAX_SERIES_RANGE.max.toLocaleString('en-US')}`);
  }
  return number;
}

function nonNegativeInteger(value: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 0) throw new InvalidArgumentError('expected a whole number (0: no limit)');
  return number;
}

const MAX_THREADS = 64;

/**
 * All cores from 3 up. On 2 cores a second parse thread measured no faster than one (both vCPUs of the 2-core
 * machines here slow each other down by ~1.5× on this memory-bound work) and costs ~60 MB more: see README.
 */
function defaultThreads(): number {
  const cores = os.availableParallelism();
  return cores >= 3 ? Math.min(cores, MAX_THREADS) : 1;
}

function threadCount(value: string): number {
  const threads = positiveInteger(value);
  if (threads > MAX_THREADS) throw new InvalidArgumentError(`at most ${MAX_THREADS}`);
  return threads;
}

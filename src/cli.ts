/**
 * The only module that knows about argv, exit codes and where output goes. Commander parses the flags once into
 * typed options; a command returns its result; this turns results and errors into stdout, stderr and an exit code.
 *
 * Exit codes: summary 0 success, 1 runtime failure (unreadable input, nothing recognisable, --strict violation),
 * 2 usage error; alerts follows the Monitoring Plugins contract, 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (usage
 * errors and input failures included). Writing into a closed pipe ends quietly with 0.
 */
import os from 'node:os';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ALERTS_FORMATS, type AlertsOptions, type CommonOptions, OUTPUT_FORMATS, type OutputFormat } from './commandOptions.js';
import { type AlertsResult, runAlerts } from './commands/alerts.js';
import { runAlertsBacktest } from './commands/alertsBacktest.js';
import { runAlertsFollow } from './commands/alertsFollow.js';
import type { CommandResult, Diagnostics } from './commands/inputChecks.js';
import { runDashboard } from './commands/dashboard.js';
import { runSummary } from './commands/summary.js';
import { runTrend } from './commands/trend.js';
import { runServe, type ServeOptions } from './commands/serve.js';
import { runFold } from './commands/fold.js';
import { DEFAULT_CONFIG_FILE, loadConfig } from './commands/loadConfig.js';
import { DEFAULT_CONFIG } from './core/alerts/alertConfig.js';
import { renderPrometheusRules } from './render/prometheusRules.js';
import { parseGroupBy } from './core/grouping.js';
import { parseDuration } from './core/timeRange.js';
import { describeFsError, InputError, UsageError } from './errors.js';
import type { CliIo } from './io/cliIo.js';
import { writeResultFile, writeToStream } from './io/output.js';
import { renderNagiosError } from './render/alertsView.js';
import type { StreamedText } from './render/streamedText.js';
import { renderErrorJson } from './render/json.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
/** alerts: the Monitoring Plugins UNKNOWN, for usage errors and input failures. */
export const EXIT_UNKNOWN = 3;

const VERSION = '0.1.0';

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = EXIT_OK;
  const program = new Command('claude-mon')
    .description('Cost, latency, errors and cache use per feature, from Claude API call logs.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
    })
    .showHelpAfterError('(claude-mon --help lists commands; claude-mon <command> --help their flags)');

  addCommonOptions(
    program
      .command('summary')
      .description('per-group metrics (default: per feature) for every record in range, with a total row'),
    OUTPUT_FORMATS,
    { states: true },
  )
    .option('--until <time>', 'records before TIME: a duration back from --now or an ISO date/time')
    .option('--date <day>', 'one calendar day in --tz: today, yesterday or YYYY-MM-DD')
    .action(async (inputs: string[], flags: Record<string, unknown>) => {
      exitCode = await run((options, diagnostics) => runSummary(options, io, diagnostics), inputs, flags, io);
    });

  addCommonOptions(
    program.command('dashboard').description("the month-one answers at --now: cost today vs yesterday, slowest feature, 429s, top users"),
    ['table', 'json', 'markdown'],
    { since: null, by: false, states: true },
  )
    .option('--slow-window <duration>', 'the window of the slowest-feature panel', '1h')
    .action(async (inputs: string[], flags: Record<string, unknown>) => {
      exitCode = await run(
        (options, diagnostics) => runDashboard({ ...options, slowWindow: (flags['slowWindow'] as string | undefined) ?? '1h' }, io, diagnostics),
        inputs,
        flags,
        io,
      );
    });

  addCommonOptions(
    program.command('trend').description('per day and feature over the last --days: calls, cost, cost per call, p95, error and cache hit rates'),
    ['table', 'json', 'csv'],
    { since: null, states: true },
  )
    .option('--days <n>', 'how many days, today included', parsePositiveInteger, 14)
    .action(async (inputs: string[], flags: Record<string, unknown>) => {
      exitCode = await run((options, diagnostics) => runTrend({ ...options, days: flags['days'] as number }, io, diagnostics), inputs, flags, io);
    });

  addCommonOptions(
    program
      .command('alerts')
      .description('evaluate the alert rules at --now; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (Nagios/Icinga)'),
    ALERTS_FORMATS,
    { since: ALERTS_SINCE },
  )
    .option('--quiet-ok', 'print nothing when all is OK (for cron mail)')
    .option('--follow', 'keep reading stdin or a growing file; print a line on each state change (firing, resolved)')
    .option('--interval <duration>', 'with --follow: how often to re-evaluate', '10s')
    .option('--backtest', 'evaluate at every --step from --from to --to over old logs; print when each rule would have fired')
    .option('--from <time>', 'with --backtest: the first evaluation (a duration back from --now or an ISO time)')
    .option('--to <time>', 'with --backtest: the last evaluation (default: --now)')
    .option('--step <duration>', 'with --backtest: time between evaluations', '1m')
    .action(async (inputs: string[], flags: Record<string, unknown>) => {
      exitCode = await runAlertsCommand(inputs, flags, io);
    });

  addReadingOptions(
    program
      .command('fold')
      .description('fold logs into a .cmstate file (hour × feature × model, day × user) that `summary`, `trend` and `dashboard` merge with others')
      .argument('[inputs...]', 'log files, directories (read recursively) or - for stdin; default: stdin when piped')
      .option('--tz <zone>', 'IANA time zone of the users\' days, and for timestamps without an offset (default: the config file\'s, else UTC)')
      .option('--config <file>', 'the config file (default: ./claude-mon.config.json when present)')
      .option('--now <time>', 'fold the calls up to and including this ISO time only (the state as of then, for reports at --now on it)'),
    'write the state to FILE (atomically; name it *.cmstate) instead of stdout',
  )
    .action(async (inputs: string[], flags: Record<string, unknown>) => {
      exitCode = await run((options, diagnostics) => runFold(options, io, diagnostics, `claude-mon ${VERSION}`), inputs, { ...flags, format: 'json' }, io);
    });

  program
    .command('serve')
    .description('a Prometheus exporter: follow log files like tail -F (or read stdin) and serve /metrics and /healthz')
    .argument('[inputs...]', 'log files to follow by name, or - for stdin; default: stdin when piped')
    .option('--listen <host:port>', 'the address to serve on (port 0: any free port, printed on stderr)', '127.0.0.1:9464')
    .option('--from-start', 'read what the files hold already (default: only lines written from now on)')
    .option('--max-series <n>', 'at most N series (feature × model pairs cost ~30 each); calls past it are counted as dropped', parsePositiveInteger, 10_000)
    .option('--tz <zone>', 'IANA time zone for timestamps without an offset (default: the config file\'s, else UTC)')
    .option('--config <file>', 'the config file: its p95 thresholds become latency bucket bounds (default: ./claude-mon.config.json when present)')
    .option('--prices <file>', 'a JSON price file that overrides or adds models')
    .option('--no-dedupe', 'keep records whose request_id was already seen (in the same input)')
    .option('--max-line-bytes <n>', 'skip lines longer than N bytes', parsePositiveInteger, 1 << 20)
    .option('-q, --quiet', 'no messages on stderr but errors')
    .action(async (inputs: string[], flags: Record<string, unknown>) => {
      const diagnostics = diagnosticsFor(flags, io);
      try {
        exitCode = await runServe(toServeOptions(inputs, flags), io, diagnostics);
      } catch (error) {
        exitCode = await reportFailure(error, error instanceof UsageError ? EXIT_USAGE : EXIT_FAILURE, 'text', diagnostics, io);
      }
    });

  program
    .command('rules')
    .description('the alert rules of the config as rules for another engine: --format prometheus (for `serve`\'s metrics)')
    .addOption(new Option('--format <format>', 'rules format').choices(['prometheus']).default('prometheus'))
    .option('--config <file>', 'the config file (default: ./claude-mon.config.json when present)')
    .option('--for <duration>', 'how long a condition must hold before the alert fires (Prometheus `for`; 0s: at once, like `alerts`)', '1m')
    .option('-o, --output <file>', 'write the rules to FILE (atomically) instead of stdout')
    .action(async (flags: Record<string, unknown>) => {
      const diagnostics = diagnosticsFor(flags, io);
      let output: string;
      try {
        const configFile = flags['config'] as string | undefined;
        const config = await loadConfig(configFile);
        const source = configFile ?? (config === DEFAULT_CONFIG ? 'the default rules' : DEFAULT_CONFIG_FILE);
        output = renderPrometheusRules(config, { source, version: VERSION, forMs: parseForDuration((flags['for'] as string | undefined) ?? '1m') });
      } catch (error) {
        exitCode = await reportFailure(error, EXIT_USAGE, 'text', diagnostics, io);
        return;
      }
      const written = await deliver(output, flags, diagnostics, io);
      exitCode = written === 'failed' ? EXIT_FAILURE : EXIT_OK;
    });

  try {
    if (argv.length <= 2) {
      program.outputHelp({ error: true });
      return EXIT_USAGE;
    }
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      const quiet = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code);
      const usage = argv[2] === 'alerts' ? EXIT_UNKNOWN : EXIT_USAGE;
      if (!quiet && wantsFormat(argv, 'json')) await writeToStream(io.stdout, renderErrorJson(usage, error.message));
      else if (!quiet && usage === EXIT_UNKNOWN && wantsFormat(argv, 'nagios')) await writeToStream(io.stdout, renderNagiosError(error.message));
      return quiet ? EXIT_OK : usage;
    }
    throw error;
  }
  return exitCode;
}

type CommandRunner = (options: CommonOptions, diagnostics: Diagnostics) => Promise<CommandResult>;

async function run(runner: CommandRunner, inputs: string[], flags: Record<string, unknown>, io: CliIo): Promise<number> {
  const format: OutputFormat = flags['json'] === true ? 'json' : (flags['format'] as OutputFormat);
  const diagnostics = diagnosticsFor(flags, io);
  let result: CommandResult;
  try {
    result = await runner(toOptions(inputs, flags, format), diagnostics);
  } catch (error) {
    return reportFailure(error, error instanceof UsageError ? EXIT_USAGE : EXIT_FAILURE, format, diagnostics, io);
  }
  const written = await deliver(result.output, flags, diagnostics, io);
  if (written === 'failed') return EXIT_FAILURE;
  if (written === 'closed') return EXIT_OK; // the reader went away (| head): not an error
  return result.failed ? EXIT_FAILURE : EXIT_OK;
}

async function runAlertsCommand(inputs: string[], flags: Record<string, unknown>, io: CliIo): Promise<number> {
  const format = flags['json'] === true ? 'json' : (flags['format'] as AlertsOptions['format']);
  const diagnostics = diagnosticsFor(flags, io);
  let result: AlertsResult;
  try {
    const options = toAlertsOptions(inputs, flags, format);
    if (options.follow) return await runAlertsFollow(options, io, diagnostics);
    result = options.backtest === undefined ? await runAlerts(options, io, diagnostics) : await runAlertsBacktest(options, io, diagnostics);
  } catch (error) {
    return reportFailure(error, EXIT_UNKNOWN, format, diagnostics, io);
  }
  const written = await deliver(result.output, flags, diagnostics, io);
  return written === 'failed' ? EXIT_UNKNOWN : written === 'closed' ? EXIT_OK : result.exitCode;
}

function diagnosticsFor(flags: Record<string, unknown>, io: CliIo): Diagnostics {
  const quiet = flags['quiet'] === true;
  return {
    warn: (line) => {
      if (!quiet) io.stderr.write(`${line}\n`);
    },
    error: (line) => void io.stderr.write(`claude-mon: ${line}\n`),
  };
}

/**
 * A usage or input error: the message on stderr, and on stdout what a script or agent reads: with --json one
 * error document, with --format nagios an UNKNOWN status line.
 */
async function reportFailure(error: unknown, exitCode: number, format: string, diagnostics: Diagnostics, io: CliIo): Promise<number> {
  if (!(error instanceof UsageError || error instanceof InputError)) throw error;
  diagnostics.error(error.message);
  if (format === 'json') {
    await writeToStream(io.stdout, renderErrorJson(exitCode, error.message, error instanceof InputError ? error.input : undefined));
  } else if (format === 'nagios') {
    await writeToStream(io.stdout, renderNagiosError(error.message));
  }
  return exitCode;
}

/** The result to -o FILE (atomically) or stdout; a failure to write (a full disk) is an error message, not a crash. */
async function deliver(output: StreamedText, flags: Record<string, unknown>, diagnostics: Diagnostics, io: CliIo): Promise<'written' | 'closed' | 'failed'> {
  const outputFile = flags['output'] as string | undefined;
  try {
    return outputFile === undefined ? await writeToStream(io.stdout, output) : await writeResultFile(outputFile, output);
  } catch (error) {
    diagnostics.error(`cannot write ${outputFile ?? 'the result to stdout'}: ${describeFsError(error)}`);
    return 'failed';
  }
}

const SUMMARY_SINCE = 'records at or after TIME: a duration back from --now (10m, 24h, 7d) or an ISO date/time';
const ALERTS_SINCE = 'read only records after TIME, and use (TIME, now] as the window of the rate and latency rules (e.g. 10m)';

/** `since`: the --since help, or null for commands anchored at --now; `by`: whether --by applies. */
interface CommonFlags {
  readonly since?: string | null;
  readonly by?: boolean;
  /** Whether the command reads .cmstate states beside logs. */
  readonly states?: boolean;
}

function addCommonOptions(command: Command, formats: readonly string[], flags: CommonFlags = {}): Command {
  const inputs = flags.states === true ? 'log files, .cmstate states (claude-mon fold), directories (read recursively: of logs, or of states)' : 'log files, directories (read recursively)';
  command.argument('[inputs...]', `${inputs} or - for stdin; default: stdin when piped`);
  const since = flags.since === undefined ? SUMMARY_SINCE : flags.since;
  if (since !== null) command.option('--since <time>', since);
  command
    .option('--now <time>', 'the reference time: an ISO time, or "latest" (the newest record, for old logs)')
    .option('--tz <zone>', 'IANA time zone for days, hours, and timestamps without an offset (default: the config file\'s, else UTC)')
    .option('--config <file>', 'the config file (default: ./claude-mon.config.json when present)');
  if (flags.by !== false) command.option('--by <keys>', 'group by a comma list of: feature, model, user, day, hour, status', 'feature');
  command
    .addOption(new Option('--format <format>', 'output format').choices(formats).default('table'))
    .option('--json', 'same as --format json')
    .option('--color', 'colour even when the output is not a terminal')
    .option('--no-color', 'no colour (also: NO_COLOR=1)');
  return addReadingOptions(command, 'write the result to FILE (atomically) instead of stdout');
}

/** How logs are read (every command that reads them whole), and -o. */
function addReadingOptions(command: Command, outputHelp: string): Command {
  return command
    .option('--prices <file>', 'a JSON price file that overrides or adds models')
    .option('--strict', 'fail on the first line that is not a valid call record, and on models without a price')
    .option('-v, --verbose', 'show up to 5 examples of each kind of skipped line')
    .option('-q, --quiet', 'no warnings on stderr (errors are still shown)')
    .option('--no-dedupe', 'keep records whose request_id was already seen')
    .option('--max-line-bytes <n>', 'skip lines longer than N bytes', parsePositiveInteger, 1 << 20)
    .option('--threads <n>', 'threads that parse large inputs: the cores when there are 3 or more, else 1', parseThreads, defaultThreads())
    .option('-o, --output <file>', outputHelp);
}

function toOptions(inputs: string[], flags: Record<string, unknown>, format: OutputFormat): CommonOptions {
  const text = (name: string): string | undefined => flags[name] as string | undefined;
  const since = text('since');
  const until = text('until');
  const date = text('date');
  return {
    inputs,
    range: { ...(since === undefined ? {} : { since }), ...(until === undefined ? {} : { until }), ...(date === undefined ? {} : { date }) },
    now: text('now'),
    tz: text('tz'),
    configFile: text('config'),
    groupBy: parseGroupBy(text('by') ?? 'feature'),
    format,
    color: flags['color'] as boolean | undefined,
    pricesFile: text('prices'),
    strict: flags['strict'] === true,
    verbose: flags['verbose'] === true,
    quiet: flags['quiet'] === true,
    dedupe: flags['dedupe'] !== false,
    maxLineBytes: flags['maxLineBytes'] as number,
    threads: flags['threads'] as number,
    outputFile: text('output'),
  };
}

function toAlertsOptions(inputs: string[], flags: Record<string, unknown>, format: AlertsOptions['format']): AlertsOptions {
  const common = toOptions(inputs, flags, 'table');
  const text = (name: string): string | undefined => flags[name] as string | undefined;
  const from = text('from');
  const backtest = flags['backtest'] === true;
  if (!backtest && (from !== undefined || text('to') !== undefined)) throw new UsageError('--from and --to go with --backtest');
  if (backtest && from === undefined) throw new UsageError('--backtest needs --from (e.g. --from 24h, or an ISO time)');
  if (backtest && flags['follow'] === true) throw new UsageError('--follow and --backtest cannot be combined');
  const to = text('to');
  return {
    ...common,
    format,
    quietOk: flags['quietOk'] === true,
    follow: flags['follow'] === true,
    intervalMs: parseDuration(text('interval') ?? '10s', '--interval'),
    backtest: backtest ? { from: from as string, to, stepMs: parseDuration(text('step') ?? '1m', '--step') } : undefined,
  };
}

function toServeOptions(inputs: string[], flags: Record<string, unknown>): ServeOptions {
  const text = (name: string): string | undefined => flags[name] as string | undefined;
  return {
    inputs,
    listen: parseListen(text('listen') ?? '127.0.0.1:9464'),
    fromStart: flags['fromStart'] === true,
    maxSeries: flags['maxSeries'] as number,
    tz: text('tz'),
    configFile: text('config'),
    pricesFile: text('prices'),
    dedupe: flags['dedupe'] !== false,
    maxLineBytes: flags['maxLineBytes'] as number,
    quiet: flags['quiet'] === true,
  };
}

/** rules --for: a duration, or zero (0, 0s, 0m: fire at once). */
function parseForDuration(value: string): number {
  return /^0+(ms|s|m|h)?$/.test(value.trim()) ? 0 : parseDuration(value, '--for');
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

function parsePositiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number <= 0) throw new InvalidArgumentError('expected a positive whole number');
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

function parseThreads(value: string): number {
  const threads = parsePositiveInteger(value);
  if (threads > MAX_THREADS) throw new InvalidArgumentError(`at most ${MAX_THREADS}`);
  return threads;
}

/** Whether argv asks for a format (--json counts as json), so that even a flag error prints what a script expects. */
function wantsFormat(argv: readonly string[], format: string): boolean {
  return argv.some(
    (arg, i) => (format === 'json' && arg === '--json') || arg === `--format=${format}` || (arg === '--format' && argv[i + 1] === format),
  );
}

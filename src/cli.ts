/**
 * The only module that knows about argv and the process's exit code. Commander parses the flags once: into the
 * RunContext every command runs with (config, zone, prices, now, style, output, reading, stderr) and the command's
 * own options; the command returns its result; this writes it and turns the outcome into an exit code
 * (src/exitCodes.ts). Writing into a closed pipe ends quietly with 0.
 */
import { type AlertsFormat, type OutputFormat, REPORT_DAYS } from './commandOptions.js';
import {
  addCommonOptions,
  addReadingOptions,
  alertsOptions,
  Command,
  CommanderError,
  contextFlags,
  dashboardOptions,
  type Flags,
  foldOptions,
  formatOf,
  formatOption,
  positiveInteger,
  seriesCap,
  rulesOptions,
  serveOptions,
  limitsOptions,
  reportOptions,
  summaryOptions,
  trendOptions,
} from './cliOptions.js';
import { makeRunContext, type RunContext } from './context/runContext.js';
import { describeFsError, InputError, UsageError } from './errors.js';
import { type CommandFamily, exitCodeOf, exitCodeOfStatus, familyOf } from './exitCodes.js';
import type { CliIo } from './io/cliIo.js';
import { type Diagnostics, diagnosticsOn } from './io/diagnostics.js';
import { writeResultFile, writeToStream } from './io/output.js';
import { renderNagiosError } from './render/alertsView.js';
import { renderErrorJson } from './render/json.js';
import type { StreamedText } from './render/streamedText.js';
import { loadDisplayWidths } from './render/width.js';
import { VERSION } from './version.js';
import type { AlertStatus } from './core/alerts/alertStatus.js';

/** What a command hands back: its result, and how it ended (a report: failed or not; alerts: its status). */
type Ran =
  | { readonly output: StreamedText; readonly failed: boolean; readonly end?: (written: boolean) => Promise<void> }
  | { readonly output: StreamedText; readonly status: AlertStatus; readonly end?: (written: boolean) => Promise<void> }
  | { readonly exitCode: number };

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = exitCodeOf('report', 'ok');
  const program = new Command('claude-mon')
    .description('Cost, latency, errors and cache use per feature, from Claude API call logs.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
    })
    .showHelpAfterError('(claude-mon --help lists commands; claude-mon <command> --help their flags)');
  const on = (command: string, body: (context: RunContext, inputs: string[], flags: Flags) => Promise<Ran>) =>
    async (inputs: string[], flags: Flags): Promise<void> => {
      exitCode = await run(familyOf(command), inputs, flags, io, body);
    };

  // Each command's module is imported when the command runs, so that a run loads only its own (a cron job or a
  // Nagios check pays for start-up every time: importing all nine commands of the time took 20 ms more).
  addCommonOptions(program.command('summary').description('per-group metrics (default: per feature) for every record in range, with a total row'), {
    formats: ['table', 'json', 'csv', 'markdown'],
    states: true,
    limit: 'groups',
  })
    .option('--until <time>', 'records before TIME: a duration back from --now or an ISO date/time')
    .option('--date <day>', 'one calendar day in --tz: today, yesterday or YYYY-MM-DD')
    .action(on('summary', async (context, inputs, flags) => (await import('./commands/summary.js')).runSummary(context, summaryOptions(inputs, flags))));

  addCommonOptions(program.command('dashboard').description('the month-one answers at --now: cost today vs yesterday, slowest feature, 429s, top users'), {
    formats: ['table', 'json', 'markdown'],
    since: null,
    by: false,
    states: true,
  })
    .option('--slow-window <duration>', 'the window of the slowest-feature panel', '1h')
    .action(on('dashboard', async (context, inputs, flags) => (await import('./commands/dashboard.js')).runDashboard(context, dashboardOptions(inputs, flags))));

  addCommonOptions(program.command('trend').description('per day and feature over the last --days: calls, cost, cost per call, p95, error and cache hit rates'), {
    formats: ['table', 'json', 'csv'],
    since: null,
    states: true,
    limit: 'groups',
  })
    .option('--days <n>', 'how many days, today included', positiveInteger, 14)
    .action(on('trend', async (context, inputs, flags) => (await import('./commands/trend.js')).runTrend(context, trendOptions(inputs, flags))));

  addCommonOptions(program.command('limits').description('how close the calls came to the rate limits: peak minute, peak 60 s, p99 minute of RPM, ITPM and OTPM per model class, and who drove them'), {
    formats: ['table', 'json', 'csv', 'markdown'],
    since: 'calls after TIME (default 24h): a duration back from --now or an ISO date/time',
    by: false,
    limit: 'groups',
  })
    .option('--until <time>', 'calls before TIME: a duration back from --now or an ISO date/time')
    .option('--by <class|model>', 'one row per model class (the pool of limits its calls draw on) or per model as logged', 'class')
    .action(on('limits', async (context, inputs, flags) => (await import('./commands/limits.js')).runLimits(context, limitsOptions(inputs, flags))));

  addCommonOptions(program.command('alerts').description('evaluate the alert rules at --now; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (Nagios/Icinga)'), {
    formats: ['table', 'json', 'nagios'],
    since: 'read only records after TIME, and use (TIME, now] as the window of the rate and latency rules (e.g. 10m)',
    limit: 'evaluations (firing ones are always shown)',
  })
    .option('--quiet-ok', 'print nothing when all is OK (for cron mail)')
    .option('--follow', 'keep reading stdin or a growing file; print a line on each state change (firing, resolved)')
    .option('--interval <duration>', 'with --follow: how often to re-evaluate', '10s')
    .option('--positions <file>', 'with --follow: keep the windows, the rules firing and where the file was read to in FILE, so that a restart goes on from there')
    .option('--backtest', 'evaluate at every --step from --from to --to over old logs; print when each rule would have fired')
    .option('--from <time>', 'with --backtest: the first evaluation (a duration back from --now or an ISO time)')
    .option('--to <time>', 'with --backtest: the last evaluation (default: --now)')
    .option('--step <duration>', 'with --backtest: time between evaluations', '1m')
    .action(
      on('alerts', async (context, inputs, flags) => {
        const options = alertsOptions(inputs, flags);
        if (options.follow) return { exitCode: await (await import('./commands/alertsFollow.js')).runAlertsFollow(context, options) };
        if (options.backtest !== undefined) return (await import('./commands/alertsBacktest.js')).runAlertsBacktest(context, options);
        return (await import('./commands/alerts.js')).runAlerts(context, options);
      }),
    );

  addReadingOptions(
    program
      .command('fold')
      .description('fold logs into a .cmstate file (hour × feature × model, day × user) that `summary`, `trend` and `dashboard` merge with others')
      .argument('[inputs...]', 'log files, directories (read recursively) or - for stdin; default: stdin when piped')
      .option('--tz <zone>', 'IANA time zone of the users\' days, and for timestamps without an offset (default: the config file\'s, else UTC)')
      .option('--config <file>', 'the config file (default: ./claude-mon.config.json when present)')
      .option('--now <time>', 'fold the calls up to and including this ISO time only (the state as of then, for reports at --now on it)'),
    'write the state to FILE (atomically; name it *.cmstate) instead of stdout',
  ).action(on('fold', async (context, inputs, flags) => (await import('./commands/fold.js')).runFold(context, foldOptions(inputs, flags, `claude-mon ${VERSION}`))));

  program
    .command('serve')
    .description('a Prometheus exporter: follow log files like tail -F (or read stdin) and serve /metrics and /healthz')
    .argument('[inputs...]', 'log files to follow by name, or - for stdin; default: stdin when piped')
    .option('--listen <host:port>', 'the address to serve on (port 0: any free port, printed on stderr)', '127.0.0.1:9464')
    .option('--from-start', 'read what the files hold already (default: only lines written from now on)')
    .option('--positions <file>', 'keep where each file was read to in FILE (saved every 2 s and at the end): a restart goes on from there, also into a file rotated meanwhile')
    .option(
      '--max-series <n>',
      'at most N series, 100 to 200,000 (a feature × model pair takes 33); calls of pairs past it are counted under feature and model "__overflow__". Each series costs ~100 bytes of scrape and ~2.5 kB of memory while a scrape is rendered (at 200,000: a 20 MB scrape, ~530 MB at its peak)',
      seriesCap,
      10_000,
    )
    .option('--web-config <file>', 'TLS and basic authentication, in the Prometheus exporter toolkit\'s web config format (tls_server_config: cert_file, key_file; basic_auth_users: user → bcrypt hash)')
    .option('--page', 'also serve the report page, live, on / (its data on /api/report): it names users and keeps 14 days by feature and user, beyond --max-series')
    .option('--tz <zone>', 'IANA time zone for timestamps without an offset (default: the config file\'s, else UTC)')
    .option('--config <file>', 'the config file: its p95 thresholds become latency bucket bounds (default: ./claude-mon.config.json when present)')
    .option('--prices <file>', 'a JSON price file that overrides or adds models')
    .option('--no-dedupe', 'keep records whose request_id was already seen (in the same input)')
    .option('--max-line-bytes <n>', 'skip lines longer than N bytes', positiveInteger, 1 << 20)
    .option('-q, --quiet', 'no messages on stderr but errors')
    .action(on('serve', async (context, inputs, flags) => ({ exitCode: await (await import('./commands/serve.js')).runServe(context, serveOptions(inputs, flags)) })));

  program
    .command('rules')
    .description('the alert rules of the config as rules for another engine: --format prometheus (for `serve`\'s metrics)')
    .addOption(formatOption(['prometheus'], 'rules format', 'prometheus'))
    .option('--config <file>', 'the config file (default: ./claude-mon.config.json when present)')
    .option('--for <duration>', 'how long a condition must hold before the alert fires (Prometheus `for`; 0s: at once, like `alerts`)', '1m')
    .option('-o, --output <file>', 'write the rules to FILE (atomically) instead of stdout')
    .action(async (flags: Flags) => {
      exitCode = await run('report', [], flags, io, async (context) => ({ output: (await import('./commands/rules.js')).runRules(context, rulesOptions(flags, VERSION)), failed: false }));
    });

  addReadingOptions(
    program
      .command('report')
      .description('one self-contained HTML page (offline, no network) of the dashboard, summary and trend at --now')
      .argument('[inputs...]', 'log files, .cmstate states, directories (read recursively) or - for stdin; default: stdin when piped')
      .option('--now <time>', 'the reference time: an ISO time, or "latest" (the newest record, for old logs)')
      .option('--tz <zone>', 'IANA time zone for days, hours, and timestamps without an offset (default: the config file\'s, else UTC)')
      .option('--config <file>', 'the config file (default: ./claude-mon.config.json when present)')
      .option('--days <n>', 'the trend\'s days, today included', positiveInteger, REPORT_DAYS)
      .option('--slow-window <duration>', 'the window of the slowest-feature answer', '1h'),
    'write the page to FILE (atomically; name it *.html) instead of stdout',
  ).action(on('report', async (context, inputs, flags) => (await import('./commands/report.js')).runReport(context, reportOptions(inputs, flags))));

  program
    .command('grafana')
    .description("a Grafana dashboard (JSON) over `serve`'s metrics, with the alerts of `rules` as annotations")
    .option('-o, --output <file>', 'write the dashboard to FILE (atomically) instead of stdout')
    .action(async (flags: Flags) => {
      exitCode = await run('report', [], flags, io, async () => ({ output: (await import('./commands/grafana.js')).runGrafana(VERSION), failed: false }));
    });

  try {
    if (argv.length <= 2) {
      program.outputHelp({ error: true });
      return exitCodeOf('report', 'usage');
    }
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code)) return exitCodeOf('report', 'ok');
      const family = familyOf(argv[2]);
      if (wantsFormat(argv, 'json')) await writeToStream(io.stdout, renderErrorJson(exitCodeOf(family, 'usage'), error.message));
      else if (family === 'plugin' && wantsFormat(argv, 'nagios')) await writeToStream(io.stdout, renderNagiosError(error.message));
      return exitCodeOf(family, 'usage');
    }
    throw error;
  }
  return exitCode;
}

/** Makes the context, runs the command, writes its result, and says how it ended. */
async function run(
  family: CommandFamily,
  inputs: string[],
  flags: Flags,
  io: CliIo,
  body: (context: RunContext, inputs: string[], flags: Flags) => Promise<Ran>,
): Promise<number> {
  const format = formatOf(flags);
  const diagnostics = diagnosticsOn(io.stderr, flags['quiet'] === true);
  let ran: Ran;
  try {
    // Only tables and Markdown measure columns (fold, serve and rules have no --format table).
    if (flags['format'] !== undefined && (format === 'table' || format === 'markdown')) await loadDisplayWidths();
    ran = await body(await makeRunContext(contextFlags(flags), io), inputs, flags);
  } catch (error) {
    return reportFailure(error, family, format, diagnostics, io);
  }
  if ('exitCode' in ran) return ran.exitCode;
  const written = await deliver(ran.output, flags['output'] as string | undefined, diagnostics, io);
  try {
    await ran.end?.(written === 'written');
  } catch (error) {
    return reportFailure(error, family, 'table', diagnostics, io); // the result is out: only the message is left to give
  }
  if (written === 'failed') return exitCodeOf(family, 'failed');
  if (written === 'closed') return exitCodeOf(family, 'ok'); // the reader went away (| head): not an error
  return 'status' in ran ? exitCodeOfStatus(ran.status) : exitCodeOf(family, ran.failed ? 'failed' : 'ok');
}

/**
 * A usage or input error: the message on stderr, and on stdout what a script or agent reads: with --json one
 * error document, with --format nagios an UNKNOWN status line.
 */
async function reportFailure(error: unknown, family: CommandFamily, format: string, diagnostics: Diagnostics, io: CliIo): Promise<number> {
  if (!(error instanceof UsageError || error instanceof InputError)) throw error;
  const exitCode = exitCodeOf(family, error instanceof UsageError ? 'usage' : 'failed');
  diagnostics.error(error.message);
  if (format === 'json') {
    await writeToStream(io.stdout, renderErrorJson(exitCode, error.message, error instanceof InputError ? error.input : undefined));
  } else if (format === 'nagios') {
    await writeToStream(io.stdout, renderNagiosError(error.message));
  }
  return exitCode;
}

/** The result to -o FILE (atomically) or stdout; a failure to write (a full disk) is an error message, not a crash. */
async function deliver(output: StreamedText, outputFile: string | undefined, diagnostics: Diagnostics, io: CliIo): Promise<'written' | 'closed' | 'failed'> {
  try {
    return outputFile === undefined ? await writeToStream(io.stdout, output) : await writeResultFile(outputFile, output);
  } catch (error) {
    diagnostics.error(`cannot write ${outputFile ?? 'the result to stdout'}: ${describeFsError(error)}`);
    return 'failed';
  }
}

/** Whether argv asks for a format (--json counts as json), so that even a flag error prints what a script expects. */
function wantsFormat(argv: readonly string[], format: OutputFormat | AlertsFormat): boolean {
  return argv.some(
    (arg, i) => (format === 'json' && arg === '--json') || arg === `--format=${format}` || (arg === '--format' && argv[i + 1] === format),
  );
}

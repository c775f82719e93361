/**
 * The only module that knows about argv, exit codes and where output goes. Commander parses the flags once into
 * typed options; a command returns its result; this turns results and errors into stdout, stderr and an exit code.
 *
 * Exit codes (summary, and the commands to come except alerts): 0 success, 1 runtime failure (unreadable input,
 * nothing recognisable, --strict violation), 2 usage error. Writing into a closed pipe ends quietly with 0.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { type CommonOptions, OUTPUT_FORMATS, type OutputFormat } from './commandOptions.js';
import type { CommandResult, Diagnostics } from './commands/inputChecks.js';
import { runSummary } from './commands/summary.js';
import { parseGroupBy } from './core/grouping.js';
import { InputError, UsageError } from './errors.js';
import type { CliIo } from './io/cliIo.js';
import { writeFileAtomically, writeToStream } from './io/output.js';
import { renderErrorJson } from './render/json.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

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
  ).action(async (inputs: string[], flags: Record<string, unknown>) => {
    exitCode = await run((options, diagnostics) => runSummary(options, io, diagnostics), inputs, flags, io);
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
      if (!quiet && wantsJson(argv)) await writeToStream(io.stdout, renderErrorJson(EXIT_USAGE, error.message));
      return quiet ? EXIT_OK : EXIT_USAGE;
    }
    throw error;
  }
  return exitCode;
}

type CommandRunner = (options: CommonOptions, diagnostics: Diagnostics) => Promise<CommandResult>;

async function run(runner: CommandRunner, inputs: string[], flags: Record<string, unknown>, io: CliIo): Promise<number> {
  const format: OutputFormat = flags['json'] === true ? 'json' : (flags['format'] as OutputFormat);
  const quiet = flags['quiet'] === true;
  const diagnostics: Diagnostics = {
    warn: (line) => {
      if (!quiet) io.stderr.write(`${line}\n`);
    },
    error: (line) => void io.stderr.write(`claude-mon: ${line}\n`),
  };
  let result: CommandResult;
  try {
    result = await runner(toOptions(inputs, flags, format), diagnostics);
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof InputError)) throw error;
    const exitCode = error instanceof UsageError ? EXIT_USAGE : EXIT_FAILURE;
    diagnostics.error(error.message);
    if (format === 'json') {
      await writeToStream(io.stdout, renderErrorJson(exitCode, error.message, error instanceof InputError ? error.input : undefined));
    }
    return exitCode;
  }
  const outputFile = flags['output'] as string | undefined;
  if (outputFile !== undefined) {
    try {
      await writeFileAtomically(outputFile, result.output);
    } catch (error) {
      diagnostics.error(`cannot write ${outputFile}: ${(error as Error).message}`);
      return EXIT_FAILURE;
    }
  } else if ((await writeToStream(io.stdout, result.output)) === 'closed') {
    return EXIT_OK; // the reader went away (| head): not an error
  }
  return result.failed ? EXIT_FAILURE : EXIT_OK;
}

function addCommonOptions(command: Command): Command {
  return command
    .argument('[inputs...]', 'log files, directories (read recursively) or - for stdin; default: stdin when piped')
    .option('--since <time>', 'records at or after TIME: a duration back from --now (10m, 24h, 7d) or an ISO date/time')
    .option('--until <time>', 'records before TIME: a duration back from --now or an ISO date/time')
    .option('--date <day>', 'one calendar day in --tz: today, yesterday or YYYY-MM-DD')
    .option('--now <time>', 'the reference time: an ISO time, or "latest" (the newest record, for old logs)')
    .option('--tz <zone>', 'IANA time zone for days, hours, and timestamps without an offset', 'UTC')
    .option('--by <keys>', 'group by a comma list of: feature, model, user, day, hour, status', 'feature')
    .addOption(new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
    .option('--json', 'same as --format json')
    .option('--color', 'colour even when the output is not a terminal')
    .option('--no-color', 'no colour (also: NO_COLOR=1)')
    .option('--prices <file>', 'a JSON price file that overrides or adds models')
    .option('--strict', 'fail on the first line that is not a valid call record, and on models without a price')
    .option('-v, --verbose', 'show up to 5 examples of each kind of skipped line')
    .option('-q, --quiet', 'no warnings on stderr (errors are still shown)')
    .option('--no-dedupe', 'keep records whose request_id was already seen')
    .option('--max-line-bytes <n>', 'skip lines longer than N bytes', parsePositiveInteger, 1 << 20)
    .option('-o, --output <file>', 'write the result to FILE (atomically) instead of stdout');
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
    tz: text('tz') ?? 'UTC',
    groupBy: parseGroupBy(text('by') ?? 'feature'),
    format,
    color: flags['color'] as boolean | undefined,
    pricesFile: text('prices'),
    strict: flags['strict'] === true,
    verbose: flags['verbose'] === true,
    quiet: flags['quiet'] === true,
    dedupe: flags['dedupe'] !== false,
    maxLineBytes: flags['maxLineBytes'] as number,
    outputFile: text('output'),
  };
}

function parsePositiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number <= 0) throw new InvalidArgumentError('expected a positive whole number of bytes');
  return number;
}

/** Whether argv asks for JSON, so that even a flag error prints one JSON document. */
function wantsJson(argv: readonly string[]): boolean {
  return argv.some((arg, i) => arg === '--json' || arg === '--format=json' || (arg === '--format' && argv[i + 1] === 'json'));
}

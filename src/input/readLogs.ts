/**
 * The input half every command shares: arguments → sources → one pass through the classifier into a sink.
 * Also the `--now latest` pre-pass, which needs the input twice (stdin is spooled to a temporary file for it).
 */
import type { OtelAttributeNames } from '../core/types.js';
import { promises as fs, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TimeZone } from '../core/timezone.js';
import type { CallRecord } from '../core/types.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io/cliIo.js';
import { cleanUpOnInterrupt } from '../io/interrupt.js';
import { Progress } from '../io/progress.js';
import { readFileChunks } from './decode.js';
import { ingestSources } from './ingest.js';
import { type ClassifierOptions, LineClassifier, type RecordSink } from './lineClassifier.js';
import type { ScannerKind } from './wasmScanner.js';
import { ingestInParallel } from './parallelIngest.js';
import { type ParseTask, type Plan, planTasks } from './parallelPlan.js';
import { type IdSet, RequestIdSet } from './requestIdSet.js';
import { estimateLines, expandSources, type Source, STDIN } from './sources.js';
import { readStdinChunks } from './stdinChunks.js';
import { Tally } from './tally.js';
import { refuseStates } from './stateFile.js';

export interface ReadOptions {
  readonly dedupe: boolean;
  readonly strict: boolean;
  readonly verbose: boolean;
  readonly maxLineBytes: number;
  readonly tz: TimeZone;
  /** --follow: how files are read (growing), and a bounded memory of request ids. */
  readonly openFile?: (path: string) => AsyncIterable<Buffer>;
  readonly dedupeGenerationIds?: number;
  /** The request ids seen before (a checkpoint's), which this read adds to. */
  readonly requestIds?: IdSet;
  /** --quiet: no progress either. */
  readonly quiet?: boolean;
  /** --threads: parse workers for large inputs (1: everything on this thread). */
  readonly threads?: number;
  /** The config's names of the OpenTelemetry attributes of feature and user. */
  readonly otel?: OtelAttributeNames;
  /** The byte scanner ('auto' when not given). */
  readonly scanner?: ScannerKind;
}

export interface Inputs {
  readonly sources: readonly Source[];
  readonly unreadable: readonly string[];
  /** Removes temporary files (a spooled stdin). */
  readonly cleanup: () => Promise<void>;
}

/** No logs to read (only .cmstate inputs): stdin is not read either. */
export const NO_INPUTS: Inputs = { sources: [], unreadable: [], cleanup: async () => {} };

/** Positional arguments → sources; no arguments means stdin, unless stdin is a terminal (then: how to use). */
export async function openInputs(args: readonly string[], io: CliIo, command: string): Promise<Inputs> {
  if (args.length === 0 && io.stdin.isTTY === true) {
    throw new UsageError(
      `no input: give log files or directories, or pipe logs in, e.g.\n  claude-mon ${command} logs/\n  kubectl logs deploy/api | claude-mon ${command}`,
    );
  }
  refuseStates(args, command);
  const unreadable: string[] = [];
  const sources = args.length === 0 ? [STDIN] : await expandSources(args, (message) => unreadable.push(message));
  if (sources.filter((source) => source === STDIN).length > 1) throw new UsageError('"-" (stdin) can be given only once');
  return { sources, unreadable, cleanup: async () => {} };
}

/** Reads every source into `sink`; the tally (given, or a new one) counts what became of every line. */
export async function readLogs(inputs: Inputs, io: CliIo, options: ReadOptions, sink: RecordSink, tally = new Tally()): Promise<Tally> {
  tally.unreadable.push(...inputs.unreadable);
  const plan = await parallelPlan(inputs, options, io.env);
  const showProgress = io.stderr.isTTY === true && options.quiet !== true && options.openFile === undefined;
  if (!showProgress) {
    await (plan === null ? readInOnePass(inputs, stdinChunks(io, options), options, sink, tally) : readInParallel(inputs, plan, options, sink, tally));
    return tally;
  }
  const sizes = inputs.sources.map((source) => source.sizeBytes);
  const progress = new Progress(io.stderr, sizes.includes(null) ? null : sizes.reduce<number>((sum, size) => sum + (size ?? 0), 0));
  const counting = {
    add(record: CallRecord): void {
      progress.addRecord();
      sink.add(record);
    },
  };
  try {
    if (plan !== null) {
      const sizeOf = (task: ParseTask): number => Math.min(task.end, inputs.sources[task.source]?.sizeBytes ?? 0) - task.start;
      await readInParallel(inputs, plan, options, counting, tally, (task) => progress.addBytes(sizeOf(task)));
    } else {
      const counted: ReadOptions = { ...options, openFile: (file) => countBytes(readFileChunks(file), progress) };
      await readInOnePass(inputs, countBytes(stdinChunks(io, options), progress), counted, counting, tally);
    }
    return tally;
  } finally {
    progress.end();
  }
}

/** stdin into reused buffers, except when followed (`openFile` given): there the commands let go of the stream. */
function stdinChunks(io: CliIo, options: Pick<ReadOptions, 'openFile'>): AsyncIterable<Buffer> {
  return readStdinChunks(options.openFile === undefined ? io.stdinFd : undefined, () => io.stdin);
}

async function* countBytes(chunks: AsyncIterable<Buffer>, progress: Progress): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    progress.addBytes(chunk.length);
    yield chunk;
  }
}

function classifierOptions(inputs: Inputs, options: ReadOptions): ClassifierOptions {
  return {
    localToUtc: (localMs) => options.tz.localToUtc(localMs),
    dedupe: options.dedupe,
    strict: options.strict,
    verbose: options.verbose,
    maxLineBytes: options.maxLineBytes,
    otel: options.otel ?? {},
    expectedLines: estimateLines(inputs.sources),
    ...(options.dedupeGenerationIds === undefined ? {} : { dedupeGenerationIds: options.dedupeGenerationIds }),
    ...(options.requestIds === undefined ? {} : { requestIds: options.requestIds }),
    scanner: options.scanner ?? 'auto',
  };
}

async function readInOnePass(inputs: Inputs, stdin: AsyncIterable<Buffer>, options: ReadOptions, sink: RecordSink, tally: Tally): Promise<void> {
  const classifier = new LineClassifier(classifierOptions(inputs, options), sink, tally);
  await ingestSources(inputs.sources, stdin, classifier, tally, options.openFile);
}

/** The size of the byte ranges a large file is cut into for the workers (CLAUDE_MON_TASK_BYTES, for tests). */
const TASK_BYTES = 8 << 20;
/** Below this many tasks' worth of input, starting workers costs more than it saves. */
const PARALLEL_MIN_TASKS = 4;

/**
 * The parse tasks for parse threads, or null for a single pass on this thread: one thread asked for, stdin (read
 * once, in order), --follow, --strict (stops at the first bad line), too little input to gain from it, or no file
 * that can be cut into ranges (gzip files and JSON documents are read whole, on this thread).
 */
async function parallelPlan(inputs: Inputs, options: ReadOptions, env: CliIo['env']): Promise<Plan | null> {
  const { sources } = inputs;
  if ((options.threads ?? 1) < 2 || options.strict || options.openFile !== undefined || sources.some((source) => source.path === null)) return null;
  const taskBytes = Number(env['CLAUDE_MON_TASK_BYTES'] ?? TASK_BYTES) || TASK_BYTES;
  const bytes = sources.reduce((sum, source) => sum + (source.sizeBytes ?? 0), 0);
  if (bytes < PARALLEL_MIN_TASKS * taskBytes) return null;
  const plan = await planTasks(sources, taskBytes);
  if (plan.tasks.filter((task) => !task.whole).length >= 2) return plan;
  await plan.close();
  return null;
}

async function readInParallel(
  inputs: Inputs,
  plan: Plan,
  options: ReadOptions,
  sink: RecordSink,
  tally: Tally,
  onTaskDone?: (task: ParseTask) => void,
): Promise<void> {
  const { tz, dedupe, verbose, maxLineBytes } = options;
  const { tasks } = plan;
  const threads = Math.min(options.threads ?? 1, tasks.length);
  tally.files += new Set(tasks.map((task) => task.source)).size;
  tally.parallel = { tasks: tasks.length, threads };
  try {
    await ingestInParallel(
      {
        tasks,
        threads,
        settings: { tz: tz.name, dedupe, verbose, maxLineBytes, otel: options.otel ?? {}, scanner: options.scanner ?? 'auto' },
        ids: dedupe ? new RequestIdSet(estimateLines(inputs.sources)) : null,
        ...(onTaskDone === undefined ? {} : { onTaskDone }),
      },
      sink,
      tally,
    );
  } finally {
    await plan.close();
  }
}

/** The newest record's timestamp (for `--now latest`), or null when there is none. Reads the input once. */
export async function findLatestTimestamp(inputs: Inputs, io: CliIo, options: ReadOptions): Promise<number | null> {
  let latest = -Infinity;
  const sink = {
    add(record: CallRecord): void {
      if (record.timestampMs > latest) latest = record.timestampMs;
    },
  };
  // The duplicate check as in the main pass: a late duplicate delivery must not move "latest" (as in dashboard).
  await readLogs(inputs, io, { ...options, verbose: false }, sink);
  return latest === -Infinity ? null : latest;
}

/** Copies stdin to a temporary file so that it can be read twice. */
export async function spoolStdin(inputs: Inputs, io: CliIo): Promise<Inputs> {
  if (!inputs.sources.includes(STDIN)) return inputs;
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'claude-mon-'));
  const forget = cleanUpOnInterrupt(() => rmSync(directory, { recursive: true, force: true }));
  const file = path.join(directory, 'stdin');
  const spool = await fs.open(file, 'w');
  try {
    for await (const chunk of stdinChunks(io, {})) await spool.writeFile(chunk); // all of it, before its buffer is read into again
  } finally {
    await spool.close();
  }
  return {
    sources: inputs.sources.map((source) => (source === STDIN ? { name: 'stdin', path: file, sizeBytes: null } : source)),
    unreadable: inputs.unreadable,
    cleanup: async () => {
      await inputs.cleanup();
      await fs.rm(directory, { recursive: true, force: true });
      forget();
    },
  };
}

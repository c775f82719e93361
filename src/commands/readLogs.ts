/**
 * The input half every command shares: arguments → sources → one pass through the classifier into a sink.
 * Also the `--now latest` pre-pass, which needs the input twice (stdin is spooled to a temporary file for it).
 */
import { createWriteStream, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { TimeZone } from '../core/timezone.js';
import type { CallRecord } from '../core/types.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io/cliIo.js';
import { Progress } from '../io/progress.js';
import { readFileChunks } from '../input/decode.js';
import { ingestSources } from '../input/ingest.js';
import { LineClassifier, type RecordSink } from '../input/lineClassifier.js';
import { estimateLines, expandSources, type Source, STDIN } from '../input/sources.js';
import { Tally } from '../input/tally.js';

export interface ReadOptions {
  readonly dedupe: boolean;
  readonly strict: boolean;
  readonly verbose: boolean;
  readonly maxLineBytes: number;
  readonly tz: TimeZone;
  /** --follow: how files are read (growing), and a bounded memory of request ids. */
  readonly openFile?: (path: string) => AsyncIterable<Buffer>;
  readonly dedupeGenerationIds?: number;
  /** --quiet: no progress either. */
  readonly quiet?: boolean;
}

export interface Inputs {
  readonly sources: readonly Source[];
  readonly unreadable: readonly string[];
  /** Removes temporary files (a spooled stdin). */
  readonly cleanup: () => Promise<void>;
}

/** Positional arguments → sources; no arguments means stdin, unless stdin is a terminal (then: how to use). */
export async function openInputs(args: readonly string[], io: CliIo, command: string): Promise<Inputs> {
  if (args.length === 0 && io.stdin.isTTY === true) {
    throw new UsageError(
      `no input: give log files or directories, or pipe logs in, e.g.\n  claude-mon ${command} logs/\n  kubectl logs deploy/api | claude-mon ${command}`,
    );
  }
  const unreadable: string[] = [];
  const sources = args.length === 0 ? [STDIN] : await expandSources(args, (message) => unreadable.push(message));
  if (sources.filter((source) => source === STDIN).length > 1) throw new UsageError('"-" (stdin) can be given only once');
  return { sources, unreadable, cleanup: async () => {} };
}

/** Reads every source into `sink`; the tally (given, or a new one) counts what became of every line. */
export async function readLogs(inputs: Inputs, io: CliIo, options: ReadOptions, sink: RecordSink, tally = new Tally()): Promise<Tally> {
  if (io.stderr.isTTY !== true || options.quiet === true || options.openFile !== undefined) return readAll(inputs, io.stdin, options, sink, tally);
  const sizes = inputs.sources.map((source) => source.sizeBytes);
  const progress = new Progress(io.stderr, sizes.includes(null) ? null : sizes.reduce<number>((sum, size) => sum + (size ?? 0), 0));
  const counted: ReadOptions = {
    ...options,
    openFile: (file) => countBytes(readFileChunks(file), progress),
  };
  try {
    const counting = {
      add(record: CallRecord): void {
        progress.addRecord();
        sink.add(record);
      },
    };
    return await readAll(inputs, countBytes(io.stdin, progress), counted, counting, tally);
  } finally {
    progress.end();
  }
}

async function* countBytes(chunks: AsyncIterable<Buffer>, progress: Progress): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    progress.addBytes(chunk.length);
    yield chunk;
  }
}

async function readAll(inputs: Inputs, stdin: AsyncIterable<Buffer>, options: ReadOptions, sink: RecordSink, tally: Tally): Promise<Tally> {
  tally.unreadable.push(...inputs.unreadable);
  const classifier = new LineClassifier(
    {
      localToUtc: (localMs) => options.tz.localToUtc(localMs),
      dedupe: options.dedupe,
      strict: options.strict,
      verbose: options.verbose,
      maxLineBytes: options.maxLineBytes,
      expectedLines: estimateLines(inputs.sources),
      ...(options.dedupeGenerationIds === undefined ? {} : { dedupeGenerationIds: options.dedupeGenerationIds }),
    },
    sink,
    tally,
  );
  await ingestSources(inputs.sources, stdin, classifier, tally, options.openFile);
  return tally;
}

/** The newest record's timestamp (for `--now latest`), or null when there is none. Reads the input once. */
export async function findLatestTimestamp(inputs: Inputs, io: CliIo, options: ReadOptions): Promise<number | null> {
  let latest = -Infinity;
  const sink = {
    add(record: CallRecord): void {
      if (record.timestampMs > latest) latest = record.timestampMs;
    },
  };
  await readLogs(inputs, io, { ...options, dedupe: false, verbose: false }, sink);
  return latest === -Infinity ? null : latest;
}

/** Copies stdin to a temporary file so that it can be read twice. */
export async function spoolStdin(inputs: Inputs, io: CliIo): Promise<Inputs> {
  if (!inputs.sources.includes(STDIN)) return inputs;
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'claude-mon-'));
  const file = path.join(directory, 'stdin');
  await pipeline(io.stdin, createWriteStream(file));
  return {
    sources: inputs.sources.map((source) => (source === STDIN ? { name: 'stdin', path: file, sizeBytes: null } : source)),
    unreadable: inputs.unreadable,
    cleanup: async () => {
      await inputs.cleanup();
      await fs.rm(directory, { recursive: true, force: true });
    },
  };
}

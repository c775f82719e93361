/**
 * Reads large inputs with parse workers (worker threads) beside the main thread. Tasks (byte ranges of large files,
 * whole gzip files) are parsed in parallel, but consumed strictly in task order: the duplicate check, the sink and
 * the tally see the records exactly as one pass would — the same first delivery kept, the same floating-point sums,
 * byte-identical output whatever the number of threads. The main thread parses too: the task whose turn it is goes
 * straight into the sink, and while it waits for a worker it works ahead. Memory stays bounded: at most
 * WINDOW_PER_PARSER tasks per parser are in flight or waiting for their turn.
 */
import { Worker } from 'node:worker_threads';
import { TimeZone } from '../core/timezone.js';
import { DedupeBatch, type RecordSink } from './dedupeBatch.js';
import type { ParseTask } from './parallelPlan.js';
import { type BlockResult, type ParseSettings, parseTaskInto, TaskParser } from './parseTask.js';
import type { WorkerAnswer } from './parseWorker.js';
import { BlockDecoder, type RecordBlock } from './recordBlock.js';
import type { IdSet } from './requestIdSet.js';
import { Tally, type TallyPart } from './tally.js';

const WINDOW_PER_PARSER = 3;
/** Tasks a worker holds at once: one it parses, one queued so it never waits for the main thread. */
const QUEUED_PER_WORKER = 2;

export interface ParallelRead {
  readonly tasks: readonly ParseTask[];
  /** Threads that parse, the main thread included. */
  readonly threads: number;
  readonly settings: ParseSettings;
  /** The duplicate check, or null with --no-dedupe. */
  readonly ids: IdSet | null;
  /** A task's records are in the sink (for progress). */
  readonly onTaskDone?: (task: ParseTask) => void;
}

export async function ingestInParallel(read: ParallelRead, sink: RecordSink, tally: Tally): Promise<void> {
  const reader = new ParallelReader(read, sink, tally);
  try {
    await reader.run();
  } finally {
    await reader.close();
  }
}

class ParallelReader {
  /** The task whose records go to the sink next. */
  private next = 0;
  /** Tasks are handed out in id order; this is the first not yet handed out. */
  private unassigned = 0;
  private readonly workers: Worker[];
  private readonly queued: number[];
  /** Per task, the parser that has it: a worker's index, or MAIN. */
  private readonly parserOf: number[] = [];
  private readonly MAIN: number;
  /** Per parser, the string table its blocks index into. */
  private readonly decoders: BlockDecoder[];
  private readonly waiting = new Map<number, BlockResult>();
  private readonly ahead: TaskParser;
  private readonly tz: TimeZone;
  /** Lines of each source consumed so far: where the next range of that source starts counting. */
  private readonly linesBefore = new Map<number, number>();
  /** Sources whose reading failed part-way: their later ranges are dropped, as a single pass stops there. */
  private readonly failedSources = new Set<number>();
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private duplicate = new Uint8Array(0);

  constructor(
    private readonly read: ParallelRead,
    private readonly sink: RecordSink,
    private readonly tally: Tally,
  ) {
    const workerCount = Math.max(1, Math.min(read.threads - 1, read.tasks.length - 1));
    this.workers = Array.from({ length: workerCount }, (_, index) => this.startWorker(index));
    this.queued = this.workers.map(() => 0);
    this.MAIN = workerCount;
    this.decoders = Array.from({ length: workerCount + 1 }, () => new BlockDecoder());
    this.ahead = new TaskParser(read.settings);
    this.tz = new TimeZone(read.settings.tz);
  }

  async run(): Promise<void> {
    const { tasks } = this.read;
    const window = WINDOW_PER_PARSER * (this.workers.length + 1);
    while (this.next < tasks.length) {
      if (this.failure !== undefined) throw this.failure;
      const ready = this.waiting.get(this.next);
      if (ready !== undefined) {
        this.waiting.delete(this.next);
        this.consume(ready);
      } else if (this.unassigned === this.next) {
        const task = tasks[this.unassigned++] as ParseTask;
        this.parserOf[task.id] = this.MAIN;
        this.feedWorkers();
        await this.parseIntoSink(task);
      } else if (this.unassigned < tasks.length && this.unassigned < this.next + window) {
        const task = tasks[this.unassigned++] as ParseTask;
        this.parserOf[task.id] = this.MAIN;
        this.feedWorkers();
        this.waiting.set(task.id, await this.ahead.parse(task));
        continue;
      } else {
        this.feedWorkers();
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      this.next++;
      this.feedWorkers();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private startWorker(index: number): Worker {
    const worker = new Worker(new URL('./parseWorker.js', import.meta.url), { workerData: this.read.settings });
    worker.on('message', (answer: WorkerAnswer) => {
      this.queued[index] = (this.queued[index] as number) - 1;
      if ('error' in answer) this.fail(new Error(`a parse worker failed on ${describeTask(this.read.tasks[answer.id] as ParseTask)}:\n${answer.error}`));
      else this.waiting.set(answer.id, answer);
      this.feedWorkers();
      this.wake?.();
    });
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => {
      if (this.next < this.read.tasks.length) this.fail(new Error(`a parse worker exited (code ${code}) before the input was read`));
    });
    return worker;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.wake?.();
  }

  /** Hands the next tasks, in id order, to workers with room, within the window. */
  private feedWorkers(): void {
    const { tasks } = this.read;
    const window = WINDOW_PER_PARSER * (this.workers.length + 1);
    for (;;) {
      if (this.unassigned >= tasks.length || this.unassigned >= this.next + window) return;
      const worker = this.queued.findIndex((count) => count < QUEUED_PER_WORKER);
      if (worker < 0) return;
      const task = tasks[this.unassigned++] as ParseTask;
      this.parserOf[task.id] = worker;
      this.queued[worker] = (this.queued[worker] as number) + 1;
      (this.workers[worker] as Worker).postMessage(task);
    }
  }

  /** The task whose turn it is, parsed on this thread straight into the sink. */
  private async parseIntoSink(task: ParseTask): Promise<void> {
    if (this.failedSources.has(task.source)) return;
    const part = new Tally();
    const { ids } = this.read;
    const output = ids === null ? undefined : new DedupeBatch(ids, this.sink, part);
    const lines = await parseTaskInto(task, this.read.settings, this.tz, this.sink, part, output);
    this.account(task, part.part(), lines);
  }

  private consume(result: BlockResult): void {
    const task = this.read.tasks[result.id] as ParseTask;
    const decoder = this.decoders[this.parserOf[result.id] as number] as BlockDecoder;
    decoder.learnStrings(result.block); // always: the parser's later blocks index into this table
    if (this.failedSources.has(task.source)) return;
    const part = new Tally();
    this.feed(result.block, decoder, part);
    this.account(task, result.tally, result.lines);
    this.tally.absorb(part.part(), (text) => text);
  }

  private account(task: ParseTask, part: TallyPart, lines: number): void {
    const offset = this.linesBefore.get(task.source) ?? 0;
    this.tally.absorb(part, offset === 0 ? (text) => text : (text) => relocate(text, task.name, offset));
    this.linesBefore.set(task.source, offset + lines);
    if (part.unreadable.length > 0) this.failedSources.add(task.source);
    this.read.onTaskDone?.(task);
  }

  /** The duplicate check for the whole block first (the table lookups overlap), then the sink. */
  private feed(block: RecordBlock, decoder: BlockDecoder, part: Tally): void {
    const { count } = block;
    const { ids } = this.read;
    if (this.duplicate.length < count) this.duplicate = new Uint8Array(count);
    const duplicate = this.duplicate;
    duplicate.fill(0, 0, count);
    if (ids !== null) {
      for (let i = 0; i < count; i++) {
        if (decoder.hasId(block, i) && !ids.add(decoder.hashA(block, i), decoder.hashB(block, i))) duplicate[i] = 1;
      }
    }
    const sink = this.sink;
    for (let i = 0; i < count; i++) {
      if (duplicate[i] === 1) part.duplicates++;
      else {
        part.records++;
        sink.add(decoder.recordAt(block, i));
      }
    }
  }
}

function describeTask(task: ParseTask): string {
  return task.whole ? task.name : `${task.name} (bytes ${task.start}–${task.end})`;
}

/** "app.log:12" and "… after line 12" counted from a range's start → the line in the whole file. */
function relocate(text: string, name: string, offset: number): string {
  if (text.startsWith(`${name}:`)) {
    const line = Number(text.slice(name.length + 1));
    if (Number.isInteger(line)) return `${name}:${line + offset}`;
  }
  return text.replace(/after line (\d+)/, (_match, line: string) => `after line ${Number(line) + offset}`);
}

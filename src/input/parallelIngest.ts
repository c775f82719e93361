/**
 * Reads large inputs with parse workers (worker threads) beside the main thread. Tasks (byte ranges of large files,
 * whole gzip files) are parsed in parallel, but consumed strictly in task order: the duplicate check, the sink and
 * the tally see the records exactly as one pass would — the same first delivery kept, the same floating-point sums,
 * byte-identical output whatever the number of threads. Tasks are dealt in turn to the main thread and the
 * workers; the main thread parses its own straight into the sink when their turn comes (no packing), and reads the
 * workers' blocks in between. Memory stays bounded: at most WINDOW_PER_PARSER tasks per parser are in flight or
 * waiting for their turn.
 */
import { Worker } from 'node:worker_threads';
import { InputError } from '../errors.js';
import type { RecordSink } from './dedupeBatch.js';
import type { ParseTask } from './parallelPlan.js';
import { type BlockResult, type ParseSettings, TaskParser } from './parseTask.js';
import type { WorkerAnswer, WorkerRequest } from './parseWorker.js';
import { BlockDecoder, type RecordBlock } from './recordBlock.js';
import type { IdSet } from './requestIdSet.js';
import type { Tally, TallyPart } from './tally.js';

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
  /** The main thread's parsers: the task whose turn it is into the sink, a later one into blocks. */
  private readonly direct: TaskParser;
  /** Lines of each source consumed so far: where the next range of that source starts counting. */
  private readonly linesBefore = new Map<number, number>();
  /**
   * Sources done before their last range: reading failed part-way (a single pass stops there), or a range ended
   * inside a fragmented entry and the rest of the file was read in one pass. Their later ranges are dropped.
   */
  private readonly doneSources = new Set<number>();
  /** Ranges dealt so far, for the turn: the main thread's, then one per worker. */
  private dealt = 0;
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
    this.direct = new TaskParser(read.settings, { sink, ids: read.ids });
  }

  async run(): Promise<void> {
    const { tasks } = this.read;
    this.feedWorkers();
    while (this.next < tasks.length) {
      if (this.failure !== undefined) throw this.failure;
      const ready = this.waiting.get(this.next);
      if (ready !== undefined) {
        this.waiting.delete(this.next);
        if (ready.endsInFragment && !this.doneSources.has(this.taskAt(ready.id).source)) await this.readRestInOnePass(ready);
        else this.consume(ready);
      } else if (this.parserOf[this.next] === this.MAIN) {
        await this.parseIntoSink(tasks[this.next] as ParseTask);
      } else {
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
      if ('error' in answer) this.fail(new InputError(`a parse thread failed on ${describeTask(this.taskAt(answer.id))} (--threads 1 reads without them):\n${answer.error}`));
      else this.waiting.set(answer.id, answer);
      this.feedWorkers();
      this.wake?.();
    });
    worker.on('error', (error) => this.fail(new InputError(`a parse thread failed (--threads 1 reads without them): ${error.message}`)));
    worker.on('exit', (code) => {
      if (this.next < this.read.tasks.length) this.fail(new InputError(`a parse thread stopped (exit code ${code}) before the input was read (--threads 1 reads without them)`));
    });
    return worker;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.wake?.();
  }

  /**
   * Hands each worker its next tasks, within the window. Tasks are dealt in turn: the main thread's (parsed when
   * their turn comes, straight into the sink), then one per worker, and so on.
   */
  private feedWorkers(): void {
    const { tasks } = this.read;
    const limit = Math.min(tasks.length, this.next + WINDOW_PER_PARSER * (this.workers.length + 1));
    for (; this.unassigned < limit; this.unassigned++) {
      const id = this.unassigned;
      // Whole sources (gzip, JSON documents: one block as large as the file) are read here, never packed.
      const turn = this.taskAt(id).whole ? 0 : this.dealt % (this.workers.length + 1);
      const parser = turn === 0 ? this.MAIN : turn - 1;
      if (parser !== this.MAIN && (this.queued[parser] as number) >= QUEUED_PER_WORKER) return;
      this.parserOf[id] = parser;
      if (!this.taskAt(id).whole) this.dealt++;
      if (parser === this.MAIN) continue;
      this.queued[parser] = (this.queued[parser] as number) + 1;
      this.send(parser, { task: tasks[id] as ParseTask });
    }
  }

  private send(worker: number, request: WorkerRequest): void {
    const transfer = 'recycle' in request ? [request.recycle.numbers.buffer, request.recycle.ints.buffer] : [];
    (this.workers[worker] as Worker).postMessage(request, transfer as ArrayBuffer[]);
  }

  /** The task whose turn it is, parsed on this thread straight into the sink. */
  private async parseIntoSink(task: ParseTask): Promise<void> {
    if (this.doneSources.has(task.source)) return;
    const outcome = await this.direct.parse(task, true);
    this.account(task, outcome.tally, outcome.lines);
    if (outcome.readToEnd) this.doneSources.add(task.source);
  }

  /**
   * A worker's range ended inside a fragmented entry (the cut heuristic missed it): its block is dropped and the
   * file is read from the range's start to its end here, in one pass, as a single thread reads it.
   */
  private async readRestInOnePass(result: BlockResult): Promise<void> {
    const task = this.taskAt(result.id);
    (this.decoders[this.parserOf[result.id] as number] as BlockDecoder).learnStrings(result.block);
    this.send(this.parserOf[result.id] as number, { recycle: { numbers: result.block.numbers, ints: result.block.ints } });
    const rest = await this.direct.parse({ ...task, end: Number.POSITIVE_INFINITY });
    this.account(task, rest.tally, rest.lines);
    this.doneSources.add(task.source);
  }

  private taskAt(id: number): ParseTask {
    return this.read.tasks[id] as ParseTask;
  }

  private consume(result: BlockResult): void {
    const task = this.read.tasks[result.id] as ParseTask;
    const parser = this.parserOf[result.id] as number;
    const decoder = this.decoders[parser] as BlockDecoder;
    const { block } = result;
    decoder.learnStrings(block); // always: the parser's later blocks index into this table
    if (!this.doneSources.has(task.source)) {
      this.feed(block, decoder);
      this.account(task, result.tally, result.lines);
    }
    this.send(parser, { recycle: { numbers: block.numbers, ints: block.ints } });
  }

  private account(task: ParseTask, part: TallyPart, lines: number): void {
    const offset = this.linesBefore.get(task.source) ?? 0;
    this.tally.absorb(part, offset === 0 ? (text) => text : (text) => relocate(text, task.name, offset));
    this.linesBefore.set(task.source, offset + lines);
    if (part.unreadable.length > 0) this.doneSources.add(task.source);
    this.read.onTaskDone?.(task);
  }

  /** The duplicate check for the whole block first (the table lookups overlap), then the sink. */
  private feed(block: RecordBlock, decoder: BlockDecoder): void {
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
    const { sink, tally } = this;
    for (let i = 0; i < count; i++) {
      if (duplicate[i] === 1) tally.duplicates++;
      else {
        tally.records++;
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

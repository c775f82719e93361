/**
 * One parse task — a byte range of a log file, or a whole file — classified into a RecordBlock and its tally, as a
 * parse worker (or the main thread, working ahead) does it. Duplicates are left for whoever consumes the blocks in
 * input order.
 */
import { TimeZone } from '../core/timezone.js';
import type { CallRecord } from '../core/types.js';
import { readFileChunks } from './decode.js';
import { type RecordOutput } from './dedupeBatch.js';
import { ingestSource } from './ingest.js';
import { LineClassifier, type RecordSink } from './lineClassifier.js';
import type { ParseTask } from './parallelPlan.js';
import { BlockEncoder, type RecordBlock } from './recordBlock.js';
import { Tally, type TallyPart } from './tally.js';

export interface ParseSettings {
  readonly tz: string;
  readonly dedupe: boolean;
  readonly verbose: boolean;
  readonly maxLineBytes: number;
}

export interface BlockResult {
  readonly id: number;
  readonly block: RecordBlock;
  /** Physical lines of the task (where the next range of its file starts counting). */
  readonly lines: number;
  readonly tally: TallyPart;
}

const NO_SINK: RecordSink = {
  add(_record: CallRecord): void {
    throw new Error('records of a parse task go to its output');
  },
};

/** Parses tasks with one encoder, whose string table the blocks share: run them in the order they are consumed. */
export class TaskParser {
  private readonly tz: TimeZone;
  private readonly encoder = new BlockEncoder();

  constructor(private readonly settings: ParseSettings) {
    this.tz = new TimeZone(settings.tz);
  }

  async parse(task: ParseTask): Promise<BlockResult> {
    const tally = new Tally();
    const lines = await parseTaskInto(task, this.settings, this.tz, NO_SINK, tally, this.encoder);
    return { id: task.id, block: this.encoder.take(), lines, tally: tally.part() };
  }
}

/** Reads the task into the output (or, without one, straight into the sink); returns its physical line count. */
export async function parseTaskInto(
  task: ParseTask,
  settings: ParseSettings,
  tz: TimeZone,
  sink: RecordSink,
  tally: Tally,
  output: RecordOutput | undefined,
): Promise<number> {
  const classifier = new LineClassifier(
    {
      localToUtc: (localMs) => tz.localToUtc(localMs),
      dedupe: settings.dedupe,
      strict: false,
      verbose: settings.verbose,
      maxLineBytes: settings.maxLineBytes,
    },
    sink,
    tally,
    output,
  );
  const chunks = task.whole ? readFileChunks(task.path) : readFileChunks(task.path, task.start, task.end);
  const cursor = await ingestSource(task.name, chunks, classifier, tally, !task.whole);
  classifier.finish();
  return cursor.position;
}

/**
 * Parses parse tasks — a byte range of a log file, or a whole file — one after another with one classifier (its
 * interned strings and compiled paths carry over from task to task): either packed into RecordBlocks, as a parse
 * worker (or the main thread working ahead) does, or straight into the sink through the duplicate check.
 */
import { TimeZone } from '../core/timezone.js';
import type { CallRecord } from '../core/types.js';
import { readFileChunks } from './decode.js';
import { DedupeBatch } from './dedupeBatch.js';
import { ingestSource } from './ingest.js';
import { LineClassifier, type RecordSink } from './lineClassifier.js';
import type { ParseTask } from './parallelPlan.js';
import { BlockEncoder, type RecordBlock } from './recordBlock.js';
import type { IdSet } from './requestIdSet.js';
import { Tally, type TallyPart } from './tally.js';

export interface ParseSettings {
  readonly tz: string;
  readonly dedupe: boolean;
  readonly verbose: boolean;
  readonly maxLineBytes: number;
}

export interface TaskOutcome {
  readonly id: number;
  /** Physical lines of the task (where the next range of its file starts counting). */
  readonly lines: number;
  readonly tally: TallyPart;
}

export interface BlockResult extends TaskOutcome {
  readonly block: RecordBlock;
}

const NO_SINK: RecordSink = {
  add(_record: CallRecord): void {
    throw new Error('a packing parser has no sink');
  },
};

export class TaskParser {
  private readonly tally = new Tally();
  private readonly classifier: LineClassifier;

  /** Packs records into blocks of `encoder`, or (with `sink`) hands them over through the duplicate check `ids`. */
  constructor(
    settings: ParseSettings,
    target: { readonly encoder: BlockEncoder } | { readonly sink: RecordSink; readonly ids: IdSet | null },
  ) {
    const tz = new TimeZone(settings.tz);
    const options = {
      localToUtc: (localMs: number) => tz.localToUtc(localMs),
      dedupe: settings.dedupe,
      strict: false,
      verbose: settings.verbose,
      maxLineBytes: settings.maxLineBytes,
    };
    if ('encoder' in target) {
      this.classifier = new LineClassifier(options, NO_SINK, this.tally, target.encoder);
    } else {
      const output = target.ids === null ? undefined : new DedupeBatch(target.ids, target.sink, this.tally);
      this.classifier = new LineClassifier(options, target.sink, this.tally, output);
    }
  }

  async parse(task: ParseTask): Promise<TaskOutcome> {
    const chunks = task.whole ? readFileChunks(task.path) : readFileChunks(task.path, task.start, task.end);
    const cursor = await ingestSource(task.name, chunks, this.classifier, this.tally, !task.whole);
    this.classifier.finish();
    return { id: task.id, lines: cursor.position, tally: this.tally.takePart() };
  }
}

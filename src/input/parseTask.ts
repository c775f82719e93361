/**
 * Parses parse tasks — a byte range of a log file, or a whole file — one after another with one classifier (its
 * interned strings and compiled paths carry over from task to task): either packed into RecordBlocks, as a parse
 * worker (or the main thread working ahead) does, or straight into the sink through the duplicate check.
 */
import type { OtelAttributeNames } from '../core/types.js';
import { TimeZone } from '../core/timezone.js';
import type { CallRecord } from '../core/types.js';
import { readFileChunks, readRangeOfDescriptor } from './decode.js';
import { DedupeBatch } from './dedupeBatch.js';
import { ingestSource } from './ingest.js';
import { LineClassifier, type RecordSink } from './lineClassifier.js';
import type { ParseTask } from './parallelPlan.js';
import { BlockEncoder, type RecordBlock } from './recordBlock.js';
import type { IdSet } from './requestIdSet.js';
import type { ScannerKind } from './wasmScanner.js';
import { Tally, type TallyPart } from './tally.js';

export interface ParseSettings {
  readonly tz: string;
  readonly dedupe: boolean;
  readonly verbose: boolean;
  readonly maxLineBytes: number;
  readonly otel: OtelAttributeNames;
  readonly scanner: ScannerKind;
}

export interface TaskOutcome {
  readonly id: number;
  /** Physical lines of the task (where the next range of its file starts counting). */
  readonly lines: number;
  readonly tally: TallyPart;
  /** The range ended inside a fragmented entry (CRI `P` lines, a Docker chunk): its records are not to be used. */
  readonly endsInFragment: boolean;
  /** The range was read on to the end of its file (it ended inside a fragmented entry): the file is done. */
  readonly readToEnd: boolean;
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
      otel: settings.otel,
      scanner: settings.scanner,
    };
    if ('encoder' in target) {
      this.classifier = new LineClassifier(options, NO_SINK, this.tally, target.encoder);
    } else {
      const output = target.ids === null ? undefined : new DedupeBatch(target.ids, target.sink, this.tally);
      this.classifier = new LineClassifier(options, target.sink, this.tally, output);
    }
  }

  /**
   * Reads the task. A range that ends inside a fragmented entry is, with `continueToEnd`, read on to the end of its
   * file (exactly as one pass would); without, it is reported (`endsInFragment`) for the caller to read again.
   */
  async parse(task: ParseTask, continueToEnd = false): Promise<TaskOutcome> {
    const moreFollows = !task.whole && Number.isFinite(task.end);
    const cursor = await ingestSource(task.name, chunksOf(task, task.start, task.end), this.classifier, this.tally, !task.whole, { moreFollows });
    const inFragment = moreFollows && (cursor.criPending.size > 0 || cursor.dockerPending.size > 0);
    if (inFragment && continueToEnd) {
      await ingestSource(task.name, chunksOf(task, task.end, Infinity), this.classifier, this.tally, true, { cursor });
    }
    this.classifier.finish();
    const tally = this.tally.takePart();
    return { id: task.id, lines: cursor.position, tally, endsInFragment: inFragment && !continueToEnd, readToEnd: inFragment && continueToEnd };
  }
}

function chunksOf(task: ParseTask, start: number, end: number): AsyncIterable<Buffer> {
  if (task.whole) return readFileChunks(task.path);
  return task.fd >= 0 ? readRangeOfDescriptor(task.fd, start, end) : readFileChunks(task.path, start, end);
}

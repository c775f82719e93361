/**
 * Reads every source once, in order, into a LineClassifier: files, gzip, stdin, JSON documents. A source that
 * fails is reported and the rest are still read.
 */
import { describeFsError, InputError } from '../errors.js';
import { SourceCursor } from './cursor.js';
import { decodeChunks, isSourceBreak, readFileChunks } from './decode.js';
import { parserMessage } from './envelopes.js';
import { GzipBreak } from './gunzip.js';
import { looksLikeJsonArray, streamJsonArray } from './jsonDocument.js';
import type { LineClassifier } from './lineClassifier.js';
import { LineSplitter } from './lineSplitter.js';
import type { Source } from './sources.js';
import type { Tally } from './tally.js';

export async function ingestSources(
  sources: readonly Source[],
  stdin: AsyncIterable<Buffer>,
  classifier: LineClassifier,
  tally: Tally,
  openFile: (path: string) => AsyncIterable<Buffer> = readFileChunks,
): Promise<void> {
  for (const source of sources) {
    tally.files++;
    await ingestSource(source.name, source.path === null ? stdin : openFile(source.path), classifier, tally);
  }
  classifier.finish();
}

/**
 * One source into the classifier; a failure is counted in the tally (what came before it still counts).
 * `asLines`: bytes known to be plain lines (a range of a file cut for parse threads), no gzip or document check;
 * then `range` may also say where the cursor stands (a range continued) and that more of the source follows (the
 * CRI and Docker fragments still waiting at the end are left in the cursor, not flushed as entries of their own).
 */
export async function ingestSource(
  name: string,
  raw: AsyncIterable<Buffer>,
  classifier: LineClassifier,
  tally: Tally,
  asLines = false,
  range: { readonly cursor?: SourceCursor; readonly moreFollows?: boolean } = {},
): Promise<SourceCursor> {
  const cursor = range.cursor ?? new SourceCursor(name);
  try {
    await (asLines ? readLines(raw, cursor, classifier, range.moreFollows !== true) : readSource(raw, cursor, classifier));
  } catch (error) {
    if (error instanceof InputError) throw error;
    if (isSourceBreak(error)) {
      tally.truncated.push(`${name}: ${error.message} after line ${cursor.position}`);
    } else {
      const at = cursor.position > 0 ? ` (stopped after line ${cursor.position})` : '';
      tally.unreadable.push(`${name}: ${describeFsError(error)}${at}`);
    }
  }
  return cursor;
}

async function readSource(raw: AsyncIterable<Buffer>, cursor: SourceCursor, classifier: LineClassifier): Promise<void> {
  const chunks = decodeChunks(raw);
  const first = await chunks.next();
  if (first.done === true) return;
  if (looksLikeJsonArray(first.value)) {
    // Kept until the document yields its first element: a log whose first line merely starts like an array
    // ("[{main}] INFO ...") is then read again as lines, from the start.
    const replay = new Replay(first.value, chunks);
    const items = new SourceCursor(cursor.name, 'item');
    if ((await readJsonDocument(replay, items, cursor, classifier, () => replay.complete)) === 'not_a_document') {
      await readLines(prepend(replay.chunks, chunks), cursor, classifier);
      return;
    }
    await chunks.return(undefined);
    return;
  }
  await readLines(prepend([first.value], chunks), cursor, classifier);
}

async function readLines(chunks: AsyncIterable<Buffer>, cursor: SourceCursor, classifier: LineClassifier, endOfSource = true): Promise<void> {
  const splitter = new LineSplitter(classifier.options.maxLineBytes, {
    line: (bytes, start, end) => classifier.line(bytes, start, end, cursor),
    tooLong: (length) => classifier.tooLong(length, cursor),
  });
  try {
    for await (const chunk of chunks) {
      splitter.push(classifier.stage(chunk));
      classifier.endOfChunk();
    }
  } catch (error) {
    if (isSourceBreak(error)) {
      // The line the break cut in two is the one casualty: count it as such, not as invalid JSON.
      if (splitter.discardHeld()) classifier.rejectEntry(breakReason(error), error.message, cursor);
      classifier.flush(cursor);
    } else if (!(error instanceof InputError)) {
      // What was read before a read failure still counts: the last line and any held fragments.
      finishLines(splitter, classifier, cursor, true);
    }
    throw error;
  }
  finishLines(splitter, classifier, cursor, endOfSource);
}

function finishLines(splitter: LineSplitter, classifier: LineClassifier, cursor: SourceCursor, endOfSource: boolean): void {
  splitter.end();
  if (endOfSource) classifier.flush(cursor);
}

/** Bytes kept for a possible re-read as lines: past this the first element has surely come, or never will. */
const REPLAY_LIMIT_BYTES = 16 << 20;

async function readJsonDocument(
  chunks: AsyncIterable<Buffer>,
  items: SourceCursor,
  cursor: SourceCursor,
  classifier: LineClassifier,
  canReread: () => boolean,
): Promise<'read' | 'not_a_document'> {
  try {
    for await (const value of streamJsonArray(chunks)) classifier.item(value, items);
  } catch (error) {
    if (error instanceof InputError) throw error;
    if (items.position === 0 && !isSourceBreak(error) && canReread()) return 'not_a_document';
    if (isSourceBreak(error)) {
      classifier.rejectEntry(breakReason(error), error.message, items);
      throw error;
    }
    classifier.jsonError = parserMessage(error);
    classifier.rejectEntry('invalid_json', `JSON document: ${(error as Error).message}`, items);
  } finally {
    cursor.position = items.position;
  }
  return 'read';
}

/**
 * Lends a source to a consumer that closes what it reads (the JSON parser) without closing the source, copying
 * each chunk (the parser holds on to chunks after the source reuses its buffer) and keeping the copies for a
 * re-read up to REPLAY_LIMIT_BYTES.
 */
class Replay implements AsyncIterable<Buffer> {
  readonly chunks: Buffer[];
  private kept: number;
  private lent = 0;

  constructor(
    first: Buffer,
    private readonly source: AsyncIterator<Buffer>,
  ) {
    this.chunks = [Buffer.from(first)];
    this.kept = first.length;
  }

  /** False once more than REPLAY_LIMIT_BYTES were read: the copies were let go. */
  get complete(): boolean {
    return this.kept <= REPLAY_LIMIT_BYTES;
  }

  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return {
      next: async () => {
        if (this.lent === 0) {
          this.lent++;
          return { done: false, value: this.chunks[0] as Buffer };
        }
        const next = await this.source.next();
        if (next.done === true) return next;
        const copy = Buffer.from(next.value);
        this.kept += copy.length;
        if (this.complete) this.chunks.push(copy);
        else this.chunks.length = 0;
        return { done: false, value: copy };
      },
      return: async () => ({ done: true, value: undefined }),
    };
  }
}

/** `first`, then `rest`; `rest` is closed however the reader stops, also while `first` is being read. */
async function* prepend(first: readonly Buffer[], rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  try {
    yield* first;
    for (;;) {
      const next = await rest.next();
      if (next.done === true) return;
      yield next.value;
    }
  } finally {
    await rest.return?.();
  }
}

/** The skip reason of the entry a break cut short. */
function breakReason(error: Error): string {
  return error instanceof GzipBreak ? 'truncated_gzip' : 'truncated_file';
}

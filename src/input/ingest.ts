/**
 * Reads every source once, in order, into a LineClassifier: files, gzip, stdin, JSON documents. A source that
 * fails is reported and the rest are still read.
 */
import { InputError } from '../errors.js';
import { SourceCursor } from './cursor.js';
import { decodeChunks, readFileChunks } from './decode.js';
import { GzipBreak } from './gunzip.js';
import { looksLikeJsonArray, streamJsonArray } from './jsonDocument.js';
import type { LineClassifier } from './lineClassifier.js';
import { LineSplitter } from './lineSplitter.js';
import { describeFsError, type Source } from './sources.js';
import type { Tally } from './tally.js';

export async function ingestSources(
  sources: readonly Source[],
  stdin: AsyncIterable<Buffer>,
  classifier: LineClassifier,
  tally: Tally,
): Promise<void> {
  for (const source of sources) {
    tally.files++;
    const cursor = new SourceCursor(source.name);
    try {
      await readSource(source.path === null ? stdin : readFileChunks(source.path), cursor, classifier);
    } catch (error) {
      if (error instanceof InputError) throw error;
      if (error instanceof GzipBreak) {
        tally.truncated.push(`${source.name}: ${error.message} after line ${cursor.position}`);
      } else {
        const at = cursor.position > 0 ? ` (stopped after line ${cursor.position})` : '';
        tally.unreadable.push(`${source.name}: ${describeFsError(error)}${at}`);
      }
    }
  }
  classifier.finish();
}

async function readSource(raw: AsyncIterable<Buffer>, cursor: SourceCursor, classifier: LineClassifier): Promise<void> {
  const chunks = decodeChunks(raw);
  const first = await chunks.next();
  if (first.done === true) return;
  const all = prepend(first.value, chunks);
  if (looksLikeJsonArray(first.value)) {
    await readJsonDocument(copyEach(all), new SourceCursor(cursor.name, 'item'), cursor, classifier);
    return;
  }
  const splitter = new LineSplitter(classifier.options.maxLineBytes, {
    line: (bytes, start, end) => classifier.line(bytes, start, end, cursor),
    tooLong: (length) => classifier.tooLong(length, cursor),
  });
  try {
    for await (const chunk of all) splitter.push(chunk);
  } catch (error) {
    if (error instanceof GzipBreak) {
      // The line the break cut in two is the one casualty: count it as such, not as invalid JSON.
      if (splitter.discardHeld()) classifier.rejectEntry('truncated_gzip', error.message, cursor);
      classifier.flush(cursor);
    } else if (!(error instanceof InputError)) {
      // What was read before a read failure still counts: the last line and any held fragments.
      finishLines(splitter, classifier, cursor);
    }
    throw error;
  }
  finishLines(splitter, classifier, cursor);
}

function finishLines(splitter: LineSplitter, classifier: LineClassifier, cursor: SourceCursor): void {
  splitter.end();
  classifier.flush(cursor);
}

async function readJsonDocument(
  chunks: AsyncIterable<Buffer>,
  items: SourceCursor,
  cursor: SourceCursor,
  classifier: LineClassifier,
): Promise<void> {
  try {
    for await (const value of streamJsonArray(chunks)) classifier.item(value, items);
  } catch (error) {
    if (error instanceof InputError) throw error;
    if (error instanceof GzipBreak) {
      classifier.rejectEntry('truncated_gzip', error.message, items);
      throw error;
    }
    classifier.jsonError = (error as Error).message;
    classifier.rejectEntry('invalid_json', `JSON document: ${(error as Error).message}`, items);
  } finally {
    cursor.position = items.position;
  }
}

/** The JSON parser may hold on to a chunk after the source has reused its buffer. */
async function* copyEach(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) yield Buffer.from(chunk);
}

async function* prepend(first: Buffer, rest: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  yield first;
  yield* rest;
}

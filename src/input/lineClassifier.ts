/**
 * Decides what each log entry is — a call record, a duplicate, noise, or a reject — across every envelope of
 * docs/definitions.md ("Envelopes"), and hands records to the sink. Bytes first (the fast path for bare and prefixed JSON lines),
 * then, only when the scanner gives up, decoded text through JSON.parse (envelopes.ts).
 */
import type { OtelAttributeNames } from '../core/types.js';
import { InputError } from '../errors.js';
import { ByteInterner, hashBytesA, hashBytesB } from './byteHash.js';
import type { SourceCursor } from './cursor.js';
import { criContentStart, joinCriFragments } from './cri.js';
import { classifyText, classifyValue, DOCKER_TOO_LONG, type EnvelopeContext } from './envelopes.js';
import { NOISE, type Outcome, PARTIAL, RECORD, REJECT } from './outcome.js';
import { scanFlatObject } from './flatScanner.js';
import { type ScannerKind, type WasmScanner, wasmScannerFor } from './wasmScanner.js';
import { F, fieldCount, KIND_ABSENT, KIND_NUMBER, KIND_STRING, RawFields, RECORD_FIELD_MASK, RECORD_KEY_MASK, recordFieldsIn, WRAPPER_KEY_MASK } from './rawFields.js';
import { describeInvalidField, type LocalToUtc, ScratchRecord, validateRecord } from './record.js';
import { type IdSet, RecentIdSet, RequestIdSet } from './requestIdSet.js';
import { excerptOf, notePythonLogging, type Tally } from './tally.js';
import { DedupeBatch, type RecordOutput, type RecordSink } from './dedupeBatch.js';

export type { RecordSink };

export interface ClassifierOptions {
  readonly localToUtc: LocalToUtc;
  readonly dedupe: boolean;
  readonly strict: boolean;
  readonly verbose: boolean;
  readonly maxLineBytes: number;
  /** The config's names of the OpenTelemetry attributes of feature and user. */
  readonly otel: OtelAttributeNames;
  /** A guess at the input's size in lines (0: unknown), to size the request-id table ahead. */
  readonly expectedLines?: number;
  /** For endless inputs (--follow): remember only about the last 2 × this many request ids. */
  readonly dedupeGenerationIds?: number;
  /** The request ids seen before (a checkpoint's), which this read adds to. */
  readonly requestIds?: IdSet;
  /** The byte scanner ('auto' when not given: WebAssembly where it can run). */
  readonly scanner?: ScannerKind;
}

const OPEN_BRACE = 0x7b;

export class LineClassifier implements EnvelopeContext {
  readonly raw = new RawFields();
  /** Where records are validated into without --no-dedupe (they wait for the duplicate check) or in a worker. */
  private readonly batch: RecordOutput | undefined;
  private readonly scratch = new ScratchRecord();
  readonly interner = new ByteInterner();
  private readonly wasm: WasmScanner | undefined;
  private readonly requestIds: IdSet;
  /** The reason of the last REJECT outcome and, for invalid_json, the parser's message. */
  reason = '';
  jsonError = '';
  // The entry being classified, for excerpts of rejects (decoded only when needed).
  private entryBytes: Buffer | undefined;
  private entryStart = 0;
  private entryEnd = 0;
  private entryText: string | undefined;

  constructor(
    readonly options: ClassifierOptions,
    private readonly sink: RecordSink,
    private readonly tally: Tally,
    /** Instead of the sink (and the duplicate check): a parse worker packs records for the main thread. */
    output?: RecordOutput,
  ) {
    this.raw.hashRequestIds = options.dedupe;
    this.wasm = wasmScannerFor(options.scanner ?? 'auto');
    const generation = options.dedupeGenerationIds;
    const expectedIds = options.dedupe && output === undefined ? (options.expectedLines ?? 0) : 0;
    this.requestIds = options.requestIds ?? (generation === undefined ? new RequestIdSet(expectedIds) : new RecentIdSet(generation));
    this.batch = output ?? (options.dedupe ? new DedupeBatch(this.requestIds, sink, tally) : undefined);
  }

  /** After the last source: records still waiting for the duplicate check go to the sink. */
  finish(): void {
    this.batch?.flush();
  }

  /** After each chunk read: a live input (--follow) must not wait for a batch to fill. */
  endOfChunk(): void {
    this.batch?.flush();
  }

  /** Where the lines of a chunk are read from: a copy in the WebAssembly scanner's memory, when it scans. */
  stage(chunk: Buffer): Buffer {
    return this.wasm === undefined ? chunk : this.wasm.stage(chunk);
  }

  /** One physical line of a log file: bytes [start, end) without the '\n'. */
  line(bytes: Buffer, start: number, end: number, cursor: SourceCursor): void {
    cursor.position++;
    if (end > start && bytes[end - 1] === 0x0d) end--;
    if (bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf && end - start >= 3) start += 3;
    while (start < end && bytes[start] === 0) start++; // copytruncate leaves runs of NULs
    this.entryBytes = bytes;
    this.entryStart = start;
    this.entryEnd = end;
    this.entryText = undefined;
    let outcome: Outcome;
    if (start === end) {
      outcome = this.textOnly();
    } else if (bytes[start] === OPEN_BRACE) {
      outcome = this.classifyObjectBytes(bytes, start, end, start, cursor);
    } else {
      const content = criContentStart(bytes, start, end);
      outcome =
        content < 0 ? this.classifyPrefixedBytes(bytes, start, end, cursor) : this.classifyCriLine(bytes, start, content, end, cursor);
    }
    this.account(outcome, cursor);
  }

  /** A line dropped for its length, without being held in memory. */
  tooLong(lengthBytes: number, cursor: SourceCursor): void {
    cursor.position++;
    this.tooLongEntry(lengthBytes, cursor);
  }

  private tooLongEntry(lengthBytes: number, cursor: SourceCursor): void {
    this.entryBytes = undefined;
    this.entryText = `(${lengthBytes} bytes, longer than --max-line-bytes ${this.options.maxLineBytes})`;
    this.reason = 'line_too_long';
    this.account(REJECT, cursor);
  }

  /** One element of a JSON document (a top-level array). */
  item(value: unknown, cursor: SourceCursor): void {
    cursor.position++;
    this.raw.seen = 0;
    this.entryBytes = undefined;
    this.entryText = undefined;
    this.account(classifyValue(value, cursor, 0, this), cursor);
  }

  /** Counts an entry that is not a call record for a reason of the source itself (e.g. truncated_gzip). */
  rejectEntry(reason: string, description: string, cursor: SourceCursor): void {
    cursor.position++;
    this.entryBytes = undefined;
    this.entryText = description;
    this.reason = reason;
    this.account(REJECT, cursor);
  }

  /** End of a source: fragments still waiting for their end become entries of their own. */
  flush(cursor: SourceCursor): void {
    for (const [stream, pending] of cursor.criPending) {
      cursor.criPending.delete(stream);
      if (pending.bytes > this.options.maxLineBytes) {
        this.tooLongEntry(pending.bytes, cursor);
        continue;
      }
      const joined = Buffer.concat(pending.chunks, pending.bytes);
      this.entryBytes = joined;
      this.entryStart = 0;
      this.entryEnd = joined.length;
      this.entryText = undefined;
      this.account(this.classifyPrefixedBytes(joined, 0, joined.length, cursor), cursor);
    }
    for (const [stream, text] of cursor.dockerPending) {
      cursor.dockerPending.delete(stream);
      this.abandonFragment(text === DOCKER_TOO_LONG ? null : text, cursor);
    }
  }

  abandonFragment(text: string | null, cursor: SourceCursor): void {
    const { entryBytes, entryStart, entryEnd, entryText } = this;
    if (text === null) {
      this.tooLongEntry(this.options.maxLineBytes + 1, cursor);
    } else {
      this.entryBytes = undefined;
      this.entryText = text;
      this.account(classifyText(text, cursor, 1, this), cursor);
    }
    this.entryBytes = entryBytes;
    this.entryStart = entryStart;
    this.entryEnd = entryEnd;
    this.entryText = entryText;
  }

  entryOfLine(outcome: Outcome, cursor: SourceCursor): void {
    this.account(outcome, cursor);
  }

  validate(): Outcome {
    const record = this.batch?.slot ?? this.scratch;
    const reason = validateRecord(this.raw, this.options.localToUtc, record);
    if (reason === null) {
      const kinds = this.raw.kinds;
      const cache = this.tally.cacheLogging;
      if (record.cacheReadTokens > 0) cache.readCalls++;
      if (((kinds[F.cache_creation_tokens] as number) | (kinds[F.cache_creation_input_tokens] as number) | (kinds[F.cache_creation_1h_tokens] as number)) !== KIND_ABSENT) cache.writeFieldCalls++;
      return RECORD;
    }
    this.reason = reason;
    return REJECT;
  }

  private classifyCriLine(bytes: Buffer, start: number, content: number, end: number, cursor: SourceCursor): Outcome {
    const joined = joinCriFragments(bytes, start, content, end, cursor, this.options.maxLineBytes);
    if (joined === 'partial') return PARTIAL;
    if (joined === 'too_long') {
      this.reason = 'line_too_long';
      return REJECT;
    }
    if (joined === undefined) return this.classifyPrefixedBytes(bytes, content, end, cursor);
    this.entryBytes = joined;
    this.entryStart = 0;
    this.entryEnd = joined.length;
    return this.classifyPrefixedBytes(joined, 0, joined.length, cursor);
  }

  /** Text with an optional prefix (logging formatter, kubectl --timestamps/--prefix) before the JSON object. */
  private classifyPrefixedBytes(bytes: Buffer, start: number, end: number, cursor: SourceCursor): Outcome {
    // A bounded loop, not bytes.indexOf: indexOf would search past `end` into the rest of the chunk.
    let brace = start;
    while (brace < end && bytes[brace] !== OPEN_BRACE) brace++;
    if (brace === end) return this.textOnly();
    return this.classifyObjectBytes(bytes, brace, end, start, cursor);
  }

  /** Noise without an object in it: no fields (the noise sample must not take the line before's). */
  private textOnly(): Outcome {
    this.raw.seen = 0;
    return NOISE;
  }

  private classifyObjectBytes(bytes: Buffer, brace: number, end: number, lineStart: number, cursor: SourceCursor): Outcome {
    const raw = this.raw;
    raw.reset();
    const wasm = this.wasm;
    const scanned = wasm !== undefined && wasm.holds(bytes) ? wasm.scan(brace, end, raw) : scanFlatObject(bytes, brace, end, raw, this.interner);
    if (scanned) {
      if ((raw.seen & RECORD_KEY_MASK) !== 0) return this.validate();
      if ((raw.seen & WRAPPER_KEY_MASK) === 0) return NOISE;
    }
    return classifyText(bytes.toString('utf8', lineStart, end), cursor, 0, this);
  }

  private account(outcome: Outcome, cursor: SourceCursor): void {
    const tally = this.tally;
    if (outcome === PARTIAL) return;
    tally.lines++;
    if (outcome === RECORD) {
      if (this.batch !== undefined) this.keepForDedupe(this.batch);
      else {
        tally.records++;
        this.sink.add(this.scratch);
      }
    } else if (outcome === NOISE) {
      tally.noise++;
      this.noteNoise(cursor);
    } else {
      this.recordReject(cursor);
    }
  }

  /** Keeps the noise line closest to a record; and, while no record was found, looks for a Python app's log. */
  private noteNoise(cursor: SourceCursor): void {
    const tally = this.tally;
    const seen = this.raw.seen & RECORD_FIELD_MASK;
    const closest = tally.closestNoise;
    const closer = closest === undefined || fieldCount(seen) > closest.fields.length;
    if (!closer && tally.records !== 0) return; // the common case: nothing decoded, nothing made
    const excerpt = this.excerpt();
    if (closer) tally.closestNoise = { where: cursor.where(), excerpt, fields: recordFieldsIn(seen) };
    if (tally.records === 0) notePythonLogging(excerpt, tally.pythonLogging);
  }

  private keepForDedupe(batch: RecordOutput): void {
    const raw = this.raw;
    const kind = raw.kinds[F.request_id];
    if (!this.options.dedupe) {
      batch.keep(false, 0, 0);
      return;
    }
    if (kind === KIND_NUMBER) {
      const bytes = Buffer.from(String(raw.nums[F.request_id]));
      batch.keep(true, hashBytesA(bytes, 0, bytes.length), hashBytesB(bytes, 0, bytes.length));
    } else {
      batch.keep(kind === KIND_STRING, raw.requestIdHashA, raw.requestIdHashB);
    }
  }

  private recordReject(cursor: SourceCursor): void {
    const { tally, reason, options } = this;
    if (!options.strict && !tally.wantsDetail(reason, options.verbose)) {
      tally.reject(reason, undefined);
      return;
    }
    const rejection = { where: cursor.where(), reason, detail: this.detailOf(reason), excerpt: this.excerpt() };
    if (options.strict) {
      tally.reject(reason, rejection);
      throw new InputError(`${rejection.where}: ${rejection.detail}\n  ${rejection.excerpt}\n(--strict stops at the first line that is not a valid call record)`, tally.counts());
    }
    tally.reject(reason, rejection);
  }

  private detailOf(reason: string): string {
    if (reason.startsWith('invalid_record:')) return describeInvalidField(this.raw, reason);
    if (reason === 'invalid_json') return `invalid_json: ${this.jsonError}`;
    return reason;
  }

  private excerpt(): string {
    if (this.entryText !== undefined) return excerptOf(this.entryText);
    if (this.entryBytes === undefined) return '';
    const end = Math.min(this.entryEnd, this.entryStart + 480);
    return excerptOf(this.entryBytes.toString('utf8', this.entryStart, end));
  }
}

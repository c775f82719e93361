/**
 * The general path for entries the byte scanner does not take: decoded text and parsed JSON values. Finds the
 * call record inside the envelopes of docs/definitions.md — a text prefix before the object, structured-log wrappers
 * (`message`, `msg`, `log`, `jsonPayload`, structlog's `event`, loguru's `text` and `record`, as an object or a
 * JSON string), and Docker json-file lines whose `log`
 * chunks are joined until one ends in '\n'.
 */
import type { SourceCursor } from './cursor.js';
import type { RawFields } from './rawFields.js';
import { RECORD_KEY_MASK, WRAPPER_NAMES } from './rawFields.js';
import { fillFromObject } from './record.js';
import { isOtlpBatch, otlpEntries } from './otlp.js';
import { isLiteLlmPayload, liteLlmRecord } from './litellm.js';
import type { OtelAttributeNames } from '../core/types.js';
import { NOISE, type Outcome, PARTIAL, RECORD, REJECT } from './outcome.js';

/** The classifier state the general path reads and writes (implemented by LineClassifier). */
export interface EnvelopeContext {
  readonly raw: RawFields;
  readonly options: { readonly maxLineBytes: number; readonly otel: OtelAttributeNames };
  reason: string;
  jsonError: string;
  /** Validates `raw` into the scratch record: RECORD or REJECT. */
  validate(): Outcome;
  /** Counts held fragments that will never be completed as an entry of their own (null: past the line limit). */
  abandonFragment(text: string | null, cursor: SourceCursor): void;
  /** Counts an entry of the line before the line's last (an OTLP batch holds many), as soon as it is classified. */
  entryOfLine(outcome: Outcome, cursor: SourceCursor): void;
}

/** Wrappers nest (a GCP entry around a Docker line around a Python log line), but not without end. */
const MAX_DEPTH = 4;
/** A text prefix may itself contain braces ("worker {3} {...}"): try a few before giving up. */
const MAX_BRACE_TRIES = 4;

/**
 * JSON.parse's message without the " (line 1 column 95)" that Node 22 and later add to the position every version
 * gives: the same input gets the same report on every supported runtime.
 */
export function parserMessage(error: unknown): string {
  return (error as Error).message.replace(/ \(line \d+ column \d+\)$/, '');
}

export function classifyText(text: string, cursor: SourceCursor, depth: number, context: EnvelopeContext): Outcome {
  if (text.includes('\0')) text = text.replaceAll('\0', '');
  let brace = text.indexOf('{');
  if (brace < 0) return NOISE;
  const bare = text.trimStart().startsWith('{');
  for (let tries = 0; brace >= 0 && tries < MAX_BRACE_TRIES; tries++) {
    let value: unknown;
    try {
      value = JSON.parse(brace === 0 ? text : text.slice(brace));
    } catch (error) {
      if (tries === 0) context.jsonError = parserMessage(error);
      brace = text.indexOf('{', brace + 1);
      continue;
    }
    const outcome = classifyValue(value, cursor, depth, context);
    // In a line that starts with '{' a later object counts only as a record ("{main} INFO {...}"): an object
    // nested in a broken record is not the line's meaning.
    if (!bare || tries === 0 || outcome === RECORD) return outcome;
    break;
  }
  // Unparseable. A line that is JSON-shaped, or mentions a record's keys, is a broken record; else it is prose.
  if (bare || text.includes('"latency_ms"') || text.includes('"timestamp"')) {
    context.reason = 'invalid_json';
    return REJECT;
  }
  return NOISE;
}

export function classifyValue(value: unknown, cursor: SourceCursor, depth: number, context: EnvelopeContext): Outcome {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return NOISE;
  fillFromObject(value, context.raw);
  if ((context.raw.seen & RECORD_KEY_MASK) !== 0) return context.validate();
  if (depth >= MAX_DEPTH) return NOISE;
  const object = value as Record<string, unknown>;
  if (depth === 0 && isOtlpBatch(object)) return classifyOtlp(object, cursor, context);
  if (isLiteLlmPayload(object)) return classifyValue(liteLlmRecord(object), cursor, MAX_DEPTH, context); // a flat record
  const log = Object.hasOwn(object, 'log') ? object['log'] : undefined;
  if (typeof log === 'string' && (Object.hasOwn(object, 'stream') || Object.hasOwn(object, 'time'))) {
    return classifyDockerChunk(log, String(object['stream'] ?? ''), cursor, depth, context);
  }
  // Several wrappers may be present ({"msg": "request done", "log": "{...}"}): the first that holds a record wins.
  let outcome: Outcome = NOISE;
  for (const key of WRAPPER_NAMES) {
    if (!Object.hasOwn(object, key)) continue;
    const inner = object[key];
    let found: Outcome = NOISE;
    if (typeof inner === 'string') found = classifyText(inner, cursor, depth + 1, context);
    else if (typeof inner === 'object' && inner !== null) found = classifyValue(inner, cursor, depth + 1, context);
    if (found === RECORD) return RECORD;
    if (outcome === NOISE) outcome = found;
  }
  return outcome;
}

/** Each span and log record of an OTLP batch is an entry: all but the last are counted here, the last by the caller. */
function classifyOtlp(batch: Record<string, unknown>, cursor: SourceCursor, context: EnvelopeContext): Outcome {
  const entries = [...otlpEntries(batch, context.options.otel)];
  let outcome: Outcome = NOISE;
  entries.forEach((entry, i) => {
    if (i > 0) context.entryOfLine(outcome, cursor);
    context.raw.seen = 0; // what a noise entry held is its own, not the entry's before
    if (entry.kind === 'call') outcome = classifyValue(entry.record, cursor, MAX_DEPTH, context); // a flat record: no wrappers
    else if (entry.kind === 'other') outcome = NOISE;
    else outcome = typeof entry.content === 'string' ? classifyText(entry.content, cursor, 1, context) : classifyValue(entry.content, cursor, 1, context);
  });
  return outcome;
}

/** Docker json-file splits long lines into `log` chunks; only the last one ends in '\n'. */
function classifyDockerChunk(
  chunk: string,
  stream: string,
  cursor: SourceCursor,
  depth: number,
  context: EnvelopeContext,
): Outcome {
  let held = cursor.dockerPending.get(stream);
  if (!chunk.endsWith('\n')) {
    // Fluent Bit, Vector and Loki also ship `{"log": ..., "time": ...}`, without Docker's trailing newline: a
    // chunk that is a whole record by itself is one, and whatever was held for the stream becomes its own entry.
    if (held !== undefined && looksWhole(chunk)) {
      cursor.dockerPending.delete(stream);
      context.abandonFragment(held === DOCKER_TOO_LONG ? null : held, cursor);
      held = undefined;
    }
    if (held === undefined) {
      const alone = classifyText(chunk, cursor, depth + 1, context);
      if (alone === RECORD || (alone === NOISE && !chunk.includes('{'))) return alone;
    }
  }
  const text = held === undefined ? chunk : held === DOCKER_TOO_LONG ? held : held + chunk;
  const tooLong = text === DOCKER_TOO_LONG || text.length > context.options.maxLineBytes;
  if (!chunk.endsWith('\n')) {
    // Past the limit keep a marker, not the text: the final chunk then reports line_too_long.
    cursor.dockerPending.set(stream, tooLong ? DOCKER_TOO_LONG : text);
    return PARTIAL;
  }
  cursor.dockerPending.delete(stream);
  if (tooLong) {
    context.reason = 'line_too_long';
    return REJECT;
  }
  const line = text.endsWith('\r\n') ? text.slice(0, -2) : text.slice(0, -1);
  return classifyText(line, cursor, depth + 1, context);
}

function looksWhole(chunk: string): boolean {
  const text = chunk.trim();
  return text.startsWith('{') && text.endsWith('}');
}

/** Held in place of Docker chunks that already exceed --max-line-bytes. */
export const DOCKER_TOO_LONG = '\u0000too long\u0000';

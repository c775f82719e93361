/**
 * OpenTelemetry's OTLP/JSON, as the Collector's file exporter writes it: a line is one TracesData
 * (`resourceSpans[].scopeSpans[].spans[]`) or LogsData (`resourceLogs[].scopeLogs[].logRecords[]`) batch, and each
 * span or log record in it is an entry of its own.
 *
 * A span with GenAI attributes (OpenTelemetry's GenAI conventions, as OpenLLMetry/Traceloop and OpenLIT write them)
 * becomes a call record: model, token usage, cache reads and writes, latency from its start and end, the error from
 * its status and `error.type`. A log record's body (or, failing that, its attributes) is read as any other line.
 *
 * `gen_ai.usage.input_tokens` means two things. The GenAI conventions (v1.40 on, and OpenLLMetry since 2024) count
 * Anthropic's cache reads and writes in it; OpenLIT writes Anthropic's own `input_tokens`, which leaves them out.
 * OpenLIT marks its spans (`telemetry.sdk.name: openlit`); for every other writer the cache tokens are taken off.
 */
import type { OtelAttributeNames } from '../core/types.js';
import { anthropicStopReason, definedFields, errorFields, inputWithoutCache, objectOf, objectsIn, tokenCount } from './foreignRecords.js';

/** Stand-ins for the entries of a batch: a call record as a flat object, or a log record's content to read as a line. */
export type OtlpEntry = { readonly kind: 'call'; readonly record: Record<string, unknown> } | { readonly kind: 'log'; readonly content: unknown } | { readonly kind: 'other' };

type Attributes = ReadonlyMap<string, unknown>;

/** Whether a parsed line is an OTLP/JSON batch. */
export function isOtlpBatch(object: Record<string, unknown>): boolean {
  return Array.isArray(object['resourceSpans']) || Array.isArray(object['resourceLogs']);
}

/** Each span and log record of the batch, in order. */
export function* otlpEntries(batch: Record<string, unknown>, names: OtelAttributeNames): Generator<OtlpEntry> {
  for (const resourceSpans of objectsIn(batch['resourceSpans'])) {
    const resource = attributesOf(objectOf(resourceSpans['resource'])['attributes']);
    // `instrumentationLibrarySpans`: the name before OTLP 0.15 (2022).
    for (const scope of [...objectsIn(resourceSpans['scopeSpans']), ...objectsIn(resourceSpans['instrumentationLibrarySpans'])]) {
      for (const span of objectsIn(scope['spans'])) yield spanEntry(span, resource, names);
    }
  }
  for (const resourceLogs of objectsIn(batch['resourceLogs'])) {
    const resource = attributesOf(objectOf(resourceLogs['resource'])['attributes']);
    for (const scope of [...objectsIn(resourceLogs['scopeLogs']), ...objectsIn(resourceLogs['instrumentationLibraryLogs'])]) {
      for (const log of objectsIn(scope['logRecords'])) yield logEntry(log, resource);
    }
  }
}

function spanEntry(span: Record<string, unknown>, resource: Attributes, names: OtelAttributeNames): OtlpEntry {
  const attributes = attributesOf(span['attributes']);
  const first = (...keys: string[]): unknown => {
    for (const key of keys) if (attributes.has(key)) return attributes.get(key);
    return undefined;
  };
  const model = first('gen_ai.response.model', 'gen_ai.request.model');
  const input = first('gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens');
  const output = first('gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens');
  if (model === undefined && input === undefined && output === undefined) return { kind: 'other' };
  const cacheRead = first('gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_read_input_tokens');
  const cacheWrite = first('gen_ai.usage.cache_creation.input_tokens', 'gen_ai.usage.cache_write.input_tokens', 'gen_ai.usage.cache_creation_input_tokens');
  const startNs = nanoseconds(span['startTimeUnixNano']);
  const endNs = nanoseconds(span['endTimeUnixNano']);
  const record: Record<string, unknown> = {
    timestamp: startNs === undefined ? undefined : Number(startNs / 1000n) / 1000,
    latency_ms: startNs === undefined || endNs === undefined || endNs < startNs ? undefined : Number(endNs - startNs) / 1e6,
    request_id: first('gen_ai.response.id') ?? spanId(span),
    model,
    input_tokens: isOpenLit(attributes, resource) ? input : inputWithoutCache(input, tokenCount(cacheRead) ?? 0, tokenCount(cacheWrite) ?? 0),
    output_tokens: output,
    cache_read_input_tokens: cacheRead,
    cache_creation_input_tokens: cacheWrite,
    stop_reason: firstReason(first('gen_ai.response.finish_reasons')),
    feature: named(names.feature, attributes, resource) ?? first('gen_ai.agent.name', 'traceloop.workflow.name') ?? resource.get('service.name'),
    user_id: named(names.user, attributes, resource) ?? first('user.id', 'enduser.id', 'traceloop.association.properties.user_id'),
    ...errorOf(objectOf(span['status']), first('error.type'), first('http.response.status_code')),
  };
  return { kind: 'call', record: definedFields(record) };
}

/** A log record's body (a string to read as a line, or a map); without one, its attributes as an object. */
function logEntry(log: Record<string, unknown>, resource: Attributes): OtlpEntry {
  const body = valueOf(log['body']);
  if (typeof body === 'string' || (typeof body === 'object' && body !== null && !Array.isArray(body))) return { kind: 'log', content: body };
  const attributes = attributesOf(log['attributes']);
  if (attributes.size === 0) return { kind: 'other' };
  const time = nanoseconds(log['timeUnixNano']);
  const fields = Object.fromEntries(attributes);
  if (!Object.hasOwn(fields, 'timestamp') && time !== undefined) fields['timestamp'] = Number(time / 1000n) / 1000;
  if (!Object.hasOwn(fields, 'feature') && resource.has('service.name')) fields['feature'] = resource.get('service.name');
  return { kind: 'log', content: fields };
}

function isOpenLit(attributes: Attributes, resource: Attributes): boolean {
  return attributes.get('telemetry.sdk.name') === 'openlit' || resource.get('telemetry.sdk.name') === 'openlit';
}

/** The first finish reason, in Anthropic's words (OpenLLMetry maps them to OpenAI's). */
function firstReason(reasons: unknown): unknown {
  return anthropicStopReason(Array.isArray(reasons) ? reasons[0] : reasons);
}

/** A failed span (status ERROR, or an `error.type`): the type, else the status message, and an HTTP status ≥ 400. */
function errorOf(status: Record<string, unknown>, errorType: unknown, httpStatus: unknown): Record<string, unknown> {
  const failed = status['code'] === 2 || status['code'] === 'STATUS_CODE_ERROR' || errorType !== undefined;
  if (!failed) return {};
  const type = typeof errorType === 'string' && errorType !== '' ? errorType : status['message'];
  return { ...errorFields(type, typeof httpStatus === 'number' && httpStatus >= 400 ? httpStatus : undefined), stop_reason: 'error' };
}

/** The attribute named in the config, on the span or else on its resource. */
function named(name: string | undefined, attributes: Attributes, resource: Attributes): unknown {
  if (name === undefined) return undefined;
  return attributes.has(name) ? attributes.get(name) : resource.get(name);
}

function spanId(span: Record<string, unknown>): string | undefined {
  const trace = span['traceId'];
  const id = span['spanId'];
  return typeof trace === 'string' && typeof id === 'string' && id !== '' ? `${trace}-${id}` : undefined;
}

/** A time in ns: a decimal string (OTLP/JSON's 64-bit integers), or a number. */
function nanoseconds(value: unknown): bigint | undefined {
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return BigInt(value);
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  return undefined;
}

/** `[{key, value: AnyValue}]` as a map of plain values. */
function attributesOf(list: unknown): Attributes {
  const attributes = new Map<string, unknown>();
  for (const entry of objectsIn(list)) if (typeof entry['key'] === 'string') attributes.set(entry['key'], valueOf(entry['value']));
  return attributes;
}

/** An AnyValue as plain data: 64-bit integers (decimal strings in OTLP/JSON) as numbers, arrays and maps unwrapped. */
function valueOf(value: unknown): unknown {
  const any = objectOf(value);
  if ('stringValue' in any) return any['stringValue'];
  if ('intValue' in any) {
    const number = Number(any['intValue']);
    return Number.isFinite(number) ? number : undefined;
  }
  if ('doubleValue' in any) return any['doubleValue'];
  if ('boolValue' in any) return any['boolValue'];
  if ('arrayValue' in any) return objectsIn(objectOf(any['arrayValue'])['values']).map(valueOf);
  if ('kvlistValue' in any) return Object.fromEntries(attributesOf(objectOf(any['kvlistValue'])['values']));
  return undefined;
}

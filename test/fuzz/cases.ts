/**
 * Seeded generators of hostile log lines for the fuzz suite: random bytes, valid records with bit flips, every
 * truncation of a record, field type swaps, extreme numbers, odd Unicode, deep nesting — each wrapped in one of the
 * envelopes claude-mon reads. Reproducible: the same seed gives the same bytes.
 */
import { FIELD_NAMES } from '../../src/input/rawFields.js';
import { random } from '../helpers.js';

const ODD_TEXT = [
  '\u202eevil\u202c', // bidi override
  'zero\u200bwidth\u2060',
  '\ud800', // lone surrogate
  '\udfff\ud800',
  '😀👩‍👩‍👧',
  '\u001b[31mred\u001b[0m\u001b]8;;http://x\u0007link',
  'back\bspace\rcarriage',
  '=1+1',
  '__proto__',
  'constructor',
  'hasOwnProperty',
  '',
  'x'.repeat(5000),
];

const ODD_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -0,
  -5,
  2 ** 53 + 1,
  1e308,
  -1e308,
  Number.MIN_VALUE,
  '1e400',
  '-0',
  'NaN',
  '12',
  [],
  [1, 2],
  {},
  { nested: { deeper: [1, { x: 'y' }] } },
  ...ODD_TEXT,
];

const RAW_NUMBERS = ['1e400', '-1e400', '1e-400', '-0', '9007199254740993', '00012', '1.', '.5', '+1', '1e', '0x1F', '123456789012345678901234567890'];


export function validRecord(next: () => number, i: number): Record<string, unknown> {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  return {
    timestamp: new Date(Date.UTC(2026, 10, 20) + Math.floor(next() * 6 * 86_400_000)).toISOString(),
    request_id: `req-${Math.floor(next() * 1e6)}-${i}`,
    user_id: pick(['alice', 'bob', ...ODD_TEXT]),
    feature: pick(['chat', 'search', ...ODD_TEXT]),
    model: pick(['claude-sonnet-4-5', 'claude-haiku-4-5', 'anthropic/claude-opus-4-5', 'my-model']),
    input_tokens: Math.floor(next() * 300_000),
    output_tokens: Math.floor(next() * 4000),
    cached_tokens: Math.floor(next() * 50_000),
    latency_ms: Math.round(next() * 30_000_000) / 1000,
    stop_reason: pick(['end_turn', 'max_tokens', null]),
    error: next() < 0.1 ? 'RateLimitError' : null,
    error_status: next() < 0.1 ? 429 : null,
  };
}

/** One hostile payload (the JSON part of a line, or any bytes). */
export function payload(next: () => number, i: number): string {
  const record = validRecord(next, i);
  const json = JSON.stringify(record);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  switch (Math.floor(next() * 12)) {
    case 0: // random bytes (no newline), as latin1 text
      return Array.from({ length: Math.floor(next() * 200) }, () => String.fromCharCode(Math.floor(next() * 256))).join('').replaceAll('\n', ' ');
    case 1: {
      // a valid record with a few bit flips
      const bytes = Buffer.from(json);
      for (let flips = 1 + Math.floor(next() * 3); flips > 0; flips--) {
        const at = Math.floor(next() * bytes.length);
        bytes[at] = (bytes[at] as number) ^ (1 << Math.floor(next() * 8));
      }
      return bytes.toString('latin1').replaceAll('\n', ' ');
    }
    case 2: // cut short anywhere
      return json.slice(0, Math.floor(next() * json.length));
    case 3: {
      // a field's value swapped for another type or an extreme value
      const field = FIELD_NAMES[Math.floor(next() * FIELD_NAMES.length)] as string;
      return JSON.stringify({ ...record, [field]: ODD_VALUES[Math.floor(next() * ODD_VALUES.length)] });
    }
    case 4: {
      // a number the JSON grammar allows or not, written raw
      const field = ['latency_ms', 'input_tokens', 'timestamp', 'error_status'][Math.floor(next() * 4)] as string;
      return json.replace(new RegExp(`"${field}":[^,}]*`), `"${field}":${RAW_NUMBERS[Math.floor(next() * RAW_NUMBERS.length)]}`);
    }
    case 5: {
      // deep nesting
      const depth = Math.floor(next() * 3000);
      return `${'{"a":'.repeat(depth)}${json}${'}'.repeat(depth)}`;
    }
    case 6: // timestamps of every form, and out of range
      return JSON.stringify({
        ...record,
        timestamp: [1795687200, 1795687200123, 1795687200123456, '2026-02-29T00:00:00Z', '9999-12-31T23:59:59+14:00', '1970-01-01T00:00:00-14:00', '2026-11-26T10:00:00', '10000-01-01T00:00:00Z', -1e20][Math.floor(next() * 9)],
      });
    case 7: // duplicate keys and unknown keys
      return `${json.slice(0, -1)},"feature":"second","unknown":{"x":[1,2,3]},"latency_ms":-1}`;
    case 8: {
      // a LiteLLM spend log of the record, a field of it odd
      const odd = ODD_VALUES[Math.floor(next() * ODD_VALUES.length)];
      const spend = { id: record.request_id, call_type: 'acompletion', status: pick(['success', 'failure', odd]), startTime: 1795687200 + i, endTime: 1795687201 + i, model: record.model, prompt_tokens: record.input_tokens, completion_tokens: record.output_tokens, response_cost: 0.01, metadata: { usage_object: { cache_read_input_tokens: record.cached_tokens } } };
      const key = pick(Object.keys(spend)) as keyof typeof spend;
      return JSON.stringify({ ...spend, [key]: odd });
    }
    case 9: {
      // an OTLP/JSON span of the record, an attribute odd
      const odd = ODD_VALUES[Math.floor(next() * ODD_VALUES.length)];
      const attributes = [
        { key: 'gen_ai.request.model', value: { stringValue: record.model } },
        { key: 'gen_ai.usage.input_tokens', value: { intValue: String(record.input_tokens) } },
        { key: 'gen_ai.usage.cache_read.input_tokens', value: next() < 0.5 ? { intValue: String(record.cached_tokens) } : { intValue: odd } },
        { key: 'error.type', value: { stringValue: odd } },
      ];
      const span = { traceId: 'ab', spanId: String(i), startTimeUnixNano: pick(['1795687200000000000', odd, 1795687200000]), endTimeUnixNano: '1795687201000000000', attributes, status: { code: pick([0, 2, odd]) } };
      return JSON.stringify({ resourceSpans: [{ resource: { attributes: pick([[], odd]) }, scopeSpans: [{ spans: [span, odd] }] }] });
    }
    default:
      return json;
  }
}

/** The payload in one of the envelopes of docs/definitions.md; some envelopes split it over several physical lines. */
export function wrap(next: () => number, text: string): string {
  const time = '2026-11-26T10:00:00.000000001Z';
  switch (Math.floor(next() * 10)) {
    case 0:
      return `INFO:root:${text}`;
    case 1:
      return `${time} stdout F ${text}`;
    case 2: {
      const cut = Math.floor(next() * text.length);
      return `${time} stderr P ${text.slice(0, cut)}\n${time} stderr F ${text.slice(cut)}`;
    }
    case 3:
      return JSON.stringify({ log: `${text}\n`, stream: 'stdout', time });
    case 4:
      return `${time} ${text}`;
    case 5:
      return `[pod/api-7d9f/api] ${text}`;
    case 6: // structlog's JSON renderer, the record as a string in "event"
      return JSON.stringify({ event: text, level: 'info', timestamp: time });
    case 7: // loguru's serialize=True
      return JSON.stringify({ text: `${time} | INFO | app:call:1 - ${text}\n`, record: { extra: {}, message: text, time: { timestamp: 1795687200 } } });
    case 8: // an OTLP/JSON LogsData batch (the Collector's file exporter), the line as a log record's body beside another
      return JSON.stringify({ resourceLogs: [{ resource: {}, scopeLogs: [{ scope: {}, logRecords: [{ timeUnixNano: '1795687200000000000', body: { stringValue: 'starting' } }, { body: { stringValue: text } }] }] }] });
    default:
      return text;
  }
}

/** `count` hostile entries as one log text. */
export function hostileLog(seed: number, count: number): string {
  const next = random(seed);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) lines.push(wrap(next, payload(next, i)));
  // A duplicate now and then: the same line again.
  for (let i = 0; i < count / 50; i++) lines.push(lines[Math.floor(next() * lines.length)] as string);
  return `${lines.join('\n')}\n`;
}

/**
 * Writes a realistic, seeded call log: 8 features, 5,000 users, 3 models, lognormal latencies, ~2% errors
 * (429s, 529s, connection errors), cache reads and writes, µs timestamps over 7 days. Styles:
 * - compact: one compact JSON object per line;
 * - python: `INFO:root:` + Python json.dumps spacing (the seed's `logging.info(json.dumps(...))`);
 * - mixed: the envelopes of docs/definitions.md that a Kubernetes deployment mixes, every line a record: CRI container
 *   log lines (`<RFC 3339 ns>Z stdout F {...}` and `... stderr F INFO:root:{...}`), `kubectl logs --timestamps`
 *   (`<RFC 3339 ns>Z {...}` and `... INFO:root:{...}`), Python logging and bare JSON.
 * The same seed gives the same records in every style (the envelope draws use a second generator), so the files
 * differ only in their wrapping. Usage: node bench/generate-logs.mjs LINES FILE [compact|python|mixed] [START SPAN_MS SEED]
 * (START an ISO time, default 2026-11-19; SPAN_MS default 7 days; SEED a number mixed into the seed, so that the days
 * of a rotated log differ).
 */
import { createWriteStream } from 'node:fs';

const [lines = '1000000', file = 'bench/data/logs.jsonl', style = 'compact', startAt = '2026-11-19T00:00:00Z', spanMs = String(7 * 86_400_000), seed = '0'] = process.argv.slice(2);
const count = Number(lines);
if (!['compact', 'python', 'mixed'].includes(style)) throw new Error(`unknown style ${style}: compact, python or mixed`);
/** mulberry32: a small seeded generator, so every run writes the same file. */
const generator = (initial) => {
  let seed = initial;
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};
const random = generator(0x2026_1126 + Number(seed));
const envelopeRandom = generator(0x00c0_ffee);
const gaussian = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
const FEATURES = ['chat', 'search', 'doc_summary', 'code_review', 'support_bot', 'translate', 'extract', 'classify'];
const MODELS = ['claude-sonnet-4-5-20250929', 'claude-haiku-4-5', 'claude-opus-4-5'];
const start = Date.parse(startAt);
const span = Number(spanMs);
const hex = (n) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');

const pythonDumps = (record) => JSON.stringify(record).replaceAll('","', '", "').replaceAll('":', '": ');
/** An RFC 3339 time with nanoseconds, as the container runtime and kubectl --timestamps write it: a few ms after the call. */
const nanoTime = (ms) => {
  const logged = ms + 1 + Math.floor(envelopeRandom() * 20);
  return `${new Date(logged).toISOString().slice(0, 23)}${String(Math.floor(envelopeRandom() * 1e6)).padStart(6, '0')}Z`;
};
function mixedLine(record, ms) {
  const pick = envelopeRandom();
  if (pick < 0.2) return `${nanoTime(ms)} stdout F ${JSON.stringify(record)}`; // CRI, an app logging bare JSON
  if (pick < 0.4) return `${nanoTime(ms)} stderr F INFO:root:${pythonDumps(record)}`; // CRI, Python logging (stderr)
  if (pick < 0.55) return `${nanoTime(ms)} ${JSON.stringify(record)}`; // kubectl logs --timestamps
  if (pick < 0.7) return `${nanoTime(ms)} INFO:root:${pythonDumps(record)}`; // kubectl logs --timestamps, Python
  if (pick < 0.85) return `INFO:root:${pythonDumps(record)}`; // kubectl logs, Python logging
  return JSON.stringify(record); // kubectl logs, bare JSON
}
function line(record, ms) {
  if (style === 'python') return `INFO:root:${pythonDumps(record)}`;
  if (style === 'mixed') return mixedLine(record, ms);
  return JSON.stringify(record);
}

const out = createWriteStream(file, { highWaterMark: 1 << 20 });
let buffer = '';
for (let i = 0; i < count; i++) {
  const feature = FEATURES[Math.floor(random() ** 1.6 * FEATURES.length)];
  const model = MODELS[Math.floor(random() ** 2 * MODELS.length)];
  const failure = random();
  const error = failure < 0.01 ? 'RateLimitError' : failure < 0.015 ? 'OverloadedError' : failure < 0.02 ? 'APIConnectionError' : null;
  const status = error === 'RateLimitError' ? 429 : error === 'OverloadedError' ? 529 : null;
  const input = Math.floor(200 + random() * 4000);
  const cached = random() < 0.6 ? Math.floor(random() * 20000) : 0;
  const ms = start + Math.floor((i / count) * span) + Math.floor(random() * 1000);
  const record = {
    timestamp: `${new Date(ms).toISOString().slice(0, 23)}${String(Math.floor(random() * 1000)).padStart(3, '0')}+00:00`,
    request_id: `req_${hex(24)}`,
    user_id: `user-${Math.floor(random() ** 3 * 5000)}`,
    feature,
    model,
    input_tokens: error === null ? input : 0,
    output_tokens: error === null ? Math.floor(20 + random() * 1500) : 0,
    cached_tokens: error === null ? cached : 0,
    cache_creation_tokens: error === null && random() < 0.1 ? Math.floor(random() * 5000) : 0,
    latency_ms: Math.round(Math.exp(6.8 + 0.7 * gaussian() + feature.length / 10) * 1000) / 1000,
    stop_reason: error !== null ? 'error' : random() < 0.03 ? 'max_tokens' : random() < 0.2 ? 'tool_use' : 'end_turn',
    error,
    error_status: status,
  };
  buffer += line(record, ms) + '\n';
  if (buffer.length > 1 << 20) {
    if (!out.write(buffer)) await new Promise((resolve) => out.once('drain', resolve));
    buffer = '';
  }
}
out.end(buffer);
await new Promise((resolve) => out.on('finish', resolve));

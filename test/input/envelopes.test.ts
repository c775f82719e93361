import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { accountedLines, fixture, readRecords, temporaryDirectory } from '../helpers.js';

/** The three calls every envelope fixture carries (see fixtures/README.md), as CallRecords. */
const THREE_CALLS = [
  {
    timestampMs: Date.UTC(2026, 10, 26, 10, 0, 0, 250),
    userId: 'alice',
    feature: 'chat',
    model: 'claude-sonnet-4-5',
    inputTokens: 1000,
    outputTokens: 200,
    cacheReadTokens: 5000,
    cacheWriteTokens: 0,
    latencyMs: 1200.5,
    stopReason: 'end_turn',
    error: null,
    errorStatus: null,
  },
  {
    timestampMs: Date.UTC(2026, 10, 26, 10, 5),
    userId: 'bob',
    feature: 'chat',
    model: 'claude-sonnet-4-5',
    inputTokens: 2000,
    outputTokens: 100,
    cacheReadTokens: 0,
    cacheWriteTokens: 1000,
    latencyMs: 800,
    stopReason: 'max_tokens',
    error: null,
    errorStatus: null,
  },
  {
    timestampMs: Date.UTC(2026, 10, 26, 10, 10),
    userId: 'alice',
    feature: 'search',
    model: 'claude-haiku-4-5',
    inputTokens: 300,
    outputTokens: 50,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    latencyMs: 300,
    stopReason: 'error',
    error: 'RateLimitError',
    errorStatus: 429,
  },
];

const ENVELOPES: [file: string, noiseLines: number][] = [
  ['bare.jsonl', 0],
  ['python-json-dumps.jsonl', 0],
  ['python-logging.log', 1],
  ['text-prefix.log', 2],
  ['kubectl-timestamps.log', 0],
  ['kubectl-prefix.log', 1],
  ['cri.log', 1],
  ['docker-json-file.log', 1],
  ['fluent-bit.jsonl', 2],
  ['bracket-prefix.log', 0],
  ['structured-wrappers.jsonl', 1],
  ['gcloud-document.json', 1],
  ['structlog.jsonl', 1],
  ['loguru-serialize.jsonl', 1],
  ['python-json-logger.jsonl', 1],
  ['otel-traces.jsonl', 1],
  ['otel-logs.jsonl', 1],
  ['litellm-spend-logs.jsonl', 1],
  ['rotated-two-members.jsonl.gz', 0],
  ['gzip-without-gz-name.log', 0],
];

describe('every envelope of docs/definitions.md yields the same three calls', () => {
  it.each(ENVELOPES)('%s', async (file, noiseLines) => {
    const { records, tally } = await readRecords([fixture(`envelopes/${file}`)]);
    expect(records).toMatchObject(THREE_CALLS);
    expect(records).toHaveLength(3);
    expect(tally.noise).toBe(noiseLines);
    expect(tally.skippedTotal()).toBe(0);
    expect(accountedLines(tally)).toBe(tally.lines);
  });

  it('joins CRI partial lines per stream, so an interleaved stdout line does not break the stderr record', async () => {
    const { tally } = await readRecords([fixture('envelopes/cri.log')]);
    // 7 physical lines: the P fragments are joined into their F line, giving 4 entries.
    expect(tally.lines).toBe(4);
  });

  it('joins Docker json-file chunks until one ends in a newline', async () => {
    const { tally } = await readRecords([fixture('envelopes/docker-json-file.log')]);
    expect(tally.lines).toBe(4);
  });

  it('takes a newline-less `log` field (Fluent Bit, Vector) as a whole entry, not a Docker chunk to hold', async () => {
    const { tally } = await readRecords([fixture('envelopes/fluent-bit.jsonl')]);
    // Five lines, five entries: "worker {3} started" was held as a possible chunk, then counted when a record came.
    expect(tally.lines).toBe(5);
  });

  it('reads lines starting like a JSON array ("[{main}] INFO {...}") as lines, from stdin too', async () => {
    const { readFileSync } = await import('node:fs');
    const { records } = await readRecords(['-'], { stdin: readFileSync(fixture('envelopes/bracket-prefix.log')) });
    expect(records).toMatchObject(THREE_CALLS);
  });

  it('finds the record after a prefix that starts with a brace, and in any of several wrapper keys', async () => {
    const file = path.join(temporaryDirectory(), 'odd-prefixes.log');
    const record = '{"timestamp": "2026-11-26T10:00:00Z", "feature": "chat", "latency_ms": 5}';
    writeFileSync(
      file,
      [
        `{main} INFO ${record}`,
        JSON.stringify({ msg: 'request done', log: record }),
        '{"timestamp": "2026-11-26T10:00:00Z", "latency_ms": 5, "meta": {"a": 1}', // cut: invalid_json, not noise
      ].join('\n'),
    );
    const { records, tally } = await readRecords([file]);
    expect(records).toHaveLength(2);
    expect(Object.fromEntries(tally.skipped)).toEqual({ invalid_json: 1 });
  });

  it('reads stdin like a file', async () => {
    const { readFileSync } = await import('node:fs');
    const { records } = await readRecords(['-'], { stdin: readFileSync(fixture('envelopes/python-logging.log')) });
    expect(records).toMatchObject(THREE_CALLS);
  });

  it('reads a directory recursively, log-like names only, in name order', async () => {
    const { records, tally } = await readRecords([fixture('envelopes')]);
    // Every file here is named like a log (.jsonl, .log, .json, .gz), each with the same three calls, deduplicated by request_id.
    expect(tally.files).toBe(ENVELOPES.length);
    expect(records).toHaveLength(3);
    expect(tally.duplicates).toBe(3 * (ENVELOPES.length - 1));
  });
});

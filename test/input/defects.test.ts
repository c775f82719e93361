import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { accountedLines, fixture, readRecords, temporaryDirectory } from '../helpers.js';

describe('line-level defects', () => {
  it('strips CR, a BOM and NUL runs; a blank line is noise', async () => {
    const { records, tally } = await readRecords([fixture('defects/crlf-bom-nul.jsonl')]);
    expect(records.map((r) => r.feature)).toEqual(['chat', 'chat', 'search']);
    expect(tally).toMatchObject({ lines: 4, records: 3, noise: 1 });
  });

  it('reads a final line without a newline', async () => {
    const { records } = await readRecords([fixture('defects/no-final-newline.jsonl')]);
    expect(records).toHaveLength(3);
    expect(records[2]?.feature).toBe('search');
  });

  it('keeps what a truncated gzip decoded and counts the cut line as truncated_gzip', async () => {
    const { records, tally } = await readRecords([fixture('defects/truncated.jsonl.gz')]);
    expect(records).toHaveLength(22);
    expect(records.map((r) => r.inputTokens)).toEqual(Array.from({ length: 22 }, (_, i) => 100 + i));
    expect(Object.fromEntries(tally.skipped)).toEqual({ truncated_gzip: 1 });
    expect(tally.truncated).toEqual([expect.stringContaining('truncated gzip')]);
    expect(accountedLines(tally)).toBe(tally.lines);
  });

  it('keeps every record of a gzip followed by bytes that are not gzip, and says the rest was ignored', async () => {
    const { records, tally } = await readRecords([fixture('defects/gzip-trailing-garbage.jsonl.gz')]);
    expect(records.map((r) => r.inputTokens)).toEqual([1000, 2000, 300]);
    expect(tally.truncated).toEqual([expect.stringContaining('ignored bytes after gzip member 1 that are not gzip')]);
    expect(tally.skipped.size).toBe(0);
  });

  it('keeps the records of a gzip member whose CRC is wrong, and reports the failed check', async () => {
    const { records, tally } = await readRecords([fixture('defects/gzip-bad-crc.jsonl.gz')]);
    expect(records).toHaveLength(3);
    expect(tally.truncated).toEqual([expect.stringContaining('CRC or length check failed in member 1')]);
  });

  it('ignores zero padding after the last gzip member, as gzip(1) does', async () => {
    const { records, tally } = await readRecords([fixture('defects/gzip-zero-padded.jsonl.gz')]);
    expect(records).toHaveLength(3);
    expect(tally.truncated).toEqual([]);
  });

  it('reads gzip headers with a name, comment, extra field and header CRC, across many members', async () => {
    const lines = readFileSync(fixture('envelopes/bare.jsonl'));
    const plain = gzipSync(lines);
    // Rebuild the header with every optional field (FHCRC|FEXTRA|FNAME|FCOMMENT), as other gzip writers emit.
    const header = Buffer.concat([
      Buffer.from([0x1f, 0x8b, 8, 2 | 4 | 8 | 16, 0, 0, 0, 0, 0, 3]),
      Buffer.from([3, 0, 1, 2, 3]),
      Buffer.from('app.jsonl\0comment\0', 'latin1'),
      Buffer.from([0xaa, 0xbb]),
    ]);
    const fancy = Buffer.concat([header, plain.subarray(10)]);
    const file = path.join(temporaryDirectory(), 'members.jsonl.gz');
    // Each member small, so members and their headers straddle the reader's slices and chunks.
    writeFileSync(file, Buffer.concat(Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? fancy : plain))));
    const { records, tally } = await readRecords([file], { dedupe: false });
    expect(records).toHaveLength(1200);
    expect(tally.truncated).toEqual([]);
  });

  it('drops repeated request ids, keeping the first delivery', async () => {
    const { records, tally } = await readRecords([fixture('defects/duplicates.jsonl')]);
    expect(records.map((r) => r.userId)).toEqual(['alice', 'bob', 'alice']);
    expect(tally.duplicates).toBe(2);
    const kept = await readRecords([fixture('defects/duplicates.jsonl')], { dedupe: false });
    expect(kept.records).toHaveLength(5);
  });

  it('counts every invalid record by the field at fault', async () => {
    const { records, tally } = await readRecords([fixture('defects/invalid-records.jsonl')]);
    expect(records).toHaveLength(1);
    expect(Object.fromEntries(tally.skipped)).toEqual({
      'invalid_record:timestamp': 2,
      'invalid_record:latency_ms': 3,
      'invalid_record:input_tokens': 1,
      'invalid_record:output_tokens': 1,
      'invalid_record:cached_tokens': 1,
      'invalid_record:feature': 1,
      invalid_json: 1,
    });
    expect(tally.firstReject).toMatchObject({
      where: `${fixture('defects/invalid-records.jsonl')}:1`,
      detail: 'timestamp: expected an ISO 8601 time or an epoch number, got "yesterday"',
    });
    expect(tally.examples.get('invalid_record:latency_ms')?.map((e) => e.detail)).toEqual([
      'latency_ms: expected a non-negative number (of ms, below 9e12), got nothing (the key is missing)',
      'latency_ms: expected a non-negative number (of ms, below 9e12), got -1',
      'latency_ms: expected a non-negative number (of ms, below 9e12), got "12ms"',
    ]);
  });

  it('reads malformed optional fields as absent, keeping the call, and rejects a latency too large to be one', async () => {
    const file = path.join(temporaryDirectory(), 'odd-fields.jsonl');
    const base = '"timestamp": "2026-11-26T10:00:00Z", "feature": "chat", "latency_ms": 5';
    writeFileSync(
      file,
      [
        `{${base}, "stop_reason": 7, "service_tier": ["batch"], "error_status": 0}`,
        `{${base}, "error": ["boom"], "error_status": "Too Many Requests"}`,
        `{${base}, "error_status": 4290}`,
        `{"timestamp": "2026-11-26T10:00:00Z", "latency_ms": 1e306}`,
        `{"timestamp": "2026-11-26T10:00:00Z", "latency_ms": 9007199254741}`,
        `{"timestamp": "2026-11-26T10:00:00Z", "latency_ms": 9007199254740}`,
      ].join('\n'),
    );
    const { records, tally } = await readRecords([file]);
    expect(records.slice(0, 3)).toMatchObject([
      { stopReason: null, batch: false, errorStatus: null, error: null },
      { error: 'error', errorStatus: null },
      { error: null, errorStatus: null },
    ]);
    expect(records[3]?.latencyMs).toBe(9_007_199_254_740);
    expect(Object.fromEntries(tally.skipped)).toEqual({ 'invalid_record:latency_ms': 2 });
  });

  it('applies defaults, aliases, epoch seconds/ms, offsets and batch', async () => {
    const { records } = await readRecords([fixture('defects/defaults-and-aliases.jsonl')], { tz: 'Europe/Berlin' });
    expect(records).toMatchObject([
      { timestampMs: 1795687200_000, userId: 'anonymous', feature: 'unknown', model: 'unknown', inputTokens: 10 },
      { timestampMs: 1795687200_500, userId: 'anonymous', feature: 'unknown', cacheReadTokens: 40, cacheWriteTokens: 8 },
      { timestampMs: Date.UTC(2026, 10, 26, 10, 0), userId: '42', cacheWriteTokens: 100, cacheWrite1hTokens: 60, batch: true },
      // No offset: read in --tz (Berlin is UTC+1 in November).
      { timestampMs: Date.UTC(2026, 10, 26, 9, 0), errorStatus: 529, error: null },
    ]);
  });

  it('is an error-free read of pure noise: every line is counted as noise', async () => {
    const { records, tally } = await readRecords([fixture('defects/noise-only.log')]);
    expect(records).toHaveLength(0);
    expect(tally).toMatchObject({ lines: 4, noise: 4 });
  });

  it('skips over-long lines whole, even across chunks, and keeps the lines around them', async () => {
    const directory = temporaryDirectory();
    const file = path.join(directory, 'long.jsonl');
    const good = '{"timestamp": "2026-11-26T10:00:00Z", "feature": "chat", "latency_ms": 5}';
    const huge = `{"timestamp": "2026-11-26T10:00:00Z", "feature": "${'x'.repeat(3_000_000)}", "latency_ms": 5}`;
    writeFileSync(file, `${good}\n${huge}\n${good.replace('chat', 'search')}\n${huge}`);
    const { records, tally } = await readRecords([file]);
    expect(records.map((r) => r.feature)).toEqual(['chat', 'search']);
    expect(Object.fromEntries(tally.skipped)).toEqual({ line_too_long: 2 });
    expect(tally.examples.get('line_too_long')?.[0]?.where).toBe(`${file}:2`);
    // The limit is configurable.
    const strictLimit = await readRecords([file], { maxLineBytes: 50 });
    expect(strictLimit.records).toHaveLength(0);
    expect(Object.fromEntries(strictLimit.tally.skipped)).toEqual({ line_too_long: 4 });
  });

  it('bounds CRI and Docker fragments by the same limit', async () => {
    const directory = temporaryDirectory();
    const cri = path.join(directory, 'cri.log');
    const fragment = (tag: string, text: string): string => `2026-11-26T10:00:00.000000001Z stderr ${tag} ${text}`;
    writeFileSync(cri, [fragment('P', 'a'.repeat(600)), fragment('P', 'b'.repeat(600)), fragment('F', '}'), fragment('F', 'tail')].join('\n'));
    const { tally } = await readRecords([cri], { maxLineBytes: 1000 });
    expect(Object.fromEntries(tally.skipped)).toEqual({ line_too_long: 1 });
    expect(tally.noise).toBe(1);

    const docker = path.join(directory, 'docker.log');
    const chunk = (log: string): string => JSON.stringify({ log, stream: 'stderr', time: '2026-11-26T10:00:00Z' });
    // A long record split by Docker: its first chunk is the start of a JSON object.
    const start = `{"timestamp": "2026-11-26T10:00:00Z", "feature": "${'x'.repeat(700)}`;
    writeFileSync(docker, [chunk(start), chunk('y'.repeat(700)), chunk('"}\n')].join('\n'));
    const read = await readRecords([docker], { maxLineBytes: 1000 });
    expect(Object.fromEntries(read.tally.skipped)).toEqual({ line_too_long: 1 });
  });

  it('reads a gzip whose lines straddle member boundaries and multi-megabyte output', async () => {
    const directory = temporaryDirectory();
    const file = path.join(directory, 'big.log');
    const lines = Array.from({ length: 20_000 }, (_, i) =>
      JSON.stringify({ timestamp: 1795687200 + i, request_id: `r${i}`, feature: `f${i % 7}`, latency_ms: i % 1000 }),
    ).join('\n');
    const cut = lines.length >> 1; // mid-line: the two members split a line
    writeFileSync(file, Buffer.concat([gzipSync(lines.slice(0, cut)), gzipSync(`${lines.slice(cut)}\n`)]));
    const { records, tally } = await readRecords([file]);
    expect(records).toHaveLength(20_000);
    expect(tally.lines).toBe(20_000);
  });
});

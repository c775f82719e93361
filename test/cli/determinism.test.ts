/**
 * Property: the same records, split across any number of files, in any line order, with duplicates delivered in
 * any of the files, give byte-identical JSON (apart from the count of files read).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { random, runCli, temporaryDirectory } from '../helpers.js';

function makeLines(next: () => number, count: number): string[] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  return Array.from({ length: count }, (_, i) => {
    const error = next() < 0.1 ? pick(['RateLimitError', 'OverloadedError', 'APIConnectionError']) : null;
    const record = {
      timestamp: new Date(Date.UTC(2026, 10, 20) + Math.floor(next() * 6 * 86_400_000)).toISOString(),
      request_id: `req-${i}`,
      user_id: pick(['alice', 'bob', '__proto__', 'constructor']),
      feature: pick(['chat', 'search', 'doc_summary']),
      model: pick(['claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-5', 'homegrown-model']),
      input_tokens: Math.floor(next() * 300_000),
      output_tokens: Math.floor(next() * 4000),
      cached_tokens: Math.floor(next() * 50_000),
      cache_creation_tokens: Math.floor(next() * 3000),
      latency_ms: Math.round(next() * 30_000_000) / 1000,
      stop_reason: pick(['end_turn', 'max_tokens', 'tool_use']),
      error,
      error_status: error === 'RateLimitError' ? 429 : null,
      service_tier: next() < 0.2 ? 'batch' : 'standard',
    };
    const json = JSON.stringify(record);
    return pick([json, `INFO:root:${json}`, `2026-11-26T10:00:00.000000001Z stderr F ${json}`]);
  });
}

function shuffle<T>(items: T[], next: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

async function summarise(files: string[], by: string): Promise<string> {
  return report(['summary', '--by', by], files);
}

/** The command's JSON without the count of files read; exit 0 (alerts: 0 to 3, whatever the rules found). */
async function report(command: readonly string[], files: string[]): Promise<string> {
  const run = await runCli([...command, '--json', '-q', ...files]);
  expect(run.code).toBeLessThanOrEqual(command[0] === 'alerts' ? 3 : 0);
  const document = JSON.parse(run.stdout);
  delete document.input.files;
  return JSON.stringify(document);
}

/** The lines in `parts` shuffled files (odd ones gzipped), with the first 200 lines delivered twice. */
function splitShuffled(lines: readonly string[], parts: number, name: string, next: () => number, directory: string): string[] {
  const shuffled = shuffle([...lines, ...lines.slice(0, 200)], next);
  const files: string[] = [];
  for (let part = 0; part < parts; part++) {
    const file = path.join(directory, `${name}-${part}.log${part % 2 === 1 ? '.gz' : ''}`);
    const text = `${shuffled.filter((_, i) => i % parts === part).join('\n')}\n`;
    writeFileSync(file, part % 2 === 1 ? gzipSync(text) : text);
    files.push(file);
  }
  return shuffle(files, next);
}

describe('any split and any order of the same records give identical JSON', () => {
  const next = random(42);
  // 1,500 calls: more than 256 in the big groups, so both exact and HDR latency paths are exercised.
  const lines = makeLines(next, 1500);
  const directory = temporaryDirectory();
  const single = path.join(directory, 'all.jsonl');
  writeFileSync(single, `${lines.join('\n')}\n`);

  it.each([
    ['feature', 2],
    ['model,user', 5],
    ['day,status', 9],
  ])('--by %s, split into %i files', async (by, parts) => {
    const expected = await summarise([single], by);
    for (let trial = 0; trial < 3; trial++) {
      const files = splitShuffled(lines, parts, `t${trial}-${by}`, next, directory);
      const actual = JSON.parse(await summarise(files, by));
      const reference = JSON.parse(expected);
      // The duplicates add lines and duplicate counts; everything else must be identical.
      expect(actual.input.duplicates).toBe(200);
      actual.input.lines -= 200;
      actual.input.duplicates = 0;
      expect(JSON.stringify(actual)).toBe(JSON.stringify(reference));
    }
  });

  // The one-pass folds of the other commands: money summed per minute and per user, windows and rankings.
  it.each([
    [['dashboard', '--now', 'latest']],
    [['trend', '--now', 'latest', '--by', 'user']],
    [['alerts', '--now', 'latest']],
    [['alerts', '--now', '2026-11-25T18:00:00Z', '--by', 'user']],
  ])('%j, split into 4 files', async (command) => {
    const expected = JSON.parse(await report(command, [single]));
    for (let trial = 0; trial < 2; trial++) {
      const actual = JSON.parse(await report(command, splitShuffled(lines, 4, `${command[0]}-${trial}`, next, directory)));
      expect(actual.input.duplicates).toBe(200);
      actual.input.lines -= 200;
      actual.input.duplicates = 0;
      expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
    }
  });
});

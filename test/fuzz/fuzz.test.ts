/**
 * Fuzzing: hostile lines through every envelope, seeded and reproducible. Invariants: nothing
 * throws, every entry is accounted for (records + duplicates + noise + Σ skipped = lines), and the binary exits 0 or
 * 1 with no stack trace and a parseable JSON report. FUZZ_CASES sets the number of generated entries (`npm run fuzz`
 * runs a million); a failure names its seed, so `FUZZ_SEED=n` reruns just that one.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { accountedLines, random, readRecords, ROOT, temporaryDirectory } from '../helpers.js';
import { hostileLog, validRecord, wrap } from './cases.js';

const CASES = Number(process.env['FUZZ_CASES'] ?? 120_000);
const PER_SEED = 20_000;
const SEEDS = process.env['FUZZ_SEED'] !== undefined ? [Number(process.env['FUZZ_SEED'])] : Array.from({ length: Math.ceil(CASES / PER_SEED) }, (_, i) => 1000 + i);

describe(`fuzzing: ${SEEDS.length * PER_SEED} hostile entries through every envelope`, () => {
  it.each(SEEDS)('seed %i: nothing throws, every entry is accounted for', async (seed) => {
    const { records, tally } = await readRecords(['-'], { stdin: Buffer.from(hostileLog(seed, PER_SEED)), maxLineBytes: 64 * 1024 });
    expect(accountedLines(tally)).toBe(tally.lines);
    expect(tally.lines).toBeGreaterThanOrEqual(PER_SEED);
    expect(records.length).toBe(tally.records);
    for (const record of records) {
      expect(Number.isFinite(record.timestampMs)).toBe(true);
      expect(record.latencyMs).toBeGreaterThanOrEqual(0);
      expect(Number.isSafeInteger(record.inputTokens) && record.inputTokens >= 0).toBe(true);
    }
  }, 120_000);

  it('a record cut at every byte, in every envelope: the cut lines are rejected or noise, never a crash', async () => {
    const next = random(7);
    const json = JSON.stringify(validRecord(next, 1));
    const lines: string[] = [];
    for (let cut = 0; cut <= json.length; cut++) for (let envelope = 0; envelope < 7; envelope++) lines.push(wrap(next, json.slice(0, cut)));
    const { tally } = await readRecords(['-'], { stdin: Buffer.from(`${lines.join('\n')}\n`) });
    expect(accountedLines(tally)).toBe(tally.lines);
    // Only the uncut record (in whatever envelope) can be a record, and it is one request id: the rest are duplicates.
    expect(tally.records).toBeLessThanOrEqual(1);
  });

  it('the binary on hostile files: exit 0 or 1, no stack trace, a JSON report whose counts add up', () => {
    const directory = temporaryDirectory();
    for (const seed of [1, 2]) {
      const file = path.join(directory, `hostile-${seed}.log`);
      writeFileSync(file, hostileLog(seed, 5000));
      const run = spawnSync('node', [path.join(ROOT, 'bin', 'claude-mon.cjs'), 'summary', '--json', '--by', 'feature,user,status', file], { encoding: 'utf8', maxBuffer: 256 << 20, timeout: 120_000 });
      expect([0, 1]).toContain(run.status);
      expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
      const report = JSON.parse(run.stdout);
      const input = report.input;
      const skipped = Object.values(input.skipped as Record<string, number>).reduce((sum, n) => sum + n, 0);
      expect(input.records + input.duplicates + input.noise + skipped).toBe(input.lines);
      expect(report.total.calls).toBe(input.records);
    }
  }, 60_000);
});

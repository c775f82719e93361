/**
 * `claude-mon serve` following a file through rotations faster than it could once keep up with (faster than it
 * looks at the name, too), a truncation that grows past where the file was read to within one poll, and
 * copytruncate before the lines were read: every line counted once (issue 20's notes have the numbers before: 58%
 * lost at a rotation a second, 1,000 of 5,000 lines skipped after such a truncation).
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, copyFileSync, existsSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../helpers.js';
import { serve, type Serving, stopAll, total, until } from './prometheus.js';

afterEach(stopAll);

const line = (n: number): string => `${JSON.stringify({ timestamp: new Date().toISOString(), feature: 'chat', latency_ms: 5, request_id: `r${n}` })}\n`;
const lines = (from: number, count: number): string => Array.from({ length: count }, (_, i) => line(from + i)).join('');

async function counted(serving: Serving): Promise<number> {
  return total((await serving.scrape()).text, 'claude_mon_calls_total');
}

/** logrotate's way: app.log.N → app.log.N+1, app.log → app.log.1 (then a new app.log, or a copy and a truncation). */
function shiftRotated(file: string, rotations: number): void {
  for (let n = rotations; n >= 1; n--) if (existsSync(`${file}.${n}`)) renameSync(`${file}.${n}`, `${file}.${n + 1}`);
}

/** Root reads anything: served without the capabilities that let it, so permission bits apply as to anyone. */
const AS_ANYONE = process.getuid?.() === 0 ? ['setpriv', '--bounding-set=-dac_override,-dac_read_search'] : [];
/** Where root cannot drop them (no setpriv, or no right to), the permission tests cannot run. */
const PERMISSIONS_APPLY = AS_ANYONE.length === 0 || spawnSync(AS_ANYONE[0] as string, [...AS_ANYONE.slice(1), 'true']).status === 0;

/** `serve` run as anyone, following a new file, once it has counted the 10 lines first written to it. */
async function followedAsAnyone(): Promise<{ file: string; serving: Serving }> {
  const file = path.join(temporaryDirectory(), 'app.log');
  writeFileSync(file, '');
  const serving = await serve([file], undefined, AS_ANYONE);
  appendFileSync(file, lines(0, 10));
  expect(await until(async () => (await counted(serving)) === 10, 10_000)).toBe(true);
  return { file, serving };
}

describe('claude-mon serve through rotations and truncations', () => {
  it('counts every line once when the file is mv-rotated every 300 ms at 20,000 lines a second', async () => {
    const file = path.join(temporaryDirectory(), 'app.log');
    writeFileSync(file, '');
    const serving = await serve([file]);
    let written = 0;
    let rotations = 0;
    let rotatedAt = Date.now();
    const started = Date.now();
    while (Date.now() - started < 3000) {
      appendFileSync(file, lines(written, 200));
      written += 200;
      if (Date.now() - rotatedAt >= 300) {
        shiftRotated(file, rotations);
        renameSync(file, `${file}.1`);
        writeFileSync(file, '');
        rotations++;
        rotatedAt = Date.now();
      }
      await sleep(10);
    }
    expect(rotations).toBeGreaterThanOrEqual(8);
    expect(await until(async () => (await counted(serving)) === written, 15_000), `${await counted(serving)} of ${written}`).toBe(true);
  }, 60_000);

  it('reads a file truncated and grown past where it was read to within one poll again from its start', async () => {
    const file = path.join(temporaryDirectory(), 'app.log');
    writeFileSync(file, '');
    const serving = await serve([file]);
    for (let round = 0; round < 5; round++) {
      appendFileSync(file, lines(round * 20_000, 5000));
      expect(await until(async () => (await counted(serving)) === round * 11_000 + 5000, 10_000)).toBe(true);
      // Truncated and 6,000 lines written at once: longer than the 5,000 read, before the next poll.
      truncateSync(file, 0);
      appendFileSync(file, lines(round * 20_000 + 10_000, 6000));
      expect(await until(async () => (await counted(serving)) === (round + 1) * 11_000, 10_000), `round ${round}: ${await counted(serving)}`).toBe(true);
    }
  }, 120_000);

  it('counts every line once when the file is mv-rotated every 60 ms, faster than the name is looked at (200 ms)', async () => {
    const file = path.join(temporaryDirectory(), 'app.log');
    writeFileSync(file, '');
    const serving = await serve([file]);
    let written = 0;
    let rotations = 0;
    const started = Date.now();
    while (Date.now() - started < 3000) {
      appendFileSync(file, lines(written, 1000));
      written += 1000;
      shiftRotated(file, rotations);
      renameSync(file, `${file}.1`);
      writeFileSync(file, '');
      rotations++;
      await sleep(60);
    }
    expect(rotations).toBeGreaterThanOrEqual(20);
    expect(await until(async () => (await counted(serving)) === written, 15_000), `${await counted(serving)} of ${written}; ${serving.stderr()}`).toBe(true);
    expect(total((await serving.scrape()).text, 'claude_mon_input_lines_total', ['outcome="duplicate"'])).toBe(0); // none read twice
  }, 60_000);

  it('reads what was written before a copytruncate and not read yet from the copy, and says when no copy is found', async () => {
    const file = path.join(temporaryDirectory(), 'app.log');
    writeFileSync(file, '');
    const serving = await serve([file]);
    const rounds = 5;
    for (let round = 0; round < rounds; round++) {
      appendFileSync(file, lines(round * 10_000, 10));
      expect(await until(async () => (await counted(serving)) === round * 3020 + 10, 10_000)).toBe(true);
      // Written, copied and truncated at once: most of it is read from the copy.
      appendFileSync(file, lines(round * 10_000 + 10, 3000));
      shiftRotated(file, round);
      copyFileSync(file, `${file}.1`);
      truncateSync(file, 0);
      appendFileSync(file, lines(round * 10_000 + 5000, 10));
      expect(await until(async () => (await counted(serving)) === (round + 1) * 3020, 10_000), `round ${round}: ${await counted(serving)}`).toBe(true);
    }
    const truncations = async (rest: string): Promise<number> => total((await serving.scrape()).text, 'claude_mon_input_truncations_total', [`rest="${rest}"`]);
    expect(await until(async () => (await truncations('copy')) === rounds, 5000)).toBe(true);
    expect(await truncations('lost')).toBe(0);
    // Truncated with no copy beside it (`: > app.log`): what may have been written before is lost, and said.
    truncateSync(file, 0);
    appendFileSync(file, lines(90_000, 10));
    expect(await until(async () => (await truncations('lost')) === 1, 10_000)).toBe(true);
    expect(serving.stderr()).toMatch(/app\.log was truncated in place after \d+ bytes were read.*no plain copy of it was found beside it.*delaycompress/);
    expect(await until(async () => (await counted(serving)) === rounds * 3020 + 10, 10_000)).toBe(true);
    // Then the name comes to hold a new file: the copies beside it are not taken for files it held meanwhile.
    shiftRotated(file, rounds);
    renameSync(file, `${file}.1`);
    writeFileSync(file, lines(95_000, 10));
    expect(await until(async () => (await counted(serving)) === rounds * 3020 + 20, 10_000)).toBe(true);
    await sleep(1000);
    const { text } = await serving.scrape();
    expect(total(text, 'claude_mon_calls_total')).toBe(rounds * 3020 + 20);
    // Not read twice, either (the request ids would hide it from the calls: duplicates are dropped).
    expect(total(text, 'claude_mon_input_lines_total', ['outcome="duplicate"'])).toBe(0);
  }, 120_000);

  it.runIf(PERMISSIONS_APPLY)('names the files beside it it may not read when no copy of a truncated file is found', async () => {
    const { file, serving } = await followedAsAnyone();
    // copytruncate with logrotate's `create 0600 root root`, as it were: a copy claude-mon may not read.
    appendFileSync(file, lines(10, 100));
    copyFileSync(file, `${file}.1`);
    chmodSync(`${file}.1`, 0);
    truncateSync(file, 0);
    appendFileSync(file, lines(5000, 10));
    const lost = async (): Promise<number> => total((await serving.scrape()).text, 'claude_mon_input_truncations_total', ['rest="lost"']);
    expect(await until(async () => (await lost()) === 1, 10_000)).toBe(true);
    expect(serving.stderr()).toContain(`its copy may be one of the files beside it that claude-mon may not read (${file}.1: permission denied). Let it read them`);
    expect(serving.stderr()).not.toContain('delaycompress');
  }, 30_000);

  it.runIf(PERMISSIONS_APPLY)('says once that a file rotated beside it could not be read, and reads on', async () => {
    const { file, serving } = await followedAsAnyone();
    // B, made unreadable, holds the name for a moment between two rotations: it is found beside it, and cannot be read.
    renameSync(file, `${file}.1`);
    writeFileSync(file, lines(100, 5), { mode: 0 });
    await sleep(50); // C made after B, as their birth times tell: B is not taken for a copy of C
    renameSync(`${file}.1`, `${file}.2`);
    renameSync(file, `${file}.1`);
    writeFileSync(file, lines(200, 10));
    expect(await until(async () => (await counted(serving)) === 20, 10_000)).toBe(true);
    // Another rotation, and the looks beside the name once a second: B is not told of again.
    renameSync(`${file}.2`, `${file}.3`);
    renameSync(`${file}.1`, `${file}.2`);
    renameSync(file, `${file}.1`);
    writeFileSync(file, lines(300, 10));
    expect(await until(async () => (await counted(serving)) === 30, 10_000)).toBe(true);
    await sleep(1500);
    expect(serving.stderr().split(`could not be read: permission denied.`)).toHaveLength(2);
    expect(serving.stderr()).toContain(`${file}.1, rotated beside ${file}, could not be read: permission denied.`);
  }, 30_000);
});

/** The planner's cuts and the files it holds open for the ranges (log rotation during a parallel read). */
import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planTasks, safeCut } from '../../src/input/parallelPlan.js';
import { TaskParser } from '../../src/input/parseTask.js';
import { temporaryDirectory } from '../helpers.js';

const line = (i: number): string =>
  JSON.stringify({ timestamp: '2026-11-26T10:00:00Z', request_id: `r-${i}`, feature: 'chat', model: 'claude-haiku-4-5', latency_ms: 5 });

describe('planTasks', () => {
  it('cuts a file at line boundaries only, never after a CRI P fragment or a Docker log chunk', () => {
    const clean = Array.from({ length: 20 }, (_, i) => line(i)).join('\n');
    const cut = safeCut(Buffer.from(`partial line\n${clean}\n`), Buffer.byteLength(`partial line\n${clean}\n`));
    expect(cut).toBeGreaterThan(0);
    expect(`partial line\n${clean}\n`[cut - 1]).toBe('\n');
    const cri = Array.from({ length: 20 }, () => `2026-11-26T10:00:00Z stdout P ${line(1)}`).join('\n');
    expect(safeCut(Buffer.from(`x\n${cri}\n`), Buffer.byteLength(`x\n${cri}\n`))).toBe(-1);
    const docker = Array.from({ length: 20 }, () => JSON.stringify({ log: line(1), stream: 'stdout' })).join('\n');
    expect(safeCut(Buffer.from(`x\n${docker}\n`), Buffer.byteLength(`x\n${docker}\n`))).toBe(-1);
  });

  it('reads the file as it was planned when log rotation renames it and starts a new one mid-read', async () => {
    const directory = temporaryDirectory();
    const file = path.join(directory, 'app.log');
    const count = 3000;
    writeFileSync(file, `${Array.from({ length: count }, (_, i) => line(i)).join('\n')}\n`);
    const sizeBytes = Buffer.byteLength(`${Array.from({ length: count }, (_, i) => line(i)).join('\n')}\n`);
    const plan = await planTasks([{ name: file, path: file, sizeBytes }], 16 << 10);
    expect(plan.tasks.length).toBeGreaterThan(5);
    // Rotation before any range is read: the old file moves away, a new one takes its name.
    renameSync(file, `${file}.1`);
    writeFileSync(file, `${line(-1)}\n`);
    let records = 0;
    const parser = new TaskParser({ tz: 'UTC', dedupe: true, verbose: false, maxLineBytes: 1 << 20, otel: {}, scanner: 'js' }, { sink: { add: () => void records++ }, ids: null });
    for (const task of plan.tasks) await parser.parse(task);
    await plan.close();
    expect(records).toBe(count);
  });
});

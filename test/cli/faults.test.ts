/**
 * Filesystem faults (issue 6 item 5): a missing file among good ones, a directory that links to itself, an empty
 * file and a FIFO are each reported or read, and never stop the others from being read.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, temporaryDirectory } from '../helpers.js';

const RECORD = `${JSON.stringify({ timestamp: '2026-11-26T10:00:00Z', feature: 'chat', model: 'claude-haiku-4-5', latency_ms: 5 })}\n`;

describe('filesystem faults', () => {
  it('a missing file among good ones: the others are read, exit 1, the message names it', async () => {
    const directory = temporaryDirectory();
    const good = path.join(directory, 'good.jsonl');
    writeFileSync(good, RECORD.repeat(3));
    const missing = path.join(directory, 'gone.jsonl');
    const run = await runCli(['summary', good, missing, '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).total.calls).toBe(3);
    expect(run.stderr).toContain(`cannot read ${missing}: no such file or directory`);
  });

  it('a directory that links to itself, and an empty file: read once, no hang, the records counted', async () => {
    const directory = temporaryDirectory();
    mkdirSync(path.join(directory, 'logs'));
    writeFileSync(path.join(directory, 'logs', 'app.jsonl'), RECORD.repeat(2));
    writeFileSync(path.join(directory, 'logs', 'empty.log'), '');
    symlinkSync(path.join(directory, 'logs'), path.join(directory, 'logs', 'loop'));
    const run = await runCli(['summary', path.join(directory, 'logs'), '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.total.calls).toBe(2);
    expect(report.input.files).toBe(2);
  });

  it('a FIFO is read to its end like a file', async () => {
    const directory = temporaryDirectory();
    const fifo = path.join(directory, 'pipe.log');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const writer = spawn('sh', ['-c', `printf '%s' '${RECORD.repeat(4).trimEnd()}' > '${fifo}'`]);
    const run = spawnSync('node', [path.join(ROOT, 'bin', 'claude-mon.js'), 'summary', '--json', fifo], { encoding: 'utf8', timeout: 20_000 });
    await new Promise((resolve) => writer.on('close', resolve));
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).total.calls).toBe(4);
  });
});

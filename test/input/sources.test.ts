import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandSources } from '../../src/input/sources.js';
import { temporaryDirectory } from '../helpers.js';

describe('directory arguments', () => {
  it('reads log-like names, rotated and dated copies included, and skips the rest', async () => {
    const directory = temporaryDirectory();
    const names = ['app.jsonl', 'app.log.1', 'app.log.2.gz', 'app.log-20261126', 'app.log-20261125.gz', 'api.log.2026-11-24.gz', 'events.ndjson'];
    for (const name of [...names, 'notes.txt', 'app.log.bak', 'core.dump']) writeFileSync(path.join(directory, name), '');
    const unreadable: string[] = [];
    const sources = await expandSources([directory], (message) => unreadable.push(message));
    expect(sources.map((source) => path.basename(source.name)).sort()).toEqual([...names].sort());
    expect(unreadable).toEqual([]);
  });

  it('says so when a directory holds no log file', async () => {
    const directory = path.join(temporaryDirectory(), 'empty');
    mkdirSync(directory);
    writeFileSync(path.join(directory, 'README.txt'), '');
    const unreadable: string[] = [];
    expect(await expandSources([directory], (message) => unreadable.push(message))).toEqual([]);
    expect(unreadable).toEqual([`${directory}: no log files in this directory (read: *.jsonl, *.ndjson, *.log, *.json, their rotated copies and .gz)`]);
  });
});

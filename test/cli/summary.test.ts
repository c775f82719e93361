import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, runCli, temporaryDirectory } from '../helpers.js';
import { schemaErrors } from './schema.js';

const THREE_CALLS = fixture('envelopes/python-logging.log');

describe('claude-mon summary: formats', () => {
  it('prints a table with a headline, one row per feature and a total row (snapshot, colour off)', async () => {
    const run = await runCli(['summary', THREE_CALLS]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    await expect(run.stdout).toMatchFileSnapshot('snapshots/summary-table.txt');
    expect(run.stdout).not.toMatch(/\x1b/);
  });

  it('prints JSON that validates against schemas/summary.schema.json, with exact numbers', async () => {
    const run = await runCli(['summary', THREE_CALLS, '--json']);
    expect(run.code).toBe(0);
    expect(schemaErrors('summary', run.stdout)).toEqual([]);
    const document = JSON.parse(run.stdout);
    expect(document).toMatchObject({
      schemaVersion: 1,
      kind: 'summary',
      range: { from: '2026-11-26T10:00:00.250Z', to: '2026-11-26T10:10:00.000Z' },
      timezone: 'UTC',
      groupBy: ['feature'],
      input: { files: 1, lines: 4, records: 3, duplicates: 0, noise: 1, skipped: {} },
      pricing: { asOf: '2026-11-26', unpricedModels: {} },
    });
    expect(document.groups.map((g: { key: unknown; calls: number }) => [g.key, g.calls])).toEqual([
      [{ feature: 'chat' }, 2],
      [{ feature: 'search' }, 1],
    ]);
    // chat: Sonnet 4.5, (1000·3 + 200·15 + 5000·0.3) + (2000·3 + 100·15 + 1000·3.75) per MTok
    expect(document.groups[0].costUsd).toBeCloseTo((3000 + 3000 + 1500 + 6000 + 1500 + 3750) / 1e6, 12);
    expect(document.total.tokens).toEqual({ input: 3300, output: 350, cacheRead: 5000, cacheWrite: 1000 });
  });

  it('prints CSV with a header, raw numbers and a total row; formula-like cells are neutralised', async () => {
    const directory = temporaryDirectory();
    const file = path.join(directory, 'evil.jsonl');
    writeFileSync(file, '{"timestamp": "2026-11-26T10:00:00Z", "feature": "=HYPERLINK(\\"http://x\\")", "latency_ms": 5}\n');
    const run = await runCli(['summary', file, '--format', 'csv']);
    const rows = run.stdout.trimEnd().split('\r\n');
    expect(rows[0]).toMatch(/^row,feature,calls,errors,error_rate,/);
    expect(rows[1]).toMatch(/^group,"'=HYPERLINK\(""http:\/\/x""\)",1,0,0,/);
    expect(rows[2]).toMatch(/^total,,1,0,0,/);
    for (const start of ['+', '-', '@']) {
      writeFileSync(file, `{"timestamp": "2026-11-26T10:00:00Z", "feature": "${start}cmd|' /C calc'!A0", "latency_ms": 5}\n`);
      const csv = await runCli(['summary', file, '--format', 'csv']);
      expect(csv.stdout.split('\r\n')[1], start).toMatch(new RegExp(`^group,"?'\\${start}cmd`));
    }
  });

  it('escapes control characters in CSV cells, as in tables', async () => {
    const file = path.join(temporaryDirectory(), 'ansi.jsonl');
    writeFileSync(file, '{"timestamp": "2026-11-26T10:00:00Z", "feature": "\\u001b]0;pwned\\u0007", "latency_ms": 5}\n');
    const run = await runCli(['summary', file, '--format', 'csv']);
    expect(run.stdout).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/); // only the \r\n row ends
    expect(run.stdout.split('\r\n')[1]).toMatch(/^group,\\x1b]0;pwned\\x07,1,/);
  });

  it('prints Markdown for chat, with | in values escaped', async () => {
    const directory = temporaryDirectory();
    const file = path.join(directory, 'pipes.jsonl');
    writeFileSync(file, '{"timestamp": "2026-11-26T10:00:00Z", "feature": "a|b", "latency_ms": 5}\n');
    const run = await runCli(['summary', file, '--format', 'markdown']);
    expect(run.stdout).toContain('| a\\|b | 1 | 0 | 0.0% |');
    expect(run.stdout).toContain('| **TOTAL** |');
  });

  it('escapes control characters and bidi overrides from log values in tables', async () => {
    const directory = temporaryDirectory();
    const file = path.join(directory, 'ansi.jsonl');
    writeFileSync(file, '{"timestamp": "2026-11-26T10:00:00Z", "feature": "\\u001b]0;pwned\\u0007red\\u202e", "latency_ms": 5}\n');
    const run = await runCli(['summary', file]);
    expect(run.stdout).toContain('\\x1b]0;pwned\\x07red\\u202e');
    expect(run.stdout).not.toMatch(/[\x1b\x07\u202e]/);
  });
});

describe('claude-mon summary: colour', () => {
  const colour = /\x1b\[/;
  it('colours a terminal, not a pipe', async () => {
    expect((await runCli(['summary', THREE_CALLS], { stdoutTTY: true })).stdout).toMatch(colour);
    expect((await runCli(['summary', THREE_CALLS], { stdoutTTY: false })).stdout).not.toMatch(colour);
  });
  it('honours NO_COLOR, --no-color, FORCE_COLOR and --color', async () => {
    expect((await runCli(['summary', THREE_CALLS], { stdoutTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toMatch(colour);
    expect((await runCli(['summary', THREE_CALLS, '--no-color'], { stdoutTTY: true })).stdout).not.toMatch(colour);
    expect((await runCli(['summary', THREE_CALLS], { env: { FORCE_COLOR: '1' } })).stdout).toMatch(colour);
    expect((await runCli(['summary', THREE_CALLS], { stdoutTTY: true, env: { FORCE_COLOR: '0' } })).stdout).not.toMatch(colour);
    expect((await runCli(['summary', THREE_CALLS, '--color'])).stdout).toMatch(colour);
  });
});

describe('claude-mon summary: ranges and grouping', () => {
  it('--since/--until with --now select records by their own timestamps: a duration is the window (now − d, now]', async () => {
    const run = await runCli(['summary', THREE_CALLS, '--json', '--now', '2026-11-26T10:10:00Z', '--since', '5m']);
    const document = JSON.parse(run.stdout);
    expect(document.range).toEqual({ from: '2026-11-26T10:05:00.000Z', to: '2026-11-26T10:10:00.000Z' });
    expect(document.total.calls).toBe(1); // 10:05 is the window before; 10:10 is now, and in
    const sinceTime = JSON.parse((await runCli(['summary', THREE_CALLS, '--json', '--since', '2026-11-26T10:05:00Z'])).stdout);
    expect(sinceTime.total.calls).toBe(2); // a time starts a span: 10:05 is in
    const until = JSON.parse((await runCli(['summary', THREE_CALLS, '--json', '--until', '2026-11-26T10:05:00Z'])).stdout);
    expect(until.total.calls).toBe(1); // --until a time is exclusive
    const windows = await Promise.all(['10m', '5m'].map(async (since) => JSON.parse((await runCli(['summary', THREE_CALLS, '--json', '--now', '2026-11-26T10:10:00Z', '--since', since, ...(since === '10m' ? ['--until', '5m'] : [])])).stdout).total.calls));
    expect(windows).toEqual([2, 1]); // (10:00, 10:05] and (10:05, 10:10]: consecutive windows share no call, miss none
  });

  it('--now latest replays old logs, also from stdin (read twice through a temporary file)', async () => {
    const stdin = readFileSync(THREE_CALLS);
    const run = await runCli(['summary', '--json', '--now', 'latest', '--since', '6m'], { stdin });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).total.calls).toBe(2);
  });

  it('--date picks a calendar day in --tz', async () => {
    const utc = JSON.parse((await runCli(['summary', THREE_CALLS, '--json', '--date', '2026-11-26'])).stdout);
    expect(utc.total.calls).toBe(3);
    // 10:00–10:10 UTC on the 26th is 23:00–23:10 on the 26th in Auckland (UTC+13): still that day there.
    const auckland = JSON.parse((await runCli(['summary', THREE_CALLS, '--json', '--date', '2026-11-26', '--tz', 'Pacific/Auckland'])).stdout);
    expect(auckland.range).toEqual({ from: '2026-11-25T11:00:00.000Z', to: '2026-11-26T11:00:00.000Z' });
    expect(auckland.total.calls).toBe(3);
    const yesterday = JSON.parse((await runCli(['summary', THREE_CALLS, '--json', '--date', 'yesterday', '--now', '2026-11-27T08:00:00Z'])).stdout);
    expect(yesterday.total.calls).toBe(3);
  });

  it('takes the time zone from the config file unless --tz is given; a bad config is a usage error (2)', async () => {
    const directory = temporaryDirectory();
    const config = path.join(directory, 'claude-mon.config.json');
    writeFileSync(config, JSON.stringify({ timezone: 'Pacific/Auckland' }));
    const fromConfig = JSON.parse((await runCli(['summary', THREE_CALLS, '--json', '--date', '2026-11-26', '--config', config])).stdout);
    expect(fromConfig).toMatchObject({ timezone: 'Pacific/Auckland', range: { from: '2026-11-25T11:00:00.000Z' } });
    const flag = JSON.parse((await runCli(['summary', THREE_CALLS, '--json', '--config', config, '--tz', 'UTC'])).stdout);
    expect(flag.timezone).toBe('UTC');
    writeFileSync(config, JSON.stringify({ timezone: 'Pacific/Auckland', rules: { error_rate: { treshold: 0.1 } } }));
    const bad = await runCli(['summary', THREE_CALLS, '--config', config]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('rules.error_rate.treshold: unknown key');
  });

  it('--by takes combinations', async () => {
    const document = JSON.parse((await runCli(['summary', THREE_CALLS, '--json', '--by', 'user,model'])).stdout);
    expect(document.groupBy).toEqual(['user', 'model']);
    expect(document.groups.map((g: { key: unknown }) => g.key)).toEqual([
      { user: 'alice', model: 'claude-haiku-4-5' },
      { user: 'alice', model: 'claude-sonnet-4-5' },
      { user: 'bob', model: 'claude-sonnet-4-5' },
    ]);
  });
});

describe('claude-mon summary: pricing', () => {
  const directory = temporaryDirectory();
  const logs = path.join(directory, 'custom.jsonl');
  writeFileSync(logs, '{"timestamp": "2026-11-26T10:00:00Z", "model": "acme-claude-proxy", "input_tokens": 1000000, "latency_ms": 5}\n');

  it('lists unpriced models with a warning and never counts them as $0', async () => {
    const run = await runCli(['summary', logs, '--json']);
    const document = JSON.parse(run.stdout);
    expect(document.pricing.unpricedModels).toEqual({ 'acme-claude-proxy': 1 });
    expect(document.total).toMatchObject({ unpricedCalls: 1, costUsd: 0, costPerCallUsd: null });
    expect(run.stderr).toContain('warning: cost excludes 1 calls of models without a price: acme-claude-proxy (1). Add them with --prices FILE.');
    const strict = await runCli(['summary', logs, '--strict']);
    expect(strict.code).toBe(1);
  });

  it('--prices adds a model', async () => {
    const prices = path.join(directory, 'prices.json');
    writeFileSync(prices, JSON.stringify({ models: { 'acme-claude-proxy': { input: 2.5, output: 10 } } }));
    const document = JSON.parse((await runCli(['summary', logs, '--json', '--prices', prices])).stdout);
    expect(document.total).toMatchObject({ unpricedCalls: 0, costUsd: 2.5 });
  });
});

describe('claude-mon summary: failures and exit codes', () => {
  it('reads the other files when one is missing, names it, and exits 1', async () => {
    const run = await runCli(['summary', '/nonexistent/app.jsonl', THREE_CALLS, '--json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('claude-mon: cannot read /nonexistent/app.jsonl: no such file or directory');
    const document = JSON.parse(run.stdout);
    expect(document.total.calls).toBe(3);
    expect(document.input.unreadable).toEqual(['/nonexistent/app.jsonl: no such file or directory']);
  });

  it('says "0 of N lines are Claude call records" for the wrong file, exit 1, one JSON document', async () => {
    const run = await runCli(['summary', fixture('defects/noise-only.log'), '--json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('0 of 4 lines are Claude call records — wrong file or format?');
    expect(run.stderr).toContain('noise-only.log:1: Starting server on :8080');
    expect(schemaErrors('error', run.stdout)).toEqual([]);
    expect(JSON.parse(run.stdout).input).toMatchObject({ lines: 4, noise: 4, records: 0 });
  });

  it('--strict stops at the first bad line with file:line, exit 1', async () => {
    const run = await runCli(['summary', fixture('defects/invalid-records.jsonl'), '--strict']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${fixture('defects/invalid-records.jsonl')}:1: timestamp: expected an ISO 8601 time or an epoch number, got "yesterday"`);
    expect(run.stdout).toBe('');
    const json = await runCli(['summary', fixture('defects/invalid-records.jsonl'), '--strict', '--json']);
    expect(schemaErrors('error', json.stdout)).toEqual([]);
    expect(JSON.parse(json.stdout).input).toMatchObject({ lines: 1, skipped: { 'invalid_record:timestamp': 1 } });
    // The file is closed when the run stops in its first piece (before, it stayed open until garbage collection).
    if (!existsSync('/proc/self/fd')) return; // not Linux: the open files cannot be listed
    const open = readdirSync('/proc/self/fd').map((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return ''; // closed while listed
      }
    });
    expect(open).not.toContain(fixture('defects/invalid-records.jsonl'));
  });

  it('reports skipped lines on stderr in one line, and examples with --verbose', async () => {
    const file = fixture('defects/invalid-records.jsonl');
    const run = await runCli(['summary', file]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      `skipped 10 of 11 lines: 3 invalid_record:latency_ms, 2 invalid_record:timestamp, 1 invalid_json, 1 invalid_record:cached_tokens, 1 invalid_record:feature, 1 invalid_record:input_tokens, 1 invalid_record:output_tokens; first at ${file}:1`,
    );
    const verbose = await runCli(['summary', file, '--verbose']);
    expect(verbose.stderr).toContain(`${file}:5: latency_ms: expected a non-negative number (of ms, below 9e12), got "12ms": {"timestamp"`);
    const quiet = await runCli(['summary', file, '--quiet']);
    expect(quiet.stderr).toBe('');
  });

  it.each([
    [['summary', THREE_CALLS, '--by', 'modle'], 'unknown --by key "modle" — did you mean "model"?'],
    [['summary', THREE_CALLS, '--format', 'xml'], "argument 'xml' is invalid"],
    [['summary', THREE_CALLS, '--tz', 'Mars/Olympus'], 'unknown time zone "Mars/Olympus"'],
    [['summary', THREE_CALLS, '--since', '10 minutes'], '--since "10 minutes": expected a duration like 10m'],
    [['summary', THREE_CALLS, '--unknown-flag'], "unknown option '--unknown-flag'"],
    [['summary', THREE_CALLS, '--date', 'today', '--since', '1h'], '--date'],
  ])('exits 2 on a usage error: %j', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe('');
  });

  it('prints one JSON error document for usage errors when --json was asked for', async () => {
    const run = await runCli(['summary', THREE_CALLS, '--json', '--by', 'nope']);
    expect(run.code).toBe(2);
    expect(schemaErrors('error', run.stdout)).toEqual([]);
    expect(JSON.parse(run.stdout)).toMatchObject({ kind: 'error', exitCode: 2 });
  });

  it('with no input on a terminal, prints how to use it and exits 2', async () => {
    const run = await runCli(['summary'], { stdinTTY: true });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('kubectl logs deploy/api | claude-mon summary');
  });

  it('an empty input is an empty summary, not an error', async () => {
    const run = await runCli(['summary', '--json'], { stdin: '' });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).total.calls).toBe(0);
    expect(run.stderr).toContain('no input');
  });

  it('-o writes the result atomically and nothing to stdout; an unwritable path exits 1', async () => {
    const directory = temporaryDirectory();
    const target = path.join(directory, 'report.json');
    const run = await runCli(['summary', THREE_CALLS, '--json', '-o', target]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(JSON.parse(readFileSync(target, 'utf8')).total.calls).toBe(3);
    expect(readdirSync(directory)).toEqual(['report.json']); // no temporary file left behind
    const failed = await runCli(['summary', THREE_CALLS, '-o', path.join(directory, 'missing', 'r.txt')]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('cannot write');
    expect(existsSync(path.join(directory, 'missing'))).toBe(false);
  });

  it('help exits 0', async () => {
    const run = await runCli(['summary', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--since <time>');
  });
});

describe('claude-mon summary: every envelope', () => {
  const answerOf = async (file: string): Promise<unknown> => {
    const run = await runCli(['summary', '--json', '-q', fixture(`envelopes/${file}`)]);
    expect(run.code, run.stderr).toBe(0);
    const { input: _input, ...answer } = JSON.parse(run.stdout);
    delete answer.pricing.reportedCost; // LiteLLM's own cost, beside claude-mon's (test/input/litellm.test.ts)
    return answer;
  };

  it('gives the same summary --json as the bare records (the input counts aside)', async () => {
    const bare = await answerOf('bare.jsonl');
    const others = readdirSync(fixture('envelopes')).filter((file) => file !== 'bare.jsonl');
    expect(others).toContain('structlog.jsonl');
    expect(others).toContain('loguru-serialize.jsonl');
    for (const file of others) expect(await answerOf(file), file).toEqual(bare);
  });
});

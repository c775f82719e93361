/**
 * `claude-mon serve` as Prometheus meets it: the real binary fed through a pipe or following real files, scraped
 * over HTTP, its scrapes checked by the real `promtool check metrics` (Debian's prometheus package, which .ci/run
 * installs when missing; without it those checks are skipped and say so).
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, readRecords, runCli, temporaryDirectory } from '../helpers.js';
import { BIN, HAS_PROMTOOL, NO_PROMTOOL, samples, serve, stopAll, total, until } from './prometheus.js';

afterEach(stopAll);

function promtoolCheckMetrics(text: string): { status: number | null; output: string } {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const call = (fields: Record<string, unknown>): string =>
  `${JSON.stringify({ timestamp: new Date().toISOString(), model: 'claude-sonnet-4-5-20250929', input_tokens: 100, output_tokens: 20, latency_ms: 800, stop_reason: 'end_turn', ...fields })}\n`;

describe('claude-mon serve', () => {
  it('counts what summary counts, per feature and model, from logs piped in', async () => {
    const log = readFileSync(fixture('sample/app.log'));
    const serving = await serve([]);
    serving.child.stdin.end(log);
    expect(await until(async () => /stdin ended/.test(serving.stderr()), 20_000)).toBe(true);
    // The first scrape shows each new pair at zero, so that Prometheus sees its first calls as an increase.
    const first = await serving.scrape();
    expect(total(first.text, 'claude_mon_calls_total')).toBe(0);
    expect(total(first.text, 'claude_mon_latency_seconds_count')).toBe(0);
    expect(first.text).toContain('claude_mon_calls_total{feature="chat",model="claude-sonnet-4-5-20250929",status_class="ok"} 0');
    const { status, contentType, text } = await serving.scrape();
    expect(status).toBe(200);
    expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');

    const summary = JSON.parse((await runCli(['summary', '--by', 'feature,model', '--json', fixture('sample/app.log')])).stdout);
    expect(summary.groups.length).toBeGreaterThan(3);
    for (const group of summary.groups) {
      const pair = [`feature=${JSON.stringify(group.key.feature)}`, `model=${JSON.stringify(group.key.model)}`];
      const where = `${group.key.feature} × ${group.key.model}`;
      expect(total(text, 'claude_mon_calls_total', pair), where).toBe(group.calls);
      expect(total(text, 'claude_mon_calls_total', [...pair, 'status_class="ok"']), where).toBe(group.calls - group.errors);
      expect(total(text, 'claude_mon_errors_total', pair), where).toBe(group.errors);
      expect(total(text, 'claude_mon_rate_limited_calls_total', pair), where).toBe(group.rateLimited);
      expect(total(text, 'claude_mon_max_tokens_stops_total', pair), where).toBe(group.maxTokensStops);
      expect(total(text, 'claude_mon_latency_seconds_count', pair), where).toBe(group.calls);
      expect(total(text, 'claude_mon_latency_seconds_bucket', [...pair, 'le="+Inf"']), where).toBe(group.calls);
      expect(total(text, 'claude_mon_tokens_total', [...pair, 'type="input"']), where).toBe(group.tokens.input);
      expect(total(text, 'claude_mon_tokens_total', [...pair, 'type="output"']), where).toBe(group.tokens.output);
      expect(total(text, 'claude_mon_tokens_total', [...pair, 'type="cache_read"']), where).toBe(group.tokens.cacheRead);
      expect(total(text, 'claude_mon_tokens_total', [...pair, 'type="cache_write"']), where).toBe(group.tokens.cacheWrite);
      expect(total(text, 'claude_mon_cost_usd_total', pair), where).toBeCloseTo(group.costUsd, 8);
      expect(total(text, 'claude_mon_unpriced_calls_total', pair), where).toBe(group.unpricedCalls);
    }
    // The histogram's buckets are cumulative, and the p95 rule's 15 s is one of their bounds.
    const { records } = await readRecords([fixture('sample/app.log')]);
    for (const group of summary.groups) {
      const pair = [`feature=${JSON.stringify(group.key.feature)}`, `model=${JSON.stringify(group.key.model)}`];
      const latencies = records.filter((r) => r.feature === group.key.feature && r.model === group.key.model).map((r) => r.latencyMs);
      for (const [le, ms] of [['0.5', 500], ['1.0', 1000], ['15.0', 15_000]] as const) {
        expect(total(text, 'claude_mon_latency_seconds_bucket', [...pair, `le="${le}"`]), `${le} s`).toBe(latencies.filter((latency) => latency <= ms).length);
      }
      expect(total(text, 'claude_mon_latency_seconds_sum', pair)).toBeCloseTo(latencies.reduce((a, b) => a + b, 0) / 1000, 6);
    }
    expect(text).not.toMatch(/user/); // no user label, no user ids
    // What became of the lines, as summary's input report counts them.
    expect(total(text, 'claude_mon_input_lines_total', ['outcome="record"'])).toBe(summary.input.records);
    expect(total(text, 'claude_mon_input_lines_total', ['outcome="noise"'])).toBe(summary.input.noise);
    expect(total(text, 'claude_mon_input_lines_total')).toBe(summary.input.lines);
  }, 60_000);

  it.skipIf(!HAS_PROMTOOL)(`passes promtool check metrics, names and escapes included (skipped when ${NO_PROMTOOL})`, async () => {
    const serving = await serve([]);
    serving.child.stdin.write(readFileSync(fixture('sample/app.log')));
    serving.child.stdin.write(call({ feature: 'we"ird\\name\nwith a line feed', error: 'Bad"Error', error_status: 400 }));
    serving.child.stdin.end(call({ feature: 'ünïcödé 機能', ratelimit_requests_remaining: 7, ratelimit_tokens_remaining: 12_000 }));
    expect(await until(async () => /stdin ended/.test(serving.stderr()), 20_000)).toBe(true);
    const { text } = await serving.settled();
    expect(text).toContain('feature="we\\"ird\\\\name\\nwith a line feed"');
    expect(text).toContain('error_type="Bad\\"Error",status="400"');
    expect(text).toContain('claude_mon_ratelimit_remaining{model="claude-sonnet-4-5-20250929",limit="requests"} 7');
    const checked = promtoolCheckMetrics(text);
    expect(checked.output).toBe('');
    expect(checked.status).toBe(0);
  }, 60_000);

  it('answers OpenMetrics when asked, and /healthz; other paths are 404', async () => {
    const serving = await serve([]);
    serving.child.stdin.end(call({ feature: 'chat' }));
    expect(await until(async () => /stdin ended/.test(serving.stderr()), 20_000)).toBe(true);
    const open = await serving.settled('application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5');
    expect(open.contentType).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(open.text).toMatch(/# TYPE claude_mon_calls counter\n/);
    expect(open.text).toMatch(/\nclaude_mon_calls_total\{feature="chat",model="claude-sonnet-4-5-20250929",status_class="ok"\} 1\n/);
    expect(open.text.endsWith('\n# EOF\n')).toBe(true);
    const plain = await serving.scrape();
    expect(plain.text).toMatch(/# TYPE claude_mon_calls_total counter\n/);
    expect(plain.text).not.toContain('# EOF');
    // OpenMetrics refused (q=0), or wanted less than the text format: the text format.
    expect((await serving.scrape('application/openmetrics-text;q=0,text/plain')).contentType).toMatch(/^text\/plain/);
    expect((await serving.scrape('application/openmetrics-text;q=0.3,text/plain;q=0.9')).contentType).toMatch(/^text\/plain/);
    const health = await fetch(`http://${serving.address}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, 'ok\n']);
    expect((await fetch(`http://${serving.address}/nope`)).status).toBe(404);
    expect((await fetch(`http://${serving.address}/metrics`, { method: 'POST' })).status).toBe(405);
  }, 30_000);

  it('follows a file by name from its end: appends, a rotation and a truncation in place', async () => {
    const directory = temporaryDirectory();
    const file = path.join(directory, 'calls.jsonl');
    writeFileSync(file, call({ feature: 'old' }).repeat(3));
    const serving = await serve([file]);
    const calls = async (): Promise<number> => total((await serving.scrape()).text, 'claude_mon_calls_total');
    await sleep(500);
    expect(await calls()).toBe(0); // what was there before the start is not read
    appendFileSync(file, call({ feature: 'chat' }).repeat(2));
    expect(await until(async () => (await calls()) === 2, 10_000)).toBe(true);
    // logrotate: renamed away, a new file under the name, and the app still writes a last line to the old one.
    renameSync(file, `${file}.1`);
    writeFileSync(file, call({ feature: 'search' }).repeat(3));
    await sleep(600);
    appendFileSync(`${file}.1`, call({ feature: 'chat' }));
    expect(await until(async () => (await calls()) === 6, 15_000)).toBe(true);
    // copytruncate: emptied in place, then written again from its start.
    truncateSync(file, 0);
    await sleep(600);
    appendFileSync(file, call({ feature: 'search' }));
    expect(await until(async () => (await calls()) === 7, 10_000)).toBe(true);
    const text = (await serving.scrape()).text;
    expect(total(text, 'claude_mon_calls_total', ['feature="old"'])).toBe(0);
    expect(total(text, 'claude_mon_calls_total', ['feature="chat"'])).toBe(3);
    expect(total(text, 'claude_mon_calls_total', ['feature="search"'])).toBe(4);
    expect(await serving.stop()).toBe(0);
  }, 60_000);

  it('--positions: a restart goes on where it stopped, into a file rotated while it was down, and reads nothing twice', async () => {
    const directory = temporaryDirectory();
    const file = path.join(directory, 'calls.jsonl');
    const positions = path.join(directory, 'positions.json');
    writeFileSync(file, call({ feature: 'old' }).repeat(3));
    const count = async (serving: Awaited<ReturnType<typeof serve>>, feature: string): Promise<number> =>
      total((await serving.scrape()).text, 'claude_mon_calls_total', [`feature="${feature}"`]);
    const first = await serve(['--positions', positions, file]);
    appendFileSync(file, call({ feature: 'before' }).repeat(2));
    expect(await until(async () => (await count(first, 'before')) === 2, 10_000)).toBe(true);
    expect(await first.stop()).toBe(0);
    expect(JSON.parse(readFileSync(positions, 'utf8')).files[0].offset).toBe(readFileSync(file).length);
    // While it is down: lines appended, then the file rotated and a new one begun.
    appendFileSync(file, call({ feature: 'down' }).repeat(4));
    renameSync(file, `${file}.1`);
    writeFileSync(file, call({ feature: 'after' }).repeat(5));
    const second = await serve(['--positions', positions, file]);
    expect(await until(async () => (await count(second, 'down')) === 4 && (await count(second, 'after')) === 5, 10_000)).toBe(true);
    const text = (await second.scrape()).text;
    expect(total(text, 'claude_mon_calls_total', ['feature="before"'])).toBe(0);
    expect(total(text, 'claude_mon_calls_total', ['feature="old"'])).toBe(0);
    expect(await second.stop()).toBe(0);
    // Stopped and started again with nothing new: nothing is read again.
    const third = await serve(['--positions', positions, file]);
    await sleep(700);
    expect(total((await third.settled()).text, 'claude_mon_calls_total')).toBe(0);
  }, 60_000);

  it('--positions: two rotations while it was down, every line of the files in between read once', async () => {
    const directory = temporaryDirectory();
    const file = path.join(directory, 'calls.jsonl');
    const positions = path.join(directory, 'positions.json');
    writeFileSync(file, '');
    const first = await serve(['--positions', positions, file]);
    appendFileSync(file, call({ feature: 'before' }).repeat(2));
    expect(await until(async () => total((await first.scrape()).text, 'claude_mon_calls_total') === 2, 10_000)).toBe(true);
    expect(await first.stop()).toBe(0);
    appendFileSync(file, call({ feature: 'tail' }));
    renameSync(file, `${file}.1`);
    writeFileSync(file, call({ feature: 'between' }).repeat(2));
    renameSync(`${file}.1`, `${file}.2`);
    renameSync(file, `${file}.1`);
    writeFileSync(file, call({ feature: 'after' }).repeat(3));
    const second = await serve(['--positions', positions, file]);
    const count = async (feature: string): Promise<number> => total((await second.scrape()).text, 'claude_mon_calls_total', [`feature="${feature}"`]);
    expect(await until(async () => (await count('tail')) === 1 && (await count('between')) === 2 && (await count('after')) === 3, 10_000)).toBe(true);
    expect(await count('before')).toBe(0);
  }, 60_000);

  it('reads what the file holds already with --from-start', async () => {
    const file = path.join(temporaryDirectory(), 'calls.jsonl');
    writeFileSync(file, call({ feature: 'old' }).repeat(3));
    const serving = await serve(['--from-start', file]);
    expect(await until(async () => total((await serving.scrape()).text, 'claude_mon_calls_total', ['feature="old"']) === 3, 10_000)).toBe(true);
  }, 30_000);

  it('keeps at most --max-series series, and counts the calls of the pairs past it under "__overflow__"', async () => {
    const serving = await serve(['--max-series', '200']);
    const features = Array.from({ length: 50 }, (_, i) => call({ feature: `feature-${String(i).padStart(2, '0')}` }));
    serving.child.stdin.end(features.join(''));
    expect(await until(async () => /stdin ended/.test(serving.stderr()), 20_000)).toBe(true);
    const text = (await serving.settled()).text;
    const series = [...samples(text).keys()].length;
    expect(series).toBeLessThanOrEqual(200 + 3); // + the three unlabelled: newest record time, dropped, late calls
    // Every call is counted: in its own pair while there was room, then in the overflow pair.
    expect(total(text, 'claude_mon_calls_total')).toBe(50);
    // 200 series, less 5 for the input's lines and truncations, 33 for the overflow pair and 3 for the model's
    // class, leave room for 4 pairs of 33: the other 46 calls are the overflow's.
    expect(total(text, 'claude_mon_calls_total', ['feature="__overflow__"', 'model="__overflow__"'])).toBe(46);
    expect(text).toContain('feature="feature-00"');
    expect(total(text, 'claude_mon_series_dropped_total')).toBe(0);
  }, 30_000);

  it('counts a real feature that first fails after a flood of junk names, under "__overflow__": every rule on all calls stays exact', async () => {
    const serving = await serve(['--max-series', '1000']);
    const junk = Array.from({ length: 500 }, (_, i) => call({ feature: `junk-${i}` })).join('');
    const failures = call({ feature: 'checkout', error: 'APIStatusError', error_status: 500 }).repeat(30);
    serving.child.stdin.end(junk + failures);
    expect(await until(async () => /stdin ended/.test(serving.stderr()), 20_000)).toBe(true);
    const text = (await serving.settled()).text;
    expect(total(text, 'claude_mon_calls_total')).toBe(530);
    expect(total(text, 'claude_mon_calls_total', ['status_class="5xx"'])).toBe(30);
    expect(total(text, 'claude_mon_calls_total', ['feature="__overflow__"', 'status_class="5xx"'])).toBe(30);
    expect(total(text, 'claude_mon_errors_total', ['feature="__overflow__"', 'error_type="APIStatusError"'])).toBe(30);
  }, 30_000);

  it('refuses a --max-series past its bound, saying why', async () => {
    const run = await runCli(['serve', '--max-series', '50000000']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--max-series');
    expect(run.stderr).toContain('expected a whole number from 100 to 200,000');
  });

  it('counts the rate limits\' use by model class as `limits` counts it, each class first shown at zero, a backlog apart', async () => {
    const serving = await serve([]);
    const tokens = (input: number, output: number, cacheRead = 0, cacheWrite = 0): Record<string, number> => ({
      input_tokens: input,
      output_tokens: output,
      cache_read_input_tokens: cacheRead,
      cache_creation_input_tokens: cacheWrite,
    });
    serving.child.stdin.end(
      [
        // Sonnet 4.x, one pool across versions: ITPM is input and cache writes, not cache reads.
        call({ feature: 'chat', ...tokens(100, 20, 1_000, 50) }),
        call({ feature: 'search', ...tokens(100, 20, 1_000, 50) }),
        call({ feature: 'chat', model: 'claude-sonnet-4-0', ...tokens(10, 5) }),
        // Haiku 3.5 counts its cache reads.
        call({ feature: 'chat', model: 'claude-3-5-haiku-20241022', ...tokens(100, 7, 300) }),
        // A 429 and a batch call draw on none of these limits.
        call({ feature: 'chat', error: 'RateLimitError', error_status: 429, ...tokens(999, 0) }),
        call({ feature: 'chat', service_tier: 'batch', ...tokens(5_000, 500) }),
        // Read an hour after its time: late, not a use of this minute.
        call({ feature: 'chat', timestamp: new Date(Date.now() - 3_600_000).toISOString(), ...tokens(7_000, 70) }),
      ].join(''),
    );
    expect(await until(async () => /stdin ended/.test(serving.stderr()), 20_000)).toBe(true);
    const first = (await serving.scrape()).text;
    expect(first).toContain('claude_mon_ratelimit_input_tokens_total{class="claude-sonnet-4.x"} 0');
    const { text } = await serving.scrape();
    const perClass = (family: string, pool: string): number => total(text, family, [`class="${pool}"`]);
    expect(perClass('claude_mon_ratelimit_requests_total', 'claude-sonnet-4.x')).toBe(3);
    expect(perClass('claude_mon_ratelimit_input_tokens_total', 'claude-sonnet-4.x')).toBe(150 + 150 + 10);
    expect(perClass('claude_mon_ratelimit_output_tokens_total', 'claude-sonnet-4.x')).toBe(45);
    expect(perClass('claude_mon_ratelimit_requests_total', 'claude-3-5-haiku-20241022')).toBe(1);
    expect(perClass('claude_mon_ratelimit_input_tokens_total', 'claude-3-5-haiku-20241022')).toBe(400);
    expect(perClass('claude_mon_ratelimit_output_tokens_total', 'claude-3-5-haiku-20241022')).toBe(7);
    expect(total(text, 'claude_mon_ratelimit_late_calls_total')).toBe(1);
  }, 30_000);

  it('counts a call dropped once however many of its series passed --max-series', async () => {
    // 60 calls, each of a new model (a class of its own) with a logged rate-limit header and a new error type: past
    // the cap, a call may miss its class's series, its gauge and its error type's at once. It counts once.
    const serving = await serve(['--max-series', '300']);
    const calls = Array.from({ length: 60 }, (_, i) =>
      call({ feature: 'chat', model: `model-${i}`, ratelimit_requests_remaining: 5, error: `Error${i}`, error_status: 500 }),
    );
    serving.child.stdin.end(calls.join(''));
    expect(await until(async () => /stdin ended/.test(serving.stderr()), 20_000)).toBe(true);
    const { text } = await serving.settled();
    expect(total(text, 'claude_mon_calls_total')).toBe(60);
    // 300 − 5 (the input's) − 33 (overflow) = 262 series. Calls 1–6 take a gauge, a class, a pair and an error type
    // (38 each; 34 left); call 7 a gauge and a class, its pair overflows, and the overflow's error type takes 1 (29
    // left); calls 8–12 5 each (4 left); call 13 takes the last 4 for its gauge and class and misses the overflow's
    // error type: from there each call misses something, and counts once: calls 13–60.
    expect(total(text, 'claude_mon_series_dropped_total')).toBe(48);
  }, 30_000);

  it('does not expose label values longer than 256 characters (a scrape of megabyte names would not fit in a string)', async () => {
    const serving = await serve([]);
    const huge = 'x'.repeat(500_000); // lines under --max-line-bytes (1 MiB)
    serving.child.stdin.write(call({ feature: huge }).repeat(20));
    serving.child.stdin.write(call({ feature: 'y'.repeat(257) }));
    serving.child.stdin.end(call({ feature: 'chat', model: 'm'.repeat(256) }));
    expect(await until(async () => /stdin ended/.test(serving.stderr()), 30_000)).toBe(true);
    const { status, text } = await serving.settled();
    expect(status).toBe(200);
    // The 256-character model is the limit, and kept; the 21 calls of longer names are counted under __overflow__.
    expect(total(text, 'claude_mon_calls_total')).toBe(22);
    expect(total(text, 'claude_mon_calls_total', ['feature="__overflow__"'])).toBe(21);
    expect(total(text, 'claude_mon_series_dropped_total')).toBe(0);
    expect(text.length).toBeLessThan(100_000);
  }, 60_000);

  it('refuses a directory, a .gz file and a bad --listen, saying why', async () => {
    const directory = temporaryDirectory();
    const dir = await runCli(['serve', directory]);
    expect(dir.code).toBe(2);
    expect(dir.stderr).toMatch(/cannot follow .*: a directory — give the files to follow/);
    const gz = await runCli(['serve', fixture('sample/app.log.1.gz')]);
    expect(gz.stderr).toMatch(/a gzip file is not written to/);
    const listen = await runCli(['serve', '--listen', 'localhost', fixture('sample/app.log')]);
    expect(listen.code).toBe(2);
    expect(listen.stderr).toMatch(/--listen localhost: expected HOST:PORT/);
  });

  it('says when the port is taken', async () => {
    const first = await serve([]);
    const second = spawnSync('node', [BIN, 'serve', '--listen', first.address], { input: '', encoding: 'utf8', timeout: 20_000 });
    expect(second.status).toBe(2);
    expect(second.stderr).toMatch(/the address is in use/);
  }, 30_000);
});

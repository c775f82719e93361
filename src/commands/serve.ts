/**
 * `claude-mon serve --listen HOST:PORT [FILE...|-]`: follows log files by name (like `tail -F`) or reads stdin,
 * folds every call into the exporter's series (src/core/serveSeries.ts, a part of the engine), and serves them to
 * Prometheus on /metrics, with /healthz. Runs until SIGINT or SIGTERM.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { REPORT_DAYS, type ServeOptions } from '../commandOptions.js';
import type { RunContext } from '../context/runContext.js';
import { Engine } from '../core/engine/engine.js';
import { FAMILY_NAMES } from '../core/metricNames.js';
import type { MetricFamily, Sample } from '../core/metricFamilies.js';
import { DEFAULT_LATENCY_BUCKETS_SECONDS, ServeSeries } from '../core/serveSeries.js';
import { describeFsError, UsageError } from '../errors.js';
import { readLogs } from '../input/readLogs.js';
import { type Source, STDIN } from '../input/sources.js';
import { refuseStates } from '../input/stateFile.js';
import { Tally } from '../input/tally.js';
import { FOLLOW_DEDUPE_GENERATION_IDS } from '../input/tailFile.js';
import { type CliIo, untilStopped } from '../io/cliIo.js';
import { type Page, startMetricsServer } from '../io/metricsServer.js';
import { BasicAuth, loadWebConfig, NO_WEB_CONFIG } from '../io/webConfig.js';
import { renderExposition } from '../render/exposition.js';
import { readPageAssets } from '../io/pageAssets.js';
import { type ReportData, renderReportPage } from '../render/reportPage.js';
import { reportFold } from './report.js';
import { HOUR_MS } from '../core/durations.js';
import type { FollowMark } from '../checkpoint/followMark.js';
import { type Following, following, loadPositions, savePositions } from '../checkpoint/followPositions.js';
import type { FilePosition } from '../checkpoint/filePositions.js';
import type { Diagnostics } from '../io/diagnostics.js';
import { periodically } from '../io/periodically.js';

export async function runServe(context: RunContext, options: ServeOptions): Promise<number> {
  const { io, config, pricing, tz, diagnostics } = context;
  const sources = await followedSources(options.inputs, io);
  // The p95 rule's thresholds are bucket bounds, so histogram_quantile can tell above from below exactly there.
  const thresholds = [config.rules.p95_latency.base, ...config.rules.p95_latency.features.values()].map((settings) => settings.threshold / 1000);
  // And a bound above the highest threshold: a quantile past the last finite bound is reported as that bound, so a
  // threshold equal to it could never be exceeded.
  const tallies = sources.map(() => new Tally());
  // Now is the wall clock, moved on when the page is asked for and every minute (so the page's windows let go).
  const engine = new Engine({ kind: 'clock', ms: context.clockMs }, context.clockMs);
  // The input's line counts always show their records, duplicates and noise, and its truncations their two ends:
  // five series of the cap.
  const budget = Math.max(0, options.maxSeries - INPUT_OUTCOMES.length - TRUNCATION_RESTS.length);
  const metrics = engine.part(new ServeSeries(pricing, tz, budget, [...DEFAULT_LATENCY_BUCKETS_SECONDS, ...thresholds, 2 * Math.max(...thresholds)]), { kind: 'all' });
  const page = options.page ? await livePage(context, engine, tallies) : NO_PAGE;
  const web = options.webConfig === undefined ? NO_WEB_CONFIG : await loadWebConfig(options.webConfig);
  const auth = web.users.size === 0 ? null : new BasicAuth(web.users);
  if (auth !== null && web.tls === null) diagnostics.warn(`claude-mon: ${options.webConfig}: basic authentication without tls_server_config sends the passwords in clear`);
  const followed = await resumedSources(sources, options.fromStart ? 'start' : 'end', options.positions, diagnostics);
  const inputFamilies = (): MetricFamily[] => [inputLinesFamily(tallies), truncationsFamily([...followed.values()])];

  let server;
  try {
    server = await startMetricsServer(
      options.listen.host,
      options.listen.port,
      (format) => {
        const { families, showedNew } = metrics.families();
        return { body: renderExposition([...families, ...inputFamilies()], format), final: !showedNew };
      },
      (path, error) => diagnostics.error(`GET ${path} failed: ${(error as Error).message}`),
      page.routes,
      { tls: web.tls, allows: auth === null ? null : (header) => auth.allows(header) },
    );
  } catch (error) {
    throw new UsageError(`--listen ${options.listen.host}:${options.listen.port}: ${describeListenError(error)}`);
  }
  diagnostics.warn(`claude-mon: serving ${web.tls === null ? 'http' : 'https'}://${server.address}/metrics (and /healthz${options.page ? '; the report page, live, on /' : ''}), following ${sources.map((source) => source.name).join(', ')}`);

  const abort = new AbortController();
  const stopped = untilStopped(io, abort.signal);
  const saving = options.positions === undefined ? null : keepPositions(options.positions, [...followed.values()].map(({ mark }) => mark), diagnostics);
  const readOptions = {
    dedupe: context.reading.dedupe,
    maxLineBytes: context.reading.maxLineBytes,
    scanner: context.reading.scanner,
    otel: context.config.otel,
    strict: false,
    verbose: false,
    tz,
    threads: 1,
    quiet: true,
    openFile: (path: string) => {
      return (followed.get(path) as Following).chunks(abort.signal);
    },
    dedupeGenerationIds: FOLLOW_DEDUPE_GENERATION_IDS,
  };
  // Each input its own reader: a followed file never ends, so one after another would never reach the second.
  const readers = sources.map(async (source, i) => {
    const tally = tallies[i] as Tally;
    try {
      await readLogs({ sources: [source], unreadable: [], cleanup: async () => {} }, io, readOptions, engine, tally);
    } catch (error) {
      if (!abort.signal.aborted) diagnostics.error(`reading ${source.name}: ${(error as Error).message}`);
    }
    if (abort.signal.aborted) return;
    for (const problem of [...tally.unreadable, ...tally.truncated]) diagnostics.error(problem);
    const skipped = tally.skippedTotal();
    const ended = `${source.name} ended after ${tally.lines} lines (${tally.records} calls${skipped > 0 ? `, ${skipped} skipped` : ''})`;
    diagnostics.warn(`claude-mon: ${ended}; still serving what was counted`);
  });
  try {
    await stopped;
  } finally {
    abort.abort();
    page.stop();
    await server.close();
    if (sources.includes(STDIN)) io.stdin.destroy();
    await Promise.race([Promise.all(readers), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    await saving?.stop();
  }
  return 0;
}

/** How often the live page asks for new data; how long one answer is given to every request; how often now moves on without one. */
const PAGE_EVERY_MS = 5000;
const PAGE_KEPT_MS = 1000;
const TICK_EVERY_MS = 60_000;

interface LivePageRoutes {
  readonly routes: ReadonlyMap<string, Page>;
  stop(): void;
}

const NO_PAGE: LivePageRoutes = { routes: new Map(), stop: () => undefined };

/**
 * `report`'s page, live (--page): its parts on serve's engine, the page on / and its data (report's data island)
 * on /api/report, at the wall clock's now. Made at most once a second, however many tabs ask: reading the logs
 * keeps the event loop.
 */
async function livePage(context: RunContext, engine: Engine, tallies: readonly Tally[]): Promise<LivePageRoutes> {
  const report = reportFold(context, { days: REPORT_DAYS, slowWindowMs: HOUR_MS }, engine);
  const assets = await readPageAssets();
  let made: { atMs: number; data: ReportData; json: string } | null = null;
  const latest = (): { data: ReportData; json: string } => {
    const now = context.io.now();
    if (made !== null && now - made.atMs < PAGE_KEPT_MS) return made;
    engine.tick(now);
    const lines = new Tally();
    for (const tally of tallies) lines.addCounts(tally.counts());
    const data = report.data(lines.counts());
    made = { atMs: now, data, json: JSON.stringify(data) };
    return made;
  };
  const ticking = setInterval(() => engine.tick(context.io.now()), TICK_EVERY_MS);
  ticking.unref();
  const routes = new Map<string, Page>([
    ['/', () => ({ contentType: 'text/html; charset=utf-8', body: renderReportPage(latest().data, assets, { url: '/api/report', everyMs: PAGE_EVERY_MS }) })],
    ['/api/report', () => ({ contentType: 'application/json', body: latest().json })],
  ]);
  return { routes, stop: () => clearInterval(ticking) };
}

/**
 * Each followed file, from its saved position (--positions) when one is found, else from its start or its end now
 * (before "serving" is printed, so no line written after it is missed).
 */
async function resumedSources(sources: readonly Source[], from: 'start' | 'end', positionsFile: string | undefined, diagnostics: Diagnostics): Promise<Map<string, Following>> {
  const saved = positionsFile === undefined ? [] : await loadPositions(positionsFile);
  const followed = new Map<string, Following>();
  for (const source of sources) {
    if (source.path !== null) followed.set(source.path, await following(source.path, saved, from, (message) => diagnostics.warn(`claude-mon: ${message}`)));
  }
  return followed;
}

/** Saves the marks' positions every POSITIONS_EVERY_MS, and once more when stopped. */
function keepPositions(file: string, marks: readonly FollowMark[], diagnostics: Diagnostics): { stop(): Promise<void> } {
  let last: (FilePosition | null)[] = marks.map(() => null);
  return periodically(POSITIONS_EVERY_MS, () => {
    const positioned = Promise.all(marks.map((mark) => mark.position()));
    return async () => {
      last = (await positioned).map((position, i) => position ?? last[i] ?? null); // a mark with nothing to say keeps what it last said
      await savePositions(file, last.filter((position) => position !== null)).catch((error: unknown) => diagnostics.error((error as Error).message));
    };
  });
}

/** How often `--positions` are saved. */
const POSITIONS_EVERY_MS = 2000;

/**
 * Files (followed by name, each once) and "-" for stdin. A directory would mean following rotated copies, so it is
 * refused.
 */
async function followedSources(args: readonly string[], io: CliIo): Promise<Source[]> {
  if (args.length === 0 && io.stdin.isTTY === true) {
    throw new UsageError('no input: give the log files to follow, or pipe logs in, e.g.\n  claude-mon serve --listen 127.0.0.1:9464 /var/log/app/calls.jsonl\n  kubectl logs -f deploy/api | claude-mon serve --listen 127.0.0.1:9464');
  }
  if (args.length === 0) return [STDIN];
  if (args.filter((arg) => arg === '-').length > 1) throw new UsageError('"-" (stdin) can be given only once');
  const sources: Source[] = [];
  refuseStates(args, 'serve');
  const seen = new Set<string>();
  for (const arg of args) {
    if (arg === '-') {
      sources.push(STDIN);
      continue;
    }
    if (seen.has(path.resolve(arg))) continue;
    seen.add(path.resolve(arg));
    let stats;
    try {
      stats = await fs.stat(arg);
    } catch (error) {
      throw new UsageError(`cannot follow ${arg}: ${describeFsError(error)}`);
    }
    if (stats.isDirectory()) throw new UsageError(`cannot follow ${arg}: a directory — give the files to follow (e.g. ${arg}/*.jsonl)`);
    if (/\.gz$/i.test(arg)) throw new UsageError(`cannot follow ${arg}: a gzip file is not written to — read rotated logs with \`claude-mon summary\``);
    sources.push({ name: arg, path: arg, sizeBytes: null });
  }
  return sources;
}

/** The outcomes of a line always shown; skipped lines add a series per reason. */
const INPUT_OUTCOMES = ['record', 'duplicate', 'noise'] as const;

/** What became of the lines read so far, over every input: records, duplicates, noise, skipped by reason. */
function inputLinesFamily(tallies: readonly Tally[]): MetricFamily {
  const counts = new Map<string, number>(INPUT_OUTCOMES.map((outcome) => [outcome, 0]));
  const add = (key: string, n: number): void => void counts.set(key, (counts.get(key) ?? 0) + n);
  for (const tally of tallies) {
    add('record', tally.records);
    add('duplicate', tally.duplicates);
    add('noise', tally.noise);
    for (const [reason, n] of tally.skipped) add(`skipped\u0000${reason}`, n);
  }
  const samples = [...counts].map(([key, value]): Sample => {
    const [outcome, reason = ''] = key.split('\u0000') as [string, string?];
    return { suffix: '_total', labels: [['outcome', outcome], ['reason', reason]], value };
  });
  return { name: FAMILY_NAMES.inputLines, type: 'counter', help: 'Lines read, by what became of them (skipped: by reason, as in summary\'s input report).', samples };
}

/** What became of the rest of a truncated file: read from its copy, or lost. */
const TRUNCATION_RESTS = ['copy', 'lost'] as const;

/** The followed files' truncations in place, by whether the rest written before them was read from a copy or lost. */
function truncationsFamily(followed: readonly Following[]): MetricFamily {
  const sum = (rest: (typeof TRUNCATION_RESTS)[number]): number => followed.reduce((n, { truncations }) => n + truncations[rest], 0);
  return {
    name: FAMILY_NAMES.inputTruncations,
    type: 'counter',
    help: 'Followed files truncated (or replaced) in place, by what became of what was written after the last read: read from their copy beside them (copytruncate), or lost (no copy found; how many lines, if any, is unknown).',
    samples: TRUNCATION_RESTS.map((rest): Sample => ({ suffix: '_total', labels: [['rest', rest]], value: sum(rest) })),
  };
}

function describeListenError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return 'the address is in use (another exporter running? pick another port)';
  if (code === 'EADDRNOTAVAIL') return 'not an address of this machine';
  if (code === 'EACCES') return 'permission denied (ports below 1024 need privileges)';
  if (code === 'ENOTFOUND') return 'unknown host name';
  return (error as Error).message;
}

/**
 * `claude-mon alerts --follow`: reads stdin or a growing file without end, re-evaluates the rules every
 * --interval on sliding windows, prints a line when a rule starts or stops firing, and keeps memory bounded by
 * the longest window (older calls are let go as now moves). At the end of the input, or on SIGINT/SIGTERM, it
 * prints the final state and exits with its code.
 */
import { type Following, following } from '../checkpoint/followPositions.js';
import type { AlertsOptions } from '../commandOptions.js';
import type { RunContext } from '../context/runContext.js';
import { AlertParts } from '../core/alerts/alertParts.js';
import { alertSpans } from '../core/alerts/alertSpans.js';
import { alertsReport, staleNotes } from '../core/alerts/alertsReport.js';
import { type Evaluation, evaluateRules, listOf } from '../core/alerts/evaluate.js';
import { Engine } from '../core/engine/engine.js';
import type { CallRecord } from '../core/types.js';
import { UsageError } from '../errors.js';
import { openInputs, readLogs } from '../input/readLogs.js';
import { FOLLOW_DEDUPE_GENERATION_IDS } from '../input/tailFile.js';
import { Tally } from '../input/tally.js';
import { untilStopped } from '../io/cliIo.js';
import { writeToStream } from '../io/output.js';
import { renderAlertEvent } from '../render/alertEvents.js';
import { renderAlertsJsonLine } from '../render/alertsJson.js';
import type { StreamedText } from '../render/streamedText.js';
import { renderAlerts } from './alerts.js';
import { checkInput } from './inputChecks.js';
import { followedPlace } from './followedPlace.js';
import { readOptionsOf } from './readReport.js';

/** How often (in calls) the clock moves the windows between evaluations: let-go calls die young. */
const TICK_EVERY_CALLS = 4096;

export async function runAlertsFollow(context: RunContext, options: AlertsOptions): Promise<number> {
  const { config, tz, pricing, io } = context;
  const latest = context.now.kind === 'latest'; // else the wall clock: cliOptions refuses any other --now
  const inputs = await openInputs(options.inputs, io, 'alerts --follow');
  if (inputs.unreadable.length > 0) throw new UsageError(`cannot read ${inputs.unreadable.join(', ')}`);
  if (inputs.sources.length !== 1) throw new UsageError('--follow reads stdin or one growing file');

  // The clock: the wall clock, or with --now latest the newest record seen (a log replayed at its own pace).
  const engine = new Engine(latest ? { kind: 'moving' } : { kind: 'clock', ms: io.now() }, io.now());
  const parts = new AlertParts(engine, options.groupBy, tz, pricing, alertSpans(config, tz));
  const currentNow = (): number | null => (latest ? engine.newestMs : io.now());

  /** The rules firing, by rule and scope. */
  const firing = new Set<string>();
  const followed = inputs.sources[0]?.path ?? null;
  if (options.positions !== undefined && followed === null) throw new UsageError('--positions keeps the place in a file: stdin cannot be read again from where a run stopped');
  const place =
    options.positions === undefined || followed === null
      ? null
      : await followedPlace(context, options.positions, { file: options.positions, command: 'alerts --follow', inputs: options.inputs, options: { by: options.groupBy } }, followed, engine, firing);
  let output: Promise<unknown> = Promise.resolve();
  const write = (text: StreamedText): void => {
    output = output.then(() => writeToStream(io.stdout, text));
  };
  const evaluate = (): { evaluations: Evaluation[]; nowMs: number } | null => {
    const at = currentNow();
    if (at === null) return null;
    engine.tick(at);
    const evaluations = evaluateRules(parts, config, at, tz, pricing);
    for (const evaluation of evaluations) {
      const key = `${evaluation.rule}\u0000${evaluation.scopeKey}`;
      const was = firing.has(key);
      if (evaluation.state === 'firing' && !was) {
        firing.add(key);
        write(renderAlertEvent('firing', evaluation, at, options.format === 'json' ? 'json' : 'text'));
      } else if (evaluation.state !== 'firing' && was) {
        firing.delete(key);
        write(renderAlertEvent('resolved', evaluation, at, options.format === 'json' ? 'json' : 'text'));
      }
    }
    return { evaluations, nowMs: at };
  };

  const abort = new AbortController();
  let seen = 0;
  // With --now latest the clock is the records' own time: evaluate each time it has moved by an interval, so a
  // replay at any speed sees every window the live run would have seen.
  let lastEvaluationMs = Number.NEGATIVE_INFINITY;
  const sink = {
    add(record: CallRecord): void {
      engine.add(record);
      if (!latest) {
        if (++seen % TICK_EVERY_CALLS === 0) engine.tick(io.now());
        return;
      }
      const newest = engine.newestMs as number;
      if (lastEvaluationMs === Number.NEGATIVE_INFINITY) lastEvaluationMs = newest;
      else if (newest - lastEvaluationMs >= options.intervalMs) {
        lastEvaluationMs = newest;
        evaluate();
      }
    },
  };
  const stopped = untilStopped(io, abort.signal);
  const openFile = (path: string): AsyncIterable<Buffer> => followFrom(place?.following ?? following(path, [], 'start', (message) => context.diagnostics.warn(message)), abort.signal);
  const readOptions = { ...readOptionsOf(context), openFile, dedupeGenerationIds: FOLLOW_DEDUPE_GENERATION_IDS };
  // The tally is ours, so that a stop by a signal still reports what was read.
  const tally = new Tally();
  const reading = readLogs(inputs, io, readOptions, sink, tally);
  reading.catch(() => undefined); // awaited below unless a signal ends the run first
  const timer = latest ? undefined : setInterval(evaluate, options.intervalMs);
  let ended = false;
  try {
    ended = await Promise.race([reading.then(() => true), stopped.then(() => false)]);
  } finally {
    clearInterval(timer);
    abort.abort();
    if (!ended) io.stdin.destroy(); // stopped by a signal: let go of the reader
  }

  const inputFailed = ended ? checkInput(tally, {}, context.reading, context.diagnostics) : false;
  const final = evaluate() ?? { evaluations: evaluateRules(parts, config, io.now(), tz, pricing), nowMs: io.now() };
  const notes = staleNotes(final.evaluations, parts, final.nowMs, latest);
  const report = alertsReport(listOf(final.evaluations), final.nowMs, tz, tally.counts(), inputFailed, notes);
  if (!(options.quietOk && report.status === 'ok')) {
    write(options.format === 'json' ? renderAlertsJsonLine(report) : renderAlerts(report, options, context));
  }
  await output;
  await place?.end();
  return report.exitCode;
}

/** The chunks of a followed file, once it is known how it is followed. */
async function* followFrom(place: Following | Promise<Following>, signal: AbortSignal): AsyncGenerator<Buffer> {
  yield* (await place).chunks(signal);
}

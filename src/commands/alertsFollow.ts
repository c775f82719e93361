/**
 * `claude-mon alerts --follow`: reads stdin or a growing file without end, re-evaluates the rules every
 * --interval on sliding windows, prints a line when a rule starts or stops firing, and keeps memory bounded by
 * the longest window (older records are let go). At the end of the input, or on SIGINT/SIGTERM, it prints the
 * final state and exits with its code.
 */
import type { AlertsOptions } from '../commandOptions.js';
import { AlertTimeline, type Retention } from '../core/alerts/alertTimeline.js';
import { type Evaluation, evaluateRules, listOf } from '../core/alerts/evaluate.js';
import type { CallRecord } from '../core/types.js';
import { UsageError } from '../errors.js';
import { tailFile } from '../input/tailFile.js';
import { Tally } from '../input/tally.js';
import type { CliIo } from '../io/cliIo.js';
import { writeToStream } from '../io/output.js';
import { renderAlertEvent } from '../render/alertEvents.js';
import { renderAlertsJsonLine } from '../render/alertsJson.js';
import type { StreamedText } from '../render/streamedText.js';
import { alertsReport, RETAIN_EVERY_RECORDS, renderAlerts, retentionAt, setUpAlerts, staleNotes } from './alerts.js';
import { checkInput, type Diagnostics } from './inputChecks.js';
import { openInputs, readLogs } from './readLogs.js';

/** Request ids remembered per generation (two are kept): duplicates arrive within seconds, not millions of calls. */
const DEDUPE_GENERATION_IDS = 1_000_000;

export async function runAlertsFollow(options: AlertsOptions, io: CliIo, diagnostics: Diagnostics): Promise<number> {
  if (options.outputFile !== undefined) throw new UsageError('--follow prints to stdout as it goes: -o FILE cannot be used with it');
  if (options.range.since !== undefined) throw new UsageError('--follow evaluates on sliding windows: --since cannot be used with it');
  if (options.now !== undefined && options.now.trim().toLowerCase() !== 'latest') {
    throw new UsageError('--follow evaluates at the wall clock, or with --now latest at the newest record read so far');
  }
  const { config, tz, pricing } = await setUpAlerts(options, io);
  const inputs = await openInputs(options.inputs, io, 'alerts --follow');
  if (inputs.unreadable.length > 0) throw new UsageError(`cannot read ${inputs.unreadable.join(', ')}`);
  if (inputs.sources.length !== 1) throw new UsageError('--follow reads stdin or one growing file');

  // The clock: the wall clock, or with --now latest the newest record seen (a log replayed at its own pace).
  const latest = options.now !== undefined;
  const timeline: AlertTimeline = new AlertTimeline(options.groupBy, tz, pricing, retentionFrom(latest ? Number.NEGATIVE_INFINITY : io.now()));
  function currentNow(): number | null {
    return latest ? timeline.newestRecordMs : io.now();
  }
  function retentionFrom(at: number): Retention {
    if (!Number.isFinite(at)) return { recentFrom: at, daysFrom: at, until: Number.POSITIVE_INFINITY };
    return { ...retentionAt(at, config, tz), until: Number.POSITIVE_INFINITY };
  }
  const retain = (): void => {
    const at = currentNow();
    if (at !== null) timeline.retain(retentionFrom(at));
  };

  const firing = new Map<string, Evaluation>();
  let output: Promise<unknown> = Promise.resolve();
  const write = (text: StreamedText): void => {
    output = output.then(() => writeToStream(io.stdout, text));
  };
  const evaluate = (): { evaluations: Evaluation[]; nowMs: number } | null => {
    const at = currentNow();
    if (at === null) return null;
    retain();
    const evaluations = evaluateRules(timeline, config, at, tz, pricing);
    for (const evaluation of evaluations) {
      const key = `${evaluation.rule}\u0000${evaluation.scopeKey}`;
      const was = firing.get(key);
      if (evaluation.state === 'firing' && was === undefined) {
        firing.set(key, evaluation);
        write(renderAlertEvent('firing', evaluation, at, options.format));
      } else if (evaluation.state !== 'firing' && was !== undefined) {
        firing.delete(key);
        write(renderAlertEvent('resolved', evaluation, at, options.format));
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
      timeline.add(record);
      if (++seen % RETAIN_EVERY_RECORDS === 0) retain();
      if (!latest) return;
      const newest = timeline.newestRecordMs as number;
      if (lastEvaluationMs === Number.NEGATIVE_INFINITY) lastEvaluationMs = newest;
      else if (newest - lastEvaluationMs >= options.intervalMs) {
        lastEvaluationMs = newest;
        evaluate();
      }
    },
  };
  const stopped = new Promise<void>((resolve) => {
    const unsubscribe = io.onStopSignal?.(() => {
      unsubscribe?.();
      resolve();
    });
    abort.signal.addEventListener('abort', () => unsubscribe?.(), { once: true });
  });
  const readOptions = { ...options, tz, openFile: (path: string) => tailFile(path, { from: 0, signal: abort.signal }), dedupeGenerationIds: DEDUPE_GENERATION_IDS };
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

  const inputFailed = ended ? checkInput(tally, {}, options, diagnostics) : false;
  const final = evaluate() ?? { evaluations: evaluateRules(timeline, config, io.now(), tz, pricing), nowMs: io.now() };
  const counts = tally.counts();
  const notes = staleNotes(final.evaluations, timeline, final.nowMs, latest);
  const report = alertsReport(listOf(final.evaluations), final.nowMs, tz, counts, inputFailed, notes);
  if (!(options.quietOk && report.status === 'ok')) {
    write(options.format === 'json' ? renderAlertsJsonLine(report) : renderAlerts(report, options, io, tz));
  }
  await output;
  return report.exitCode;
}

/** `claude-mon alerts --backtest --from T --to T --step 1m`: when would each rule have fired over old logs? */
import type { AlertsOptions } from '../commandOptions.js';
import { IntervalCollector } from '../core/alerts/backtest.js';
import { AlertTimeline } from '../core/alerts/alertTimeline.js';
import { evaluateRules } from '../core/alerts/evaluate.js';
import { formatIsoUtc, parseInstant, parseNow } from '../core/timeRange.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io/cliIo.js';
import { renderBacktestJson, renderBacktestTable } from '../render/backtestView.js';
import { createStyle, colorLevel } from '../render/style.js';
import { type AlertsResult, readInto, retentionAt, setUpAlerts } from './alerts.js';
import type { Diagnostics } from './inputChecks.js';
import { findLatestTimestamp, openInputs, spoolStdin } from './readLogs.js';

/** More steps than this is a typo (--step 1s over a month), not a backtest. */
const MAX_STEPS = 100_000;

export async function runAlertsBacktest(options: AlertsOptions, io: CliIo, diagnostics: Diagnostics): Promise<AlertsResult> {
  const backtest = options.backtest;
  if (backtest === undefined) throw new Error('runAlertsBacktest without --backtest');
  if (options.format === 'nagios') throw new UsageError('--backtest prints a table or --json, not --format nagios');
  const { config, tz, pricing, clockMs } = await setUpAlerts(options, io);
  const now = parseNow(options.now, tz, clockMs);
  let inputs = await openInputs(options.inputs, io, 'alerts --backtest');
  try {
    let nowMs = now.kind === 'fixed' ? now.ms : clockMs;
    if (now.kind === 'latest') {
      inputs = await spoolStdin(inputs, io);
      nowMs = (await findLatestTimestamp(inputs, io, { ...options, tz })) ?? clockMs;
    }
    const fromMs = parseInstant(backtest.from, nowMs, tz, '--from');
    const toMs = backtest.to === undefined ? nowMs : parseInstant(backtest.to, nowMs, tz, '--to');
    if (fromMs > toMs) throw new UsageError(`--from ${formatIsoUtc(fromMs)} is after --to ${formatIsoUtc(toMs)}`);
    const steps = Math.floor((toMs - fromMs) / backtest.stepMs) + 1;
    if (steps > MAX_STEPS) throw new UsageError(`--step gives ${steps.toLocaleString('en-US')} evaluations (at most ${MAX_STEPS.toLocaleString('en-US')}): use a longer --step`);

    const timeline = new AlertTimeline(options.groupBy, tz, pricing, retentionAt(fromMs, config, tz, undefined, toMs));
    const { counts } = await readInto(timeline, inputs, io, options, tz, pricing, diagnostics);
    const collector = new IntervalCollector();
    for (let step = 0; step < steps; step++) {
      const at = fromMs + step * backtest.stepMs;
      collector.add(at, evaluateRules(timeline, config, at, tz, pricing));
    }
    const report = { fromMs, toMs, stepMs: backtest.stepMs, steps, timezone: tz.name, intervals: collector.intervals(), input: counts };
    if (options.format === 'json') return { output: renderBacktestJson(report), exitCode: 0 };
    const toTerminal = options.outputFile === undefined && io.stdout.isTTY === true;
    return { output: renderBacktestTable(report, createStyle(colorLevel(options.color, io.env, toTerminal)), tz), exitCode: 0 };
  } finally {
    await inputs.cleanup();
  }
}

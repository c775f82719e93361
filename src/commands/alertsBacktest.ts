/** `claude-mon alerts --backtest --from T --to T --step 1m`: when would each rule have fired over old logs? */
import type { AlertsOptions } from '../commandOptions.js';
import type { RunContext } from '../context/runContext.js';
import { AlertParts } from '../core/alerts/alertParts.js';
import { backtestSpans } from '../core/alerts/alertSpans.js';
import { IntervalCollector } from '../core/alerts/backtest.js';
import { evaluateRules } from '../core/alerts/evaluate.js';
import { Engine } from '../core/engine/engine.js';
import { formatIsoUtc, parseInstant } from '../core/timeRange.js';
import { UsageError } from '../errors.js';
import { openInputs } from '../input/readLogs.js';
import { renderBacktestJson, renderBacktestTable } from '../render/backtestView.js';
import { type AlertsResult, readAlertInputs } from './alerts.js';
import { newestFirst } from './readReport.js';

/** More steps than this is a typo (--step 1s over a month), not a backtest. */
const MAX_STEPS = 100_000;

export async function runAlertsBacktest(context: RunContext, options: AlertsOptions): Promise<AlertsResult> {
  const backtest = options.backtest as NonNullable<AlertsOptions['backtest']>; // cli.ts runs this only with --backtest
  const { config, tz, pricing, clockMs, io } = context;
  let inputs = await openInputs(options.inputs, io, 'alerts --backtest');
  try {
    let nowMs = context.now.kind === 'fixed' ? context.now.ms : clockMs;
    if (context.now.kind === 'latest') ({ inputs, now: { ms: nowMs } } = await newestFirst(context, inputs));
    const fromMs = parseInstant(backtest.from, nowMs, tz, '--from');
    const toMs = backtest.to === undefined ? nowMs : parseInstant(backtest.to, nowMs, tz, '--to');
    if (fromMs > toMs) throw new UsageError(`--from ${formatIsoUtc(fromMs)} is after --to ${formatIsoUtc(toMs)}`);
    const steps = Math.floor((toMs - fromMs) / backtest.stepMs) + 1;
    if (steps > MAX_STEPS) throw new UsageError(`--step gives ${steps.toLocaleString('en-US')} evaluations (at most ${MAX_STEPS.toLocaleString('en-US')}): use a longer --step`);

    const engine = new Engine({ kind: 'fixed', ms: toMs }, clockMs);
    const parts = new AlertParts(engine, options.groupBy, tz, pricing, backtestSpans(config, tz, fromMs, toMs));
    const { counts } = await readAlertInputs(context, inputs, engine, parts);
    const collector = new IntervalCollector();
    for (let step = 0; step < steps; step++) {
      const at = fromMs + step * backtest.stepMs;
      collector.add(at, evaluateRules(parts, config, at, tz, pricing));
    }
    const report = { fromMs, toMs, stepMs: backtest.stepMs, steps, timezone: tz.name, intervals: collector.intervals(), input: counts };
    if (options.format === 'json') return { output: renderBacktestJson(report), status: 'ok' };
    return { output: renderBacktestTable(report, context.style, tz), status: 'ok' };
  } finally {
    await inputs.cleanup();
  }
}

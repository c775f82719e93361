/** `alerts --backtest` as a table of firing intervals, and as JSON (schemas/backtest.schema.json). Pure. */
import type { FiringInterval } from '../core/alerts/backtest.js';
import { formatIsoUtc, formatWindow } from '../core/timeRange.js';
import type { TimeZone } from '../core/timezone.js';
import type { LineCounts } from '../core/types.js';
import { formatRuleValue, formatScope } from './alertValues.js';
import { renderTable } from './table.js';
import { inputJson, SCHEMA_VERSION } from './json.js';
import { formatLocalTime } from './localTime.js';
import type { Style } from './style.js';

export interface BacktestReport {
  readonly fromMs: number;
  readonly toMs: number;
  readonly stepMs: number;
  readonly steps: number;
  readonly timezone: string;
  readonly intervals: readonly FiringInterval[];
  readonly input: LineCounts;
}

export function renderBacktestTable(report: BacktestReport, style: Style, tz: TimeZone): string {
  const headline = `claude-mon alerts --backtest · ${formatLocalTime(report.fromMs, tz)} → ${formatLocalTime(report.toMs, tz)} ${tz.name} · every ${formatWindow(report.stepMs)} (${report.steps.toLocaleString('en-US')} evaluations) · ${report.intervals.length} firing intervals`;
  const lines = [style.bold(headline), ''];
  if (report.intervals.length === 0) {
    lines.push('no rule would have fired');
  } else {
    const head = ['rule', 'scope', 'severity', 'from', 'to', 'for', 'peak', 'peak at'].map((text) => style.bold(text));
    const rows = report.intervals.map((interval) => [
      interval.rule,
      formatScope(interval.scope),
      interval.severity,
      formatLocalTime(interval.startMs, tz),
      formatLocalTime(interval.endMs, tz),
      formatWindow(interval.endMs - interval.startMs + report.stepMs),
      formatRuleValue(interval.rule, interval.peak),
      formatLocalTime(interval.peakMs, tz),
    ]);
    lines.push(renderTable([head, ...rows], ['left', 'left', 'left', 'left', 'left', 'right', 'right', 'left']));
  }
  return `${lines.join('\n')}\n`;
}

export function renderBacktestJson(report: BacktestReport): string {
  const document = {
    schemaVersion: SCHEMA_VERSION,
    kind: 'backtest',
    from: formatIsoUtc(report.fromMs),
    to: formatIsoUtc(report.toMs),
    step: formatWindow(report.stepMs),
    steps: report.steps,
    timezone: report.timezone,
    intervals: report.intervals.map((interval) => ({
      rule: interval.rule,
      scope: interval.scope,
      severity: interval.severity,
      start: formatIsoUtc(interval.startMs),
      end: formatIsoUtc(interval.endMs),
      steps: interval.steps,
      peak: interval.peak,
      peakAt: formatIsoUtc(interval.peakMs),
    })),
    input: inputJson(report.input),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

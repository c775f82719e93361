/** `alerts` as a terminal table and as a Nagios/Icinga plugin's output. Pure: report in, text out. */
import type { AlertsReport } from '../core/alerts/alertsReport.js';
import { POOL_RULES } from '../core/alerts/alertConfig.js';
import { ALL } from '../core/alerts/alertParts.js';
import type { Evaluation } from '../core/alerts/evaluate.js';
import type { TimeZone } from '../core/timezone.js';
import { limitNote, tableLines } from './table.js';
import { escapeForTerminal } from './escape.js';
import { formatDetail, formatRuleValue, formatScope, formatState, formatThreshold } from './alertValues.js';
import { formatLocalTime } from './localTime.js';
import { formatCount } from './numbers.js';
import type { Style } from './style.js';

const HEAD = ['rule', 'scope', 'state', 'value', 'threshold', 'calls', 'window', 'detail'];
const ALIGNS = ['left', 'left', 'left', 'right', 'left', 'right', 'left', 'left'] as const;

export interface AlertsTableContext {
  readonly style: Style;
  readonly tz: TimeZone;
  /** --verbose: list the scopes without calls in their windows too. */
  readonly showEmpty: boolean;
  /** Rows of evaluations shown at most (0: all); every firing one is shown whatever the limit. */
  readonly limit: number;
}

/**
 * One row per rule and scope; scopes without calls in the window are counted under the table rather than listed
 * (there is one per feature seen in the last days), unless `showEmpty` (--verbose). JSON lists them all.
 */
export function* renderAlertsTable(report: AlertsReport, context: AlertsTableContext): Generator<string> {
  const { style, limit } = context;
  let hidden = 0;
  let overLimit = 0;
  function* rows(): Generator<string[]> {
    hidden = 0;
    overLimit = 0;
    let shown = 0;
    yield HEAD.map((h) => style.bold(h));
    for (const evaluation of report.evaluations) {
      if (!(context.showEmpty || evaluation.scopeKey === ALL || evaluation.state !== 'no_data')) {
        hidden++;
        continue;
      }
      if (limit !== 0 && shown >= limit && evaluation.state !== 'firing') {
        overLimit++;
        continue;
      }
      shown++;
      yield rowOf(evaluation, style);
    }
  }
  yield `${style.bold(alertsHeadline(report, context.tz))}\n\n`;
  // The whole input's evaluations are always shown: no rows means no rules.
  if (report.evaluations.size === 0) yield 'no rules evaluated (all disabled in the config)\n';
  else for (const line of tableLines(rows, ALIGNS)) yield `${line}\n`;
  const notes = [...report.notes];
  if (overLimit > 0) notes.push(limitNote(overLimit, 'rule evaluations (none of them firing)', '--json'));
  if (hidden > 0) notes.push(`${formatCount(hidden)} rule evaluations of scopes without calls in their window are not shown (--verbose or --json lists them)`);
  if (notes.length > 0) yield `\n${notes.map((note) => style.dim(escapeForTerminal(note))).join('\n')}\n`;
}

function rowOf(evaluation: Evaluation, style: Style): string[] {
  const state = formatState(evaluation);
  const painted =
    evaluation.state !== 'firing' ? (evaluation.state === 'ok' ? style.green(state) : style.dim(state)) : evaluation.severity === 'critical' ? style.red(state) : style.yellow(state);
  return [
    evaluation.rule,
    formatScope(evaluation.scope),
    painted,
    formatRuleValue(evaluation.rule, evaluation.value),
    formatThreshold(evaluation),
    formatCount(evaluation.sample.calls),
    evaluation.window,
    formatDetail(evaluation),
  ];
}

/** "claude-mon alerts · 2026-11-26 10:00:00 UTC · CRITICAL: 1 critical, 1 warning firing" */
function alertsHeadline(report: AlertsReport, tz: TimeZone): string {
  const { firing, critical } = report;
  const counts = firing === 0 ? 'nothing firing' : `${critical} critical, ${firing - critical} warning firing`;
  return `claude-mon alerts · ${formatLocalTime(report.nowMs, tz)} ${tz.name} · ${report.status.toUpperCase()}: ${counts}`;
}

/**
 * The Monitoring Plugins format: one status line `CLAUDE-MON STATUS - text | perfdata`, then a line per rule
 * and scope that is not ok. Perfdata carries the whole input's value of each rule with its threshold, and each
 * configured limit's use.
 */
export function renderAlertsNagios(report: AlertsReport): string {
  const firing: Evaluation[] = [];
  const perfdata: string[] = [];
  for (const evaluation of report.evaluations) {
    if (evaluation.state === 'firing') firing.push(evaluation);
    if (evaluation.scopeKey === ALL || POOL_RULES.includes(evaluation.rule)) perfdata.push(perfdataOf(evaluation));
  }
  const unreadable = report.input.unreadable[0];
  let text: string;
  if (firing.length > 0) text = firing.map(describeFiring).join('; ');
  else if (report.status !== 'unknown') text = `${report.evaluations.size} rule evaluations, none firing`;
  else if (unreadable !== undefined) text = `cannot read ${escapeForTerminal(unreadable)}`;
  else text = report.notes[0] ?? 'no data to evaluate';
  const measured = perfdata.filter((item) => item !== '');
  const lines = [`CLAUDE-MON ${report.status.toUpperCase()} - ${oneLine(text)}${measured.length === 0 ? '' : ` | ${measured.join(' ')}`}`];
  // Details: what fires, and the whole input's rules that could not be judged (per-scope gaps are only counted).
  let quietScopes = 0;
  for (const evaluation of report.evaluations) {
    if (evaluation.state === 'ok') continue;
    if (evaluation.state !== 'firing' && evaluation.scopeKey !== ALL) {
      quietScopes++;
      continue;
    }
    const parts = [
      `${formatState(evaluation)}:`,
      evaluation.rule,
      formatScope(evaluation.scope),
      formatRuleValue(evaluation.rule, evaluation.value),
      formatThreshold(evaluation),
      `(${formatCount(evaluation.sample.calls)} calls, ${evaluation.window})`,
      formatDetail(evaluation),
    ];
    lines.push(oneLine(parts.filter((part) => part !== '').join(' ')));
  }
  if (quietScopes > 0) lines.push(`${quietScopes} scope evaluations without enough data`);
  return `${lines.join('\n')}\n`;
}

/** A failure before any evaluation (bad config, unreadable input): the plugin's UNKNOWN line. */
export function renderNagiosError(message: string): string {
  return `CLAUDE-MON UNKNOWN - ${oneLine(message)}\n`;
}

function describeFiring(evaluation: Evaluation): string {
  return `${evaluation.rule} ${formatScope(evaluation.scope)} ${formatRuleValue(evaluation.rule, evaluation.value)} ${formatThreshold(evaluation)}`;
}

/**
 * 'label'=value[UOM];warn;crit;min; — the threshold goes in the column of the rule's severity (a rule has one), also
 * when the sample is too small to judge: a graph of the value always has its line.
 */
function perfdataOf(evaluation: Evaluation): string {
  if (evaluation.value === null) return '';
  const uom = evaluation.rule === 'p95_latency' ? 'ms' : '';
  // A rule of the pools has a value per class and limit: 'ratelimit_headroom:claude-sonnet-4.x:itpm'.
  const label = POOL_RULES.includes(evaluation.rule) ? [evaluation.rule, ...Object.values(evaluation.scope)].join(':') : evaluation.rule;
  const threshold = evaluation.threshold === null ? '' : perfdataNumber(evaluation.threshold);
  const warn = evaluation.severity === 'warning' ? threshold : '';
  const crit = evaluation.severity === 'critical' ? threshold : '';
  return `'${oneLine(label).replaceAll("'", "''").replaceAll('=', '_')}'=${perfdataNumber(evaluation.value)}${uom};${warn};${crit};0;`;
}

/** Six significant digits, always in plain decimals (perfdata has no exponents): 0.0460653, 1990.66, 0.00000025. */
function perfdataNumber(value: number): string {
  const rounded = Number(value.toPrecision(6));
  const text = String(rounded);
  if (!text.includes('e')) return text;
  return Math.abs(rounded) >= 1e21 ? BigInt(Math.round(rounded)).toString() : rounded.toFixed(20).replace(/\.?0+$/, '');
}

/** Plugin output is line-oriented, and `|` starts the perfdata: neither may come from a log value. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replaceAll('|', '¦');
}

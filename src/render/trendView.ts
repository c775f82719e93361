/**
 * `trend` as a terminal table (one row per group: each metric first → last, with a sparkline on a terminal), as
 * CSV (one row per day and group) and as JSON (schemas/trend.schema.json). Pure: report in, text out.
 */
import { formatIsoUtc } from '../core/timeRange.js';
import type { TimeZone } from '../core/timezone.js';
import type { Trend, TrendFlag, TrendSeries } from '../core/reports/trendReport.js';
import type { LineCounts } from '../core/types.js';
import { type Metric, TREND_METRICS } from '../core/metrics.js';
import { formatValue } from './metricCells.js';
import { limitNote, tableLines } from './table.js';
import { fitWidth } from './width.js';
import { csvCell, escapeForTerminal } from './escape.js';
import { inputJson, SCHEMA_VERSION } from './json.js';
import { JsonItems, jsonDocument, mapItems } from './jsonStream.js';
import { formatLocalTime } from './localTime.js';
import { formatCount, formatPercent, formatUsdPrecise, MISSING } from './numbers.js';
import { sparkline } from './sparkline.js';
import type { Style } from './style.js';

export interface TrendReport {
  readonly trend: Trend;
  readonly timezone: string;
  readonly input: LineCounts;
}

const MAX_LABEL = 40;

/** The trend's metrics as a table shows them: the registry's, sums per day ("calls/day"), without unpriced calls. */
const SHOWN = TREND_METRICS.filter((metric) => metric.id !== 'unpricedCalls');

function headerOf(metric: Metric): string {
  return metric.unit === 'count' || metric.unit === 'usd' ? `${metric.header ?? metric.id}/day` : (metric.header ?? metric.id);
}

/**
 * One block per group (at most `limit` of them, 0: all), a line per metric: first → last day with calls, and every
 * day as a sparkline on a terminal.
 */
export function* renderTrendView(report: TrendReport, style: Style, tz: TimeZone, terminal: boolean, limit = 0): Generator<string> {
  const { trend } = report;
  const headline = `claude-mon trend · ${trend.days} days to ${formatLocalTime(trend.toMs, tz)} ${tz.name} · by ${trend.groupBy.join(', ')}`;
  const head = ['', '', ...(terminal ? [`${trend.days} days`] : []), 'first → last day with calls'].map((h) => style.bold(h));
  const shown = limit === 0 ? trend.series.size : Math.min(limit, trend.series.size);
  function* rows(): Generator<string[]> {
    yield head;
    let count = 0;
    for (const series of trend.series) {
      if (count++ === shown) break;
      yield* seriesRows(series, labelOf(series), terminal);
    }
    yield* seriesRows(trend.total, style.bold('TOTAL'), terminal);
  }
  yield `${style.bold(headline)}\n\n`;
  for (const line of tableLines(rows, ['left', 'left', ...(terminal ? ['left' as const] : []), 'left'])) yield `${line}\n`;
  if (shown < trend.series.size) yield `\n${style.dim(limitNote(trend.series.size - shown, 'groups'))}\n`;
  let flagged = 0;
  let count = 0;
  for (const series of trend.series) {
    if (count++ === shown) break;
    for (const flag of series.flags) yield `${flagged++ === 0 ? '\n' : ''}${style.yellow(`${labelOf(series)}: ${describeFlag(flag)}`)}\n`;
  }
  const unpricedCalls = trend.total.days.reduce((sum, day) => sum + day.unpricedCalls, 0);
  if (unpricedCalls > 0) {
    yield `\n${style.dim(`* cost excludes ${formatCount(unpricedCalls)} calls of models without a price (summary lists them; add them with --prices FILE)`)}\n`;
  }
}

/** A series' rows: a line per metric, the label on the first. */
function seriesRows(series: TrendSeries, label: string, terminal: boolean): string[][] {
  const unpriced = series.days.some((day) => day.unpricedCalls > 0);
  return SHOWN.map((metric, i) => {
    const values = series.days.map((day) => (day.calls === 0 ? null : (day.values[metric.id] ?? null)));
    const marker = unpriced && metric.leavesOutUnpriced === true ? '*' : '';
    return [i === 0 ? label : '', headerOf(metric), ...(terminal ? [sparkline(values)] : []), firstToLast(values, metric) + marker];
  });
}

/** A group's name for people: its values, escaped, cut to a width a table can hold. */
function labelOf(series: TrendSeries): string {
  return fitWidth(escapeForTerminal(Object.values(series.key).join(' · ')), MAX_LABEL);
}

export function* renderTrendCsv(report: TrendReport): Generator<string> {
  const { trend } = report;
  yield `${['day', ...trend.groupBy, ...TREND_METRICS.map((metric) => metric.csv)].join(',')}\r\n`;
  for (const series of trend.series) {
    const labels = trend.groupBy.map((dimension) => csvCell(series.key[dimension] ?? ''));
    for (const day of series.days) yield `${[day.day, ...labels, ...TREND_METRICS.map((metric) => csvCell(day.values[metric.id] ?? null))].join(',')}\r\n`;
  }
}

export function renderTrendJson(report: TrendReport): Generator<string> {
  const { trend } = report;
  const seriesJson = (series: TrendSeries) => ({
    key: series.key,
    days: series.days.map((day) => ({ start: formatIsoUtc(day.dayStartMs), day: day.day, ...day.values })),
    flags: series.flags,
  });
  const document = {
    schemaVersion: SCHEMA_VERSION,
    kind: 'trend',
    from: formatIsoUtc(trend.fromMs),
    to: formatIsoUtc(trend.toMs),
    days: trend.days,
    timezone: report.timezone,
    groupBy: trend.groupBy,
    series: new JsonItems(mapItems(trend.series, seriesJson)),
    total: seriesJson(trend.total),
    input: inputJson(report.input),
  };
  return jsonDocument(document);
}

function firstToLast(values: readonly (number | null)[], metric: Metric): string {
  const present = values.filter((value): value is number => value !== null);
  if (present.length === 0) return MISSING;
  const first = formatValue(metric, present[0] as number);
  return present.length === 1 ? first : `${first} → ${formatValue(metric, present[present.length - 1] as number)}`;
}

function describeFlag(flag: TrendFlag): string {
  const change = `${flag.change >= 0 ? '+' : ''}${(flag.change * 100).toFixed(0)}%`;
  if (flag.kind === 'cost_per_call_rising') {
    return `cost per call rose ${change} (${formatUsdPrecise(flag.from)} → ${formatUsdPrecise(flag.to)}): context accumulating without pruning?`;
  }
  return `cache hit rate fell ${(-flag.change * 100).toFixed(0)}% (${formatPercent(flag.from)} → ${formatPercent(flag.to)}): prompt prefix changing, or cache expiring?`;
}

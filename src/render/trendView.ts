/**
 * `trend` as a terminal table (one row per group: each metric first → last, with a sparkline on a terminal), as
 * CSV (one row per day and group) and as JSON (schemas/trend.schema.json). Pure: report in, text out.
 */
import { formatIsoUtc } from '../core/timeRange.js';
import type { TimeZone } from '../core/timezone.js';
import type { Trend, TrendDay, TrendFlag, TrendSeries } from '../core/reports/trendReport.js';
import type { LineCounts } from '../core/types.js';
import { columnLines } from './columns.js';
import { csvCell, escapeForTerminal } from './escape.js';
import { inputJson, SCHEMA_VERSION } from './json.js';
import { JsonItems, jsonDocument, mapItems } from './jsonStream.js';
import { formatLocalTime } from './localTime.js';
import { formatCount, formatMs, formatPercent, formatUsd, formatUsdPrecise, MISSING } from './numbers.js';
import { sparkline } from './sparkline.js';
import type { Style } from './style.js';

export interface TrendReport {
  readonly trend: Trend;
  readonly timezone: string;
  readonly input: LineCounts;
}

const MAX_LABEL = 40;

interface Metric {
  readonly header: string;
  /** A money metric: marked when some calls had no price. */
  readonly costly?: boolean;
  readonly value: (day: TrendDay) => number | null;
  readonly format: (value: number | null) => string;
}

const METRICS: readonly Metric[] = [
  { header: 'calls/day', value: (d) => d.calls, format: (v) => (v === null ? MISSING : formatCount(v)) },
  { header: 'cost/day', value: (d) => (d.calls === 0 ? null : d.costUsd), format: formatUsd, costly: true },
  { header: '$/call', value: (d) => d.costPerCallUsd, format: formatUsdPrecise, costly: true },
  { header: 'p95', value: (d) => d.p95Ms, format: formatMs },
  { header: 'err %', value: (d) => d.errorRate, format: formatPercent },
  { header: 'cache hit', value: (d) => d.cacheHitRate, format: formatPercent },
];

/** One block per group, a line per metric: first → last day with calls, and every day as a sparkline on a terminal. */
export function* renderTrendView(report: TrendReport, style: Style, tz: TimeZone, terminal: boolean): Generator<string> {
  const { trend } = report;
  const headline = `claude-mon trend · ${trend.days} days to ${formatLocalTime(trend.toMs, tz)} ${tz.name} · by ${trend.groupBy.join(', ')}`;
  const head = ['', '', ...(terminal ? [`${trend.days} days`] : []), 'first → last day with calls'].map((h) => style.bold(h));
  function* rows(): Generator<string[]> {
    yield head;
    for (const series of trend.series) yield* seriesRows(series, labelOf(series), terminal);
    yield* seriesRows(trend.total, style.bold('TOTAL'), terminal);
  }
  yield `${style.bold(headline)}\n\n`;
  for (const line of columnLines(rows, ['left', 'left', ...(terminal ? ['left' as const] : []), 'left'])) yield `${line}\n`;
  let flagged = 0;
  for (const series of trend.series) {
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
  return METRICS.map((metric, i) => {
    const values = series.days.map((day) => (day.calls === 0 ? null : metric.value(day)));
    const marker = unpriced && metric.costly ? '*' : '';
    return [i === 0 ? label : '', metric.header, ...(terminal ? [sparkline(values)] : []), firstToLast(values, metric) + marker];
  });
}

/** A group's name for people: its values, escaped, cut to a width a table can hold. */
function labelOf(series: TrendSeries): string {
  const label = escapeForTerminal(Object.values(series.key).join(' · '));
  return label.length > MAX_LABEL ? `${label.slice(0, MAX_LABEL - 1)}…` : label;
}

export function* renderTrendCsv(report: TrendReport): Generator<string> {
  const { trend } = report;
  yield `${['day', ...trend.groupBy, 'calls', 'cost_usd', 'cost_per_call_usd', 'p95_ms', 'error_rate', 'cache_hit_rate', 'unpriced_calls'].join(',')}\r\n`;
  for (const series of trend.series) {
    const labels = trend.groupBy.map((dimension) => csvCell(series.key[dimension] ?? ''));
    for (const day of series.days) {
      const values = [day.calls, day.costUsd, day.costPerCallUsd, day.p95Ms, day.errorRate, day.cacheHitRate, day.unpricedCalls];
      yield `${[day.day, ...labels, ...values.map(csvCell)].join(',')}\r\n`;
    }
  }
}

export function renderTrendJson(report: TrendReport): Generator<string> {
  const { trend } = report;
  const seriesJson = (series: TrendSeries) => ({
    key: series.key,
    days: series.days.map(({ dayStartMs, ...day }) => ({ start: formatIsoUtc(dayStartMs), ...day })),
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
  const first = metric.format(present[0] as number);
  return present.length === 1 ? first : `${first} → ${metric.format(present[present.length - 1] as number)}`;
}

function describeFlag(flag: TrendFlag): string {
  const change = `${flag.change >= 0 ? '+' : ''}${(flag.change * 100).toFixed(0)}%`;
  if (flag.kind === 'cost_per_call_rising') {
    return `cost per call rose ${change} (${formatUsdPrecise(flag.from)} → ${formatUsdPrecise(flag.to)}): context accumulating without pruning?`;
  }
  return `cache hit rate fell ${(-flag.change * 100).toFixed(0)}% (${formatPercent(flag.from)} → ${formatPercent(flag.to)}): prompt prefix changing, or cache expiring?`;
}

/**
 * What the page draws from a view and a filter: the month-one answers (at now, not filtered), and the charts of the
 * filter's days and features, recomputed from the sums with the formulas the CLI divides with.
 */
import { HOUR, LATENCY, RATE_LIMITED, type RangeGroup, type ReportAggregates, rangeSummary } from '../src/core/reports/reportRange.js';
import { type ChartSpec, type Charts, type Line } from './charts.js';
import { byId, calls, count, el, type Format, ms, pct, usd } from './dom.js';
import type { Filter } from './filters.js';
import { colourOf, type View } from './view.js';

const HOUR_S = 3600;

/** The month-one answers, at now: not filtered. */
export function drawAnswers(view: View): void {
  const { dashboard } = view;
  const answers = byId('answers');
  answers.replaceChildren();
  const answer = (id: string, title: string, value: string, raw: number | null, detail: Node): HTMLElement =>
    el('article', { class: 'answer', id }, el('h2', {}, title), el('p', { class: 'value', 'data-value': raw == null ? '' : String(raw) }, value), detail);
  const detail = (text: string): HTMLElement => el('p', { class: 'detail' }, text);
  const cost = dashboard.costToday;
  const change = cost.changePct == null ? '' : ` (${cost.changePct > 0 ? '+' : ''}${cost.changePct}%)`;
  answers.append(answer('answer-cost', 'Cost today', usd(cost.todayUsd), cost.todayUsd, detail(`yesterday ${usd(cost.yesterdayUsd)}; by this time yesterday ${usd(cost.yesterdaySameTimeUsd)}${change}`)));
  const slow = dashboard.slowestFeature;
  const busiest = slow.ranking[0];
  answers.append(
    answer(
      'answer-slowest',
      `Slowest feature, last ${slow.window}`,
      slow.feature ?? 'too few calls',
      slow.p95Ms,
      detail(slow.feature != null ? `p95 ${ms(slow.p95Ms)} over ${calls(slow.calls ?? 0)}` : busiest === undefined ? 'no calls' : `most calls: ${busiest.feature}, p95 ${ms(busiest.p95Ms)} over ${calls(busiest.calls)}`),
    ),
  );
  const limits = dashboard.rateLimits;
  answers.append(
    answer('answer-429s', `429s, last ${limits.window}`, count(limits.count), limits.count, detail(limits.count === 0 ? 'none' : `most: ${mostOf(limits.byFeature)} (feature), ${mostOf(limits.byUser)} (user)`)),
  );
  const users = dashboard.topUsersByCost;
  const list = el('ol', {}, ...users.slice(0, 5).map((user) => el('li', {}, `${user.user} · ${usd(user.costUsd)} · ${calls(user.calls)}`)));
  answers.append(answer('answer-users', 'Top users today', users[0]?.user ?? 'none', users[0]?.costUsd ?? null, list));
}

function mostOf(byKey: Readonly<Record<string, number>>): string {
  return Object.keys(byKey).sort((a, b) => (byKey[b] as number) - (byKey[a] as number) || (a < b ? -1 : 1))[0] ?? '';
}

export function drawCharts(charts: Charts, view: View, filter: Filter): void {
  const { aggregates, trend } = view;
  const days = range(filter.fromDay, filter.toDay);
  const dayTimes = days.map((day) => (aggregates.dayStartsMs[day] as number) / 1000);
  const shown = view.features.filter((feature) => filter.features.has(feature));
  // Each day's figures, by feature: one range of one day each.
  const perDay = days.map((day) => new Map(rangeSummary(aggregates, day, day, filter.features).groups.map((group) => [group.feature, group])));
  const dayLine = (feature: string, value: (group: RangeGroup | undefined) => number | null): (number | null)[] => perDay.map((groups) => value(groups.get(feature)));
  const flags = new Map(trend.series.map((series) => [series.key.feature, series.flags]));

  const ownCost = shown.map((feature) => dayLine(feature, (group) => group?.costUsd ?? 0));
  charts.draw({
    id: 'chart-cost',
    title: 'Cost per day by feature (stacked)',
    description: describe('Cost per day', shown, ownCost, usd),
    times: dayTimes,
    lines: stacked(shown, ownCost),
    format: usd,
  });

  const hours = hourRange(aggregates, filter);
  const callsPerHour = perHour(aggregates, hours, filter, aggregates.byHour, (row) => row[HOUR.calls] as number);
  const errorsPerHour = perHour(aggregates, hours, filter, aggregates.byHour, (row) => row[HOUR.errors] as number);
  const errorRate = callsPerHour.map((n, i) => (n === 0 ? null : (errorsPerHour[i] as number) / n));
  charts.draw({
    id: 'chart-calls',
    title: 'Calls per hour, and the error rate',
    description: `Calls per hour of ${shown.length} features: ${count(sum(callsPerHour))} in all; the error rate per hour on the right-hand axis, highest ${pct(max(errorRate))}.`,
    times: hours.map((hour) => aggregates.firstHourMs / 1000 + hour * HOUR_S),
    lines: [
      { label: 'calls', values: callsPerHour, colour: 0, bars: true },
      { label: 'error rate', values: errorRate, colour: 5, width: 2, right: true },
    ],
    format: count,
    rightFormat: pct,
  });

  const latency = new Map<string, { p50: (number | null)[]; p95: (number | null)[] }>();
  for (const row of aggregates.latencyByDay) {
    const name = aggregates.features[row[LATENCY.feature] as number] as string;
    const at = days.indexOf(row[LATENCY.day] as number);
    if (at < 0 || !filter.features.has(name)) continue;
    const lines = latency.get(name) ?? (latency.set(name, { p50: days.map(() => null), p95: days.map(() => null) }).get(name) as { p50: (number | null)[]; p95: (number | null)[] });
    lines.p50[at] = row[LATENCY.p50Ms] ?? null;
    lines.p95[at] = row[LATENCY.p95Ms] ?? null;
  }
  charts.draw({
    id: 'chart-latency',
    title: 'p95 (solid) and p50 (dotted) latency per day by feature',
    description: describe('p95 latency per day', shown, shown.map((feature) => latency.get(feature)?.p95 ?? []), ms),
    times: dayTimes,
    lines: shown.flatMap((feature): Line[] => {
      const lines = latency.get(feature) ?? { p50: [], p95: [] };
      const colour = colourOf(feature).index;
      return [
        { label: `${feature} p95`, values: lines.p95, colour, width: 2 },
        { label: `${feature} p50`, values: lines.p50, colour, width: 1, dash: [2, 3] },
      ];
    }),
    format: ms,
  });

  const hourTimes = hours.map((hour) => aggregates.firstHourMs / 1000 + hour * HOUR_S);
  const limitedByFeature = shown.map((feature) => perHour(aggregates, hours, { ...filter, features: new Set([feature]) }, aggregates.byHour, (row) => row[HOUR.rateLimited] as number));
  charts.draw({
    id: 'chart-429s',
    title: '429s per hour by feature (stacked)',
    description: describe('429s', shown, limitedByFeature, count, 'sum'),
    times: hourTimes,
    lines: stacked(shown, limitedByFeature, true),
    format: count,
  });

  const users = [...aggregates.users, '(every other user)'];
  const userOf = (row: readonly number[]): number => (row[RATE_LIMITED.user] === -1 ? users.length - 1 : (row[RATE_LIMITED.user] as number));
  const limitedByUser = users.map((_, user) => perHour(aggregates, hours, filter, aggregates.rateLimitedByUser, (row) => (userOf(row) === user ? (row[RATE_LIMITED.count] as number) : 0)));
  const withCalls = users.map((user, i) => ({ user, i })).filter(({ i }) => sum(limitedByUser[i] as number[]) > 0);
  charts.draw({
    id: 'chart-429s-users',
    title: `429s per hour by user (stacked; the ${aggregates.users.length} users with most, and the others)`,
    description: describe('429s', withCalls.map(({ user }) => user), withCalls.map(({ i }) => limitedByUser[i] as number[]), count, 'sum'),
    times: hourTimes,
    lines: stacked(
      withCalls.map(({ user }) => user),
      withCalls.map(({ i }) => limitedByUser[i] as number[]),
      true,
      withCalls.map(({ i }) => i),
    ),
    format: count,
  });

  drawLimitUse(charts, view);

  const flagged = (feature: string, kind: string): string | null => {
    const flag = flags.get(feature)?.find((candidate) => candidate.kind === kind);
    return flag === undefined ? null : `${flag.change > 0 ? '+' : ''}${(flag.change * 100).toFixed(0)}%`;
  };
  const ratesChart = (spec: Omit<ChartSpec, 'lines' | 'description'>, kind: string, value: (group: RangeGroup | undefined) => number | null, format: Format): void => {
    const lines = shown.map((feature): Line => {
      const mark = flagged(feature, kind);
      return { label: mark === null ? feature : `${feature} ⚑ ${mark}`, values: dayLine(feature, value), colour: colourOf(feature).index, width: mark === null ? 1.5 : 3.5 };
    });
    const marks = shown.filter((feature) => flagged(feature, kind) !== null).map((feature) => `${feature} (${flagged(feature, kind)})`);
    charts.draw({
      ...spec,
      description: `${describe(spec.title, shown, lines.map((line) => line.values), format)} ${marks.length === 0 ? 'No trend flag.' : `Flagged by trend, drawn thicker: ${marks.join(', ')}.`}`,
      lines,
    });
  };
  ratesChart({ id: 'chart-cache', title: 'Cache hit rate per day by feature (⚑ falling)', times: dayTimes, format: pct }, 'cache_hit_rate_falling', (group) => group?.cacheHitRate ?? null, pct);
  ratesChart({ id: 'chart-cost-per-call', title: 'Cost per call per day by feature (⚑ rising)', times: dayTimes, format: usd }, 'cost_per_call_rising', (group) => group?.costPerCallUsd ?? null, usd);
}

/** With rate limits in the config: each limit's use per minute of the last 24 hours, against the limit (not filtered: at now). */
function drawLimitUse(charts: Charts, view: View): void {
  const minutes = view.aggregates.limitMinutes;
  const first = minutes?.series[0];
  if (minutes == null || first === undefined) return;
  const times = first.values.map((_, i) => minutes.firstMinuteMs / 1000 + i * 60);
  const lines: Line[] = minutes.series.map((series, i) => ({ label: `${series.class} ${series.kind.toUpperCase()} of ${count(series.limit)}`, values: series.values.map((value) => value / series.limit), colour: i, width: 1.5 }));
  const peaks = minutes.series.map((series) => `${series.class} ${series.kind.toUpperCase()} ${pct(Math.max(...series.values) / series.limit)}`);
  charts.draw({
    id: 'chart-limits',
    title: 'Rate-limit use per minute, last 24 h (100%: the configured limit)',
    description: `The use of each configured rate limit per minute, as a share of the limit; the highest: ${peaks.join(', ')}.`,
    times,
    lines: [...lines, { label: 'the limit', values: times.map(() => 1), colour: 7, width: 1, dash: [6, 4] }],
    format: pct,
  });
}

/** Lines stacked: each drawn up to the sum of itself and those before it, from the last (the whole sum) down. */
function stacked(names: readonly string[], own: readonly (readonly (number | null)[])[], bars = false, colours?: readonly number[]): Line[] {
  const lines = names.map((name, i): Line => {
    const values = (own[i] ?? []).map((_, at) => own.slice(0, i + 1).reduce((total: number, line) => total + (line[at] ?? 0), 0));
    return { label: name, values, own: own[i] ?? [], colour: colours?.[i] ?? colourOf(name).index, fill: true, bars };
  });
  return lines.reverse();
}

/** "What per day: feature total, …" for a chart's text description. */
function describe(what: string, names: readonly string[], lines: readonly (readonly (number | null)[])[], format: Format, of: 'sum' | 'last' = 'last'): string {
  if (names.length === 0) return `${what}: nothing shown.`;
  const parts = names.map((name, i) => {
    const values = (lines[i] ?? []).filter((value): value is number => value != null);
    return `${name} ${format(of === 'sum' ? sum(values) : (values[values.length - 1] ?? null))}`;
  });
  return `${what}, ${of === 'sum' ? 'in all' : 'on the last day with calls'}: ${parts.join(', ')}.`;
}

/** The hours of the filter's days (indexes from firstHourMs), up to now. */
function hourRange(aggregates: ReportAggregates, filter: Filter): number[] {
  const fromMs = aggregates.dayStartsMs[filter.fromDay] as number;
  const toMs = aggregates.dayStartsMs[filter.toDay + 1] ?? Number.POSITIVE_INFINITY;
  const hours: number[] = [];
  for (let hour = 0; hour < aggregates.hourCount; hour++) {
    const start = aggregates.firstHourMs + hour * HOUR_S * 1000;
    if (start + HOUR_S * 1000 > fromMs && start < toMs) hours.push(hour);
  }
  return hours;
}

/** Per hour of `hours`, the sum of `value` over the rows of the filter's features. */
function perHour(aggregates: ReportAggregates, hours: readonly number[], filter: Filter, rows: readonly (readonly number[])[], value: (row: readonly number[]) => number): number[] {
  const at = new Map(hours.map((hour, i) => [hour, i]));
  const sums = hours.map(() => 0);
  for (const row of rows) {
    const i = at.get(row[HOUR.hour] as number);
    // The feature's column is second in every row of hours.
    if (i !== undefined && filter.features.has(aggregates.features[row[HOUR.feature] as number] as string)) sums[i] = (sums[i] as number) + value(row);
  }
  return sums;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function max(values: readonly (number | null)[]): number | null {
  const present = values.filter((value): value is number => value != null);
  return present.length === 0 ? null : Math.max(...present);
}

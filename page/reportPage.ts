/**
 * The script of `claude-mon report`'s page (bundled by scripts/bundle.mjs into dist/bundle/reportPage.js, inlined
 * into each page). It reads the JSON island `claude-mon-data` — dashboard, summary and trend as those commands print
 * them with --json, and the aggregates its filters recompute from — and draws the month-one answers, the charts and
 * the summary table. The date-range and feature filters recompute every chart and the table with the formulas the
 * CLI divides with (src/core/reports/reportRange.ts), so a range's figures are `summary --since … --until …`'s.
 */
import { rangeSummary, type RangeGroup } from '../src/core/reports/reportRange.js';
import { type ChartSpec, Charts, type Line, PALETTE } from './charts.js';
import { byId, calls, count, el, type Format, ms, pct, usd } from './dom.js';
import type { Island, SummaryGroup } from './island.js';

const HOUR_S = 3600;

// The data drawn: the island's, then (on `serve`'s live page) each answer of its endpoint in turn.
let dashboard: Island['dashboard'];
let summary: Island['summary'];
let trend: Island['trend'];
let aggregates: Island['aggregates'];
let dayCount: number;
/** Features in the trend's order (most calls first), each with its colour on every chart. */
let features: string[];

function load(island: Island): void {
  ({ dashboard, summary, trend, aggregates } = island);
  dayCount = aggregates.dayStartsMs.length;
  features = [...new Set([...trend.series.map((series) => series.key.feature), ...aggregates.features])];
}

interface Filter {
  readonly fromDay: number;
  readonly toDay: number;
  readonly features: ReadonlySet<string>;
}

/** A filter by names (days and features left out), which new data keeps: on a live page the days move on. */
interface Choice {
  readonly from: string | null;
  readonly to: string | null;
  readonly left: ReadonlySet<string>;
}

function isWhole(filter: Filter): boolean {
  return filter.fromDay === 0 && filter.toDay === dayCount - 1 && filter.features.size === features.length;
}


function redraw(next: Filter): void {
  charts.clear();
  drawCharts(next);
  drawTable(next);
  const command = byId('range-command');
  const until = next.toDay === dayCount - 1 ? 'now' : (aggregates.days[next.toDay + 1] as string);
  command.textContent = `claude-mon summary --now ${aggregates.now} --tz ${dashboard.timezone} --since ${aggregates.days[next.fromDay]} --until ${until}`;
  byId('range-note').textContent = next.features.size === features.length ? '' : ` (its rows of the ${next.features.size} features shown; the total is theirs)`;
}

/** The month-one answers, at now: not filtered. */
function drawAnswers(): void {
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
    answer('answer-429s', `429s, last ${limits.window}`, count(limits.count), limits.count, detail(limits.count === 0 ? 'none' : `most: ${top(limits.byFeature)} (feature), ${top(limits.byUser)} (user)`)),
  );
  const users = dashboard.topUsersByCost;
  const list = el('ol', {}, ...users.slice(0, 5).map((user) => el('li', {}, `${user.user} · ${usd(user.costUsd)} · ${calls(user.calls)}`)));
  answers.append(answer('answer-users', 'Top users today', users[0]?.user ?? 'none', users[0]?.costUsd ?? null, list));
}

function top(byKey: Readonly<Record<string, number>>): string {
  return Object.keys(byKey).sort((a, b) => (byKey[b] as number) - (byKey[a] as number) || (a < b ? -1 : 1))[0] ?? '';
}

/**
 * The date-range and feature controls, as `choice` had them (the whole report when it names nothing); `changed`
 * hears the filter, and the choice, each time one changes.
 */
function filterControls(choice: Choice, changed: (filter: Filter, choice: Choice) => void): Filter {
  const form = byId('filters');
  form.replaceChildren();
  const dayAt = (day: string | null, otherwise: number): number => (day === null || !aggregates.days.includes(day) ? otherwise : aggregates.days.indexOf(day));
  const dayOptions = (selected: number): HTMLElement[] => aggregates.days.map((day, i) => el('option', { value: String(i), ...(i === selected ? { selected: '' } : {}) }, day));
  const from = el('select', { id: 'filter-from' }, ...dayOptions(dayAt(choice.from, 0))) as HTMLSelectElement;
  const to = el('select', { id: 'filter-to' }, ...dayOptions(dayAt(choice.to, dayCount - 1))) as HTMLSelectElement;
  const boxes = features.map((feature) => {
    const box = el('input', { type: 'checkbox', value: feature, ...(choice.left.has(feature) ? {} : { checked: '' }) }) as HTMLInputElement;
    return { feature, box, label: el('label', { class: 'feature' }, box, el('span', { class: 'swatch', style: `background:${colourOf(feature).css}` }), feature) };
  });
  const reset = el('button', { type: 'button', id: 'filter-reset' }, 'All days and features');
  form.append(
    el('label', {}, 'From ', from),
    el('label', {}, 'to ', to),
    el('fieldset', {}, el('legend', {}, 'Features'), ...boxes.map(({ label }) => label)),
    reset,
  );
  const read = (): Filter => {
    const [a, b] = [Number(from.value), Number(to.value)];
    return { fromDay: Math.min(a, b), toDay: Math.max(a, b), features: new Set(boxes.filter(({ box }) => box.checked).map(({ feature }) => feature)) };
  };
  const chosen = (): Choice => {
    const filter = read();
    const last = filter.toDay === dayCount - 1;
    // The last day is "today" however the days move on; a whole range stays whole.
    return { from: filter.fromDay === 0 && last ? null : (aggregates.days[filter.fromDay] ?? null), to: last ? null : (aggregates.days[filter.toDay] ?? null), left: new Set(features.filter((feature) => !filter.features.has(feature))) };
  };
  for (const control of [from, to, ...boxes.map(({ box }) => box)]) control.addEventListener('change', () => changed(read(), chosen()));
  reset.addEventListener('click', () => {
    from.value = '0';
    to.value = String(dayCount - 1);
    for (const { box } of boxes) box.checked = true;
    changed(read(), chosen());
  });
  return read();
}

function colourOf(feature: string): { index: number; css: string } {
  const index = Math.max(0, features.indexOf(feature));
  return { index, css: PALETTE[index % PALETTE.length] as string };
}

function drawCharts(filter: Filter): void {
  const days = range(filter.fromDay, filter.toDay);
  const dayTimes = days.map((day) => (aggregates.dayStartsMs[day] as number) / 1000);
  const shown = features.filter((feature) => filter.features.has(feature));
  // Each day's figures, by feature: one range of one day each.
  const perDay = days.map((day) => new Map(rangeSummary(aggregates, day, day, filter.features).groups.map((group) => [group.feature, group])));
  const dayLine = (feature: string, value: (group: RangeGroup | undefined) => number | null): (number | null)[] => perDay.map((groups) => value(groups.get(feature)));
  const flags = flagsByFeature();

  const ownCost = shown.map((feature) => dayLine(feature, (group) => group?.costUsd ?? 0));
  charts.draw({
    id: 'chart-cost',
    title: 'Cost per day by feature (stacked)',
    description: describe('Cost per day', shown, ownCost, usd),
    times: dayTimes,
    lines: stacked(shown, ownCost),
    format: usd,
  });

  const hours = hourRange(filter);
  const callsPerHour = perHour(hours, filter, aggregates.byHour, (row) => row[2] as number);
  const errorsPerHour = perHour(hours, filter, aggregates.byHour, (row) => row[3] as number);
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
  for (const [day, feature, p50, p95] of aggregates.latencyByDay) {
    const name = aggregates.features[feature as number] as string;
    const at = days.indexOf(day as number);
    if (at < 0 || !filter.features.has(name)) continue;
    const lines = latency.get(name) ?? (latency.set(name, { p50: days.map(() => null), p95: days.map(() => null) }).get(name) as { p50: (number | null)[]; p95: (number | null)[] });
    lines.p50[at] = p50 ?? null;
    lines.p95[at] = p95 ?? null;
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
  const limitedByFeature = shown.map((feature) => perHour(hours, { ...filter, features: new Set([feature]) }, aggregates.byHour, (row) => row[4] as number));
  charts.draw({
    id: 'chart-429s',
    title: '429s per hour by feature (stacked)',
    description: describe('429s', shown, limitedByFeature, count, 'sum'),
    times: hourTimes,
    lines: stacked(shown, limitedByFeature, true),
    format: count,
  });

  const users = [...aggregates.users, 'other users'];
  const limitedByUser = users.map((_, user) => perHour(hours, filter, aggregates.rateLimitedByUser, (row) => ((row[2] === -1 ? users.length - 1 : row[2]) === user ? (row[3] as number) : 0)));
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

/** The trend's flags, by feature (over the whole report: they compare its first and last days). */
function flagsByFeature(): Map<string, readonly { kind: string; change: number }[]> {
  return new Map(trend.series.map((series) => [series.key.feature, series.flags]));
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
function hourRange(filter: Filter): number[] {
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
function perHour(hours: readonly number[], filter: Filter, rows: readonly (readonly number[])[], value: (row: readonly number[]) => number): number[] {
  const at = new Map(hours.map((hour, i) => [hour, i]));
  const sums = hours.map(() => 0);
  for (const row of rows) {
    const i = at.get(row[0] as number);
    if (i !== undefined && filter.features.has(aggregates.features[row[1] as number] as string)) sums[i] = (sums[i] as number) + value(row);
  }
  return sums;
}

/** The summary table: summary's own rows for the whole report, else the range's recomputed (latencies need the calls). */
function drawTable(filter: Filter): void {
  const whole = isWhole(filter);
  const island = new Map(summary.groups.map((group) => [group.key.feature, group]));
  const ranged = rangeSummary(aggregates, filter.fromDay, filter.toDay, filter.features);
  const everyDay = filter.fromDay === 0 && filter.toDay === dayCount - 1;
  const rows: Row[] = whole
    ? summary.groups.map((group) => rowOfSummary(group.key.feature, group))
    : ranged.groups.map((group) => ({ ...group, latency: everyDay ? (island.get(group.feature)?.latencyMs ?? null) : null }));
  const total: Row = whole ? rowOfSummary('TOTAL', summary.total) : { ...ranged.total, latency: null };
  byId('summary-caption').textContent = whole
    ? `Every call from ${summary.range.from} to ${summary.range.to}`
    : `${aggregates.days[filter.fromDay]} to ${aggregates.days[filter.toDay]}${filter.features.size === features.length ? '' : `, ${filter.features.size} of ${features.length} features`}${everyDay ? '' : ' (latency percentiles need the calls: run the command above)'}`;
  table.fill(rows, total);
}

interface Row extends Omit<RangeGroup, 'feature'> {
  readonly feature: string;
  readonly latency: { readonly p50: number | null; readonly p95: number | null; readonly p99: number | null } | null;
}

function rowOfSummary(feature: string, group: SummaryGroup): Row {
  return { ...group, feature, latency: group.latencyMs };
}

const COLUMNS: readonly (readonly [string, (row: Row) => string | number | null, Format | null])[] = [
  ['feature', (row) => row.feature, null],
  ['calls', (row) => row.calls, count],
  ['errors', (row) => row.errors, count],
  ['err %', (row) => row.errorRate, pct],
  ['429s', (row) => row.rateLimited, count],
  ['p50', (row) => row.latency?.p50 ?? null, ms],
  ['p95', (row) => row.latency?.p95 ?? null, ms],
  ['p99', (row) => row.latency?.p99 ?? null, ms],
  ['cost', (row) => row.costUsd, usd],
  ['$/call', (row) => row.costPerCallUsd, usd],
  ['cache hit', (row) => row.cacheHitRate, pct],
  ['max_tok', (row) => row.maxTokensRate, pct],
];


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

/** The table, sortable by any column (a click; again for the other way). */
function summaryTable(): { fill(rows: readonly Row[], total: Row): void } {
  const node = byId('summary-table');
  const head = el('tr', {});
  const body = el('tbody', {});
  const foot = el('tfoot', {});
  let rows: readonly Row[] = [];
  let sorted = { column: -1, descending: true };
  const rowOf = (row: Row): HTMLElement =>
    el(
      'tr',
      {},
      ...COLUMNS.map(([, get, format]) => {
        const raw = get(row);
        return el('td', { 'data-value': raw == null ? '' : String(raw) }, format === null ? String(raw) : format(raw as number | null));
      }),
    );
  const show = (): void => {
    const ordered = rows.slice();
    const get = COLUMNS[sorted.column]?.[1];
    if (get !== undefined) {
      ordered.sort((a, b) => {
        const [x, y] = [get(a), get(b)];
        if (x == null || y == null) return x == null ? (y == null ? 0 : 1) : -1;
        const order = typeof x === 'string' ? (x < (y as string) ? -1 : x > (y as string) ? 1 : 0) : x - (y as number);
        return sorted.descending ? -order : order;
      });
    }
    body.replaceChildren(...ordered.map(rowOf));
    Array.from(head.children).forEach((th, i) => (i === sorted.column ? th.setAttribute('aria-sort', sorted.descending ? 'descending' : 'ascending') : th.removeAttribute('aria-sort')));
  };
  COLUMNS.forEach(([name], i) => {
    const button = el('button', { type: 'button' }, name);
    button.addEventListener('click', () => {
      sorted = { column: i, descending: sorted.column === i ? !sorted.descending : i !== 0 };
      show();
    });
    head.append(el('th', { scope: 'col' }, button));
  });
  node.append(el('thead', {}, head), body, foot);
  return {
    fill(next: readonly Row[], total: Row): void {
      rows = next;
      foot.replaceChildren(rowOf(total));
      show();
    },
  };
}

/** Everything drawn again from the data loaded, with the filter as `choice` names it. */
function drawAll(choice: Choice): void {
  byId('subtitle').textContent = `at ${dashboard.now} · ${dashboard.timezone} · ${
    summary.total.calls === 0 ? 'no calls' : `${calls(summary.total.calls)} from ${summary.range.from} to ${summary.range.to}`
  }`;
  drawAnswers();
  redraw(filterControls(choice, (filter, next) => {
    current = next;
    redraw(filter);
  }));
}

/** `serve`'s live page: the island names the endpoint that answers the same data, asked again every few seconds. */
function keepLive(island: HTMLElement): void {
  const url = island.dataset['live'];
  if (url === undefined) return;
  const status = byId('live');
  const every = Number(island.dataset['everyMs'] ?? 5000);
  const ask = async (): Promise<void> => {
    try {
      const answer = await fetch(url, { cache: 'no-store' });
      if (!answer.ok) throw new Error(`${answer.status} ${answer.statusText}`);
      load((await answer.json()) as Island);
      drawAll(current);
      status.textContent = `live: updated at ${new Date().toLocaleTimeString()}`;
    } catch (error) {
      status.textContent = `live: serve did not answer (${(error as Error).message}); asking again`;
    }
    setTimeout(() => void ask(), every);
  };
  status.textContent = 'live';
  setTimeout(() => void ask(), every);
}

const island = byId('claude-mon-data');
const embedded = JSON.parse(island.textContent ?? 'null') as Island;
load(embedded);
const charts = new Charts(byId('charts'), embedded.dashboard.timezone);
const table = summaryTable();
let current: Choice = { from: null, to: null, left: new Set() };
drawAll(current);
keepLive(island);
addEventListener('resize', () => charts.fit());
matchMedia('print').addEventListener('change', () => charts.fit());

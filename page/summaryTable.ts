/**
 * The summary table, sortable by any column: summary's own rows over the report's whole range (latencies
 * included), else the range's recomputed from the sums (a feature's latencies only over every day: percentiles
 * need the calls).
 */
import { type RangeGroup, rangeSummary } from '../src/core/reports/reportRange.js';
import { byId, count, el, type Format, ms, pct, usd } from './dom.js';
import { type Filter, isWhole } from './filters.js';
import type { SummaryGroup } from './island.js';
import type { View } from './view.js';

interface Row extends RangeGroup {
  readonly latency: { readonly p50: number | null; readonly p95: number | null; readonly p99: number | null } | null;
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

export class SummaryTable {
  private readonly head = el('tr', {});
  private readonly body = el('tbody', {});
  private readonly foot = el('tfoot', {});
  private rows: readonly Row[] = [];
  private sorted = { column: -1, descending: true };

  constructor() {
    COLUMNS.forEach(([name], i) => {
      const button = el('button', { type: 'button' }, name);
      button.addEventListener('click', () => {
        this.sorted = { column: i, descending: this.sorted.column === i ? !this.sorted.descending : i !== 0 };
        this.show();
      });
      this.head.append(el('th', { scope: 'col' }, button));
    });
    byId('summary-table').append(el('thead', {}, this.head), this.body, this.foot);
  }

  draw(view: View, filter: Filter): void {
    const { summary, aggregates } = view;
    const whole = isWhole(filter, view);
    const everyDay = filter.fromDay === 0 && filter.toDay === view.dayCount - 1;
    const latencies = new Map(summary.groups.map((group) => [group.key.feature, group.latencyMs]));
    const ranged = rangeSummary(aggregates, filter.fromDay, filter.toDay, filter.features);
    this.rows = whole
      ? summary.groups.map((group) => rowOfSummary(group.key.feature, group))
      : ranged.groups.map((group) => ({ ...group, latency: everyDay ? (latencies.get(group.feature) ?? null) : null }));
    this.foot.replaceChildren(rowElement(whole ? rowOfSummary('TOTAL', summary.total) : { ...ranged.total, latency: null }));
    const some = filter.features.size === view.features.length ? '' : `, ${filter.features.size} of ${view.features.length} features`;
    byId('summary-caption').textContent = whole
      ? `Every call from ${summary.range.from} to ${summary.range.to}`
      : `${aggregates.days[filter.fromDay]} to ${aggregates.days[filter.toDay]}${some}${everyDay ? '' : ' (latency percentiles need the calls: run the command above)'}`;
    this.show();
  }

  private show(): void {
    const ordered = this.rows.slice();
    const get = COLUMNS[this.sorted.column]?.[1];
    if (get !== undefined) {
      const { descending } = this.sorted;
      ordered.sort((a, b) => {
        const [x, y] = [get(a), get(b)];
        if (x == null || y == null) return x == null ? (y == null ? 0 : 1) : -1;
        const order = typeof x === 'string' ? (x < (y as string) ? -1 : x > (y as string) ? 1 : 0) : x - (y as number);
        return descending ? -order : order;
      });
    }
    this.body.replaceChildren(...ordered.map(rowElement));
    Array.from(this.head.children).forEach((th, i) => (i === this.sorted.column ? th.setAttribute('aria-sort', this.sorted.descending ? 'descending' : 'ascending') : th.removeAttribute('aria-sort')));
  }
}

function rowOfSummary(feature: string, group: SummaryGroup): Row {
  return { ...group, feature, latency: group.latencyMs };
}

function rowElement(row: Row): HTMLElement {
  return el(
    'tr',
    {},
    ...COLUMNS.map(([, get, format]) => {
      const raw = get(row);
      return el('td', { 'data-value': raw == null ? '' : String(raw) }, format === null ? String(raw) : format(raw as number | null));
    }),
  );
}

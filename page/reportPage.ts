/**
 * The script of `claude-mon report`'s page (bundled by scripts/bundle.mjs into dist/bundle/reportPage.js, inlined
 * into each page). It reads the JSON island `claude-mon-data` — dashboard, summary and trend as those commands print
 * them with --json, and the aggregates its filters recompute from — and draws the month-one answers, the charts and
 * the summary table. The date-range and feature filters recompute every chart and the table with the formulas the
 * CLI divides with (src/core/reports/reportRange.ts), so a range's figures are `summary --since … --until …`'s.
 */
import { Charts } from './charts.js';
import { byId, calls } from './dom.js';
import { type Filter, FilterControls } from './filters.js';
import type { Island } from './island.js';
import { keepLive } from './live.js';
import { drawAnswers, drawCharts } from './panels.js';
import { SummaryTable } from './summaryTable.js';
import { type View, viewOf } from './view.js';
// After charts.js, which brings uPlot's style: the page's own comes last and wins.
import './reportPage.css';

const island = byId('claude-mon-data');
let view: View = viewOf(JSON.parse(island.textContent ?? 'null') as Island);
const charts = new Charts(byId('charts'), view.dashboard.timezone);
const table = new SummaryTable();
const controls = new FilterControls(redraw);

/** The charts, the table and the command that gives their figures, for `filter`. */
function redraw(filter: Filter): void {
  const { aggregates, dashboard } = view;
  charts.clear();
  drawCharts(charts, view, filter);
  table.draw(view, filter);
  const until = filter.toDay === view.dayCount - 1 ? 'now' : (aggregates.days[filter.toDay + 1] as string);
  byId('range-command').textContent = `claude-mon summary --now ${aggregates.now} --tz ${dashboard.timezone} --since ${aggregates.days[filter.fromDay]} --until ${until}`;
  byId('range-note').textContent = filter.features.size === view.features.length ? '' : ` (its rows of the ${filter.features.size} features shown; the total is theirs)`;
}

/** Everything drawn from `next`, with the days and features chosen so far. */
function drawAll(next: View): void {
  view = next;
  const { dashboard, summary } = view;
  byId('subtitle').textContent = `at ${dashboard.now} · ${dashboard.timezone} · ${
    summary.total.calls === 0 ? 'no calls' : `${calls(summary.total.calls)} from ${summary.range.from} to ${summary.range.to}`
  }`;
  drawAnswers(view);
  redraw(controls.show(view));
}

drawAll(view);
keepLive(island, (data) => drawAll(viewOf(data)));
addEventListener('resize', () => charts.fit());
matchMedia('print').addEventListener('change', () => charts.fit());

/**
 * The style and the script of the report page (reportPage.ts), inlined into it. The script runs in the browser: it
 * reads the JSON island and draws the answers, the charts (uPlot) and the sortable summary table, putting text from
 * the logs into the page only through text nodes. Colours: the Okabe–Ito palette (told apart with colour-blindness)
 * and a grey; a ninth feature takes the first colour again.
 */

export const REPORT_STYLE = String.raw`
:root { --bg: #ffffff; --fg: #1b1f24; --muted: #5b6470; --card: #f4f6f8; --grid: #d8dde3; --accent: #0072B2; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #111417; --fg: #e6e9ec; --muted: #9aa4ae; --card: #1c2126; --grid: #2f363d; --accent: #56B4E9; }
}
* { box-sizing: border-box; }
body { margin: 0; padding: 1.5rem; background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header h1 { margin: 0; font-size: 1.4rem; }
header p { margin: 0.2rem 0 1rem; color: var(--muted); }
h2 { font-size: 1rem; margin: 0 0 0.5rem; }
#answers { display: grid; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); gap: 0.75rem; margin-bottom: 1.5rem; }
.answer { background: var(--card); border-radius: 8px; padding: 0.8rem 1rem; }
.answer h2 { color: var(--muted); font-weight: 600; font-size: 0.85rem; text-transform: uppercase; letter-spacing: 0.03em; }
.answer .value { font-size: 1.6rem; font-weight: 650; margin: 0.1rem 0; overflow-wrap: anywhere; }
.answer .detail { margin: 0; color: var(--muted); overflow-wrap: anywhere; }
.answer ol { margin: 0.3rem 0 0; padding-left: 1.2rem; color: var(--muted); }
#charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(30rem, 1fr)); gap: 1rem; margin-bottom: 1.5rem; }
figure { margin: 0; background: var(--card); border-radius: 8px; padding: 0.8rem; break-inside: avoid; }
figcaption { font-weight: 600; margin-bottom: 0.4rem; }
.uplot, .u-legend { color: var(--fg); font-family: inherit; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 0.3rem 0.6rem; border-bottom: 1px solid var(--grid); text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; white-space: normal; overflow-wrap: anywhere; }
th button { all: unset; cursor: pointer; font-weight: 600; }
th button:focus-visible { outline: 2px solid var(--accent); }
th[aria-sort="ascending"] button::after { content: " ▲"; }
th[aria-sort="descending"] button::after { content: " ▼"; }
tfoot td { font-weight: 650; }
@media print {
  :root { --bg: #ffffff; --fg: #000000; --muted: #444444; --card: #ffffff; --grid: #bbbbbb; }
  body { padding: 0; }
  #charts { grid-template-columns: 1fr; }
  th button::after { content: "" !important; }
}
`;

export const REPORT_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('claude-mon-data').textContent);
  var dashboard = data.dashboard, summary = data.summary, trend = data.trend;
  var PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#999999'];

  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }
  function usd(v) { return v == null ? '—' : '$' + (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toFixed(4)); }
  function ms(v) { return v == null ? '—' : v >= 1000 ? (v / 1000).toFixed(2) + ' s' : v.toFixed(0) + ' ms'; }
  function pct(v) { return v == null ? '—' : (v * 100).toFixed(1) + '%'; }
  function count(v) { return v == null ? '—' : Number(v).toLocaleString('en-US'); }
  function calls(n) { return count(n) + (n === 1 ? ' call' : ' calls'); }
  function css(name) { return getComputedStyle(document.documentElement).getPropertyValue(name).trim(); }

  document.getElementById('subtitle').textContent = 'at ' + dashboard.now + ' · ' + dashboard.timezone + ' · ' +
    (summary.total.calls === 0 ? 'no calls' : count(summary.total.calls) + ' calls from ' + summary.range.from + ' to ' + summary.range.to);

  // The month-one answers.
  var answers = document.getElementById('answers');
  function answer(id, title, value, raw, detail) {
    return el('article', { class: 'answer', id: id }, el('h2', {}, title),
      el('p', { class: 'value', 'data-value': raw == null ? '' : String(raw) }, value), detail);
  }
  var cost = dashboard.costToday;
  answers.append(answer('answer-cost', 'Cost today', usd(cost.todayUsd), cost.todayUsd,
    el('p', { class: 'detail' }, 'yesterday ' + usd(cost.yesterdayUsd) + '; by this time yesterday ' + usd(cost.yesterdaySameTimeUsd) +
      (cost.changePct == null ? '' : ' (' + (cost.changePct > 0 ? '+' : '') + cost.changePct + '%)'))));
  var slow = dashboard.slowestFeature;
  answers.append(answer('answer-slowest', 'Slowest feature, last ' + slow.window, slow.feature == null ? 'too few calls' : slow.feature, slow.p95Ms,
    el('p', { class: 'detail' }, slow.feature == null
      ? (slow.ranking.length ? 'most calls: ' + slow.ranking[0].feature + ', p95 ' + ms(slow.ranking[0].p95Ms) + ' over ' + calls(slow.ranking[0].calls) : 'no calls')
      : 'p95 ' + ms(slow.p95Ms) + ' over ' + calls(slow.calls))));
  var limits = dashboard.rateLimits;
  function top(byKey) { var keys = Object.keys(byKey); keys.sort(function (a, b) { return byKey[b] - byKey[a] || (a < b ? -1 : 1); }); return keys[0]; }
  answers.append(answer('answer-429s', '429s, last ' + limits.window, count(limits.count), limits.count,
    el('p', { class: 'detail' }, limits.count === 0 ? 'none' : 'most: ' + top(limits.byFeature) + ' (feature), ' + top(limits.byUser) + ' (user)')));
  var users = dashboard.topUsersByCost;
  var list = el('ol', {});
  users.slice(0, 5).forEach(function (user) { list.append(el('li', {}, user.user + ' · ' + usd(user.costUsd) + ' · ' + calls(user.calls))); });
  answers.append(answer('answer-users', 'Top users today', users.length ? users[0].user : 'none', users.length ? users[0].costUsd : null, list));

  // Charts: uPlot on the trend's days and the dashboard's hours.
  var charts = document.getElementById('charts');
  var HEIGHT = 220;
  // Times shown in the report's time zone, not the viewer's.
  function inZone(seconds) { return uPlot.tzDate(new Date(seconds * 1000), dashboard.timezone); }
  function widthOf(node) { return Math.max(280, node.clientWidth - 24); }
  // Counts are ticked at whole numbers only.
  var WHOLE = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 1e6, 1e7];
  function axes(format) {
    var stroke = css('--fg'), grid = css('--grid');
    var y = { stroke: stroke, grid: { stroke: grid }, ticks: { stroke: grid }, size: 64, values: function (u, values) { return values.map(format); } };
    if (format === count) y.incrs = WHOLE;
    return [{ stroke: stroke, grid: { stroke: grid }, ticks: { stroke: grid } }, y];
  }
  function figure(id, title, description) {
    var node = el('figure', { id: id, role: 'group', 'aria-label': title, 'aria-describedby': id + '-text' }, el('figcaption', {}, title),
      el('p', { class: 'sr-only', id: id + '-text' }, description));
    charts.append(node);
    return node;
  }
  var days = trend.series.length ? trend.series[0].days.map(function (day) { return Date.parse(day.start) / 1000; }) : [];
  var features = trend.series.map(function (series) { return series.key.feature; });
  function perFeature(id, title, metric, format, stacked) {
    var own = trend.series.map(function (series) { return series.days.map(function (day) { return day[metric]; }); });
    var values = own;
    if (stacked) {
      // Feature i drawn, opaque, up to the sum of features 0..i; drawn from the last (the whole sum) to the first,
      // each over the one before, so that each band shows its own part in its own colour.
      values = own.map(function (_, i) { return days.map(function (_, d) { var sum = 0; for (var j = 0; j <= i; j++) sum += own[j][d] || 0; return sum; }); });
    }
    var order = features.map(function (_, i) { return i; });
    if (stacked) order.reverse();
    var latest = features.map(function (feature, i) { return feature + ' ' + format(own[i][own[i].length - 1]); }).join(', ');
    var node = figure(id, title, title + ' over the last ' + trend.days + ' days; on the last day: ' + latest + '.');
    var series = [{}].concat(order.map(function (i) {
      return { label: features[i], stroke: PALETTE[i % PALETTE.length], width: 1.5, fill: stacked ? PALETTE[i % PALETTE.length] : undefined,
        value: function (u, v, si, index) { return index == null ? '—' : format(own[i][index]); } };
    }));
    new uPlot({ width: widthOf(node), height: HEIGHT, series: series, axes: axes(format), scales: { x: { time: true } }, tzDate: inZone },
      [days].concat(order.map(function (i) { return values[i]; })), node);
  }
  perFeature('chart-cost', 'Cost per day by feature (stacked)', 'costUsd', usd, true);
  perFeature('chart-calls', 'Calls per day by feature', 'calls', count, false);
  perFeature('chart-errors', 'Error rate per day by feature', 'errorRate', pct, false);
  perFeature('chart-p95', 'p95 latency per day by feature', 'p95Ms', ms, false);
  perFeature('chart-cache', 'Cache hit rate per day by feature', 'cacheHitRate', pct, false);
  perFeature('chart-cost-per-call', 'Cost per call per day by feature', 'costPerCallUsd', usd, false);
  var hours = limits.byHour.map(function (hour) { return Date.parse(hour.start) / 1000; });
  var perHour = limits.byHour.map(function (hour) { return hour.count; });
  var node = figure('chart-429s', '429s per hour, last ' + limits.window, limits.count + ' rate-limited calls in the last ' + limits.window + '.');
  new uPlot({ width: widthOf(node), height: HEIGHT, axes: axes(count), scales: { x: { time: true } }, tzDate: inZone,
    series: [{}, { label: '429s', stroke: PALETTE[5], fill: PALETTE[5] + '99', paths: uPlot.paths.bars({ size: [0.8, 40] }), points: { show: false } }] },
  [hours, perHour], node);

  // The summary, sortable by any column.
  var COLUMNS = [
    ['feature', function (g) { return g.key.feature; }, String],
    ['calls', function (g) { return g.calls; }, count],
    ['errors', function (g) { return g.errors; }, count],
    ['err %', function (g) { return g.errorRate; }, pct],
    ['429s', function (g) { return g.rateLimited; }, count],
    ['p50', function (g) { return g.latencyMs.p50; }, ms],
    ['p95', function (g) { return g.latencyMs.p95; }, ms],
    ['p99', function (g) { return g.latencyMs.p99; }, ms],
    ['cost', function (g) { return g.costUsd; }, usd],
    ['$/call', function (g) { return g.costPerCallUsd; }, usd],
    ['cache hit', function (g) { return g.cacheHitRate; }, pct],
    ['max_tok', function (g) { return g.maxTokensRate; }, pct],
  ];
  var table = document.getElementById('summary-table');
  var head = el('tr', {});
  var body = el('tbody', {});
  function row(group, label) {
    return el.apply(null, ['tr', {}].concat(COLUMNS.map(function (column, i) {
      var raw = i === 0 && label ? label : column[1](group);
      return el('td', { 'data-value': raw == null ? '' : String(raw) }, i === 0 ? raw : column[2](raw));
    })));
  }
  var sorted = { column: -1, descending: true };
  function fill() {
    var groups = summary.groups.slice();
    if (sorted.column >= 0) {
      var get = COLUMNS[sorted.column][1];
      groups.sort(function (a, b) {
        var x = get(a), y = get(b);
        if (x == null || y == null) return x == null ? (y == null ? 0 : 1) : -1;
        var order = typeof x === 'string' ? (x < y ? -1 : x > y ? 1 : 0) : x - y;
        return sorted.descending ? -order : order;
      });
    }
    body.replaceChildren.apply(body, groups.map(function (group) { return row(group); }));
    Array.prototype.forEach.call(head.children, function (th, i) {
      if (i === sorted.column) th.setAttribute('aria-sort', sorted.descending ? 'descending' : 'ascending');
      else th.removeAttribute('aria-sort');
    });
  }
  COLUMNS.forEach(function (column, i) {
    var button = el('button', { type: 'button' }, column[0]);
    button.addEventListener('click', function () {
      sorted = { column: i, descending: sorted.column === i ? !sorted.descending : i !== 0 };
      fill();
    });
    head.append(el('th', { scope: 'col' }, button));
  });
  table.append(el('thead', {}, head), body, el('tfoot', {}, row(summary.total, 'TOTAL')));
  fill();
})();
`;

/**
 * `dashboard` as a compact terminal view (within 100 columns), as Markdown for chat, and as the JSON document of
 * PRODUCT.md §6 (schemas/dashboard.schema.json). Pure: report in, text out.
 */
import { type Dashboard, MIN_CALLS_TO_JUDGE, type RateSet, type UserUsage } from '../core/dashboard.js';
import { formatIsoUtc } from '../core/timeRange.js';
import type { TimeZone } from '../core/timezone.js';
import type { LineCounts } from '../core/types.js';
import { formatWindow } from '../core/alerts/evaluate.js';
import { renderColumns } from './columns.js';
import { escapeForTerminal, markdownCell } from './escape.js';
import { describeUnpriced } from './inputReport.js';
import { inputJson, SCHEMA_VERSION } from './json.js';
import { formatLocalTime } from './localTime.js';
import { formatCount, formatMs, formatPercent, formatUsd, MISSING } from './numbers.js';
import { sparkline } from './sparkline.js';
import type { Style } from './style.js';

export interface DashboardReport {
  readonly dashboard: Dashboard;
  readonly timezone: string;
  readonly input: LineCounts;
}

/** Longest user or feature name in a panel: the view must fit 100 columns. */
const MAX_NAME = 32;

export function renderDashboardView(report: DashboardReport, style: Style, tz: TimeZone, terminal: boolean): string {
  const d = report.dashboard;
  const lines: string[] = [style.bold(`claude-mon dashboard · ${formatLocalTime(d.nowMs, tz)} ${tz.name}`), ''];
  lines.push(...costLines(d).map((line, i) => (i === 0 ? `${style.bold('Cost today')}   ${line}` : `             ${line}`)));
  lines.push(`${style.bold('Rates today')}  ${rateLine(d.rates.today, d.rates.sevenDay)}`);

  const slow = d.slowestFeature;
  lines.push('', style.bold(`Slowest feature, last ${formatWindow(slow.windowMs)}: `) + slowHeadline(slow));
  if (slow.ranking.length > 0) {
    const rows = slow.ranking.slice(0, 10).map((entry) => [
      name(entry.feature),
      formatMs(entry.p95Ms),
      formatCount(entry.calls),
      entry.tooFew ? style.dim('too few calls to judge') : '',
    ]);
    lines.push(indent(renderColumns([['feature', 'p95', 'calls', ''].map((h) => style.dim(h)), ...rows], ['left', 'right', 'right', 'left'])));
  }

  const limits = d.rateLimits;
  lines.push('', style.bold('429s, last 24 h: ') + rateLimitHeadline(d, tz));
  if (limits.count > 0) {
    lines.push(`  by feature: ${namedCounts(limits.byFeature)}`);
    lines.push(`  by user:    ${namedCounts(limits.byUser)}`);
    const hours = limits.byHour.map((hour) => hour.count);
    lines.push(
      terminal
        ? `  per hour:   ${sparkline(hours)}  (${formatLocalTime(limits.byHour[0]?.startMs ?? d.nowMs, tz).slice(11, 16)} → now)`
        : `  per hour:   ${limits.byHour.filter((hour) => hour.count > 0).map((hour) => `${formatLocalTime(hour.startMs, tz).slice(11, 16)} ${hour.count}`).join(', ')}`,
    );
  }

  lines.push('', style.bold('Top users today, by tokens'), ...userTable(d.topUsersByTokens, style));
  lines.push('', style.bold('Top users today, by cost'), ...userTable(d.topUsersByCost, style));
  return `${lines.join('\n')}\n`;
}

export function renderDashboardMarkdown(report: DashboardReport, tz: TimeZone): string {
  const d = report.dashboard;
  const out: string[] = [`## claude-mon dashboard · ${formatLocalTime(d.nowMs, tz)} ${markdownCell(tz.name)}`, ''];
  out.push(`**Cost today:** ${costLines(d).map(markdownCell).join(' · ')}`, '');
  out.push(`**Rates today:** ${markdownCell(rateLine(d.rates.today, d.rates.sevenDay))}`, '');
  out.push(`**Slowest feature, last ${formatWindow(d.slowestFeature.windowMs)}:** ${markdownCell(slowHeadline(d.slowestFeature))}`, '');
  if (d.slowestFeature.ranking.length > 0) {
    out.push('| feature | p95 | calls | |', '|---|---:|---:|---|');
    for (const entry of d.slowestFeature.ranking.slice(0, 10)) {
      out.push(`| ${markdownCell(entry.feature)} | ${formatMs(entry.p95Ms)} | ${formatCount(entry.calls)} | ${entry.tooFew ? 'too few calls to judge' : ''} |`);
    }
    out.push('');
  }
  out.push(`**429s, last 24 h:** ${markdownCell(rateLimitHeadline(d, tz))}`, '');
  if (d.rateLimits.count > 0) {
    out.push(`- by feature: ${markdownCell(namedCounts(d.rateLimits.byFeature))}`, `- by user: ${markdownCell(namedCounts(d.rateLimits.byUser))}`, '');
  }
  for (const [title, users] of [
    ['Top users today, by tokens', d.topUsersByTokens],
    ['Top users today, by cost', d.topUsersByCost],
  ] as const) {
    out.push(`**${title}**`, '');
    if (users.length === 0) out.push('no calls today', '');
    else {
      out.push('| user | tokens | cost | calls |', '|---|---:|---:|---:|');
      for (const user of users) out.push(`| ${markdownCell(user.user)} | ${formatCount(user.tokens)} | ${formatUsd(user.costUsd)} | ${formatCount(user.calls)} |`);
      out.push('');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

export function renderDashboardJson(report: DashboardReport): string {
  const d = report.dashboard;
  const users = (list: readonly UserUsage[]) => list.map(({ user, tokens, costUsd, calls, unpricedCalls }) => ({ user, tokens, costUsd, calls, unpricedCalls }));
  const document = {
    schemaVersion: SCHEMA_VERSION,
    kind: 'dashboard',
    now: formatIsoUtc(d.nowMs),
    timezone: report.timezone,
    costToday: d.costToday,
    slowestFeature: {
      window: formatWindow(d.slowestFeature.windowMs),
      feature: d.slowestFeature.feature,
      p95Ms: d.slowestFeature.p95Ms,
      calls: d.slowestFeature.calls,
      ranking: d.slowestFeature.ranking,
    },
    rateLimits: {
      window: '24h',
      count: d.rateLimits.count,
      first: d.rateLimits.firstMs === null ? null : formatIsoUtc(d.rateLimits.firstMs),
      last: d.rateLimits.lastMs === null ? null : formatIsoUtc(d.rateLimits.lastMs),
      // Arrays of pairs would be safer for names like __proto__, but §6 asks for objects: built without a prototype.
      byFeature: record(d.rateLimits.byFeature),
      byUser: record(d.rateLimits.byUser),
      byHour: d.rateLimits.byHour.map((hour) => ({ start: formatIsoUtc(hour.startMs), count: hour.count })),
    },
    topUsers: users(d.topUsersByTokens),
    topUsersByCost: users(d.topUsersByCost),
    rates: d.rates,
    input: inputJson(report.input),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

function costLines(d: Dashboard): string[] {
  const c = d.costToday;
  const change = c.changePct === null ? '' : ` (${c.changePct >= 0 ? '+' : ''}${c.changePct.toFixed(1)}% today)`;
  const lines = [
    `${formatUsd(c.todayUsd)} so far${c.projectedUsd === null ? '' : ` · projected ${formatUsd(c.projectedUsd)} for the day`}`,
    `yesterday ${formatUsd(c.yesterdaySameTimeUsd)} by this time${change} · ${formatUsd(c.yesterdayUsd)} all day`,
  ];
  const unpriced = describeUnpriced(c.unpricedModels);
  if (unpriced !== undefined) lines.push(`not counted: ${unpriced} (add them with --prices FILE)`);
  return lines;
}

function rateLine(today: RateSet, week: RateSet): string {
  const pair = (label: string, now: number | null, before: number | null): string => `${label} ${formatPercent(now)} (7-day ${formatPercent(before)})`;
  return [
    pair('errors', today.errorRate, week.errorRate),
    pair('cache hit', today.cacheHitRate, week.cacheHitRate),
    pair('max_tokens', today.maxTokensRate, week.maxTokensRate),
  ].join(' · ');
}

function slowHeadline(slow: Dashboard['slowestFeature']): string {
  if (slow.feature === null) return slow.ranking.length === 0 ? 'no calls' : `no feature has the ${MIN_CALLS_TO_JUDGE} calls needed to judge`;
  return `${name(slow.feature)} — p95 ${formatMs(slow.p95Ms)} over ${formatCount(slow.calls)} calls`;
}

function rateLimitHeadline(d: Dashboard, tz: TimeZone): string {
  const limits = d.rateLimits;
  if (limits.count === 0) return 'none';
  return `${formatCount(limits.count)} · first ${formatLocalTime(limits.firstMs as number, tz)} · last ${formatLocalTime(limits.lastMs as number, tz)}`;
}

function userTable(users: readonly UserUsage[], style: Style): string[] {
  if (users.length === 0) return ['  no calls today'];
  const rows = users.map((user) => [name(user.user), formatCount(user.tokens), formatUsd(user.costUsd) + (user.unpricedCalls > 0 ? '*' : ''), formatCount(user.calls)]);
  return [indent(renderColumns([['user', 'tokens', 'cost', 'calls'].map((h) => style.dim(h)), ...rows], ['left', 'right', 'right', 'right']))];
}

function namedCounts(counts: readonly [string, number][]): string {
  const shown = counts.slice(0, 5).map(([value, count]) => `${name(value)} ${formatCount(count)}`);
  return counts.length > 5 ? `${shown.join(', ')}, +${counts.length - 5} more` : shown.join(', ') || MISSING;
}

/** A name from the logs, escaped and cut to fit the panel. */
function name(text: string): string {
  const escaped = escapeForTerminal(text);
  return escaped.length > MAX_NAME ? `${escaped.slice(0, MAX_NAME - 1)}…` : escaped;
}

function indent(block: string): string {
  return block
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

function record(pairs: readonly [string, number][]): Record<string, number> {
  const object = Object.create(null) as Record<string, number>;
  for (const [key, value] of pairs) object[key] = value;
  return object;
}

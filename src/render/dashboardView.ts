/**
 * `dashboard` as a compact terminal view (within 100 columns), as Markdown for chat, and as its JSON document
 * (schemas/dashboard.schema.json). Pure: report in, text out.
 */
import { rateLimitLines, rateLimitsJson } from './rateLimitText.js';
import { RATE_METRICS } from '../core/metrics.js';
import { type Dashboard, MIN_CALLS_TO_JUDGE, type RateSet, type UserUsage } from '../core/reports/dashboardReport.js';
import { formatIsoUtc, formatWindow } from '../core/timeRange.js';
import type { TimeZone } from '../core/timezone.js';
import type { LineCounts } from '../core/types.js';
import { renderTable } from './table.js';
import { displayWidth, fitWidth } from './width.js';
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

/** The view fits this many columns; names from the logs are cut to MAX_NAME. */
const WIDTH = 100;
const MAX_NAME = 32;
/** Features listed in the slowest-feature panel. */
const RANKED = 10;

export function renderDashboardView(report: DashboardReport, style: Style, tz: TimeZone, terminal: boolean): string {
  const d = report.dashboard;
  const lines: string[] = [style.bold(`claude-mon dashboard · ${formatLocalTime(d.nowMs, tz)} ${tz.name}`), ''];
  costLines(d).forEach((line, i) => lines.push(fit(`${i === 0 ? style.bold('Cost today') : '          '}   ${line}`)));
  lines.push(`${style.bold('Rates today')}  ${rateLine(d.rates.today)}`);
  lines.push(`${style.bold('7-day')}        ${rateLine(d.rates.sevenDay)}`);

  const slow = d.slowestFeature;
  lines.push('', fit(style.bold(`Slowest feature, last ${formatWindow(slow.windowMs)}: `) + slowHeadline(slow)));
  if (slow.ranking.length > 0) {
    const rows = slow.ranking.slice(0, RANKED).map((entry) => [
      name(entry.feature),
      formatMs(entry.p95Ms),
      formatCount(entry.calls),
      entry.tooFew ? style.dim('too few calls to judge') : '',
    ]);
    lines.push(indent(renderTable([['feature', 'p95', 'calls', ''].map((h) => style.dim(h)), ...rows], ['left', 'right', 'right', 'left'])));
    if (slow.ranking.length > RANKED) lines.push(style.dim(`  +${slow.ranking.length - RANKED} more features`));
  }

  const limits = d.rateLimits;
  lines.push('', fit(style.bold('429s, last 24 h: ') + rateLimitHeadline(d, tz)));
  if (limits.count > 0) {
    lines.push(fitList('  by feature: ', limits.byFeature.map(([value, count]) => `${name(value)} ${formatCount(count)}`)));
    lines.push(fitList('  by user:    ', limits.byUser.map(([value, count]) => `${name(value)} ${formatCount(count)}`)));
    lines.push(
      terminal
        ? `  per hour:   ${sparkline(limits.byHour.map((hour) => hour.count))}  ${hourLabel(limits.byHour[0]?.startMs ?? d.nowMs, tz)} → now`
        : fitList('  per hour:   ', limits.byHour.filter((hour) => hour.count > 0).map((hour) => `${hourLabel(hour.startMs, tz)} ${hour.count}`)),
    );
  }
  for (const line of rateLimitLines(limits.headers, tz)) lines.push(fit(`  ${line}`));
  for (const [use, text] of limitUseLines(limits.utilization, tz)) lines.push(fit(`  ${use === null || use < 0.8 ? text : style.red(text)}`));

  lines.push('', style.bold('Top users today, by tokens'), ...userTable(d.topUsersByTokens, style));
  lines.push('', style.bold('Top users today, by cost'), ...userTable(d.topUsersByCost, style));
  if ([...d.topUsersByTokens, ...d.topUsersByCost].some((user) => user.unpricedCalls > 0)) {
    lines.push(style.dim('  * some of the user\'s calls are of models without a price: not in the cost'));
  }
  return `${lines.join('\n')}\n`;
}

export function renderDashboardMarkdown(report: DashboardReport, tz: TimeZone): string {
  const d = report.dashboard;
  const out: string[] = [`## claude-mon dashboard · ${formatLocalTime(d.nowMs, tz)} ${markdownCell(tz.name)}`, ''];
  out.push(`**Cost today:** ${costLines(d).map(markdownCell).join(' · ')}`, '');
  out.push(`**Rates today:** ${markdownCell(rateLine(d.rates.today))} (7-day: ${markdownCell(rateLine(d.rates.sevenDay))})`, '');
  out.push(`**Slowest feature, last ${formatWindow(d.slowestFeature.windowMs)}:** ${markdownCell(slowHeadline(d.slowestFeature))}`, '');
  if (d.slowestFeature.ranking.length > 0) {
    out.push('| feature | p95 | calls | |', '|---|---:|---:|---|');
    for (const entry of d.slowestFeature.ranking.slice(0, RANKED)) {
      out.push(`| ${markdownCell(entry.feature)} | ${formatMs(entry.p95Ms)} | ${formatCount(entry.calls)} | ${entry.tooFew ? 'too few calls to judge' : ''} |`);
    }
    out.push('');
  }
  out.push(`**429s, last 24 h:** ${markdownCell(rateLimitHeadline(d, tz))}`, '');
  const limits = d.rateLimits;
  if (limits.count > 0) {
    const list = (pairs: readonly [string, number][]) => pairs.map(([value, count]) => `${markdownCell(value)} ${formatCount(count)}`).join(', ');
    out.push(`- by feature: ${list(limits.byFeature)}`, `- by user: ${list(limits.byUser)}`);
    out.push(`- per hour: ${limits.byHour.filter((hour) => hour.count > 0).map((hour) => `${hourLabel(hour.startMs, tz)} ${hour.count}`).join(', ')}`);
  }
  out.push(...rateLimitLines(limits.headers, tz).map((line) => `- ${markdownCell(line)}`));
  out.push(...limitUseLines(limits.utilization, tz).map(([, line]) => `- ${markdownCell(line)}`));
  if (limits.count > 0 || limits.headers.length > 0 || (limits.utilization ?? []).length > 0) out.push('');
  for (const [title, users] of [
    ['Top users today, by tokens', d.topUsersByTokens],
    ['Top users today, by cost', d.topUsersByCost],
  ] as const) {
    out.push(`**${title}**`, '');
    if (users.length === 0) out.push('no calls today', '');
    else {
      out.push('| user | tokens | cost | calls |', '|---|---:|---:|---:|');
      for (const user of users) {
        out.push(`| ${markdownCell(user.user)} | ${formatCount(user.tokens)} | ${formatUsd(user.costUsd)}${user.unpricedCalls > 0 ? '\\*' : ''} | ${formatCount(user.calls)} |`);
      }
      out.push('');
    }
  }
  if ([...d.topUsersByTokens, ...d.topUsersByCost].some((user) => user.unpricedCalls > 0)) {
    out.push("\\* some of the user's calls are of models without a price: not in the cost", '');
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
      // Arrays of pairs would be safer for names like __proto__, but the schema has objects: built without a prototype.
      byFeature: record(d.rateLimits.byFeature),
      byUser: record(d.rateLimits.byUser),
      byHour: d.rateLimits.byHour.map((hour) => ({ start: formatIsoUtc(hour.startMs), count: hour.count })),
      headers: rateLimitsJson(d.rateLimits.headers),
      utilization:
        d.rateLimits.utilization === null
          ? null
          : d.rateLimits.utilization.map((use) => ({ class: use.group, limit: use.kind, configured: use.limit, peak: use.peak, peakAt: formatIsoUtc(use.peakAtMs), utilization: use.utilization })),
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
  const unpriced = describeUnpriced(Object.fromEntries(Object.entries(c.unpricedModels).map(([model, calls]) => [name(model), calls])));
  if (unpriced !== undefined) lines.push(`not counted: ${unpriced} (add them with --prices FILE)`);
  return lines;
}

/** How the rates line names the registry's RATE_METRICS. */
const RATE_LABELS: Readonly<Record<string, string>> = { errorRate: 'errors', cacheHitRate: 'cache hit', maxTokensRate: 'max_tokens' };

function rateLine(rates: RateSet): string {
  return RATE_METRICS.map((metric) => `${RATE_LABELS[metric.id] ?? metric.header} ${formatPercent(rates[metric.id as keyof RateSet])}`).join(' · ');
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
  return [indent(renderTable([['user', 'tokens', 'cost', 'calls'].map((h) => style.dim(h)), ...rows], ['left', 'right', 'right', 'right']))];
}

/** `prefix` and as many of `items` as fit in WIDTH columns, then "+N more". */
function fitList(prefix: string, items: readonly string[]): string {
  let line = prefix;
  for (let i = 0; i < items.length; i++) {
    const more = i === items.length - 1 ? '' : `, +${items.length - i - 1} more`;
    const next = `${line}${i === 0 ? '' : ', '}${items[i]}`;
    if (displayWidth(next + more) > WIDTH && i > 0) return `${line}, +${items.length - i} more`;
    line = next;
  }
  return items.length === 0 ? `${prefix}${MISSING}` : fit(line);
}

/** A line cut to WIDTH columns with "…" (a last resort: long names are cut before). */
function fit(line: string): string {
  return fitWidth(line, WIDTH);
}

/** "11-26 09:00": the hour's start in --tz, with its date (the 24 hours cross midnight). */
function hourLabel(ms: number, tz: TimeZone): string {
  return formatLocalTime(ms, tz).slice(5, 16);
}

/** A name from the logs, escaped and cut to fit the panel. */
function name(text: string): string {
  return fitWidth(escapeForTerminal(text), MAX_NAME);
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

/**
 * "limit claude-sonnet-4.x ITPM: peak 38,070 a minute at 09:30, 127% of 30,000", with its utilization (null: the
 * note that states were read).
 */
function limitUseLines(uses: Dashboard['rateLimits']['utilization'], tz: TimeZone): [number | null, string][] {
  if (uses === null) return [[null, 'rate limits\' use: needs the logs (states keep hours, not minutes)']];
  return uses.map((use) => [
    use.utilization,
    `limit ${escapeForTerminal(use.group)} ${use.kind.toUpperCase()}: peak ${formatCount(use.peak)} a minute at ${formatLocalTime(use.peakAtMs, tz).slice(11, 16)}, ${formatPercent(use.utilization)} of ${formatCount(use.limit)}`,
  ]);
}

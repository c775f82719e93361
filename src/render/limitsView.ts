/**
 * `limits` rendered: JSON (schemas/limits.schema.json), CSV and Markdown list every group; a terminal table shows
 * --limit groups, three rows each (RPM, ITPM, OTPM), the utilization coloured from 50% (yellow) and 80% (red).
 */
import type { LimitsGrouping } from '../core/limits/limitPools.js';
import type { Incident, LimitFigures, LimitsGroup } from '../core/limits/limitsReport.js';
import { LIMIT_KINDS, type LimitKind } from '../core/limits/rateUsage.js';
import type { LimitDriver } from '../core/limits/windowDrivers.js';
import type { OutputFormat } from '../commandOptions.js';
import { formatRemaining } from './rateLimitText.js';
import { formatIsoUtc } from '../core/timeRange.js';
import type { TimeZone } from '../core/timezone.js';
import type { LineCounts } from '../core/types.js';
import type { TimeWindow } from '../core/window.js';
import { csvCell, escapeForTerminal, markdownCell } from './escape.js';
import { inputJson } from './json.js';
import { formatLocalTime } from './localTime.js';
import { formatCount, formatPercent } from './numbers.js';
import type { StreamedText } from './streamedText.js';
import type { Style } from './style.js';
import { limitNote, tableLines } from './table.js';

export interface LimitsView {
  readonly groups: readonly LimitsGroup[];
  readonly incidents: readonly Incident[];
  readonly window: TimeWindow;
  readonly nowMs: number;
  readonly timezone: string;
  readonly groupBy: LimitsGrouping;
  readonly input: LineCounts;
}

const KIND_NAMES: Readonly<Record<LimitKind, string>> = { rpm: 'RPM', itpm: 'ITPM', otpm: 'OTPM' };

export function renderLimits(view: LimitsView, options: { readonly format: OutputFormat; readonly limit: number }, context: { readonly style: Style; readonly tz: TimeZone }): StreamedText {
  switch (options.format) {
    case 'json':
      return `${JSON.stringify(limitsJson(view), null, 2)}\n`;
    case 'csv':
      return limitsCsv(view);
    case 'markdown':
      return limitsMarkdown(view, context.tz);
    case 'table':
      return limitsTable(view, context, options.limit);
  }
}

function limitsJson(view: LimitsView): Record<string, unknown> {
  const driver = (name: 'feature' | 'user', value: LimitDriver | null): Record<string, unknown> | null => (value === null ? null : { [name]: value.name, share: value.share });
  const figures = (f: LimitFigures): Record<string, unknown> => ({
    peak: f.peak,
    peakAt: formatIsoUtc(f.peakAtMs),
    peakSliding: f.peakSliding,
    peakSlidingAt: formatIsoUtc(f.peakSlidingAtMs),
    p99: f.p99,
    topFeature: driver('feature', f.topFeature),
    topUser: driver('user', f.topUser),
    limit: f.limit,
    utilization: f.utilization,
    headroom: f.headroom,
  });
  return {
    schemaVersion: 1,
    kind: 'limits',
    ...span(view),
    timezone: view.timezone,
    groupBy: view.groupBy,
    groups: view.groups.map((group) => ({ key: group.key, models: group.models, ...Object.fromEntries(LIMIT_KINDS.map((kind) => [kind, figures(group.figures[kind])])) })),
    incidents: view.incidents.map((incident) => ({
      kind: incident.kind,
      [view.groupBy]: incident.group,
      start: formatIsoUtc(incident.startMs),
      end: formatIsoUtc(incident.endMs),
      count: incident.count,
      lowestRemainingBefore: incident.lowestRemainingBefore,
      lowestRemainingDuring: incident.lowestRemainingDuring,
      minuteBefore: incident.before,
      topFeature: driver('feature', incident.topFeature),
      topUser: driver('user', incident.topUser),
    })),
    input: inputJson(view.input),
  };
}

/** The window read: from its start to its end, or now when it ends later. */
function span(view: LimitsView): { from: string; to: string } {
  const { from, to } = view.window;
  return { from: formatIsoUtc(Number.isFinite(from.ms) ? from.ms : view.nowMs), to: formatIsoUtc(Math.min(to.ms, view.nowMs)) };
}

function nameOf(group: LimitsGroup): string {
  return 'class' in group.key ? group.key.class : group.key.model;
}

function* limitsCsv(view: LimitsView): Generator<string> {
  yield `${[view.groupBy, 'limit', 'peak', 'peak_at', 'peak_60s', 'peak_60s_at', 'p99', 'top_feature', 'top_feature_share', 'top_user', 'top_user_share', 'configured', 'utilization', 'headroom'].join(',')}\r\n`;
  for (const group of view.groups) {
    for (const kind of LIMIT_KINDS) {
      const f = group.figures[kind];
      const cells = [nameOf(group), kind, f.peak, formatIsoUtc(f.peakAtMs), f.peakSliding, formatIsoUtc(f.peakSlidingAtMs), f.p99, f.topFeature?.name ?? null, f.topFeature?.share ?? null, f.topUser?.name ?? null, f.topUser?.share ?? null, f.limit, f.utilization, f.headroom];
      yield `${cells.map((cell) => csvCell(cell)).join(',')}\r\n`;
    }
  }
}

const HEADER = ['limit', 'peak minute', 'at', 'peak 60 s', 'p99 minute', 'configured', 'use', 'top feature', 'top user'];

/** "chat 60.0%": a driver and its share (`label` escapes the name for where it goes). */
function driverCell(value: LimitDriver | null, label: (text: string) => string): string {
  return value === null ? '—' : `${label(value.name)}${value.share === null ? '' : ` ${formatPercent(value.share)}`}`;
}

/** The cells of a group's rows, text as shown (`label` escapes a name for where it goes). */
function rowsOf(group: LimitsGroup, tz: TimeZone, label: (text: string) => string, use: (utilization: number | null) => string): string[][] {
  const driver = (value: LimitDriver | null): string => driverCell(value, label);
  return LIMIT_KINDS.map((kind, i) => {
    const f = group.figures[kind];
    return [
      i === 0 ? label(nameOf(group)) : '',
      KIND_NAMES[kind],
      formatCount(f.peak),
      formatLocalTime(f.peakAtMs, tz).slice(0, 16),
      formatCount(f.peakSliding),
      formatCount(f.p99),
      f.limit === null ? '—' : formatCount(f.limit),
      use(f.utilization),
      driver(f.topFeature),
      driver(f.topUser),
    ];
  });
}

function headline(view: LimitsView, tz: TimeZone): string {
  const { from, to } = span(view);
  return `Rate-limit use by ${view.groupBy === 'class' ? 'model class' : 'model'}, ${formatLocalTime(Date.parse(from), tz)} to ${formatLocalTime(Date.parse(to), tz)} (${view.timezone}): per clock minute, and over any 60 s`;
}

function* limitsTable(view: LimitsView, context: { readonly style: Style; readonly tz: TimeZone }, limit: number): Generator<string> {
  const { style, tz } = context;
  const shown = limit === 0 ? view.groups.length : Math.min(limit, view.groups.length);
  const use = (utilization: number | null): string => {
    if (utilization === null) return '—';
    const text = formatPercent(utilization);
    return utilization >= 0.8 ? style.red(text) : utilization >= 0.5 ? style.yellow(text) : style.green(text);
  };
  yield `${style.bold(escapeForTerminal(headline(view, tz)))}\n\n`;
  if (view.groups.length === 0) yield 'No calls that drew on the limits in the window.\n';
  else {
    const rows = function* (): Generator<string[]> {
      yield [view.groupBy, ...HEADER].map((text) => style.bold(text));
      for (const group of view.groups.slice(0, shown)) yield* rowsOf(group, tz, escapeForTerminal, use);
    };
    const aligns = ['left', 'left', 'right', 'left', 'right', 'right', 'right', 'right', 'left', 'left'] as const;
    for (const line of tableLines(rows, aligns)) yield `${line}\n`;
    if (shown < view.groups.length) yield `\n${limitNote(view.groups.length - shown, 'groups')}\n`;
  }
  if (view.incidents.length === 0) return;
  yield `\n${style.bold(`Incidents: 429s less than 2 minutes apart (${formatCount(view.incidents.length)})`)}\n\n`;
  // The latest --limit of them.
  const latest = limit === 0 ? view.incidents : view.incidents.slice(-limit);
  const incidentRows = function* (): Generator<string[]> {
    yield INCIDENT_HEADER.map((text) => style.bold(text));
    for (const incident of latest) yield incidentCells(incident, tz, escapeForTerminal);
  };
  for (const line of tableLines(incidentRows, ['left', 'left', 'right', 'left', 'left', 'left', 'left', 'right', 'right', 'right', 'left', 'left'])) yield `${line}\n`;
  if (latest.length < view.incidents.length) yield `\n${limitNote(view.incidents.length - latest.length, 'earlier incidents', '--format json')}\n`;
}

const INCIDENT_HEADER = ['from', 'to', '429s', 'kind', 'group', 'lowest remaining before', 'during', 'RPM before', 'ITPM before', 'OTPM before', 'top feature', 'top user'];

/** An incident as cells: "before" is the 60 s before its first 429 (the headers: 5 minutes); its drivers are by ITPM. */
function incidentCells(incident: Incident, tz: TimeZone, label: (text: string) => string): string[] {
  const from = formatLocalTime(incident.startMs, tz);
  const to = formatLocalTime(incident.endMs, tz);
  return [
    from,
    to.slice(0, 10) === from.slice(0, 10) ? to.slice(11) : to,
    formatCount(incident.count),
    incident.kind === 'burst' ? 'burst' : 'spend limit',
    label(incident.group),
    formatRemaining(incident.lowestRemainingBefore) ?? '—',
    formatRemaining(incident.lowestRemainingDuring) ?? '—',
    formatCount(incident.before.rpm),
    formatCount(incident.before.itpm),
    formatCount(incident.before.otpm),
    driverCell(incident.topFeature, label),
    driverCell(incident.topUser, label),
  ];
}

function* limitsMarkdown(view: LimitsView, tz: TimeZone): Generator<string> {
  yield `**${markdownCell(headline(view, tz))}**\n\n`;
  const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |\n`;
  yield row([view.groupBy, ...HEADER]);
  yield row([':---', ':---', '---:', ':---', '---:', '---:', '---:', '---:', ':---', ':---']);
  for (const group of view.groups) for (const cells of rowsOf(group, tz, markdownCell, (u) => (u === null ? '—' : formatPercent(u)))) yield row(cells);
  if (view.incidents.length === 0) return;
  yield `\n**Incidents: 429s less than 2 minutes apart**\n\n${row(INCIDENT_HEADER)}${row(INCIDENT_HEADER.map(() => '---'))}`;
  for (const incident of view.incidents) yield row(incidentCells(incident, tz, markdownCell));
}

/**
 * The spans of time the alert rules read, relative to now (fixed, moving or a clock), to --since, or to a
 * backtest's steps: the longest window of the rate and latency rules, the baseline days, today, and how the
 * minutes of the days are cut.
 */
import { MINUTE_MS } from '../durations.js';
import type { Bucketing } from '../engine/bucketing.js';
import { sameTimeDaysBack } from '../sameTimeOfDay.js';
import type { TimeZone } from '../timezone.js';
import { calendarSpan, type Edge, sinceStart } from '../window.js';
import { type AlertConfig, POOL_RULES, type RuleName } from './alertConfig.js';
import type { AlertSpans } from './alertParts.js';

/**
 * How far back the rules look: the longest window of the rate, latency and headroom rules (at least a minute: today's
 * cost takes the calls of now's minute from them; the headroom rule's only with limits in the config, which it
 * reads), and the baseline days.
 */
function ruleReach(config: AlertConfig): { longestWindowMs: number; baselineDays: number } {
  let longestWindowMs = MINUTE_MS;
  let baselineDays = 0;
  for (const [name, rule] of Object.entries(config.rules)) {
    if (POOL_RULES.includes(name as RuleName) && config.limits.size === 0) continue;
    for (const settings of [rule.base, ...rule.features.values()]) {
      if (!settings.enabled) continue;
      longestWindowMs = Math.max(longestWindowMs, settings.windowMs);
      baselineDays = Math.max(baselineDays, settings.baselineDays);
    }
  }
  return { longestWindowMs, baselineDays };
}

/**
 * The spans the rules read at now (fixed, moving or a clock): the longest window, the baseline days, today. At a
 * fixed now (`fixedNowMs`), the days are cut only where the rules look.
 */
export function alertSpans(config: AlertConfig, tz: TimeZone, fixedNowMs?: number): AlertSpans {
  const { longestWindowMs, baselineDays } = ruleReach(config);
  return {
    recent: { kind: 'last', ms: longestWindowMs },
    days: { kind: 'days', days: baselineDays + 1, tz },
    today: { kind: 'days', days: 1, tz },
    minutes: fixedNowMs === undefined ? BY_MINUTE : dayCuts(fixedNowMs, baselineDays, tz),
  };
}

const BY_MINUTE: Bucketing = { unit: 'minute' };

/** The starts of today and the baseline days, and of the minute of now's time of day on each and of the next. */
function dayCuts(nowMs: number, baselineDays: number, tz: TimeZone): Bucketing {
  const starts = new Set<number>();
  for (let back = baselineDays; back >= 0; back--) {
    const { before, minute } = sameTimeDaysBack(nowMs, back, tz);
    for (const edge of [before.from, minute.from, minute.to]) starts.add(edge.ms);
  }
  starts.add(tz.startOfDay(nowMs));
  return { unit: 'starts', starts: [...starts].sort((a, b) => a - b) };
}

/** With --since: (since, now] is the window of the rate and latency rules, and bounds what is read at all. */
export function sinceSpans(config: AlertConfig, tz: TimeZone, nowMs: number, sinceMs: number): AlertSpans {
  const since: Edge = { ms: sinceMs, included: false, name: '--since' };
  const { minutes } = alertSpans(config, tz, nowMs);
  const { baselineDays } = ruleReach(config);
  const todayStart = tz.startOfDay(nowMs);
  const from = (startMs: number): Edge => (sinceMs >= startMs ? since : sinceStart(startMs, nowMs).from);
  const to = sinceStart(todayStart, nowMs).to;
  return {
    recent: { kind: 'window', window: { from: since, to } },
    days: { kind: 'window', window: { from: from(tz.addDays(todayStart, -baselineDays)), to } },
    today: { kind: 'window', window: { from: from(todayStart), to } },
    minutes,
  };
}

/** What a backtest from `fromMs` to `toMs` reads: every step's windows and baseline days. */
export function backtestSpans(config: AlertConfig, tz: TimeZone, fromMs: number, toMs: number): AlertSpans {
  const { longestWindowMs, baselineDays } = ruleReach(config);
  const lastDay = tz.startOfDay(toMs);
  return {
    recent: { kind: 'window', window: { from: { ms: fromMs - longestWindowMs, included: false, name: 'the first window' }, to: sinceStart(fromMs, toMs).to } },
    days: { kind: 'window', window: sinceStart(tz.addDays(tz.startOfDay(fromMs), -baselineDays), toMs) },
    today: { kind: 'window', window: calendarSpan(lastDay, tz.addDays(lastDay, 1)) },
    minutes: BY_MINUTE,
  };
}

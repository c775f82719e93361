/**
 * The alert rules (docs/definitions.md, "Alert rules"), their defaults, and the config file that tunes them:
 *
 *   { "timezone": "Europe/Berlin",
 *     "rules": { "p95_latency": { "thresholdMs": 15000, "window": "10m", "minCalls": 20, "severity": "critical",
 *                                 "features": { "doc_summary": { "thresholdMs": 30000 } } } } }
 *
 * Every key is checked: a misspelt one is an error naming it, never silently ignored.
 */
import { UsageError } from '../../errors.js';
import { MINUTE_MS } from '../durations.js';
import { parseDuration } from '../timeRange.js';
import { type ConfiguredLimits, LIMIT_KINDS, type LimitKind } from '../limits/rateUsage.js';
import { TimeZone } from '../timezone.js';
import type { OtelAttributeNames } from '../types.js';

export const RULE_NAMES = ['error_rate', 'rate_limited', 'p95_latency', 'daily_cost', 'ratelimit_headroom'] as const;
export type RuleName = (typeof RULE_NAMES)[number];

/** The alert of each rule in Prometheus (`claude-mon rules`), also shown by the Grafana dashboard (`claude-mon grafana`). */
export const ALERT_NAMES: Readonly<Record<RuleName, string>> = {
  error_rate: 'ClaudeErrorRateHigh',
  rate_limited: 'ClaudeRateLimited',
  p95_latency: 'ClaudeLatencyP95High',
  daily_cost: 'ClaudeDailyCostHigh',
  ratelimit_headroom: 'ClaudeRateLimitHeadroomLow',
};

/** The rules evaluated per model class and configured limit (`limits`), not per feature: a limit is the pool's. */
export const POOL_RULES: readonly RuleName[] = ['ratelimit_headroom'];

export const SEVERITIES = ['warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** One rule's settings for one scope: the rule's own, with a feature's overrides applied. */
export interface RuleSettings {
  readonly enabled: boolean;
  readonly severity: Severity;
  /**
   * error_rate: a fraction (0.05); rate_limited: a count of 429s; p95_latency: ms; daily_cost: a ratio (1.5);
   * ratelimit_headroom: a fraction of the limit (0.8).
   */
  readonly threshold: number;
  /** The window of the rate and latency rules; daily_cost's window is the calendar day. */
  readonly windowMs: number;
  readonly minCalls: number;
  readonly minErrors: number;
  readonly baselineDays: number;
  readonly minBaselineDays: number;
  /** daily_cost: today's cost so far must exceed it too (USD), so that cents against a tiny baseline never fire. */
  readonly minUsd: number;
}

export interface RuleConfig {
  readonly base: RuleSettings;
  readonly features: ReadonlyMap<string, RuleSettings>;
}

export interface AlertConfig {
  readonly timezone: string | undefined;
  readonly rules: Readonly<Record<RuleName, RuleConfig>>;
  /** Which OpenTelemetry attributes name a span's feature and user. */
  readonly otel: OtelAttributeNames;
  /** The rate limits per minute, by model or model class (`limits`). */
  readonly limits: ConfiguredLimits;
}

const NEVER = Number.POSITIVE_INFINITY;
/** daily_cost's floor: a day that has cost less than this so far is not worth an alert, whatever its baseline. */
export const DEFAULT_MIN_DAILY_USD = 5;

export const DEFAULT_RULES: Readonly<Record<RuleName, RuleSettings>> = {
  error_rate: { enabled: true, severity: 'critical', threshold: 0.05, windowMs: 10 * MINUTE_MS, minCalls: 20, minErrors: 3, baselineDays: 0, minBaselineDays: 0, minUsd: 0 },
  rate_limited: { enabled: true, severity: 'warning', threshold: 0, windowMs: 5 * MINUTE_MS, minCalls: 0, minErrors: NEVER, baselineDays: 0, minBaselineDays: 0, minUsd: 0 },
  p95_latency: { enabled: true, severity: 'critical', threshold: 15_000, windowMs: 10 * MINUTE_MS, minCalls: 20, minErrors: NEVER, baselineDays: 0, minBaselineDays: 0, minUsd: 0 },
  daily_cost: { enabled: true, severity: 'warning', threshold: 1.5, windowMs: 0, minCalls: 0, minErrors: NEVER, baselineDays: 7, minBaselineDays: 5, minUsd: DEFAULT_MIN_DAILY_USD },
  ratelimit_headroom: { enabled: true, severity: 'warning', threshold: 0.8, windowMs: 60 * MINUTE_MS, minCalls: 0, minErrors: NEVER, baselineDays: 0, minBaselineDays: 0, minUsd: 0 },
};

/** The config keys of each rule, and the setting each one sets (thresholds are named for their unit). */
const RULE_KEYS: Readonly<Record<RuleName, Readonly<Record<string, SettingReader>>>> = {
  error_rate: { threshold: fraction('threshold'), window: duration, minCalls: count('minCalls'), minErrors: count('minErrors') },
  rate_limited: { threshold: count('threshold'), window: duration },
  p95_latency: { thresholdMs: positive('threshold'), window: duration, minCalls: count('minCalls') },
  daily_cost: {
    thresholdPercent: (value, path, fail) => ({ threshold: positiveNumber(value, path, fail) / 100 }),
    baselineDays: count('baselineDays', 1),
    minBaselineDays: count('minBaselineDays', 1),
    minUsd: (value, path, fail) => ({ minUsd: nonNegativeNumber(value, path, fail) }),
  },
  ratelimit_headroom: {
    threshold: fraction('threshold'),
    window: (value, path, fail) => {
      const settings = duration(value, path, fail);
      if ((settings.windowMs as number) < MINUTE_MS) fail(path, `window "${value as string}" is shorter than a minute: the rule reads the peak minute in it`);
      return settings;
    },
  },
};

export const DEFAULT_CONFIG: AlertConfig = parseAlertConfig({}, 'defaults');

/** The settings that apply to a scope: the feature's overrides when the scope names a feature that has some. */
export function settingsFor(rule: RuleConfig, feature: string | undefined): RuleSettings {
  return (feature === undefined ? undefined : rule.features.get(feature)) ?? rule.base;
}

/** Parses a config document; `source` names the file in errors ("claude-mon.config.json: rules.x.window: ..."). */
export function parseAlertConfig(json: unknown, source: string): AlertConfig {
  const fail = (path: string, problem: string): never => {
    throw new UsageError(`${source}: ${path}: ${problem}`);
  };
  const root = objectAt(json, 'the top level', fail);
  rejectUnknown(root, ['timezone', 'rules', 'otel', 'limits', '$schema'], '', fail);
  const timezone = root['timezone'];
  if (timezone !== undefined && (typeof timezone !== 'string' || timezone === '')) fail('timezone', expected('an IANA time zone name', timezone));
  if (typeof timezone === 'string') {
    try {
      new TimeZone(timezone);
    } catch (error) {
      fail('timezone', (error as Error).message);
    }
  }
  const rulesJson = root['rules'] === undefined ? {} : objectAt(root['rules'], 'rules', fail);
  rejectUnknown(rulesJson, RULE_NAMES, 'rules.', fail);
  const rules = {} as Record<RuleName, RuleConfig>;
  for (const name of RULE_NAMES) {
    const entry = rulesJson[name];
    rules[name] = entry === undefined ? { base: DEFAULT_RULES[name], features: new Map() } : parseRule(name, entry, fail);
  }
  return { timezone: timezone as string | undefined, rules, otel: parseOtel(root['otel'], fail), limits: parseLimits(root['limits'], fail) };
}

/** `"limits": {"claude-sonnet-4-5": {"rpm": 50, "itpm": 30000, "otpm": 8000}}`: per minute, each optional. */
function parseLimits(json: unknown, fail: Fail): ConfiguredLimits {
  if (json === undefined) return new Map();
  const object = objectAt(json, 'limits', fail);
  const limits = new Map<string, Partial<Record<LimitKind, number>>>();
  for (const [name, entry] of Object.entries(object)) {
    const path = `limits.${name}`;
    const fields = objectAt(entry, path, fail);
    rejectUnknown(fields, LIMIT_KINDS, `${path}.`, fail);
    const kinds: Partial<Record<LimitKind, number>> = {};
    for (const kind of LIMIT_KINDS) {
      const value = fields[kind];
      if (value === undefined) continue;
      if (!Number.isSafeInteger(value) || (value as number) <= 0) fail(`${path}.${kind}`, expected('a whole number of calls or tokens per minute, above 0', value));
      kinds[kind] = value as number;
    }
    if (Object.keys(kinds).length === 0) fail(path, `expected at least one of ${LIMIT_KINDS.join(', ')}`);
    limits.set(name, kinds);
  }
  return limits;
}

/** `"otel": {"feature": "app.feature", "user": "enduser.id"}`: attribute names, each optional. */
function parseOtel(json: unknown, fail: Fail): OtelAttributeNames {
  if (json === undefined) return {};
  const object = objectAt(json, 'otel', fail);
  rejectUnknown(object, ['feature', 'user'], 'otel.', fail);
  const names: { feature?: string; user?: string } = {};
  for (const key of ['feature', 'user'] as const) {
    const value = object[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value === '') fail(`otel.${key}`, expected('an attribute name such as "app.feature"', value));
    names[key] = value as string;
  }
  return names;
}

type Fail = (path: string, problem: string) => never;
type SettingReader = (value: unknown, path: string, fail: Fail) => Partial<Mutable<RuleSettings>>;
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function parseRule(name: RuleName, json: unknown, fail: Fail): RuleConfig {
  const path = `rules.${name}`;
  const object = objectAt(json, path, fail);
  // A rule of the pools has no per-feature settings: every feature draws on the same limit.
  const base = applySettings(name, DEFAULT_RULES[name], object, path, POOL_RULES.includes(name) ? [] : ['features'], fail);
  const features = new Map<string, RuleSettings>();
  if (object['features'] !== undefined) {
    const featuresJson = objectAt(object['features'], `${path}.features`, fail);
    for (const [feature, overrides] of Object.entries(featuresJson)) {
      const featurePath = `${path}.features[${JSON.stringify(feature)}]`;
      features.set(feature, applySettings(name, base, objectAt(overrides, featurePath, fail), featurePath, [], fail));
    }
  }
  return { base, features };
}

function applySettings(
  name: RuleName,
  from: RuleSettings,
  json: Readonly<Record<string, unknown>>,
  path: string,
  extraKeys: readonly string[],
  fail: Fail,
): RuleSettings {
  const readers = RULE_KEYS[name];
  const known = ['enabled', 'severity', ...Object.keys(readers)];
  rejectUnknown(json, [...known, ...extraKeys], `${path}.`, fail);
  const settings: Mutable<RuleSettings> = { ...from };
  for (const [key, value] of Object.entries(json)) {
    const at = `${path}.${key}`;
    if (key === 'enabled') {
      if (typeof value !== 'boolean') fail(at, expected('true or false', value));
      settings.enabled = value as boolean;
    } else if (key === 'severity') {
      if (!SEVERITIES.includes(value as Severity)) fail(at, expected('"warning" or "critical"', value));
      settings.severity = value as Severity;
    } else {
      const reader = readers[key];
      if (reader !== undefined) Object.assign(settings, reader(value, at, fail));
    }
  }
  if (name === 'daily_cost' && settings.minBaselineDays > settings.baselineDays) {
    fail(`${path}.minBaselineDays`, `${settings.minBaselineDays} is more than baselineDays (${settings.baselineDays})`);
  }
  return settings;
}

function duration(value: unknown, path: string, fail: Fail): Partial<RuleSettings> {
  if (typeof value !== 'string') fail(path, expected('a duration like "10m"', value));
  let windowMs: number;
  try {
    windowMs = parseDuration(value as string, 'window');
  } catch (error) {
    return fail(path, (error as Error).message);
  }
  if (windowMs < 1000) fail(path, `window "${value as string}" is shorter than a second`);
  return { windowMs };
}

function fraction(key: 'threshold'): SettingReader {
  return (value, path, fail) => {
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) fail(path, expected('a fraction from 0 to 1 (0.05 = 5%)', value));
    return { [key]: value as number };
  };
}

function positive(key: 'threshold'): SettingReader {
  return (value, path, fail) => ({ [key]: positiveNumber(value, path, fail) });
}

function positiveNumber(value: unknown, path: string, fail: Fail): number {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) fail(path, expected('a number above 0', value));
  return value as number;
}

function nonNegativeNumber(value: unknown, path: string, fail: Fail): number {
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) fail(path, expected('a number ≥ 0', value));
  return value as number;
}

function count(key: 'threshold' | 'minCalls' | 'minErrors' | 'baselineDays' | 'minBaselineDays', minimum = 0): SettingReader {
  return (value, path, fail) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < minimum) {
      fail(path, expected(`a whole number ≥ ${minimum}`, value));
    }
    return { [key]: value as number };
  };
}

function objectAt(value: unknown, path: string, fail: Fail): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, expected('an object', value));
  return value as Record<string, unknown>;
}

function rejectUnknown(object: Readonly<Record<string, unknown>>, known: readonly string[], prefix: string, fail: Fail): void {
  for (const key of Object.keys(object)) {
    if (!known.includes(key)) fail(`${prefix}${key}`, `unknown key (expected one of: ${known.filter((k) => k !== '$schema').join(', ')})`);
  }
}

function expected(what: string, got: unknown): string {
  return `expected ${what}, got ${got === undefined ? 'nothing' : JSON.stringify(got)}`;
}

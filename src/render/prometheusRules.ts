/**
 * `claude-mon rules --format prometheus`: the alert rules of the config as Prometheus alerting rules over the
 * metrics of `claude-mon serve` — per feature and for all calls, with a feature's overrides as rules of their own
 * (and the feature left out of the general rule), and ratelimit_headroom per configured limit of a model class. A
 * rule turned off is left out.
 *
 * How each rule reads in PromQL (W: the rule's window):
 * - error_rate: failed ÷ all calls over W > threshold, when there were ≥ minCalls calls or ≥ minErrors errors;
 * - rate_limited: rate-limited calls over W > threshold (default 0: any);
 * - p95_latency: histogram_quantile(0.95) over W > threshold, with ≥ minCalls calls (the threshold is a bucket
 *   bound of `serve`'s histogram, so above and below are told apart exactly there);
 * - daily_cost: cost of the last 24 hours > threshold × the daily mean over the days with calls among the
 *   baselineDays before, when there are at least minBaselineDays of them. Prometheus has no calendar day in a time
 *   zone, so this is the rolling version of `claude-mon alerts`' "today so far against the same time on the days
 *   before", and over minUsd;
 * - ratelimit_headroom: the highest use of the class in a minute of W (the counter less itself a minute before,
 *   every 15 s) ÷ the limit > threshold.
 * YAML is written by hand: every string is a JSON string, which YAML reads as the same double-quoted scalar.
 */
import { ALERT_NAMES, type AlertConfig, POOL_RULES, RULE_NAMES, type RuleName, type RuleSettings } from '../core/alerts/alertConfig.js';
import type { PoolLimit } from '../core/limits/limitPools.js';
import { LIMIT_FAMILIES } from '../core/limits/poolCounters.js';
import { FAMILY_NAMES } from '../core/metricNames.js';
import { formatWindow } from '../core/timeRange.js';

export interface RulesOptions {
  /** The config file the rules came from, for the header ("defaults" when none). */
  readonly source: string;
  /** The config's rate limits by model class (`LimitPools.configuredClasses`). */
  readonly limits: readonly PoolLimit[];
  readonly version: string;
  /** How long a condition must hold before the alert fires (Prometheus `for`). */
  readonly forMs: number;
}

interface Rule {
  readonly alert: string;
  readonly expr: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export function renderPrometheusRules(config: AlertConfig, options: RulesOptions): string {
  const rules: Rule[] = [];
  for (const name of RULE_NAMES) {
    const rule = config.rules[name];
    if (POOL_RULES.includes(name)) {
      if (rule.base.enabled) for (const limit of options.limits) rules.push(headroomRule(rule.base, limit));
      continue;
    }
    const overridden = [...rule.features.keys()].sort();
    // For all calls, and per feature but for those with settings of their own.
    if (rule.base.enabled) {
      rules.push(ruleFor(name, rule.base, { kind: 'all' }));
      rules.push(ruleFor(name, rule.base, { kind: 'features', except: overridden }));
    }
    for (const feature of overridden) {
      const settings = rule.features.get(feature) as RuleSettings;
      if (settings.enabled) rules.push(ruleFor(name, settings, { kind: 'feature', feature }));
    }
  }
  const lines = [
    `# Prometheus alerting rules written by claude-mon ${options.version} (claude-mon rules --format prometheus) from ${options.source}.`,
    `# They read the metrics of \`claude-mon serve\`; check them with: promtool check rules FILE`,
    'groups:',
    '  - name: "claude-mon"',
    '    rules:',
  ];
  for (const rule of rules) {
    lines.push(`      - alert: ${str(rule.alert)}`, `        expr: ${str(rule.expr)}`, `        for: ${str(options.forMs === 0 ? '0s' : formatWindow(options.forMs))}`, '        labels:');
    for (const [key, value] of Object.entries(rule.labels)) lines.push(`          ${key}: ${str(value)}`);
    lines.push('        annotations:');
    for (const [key, value] of Object.entries(rule.annotations)) lines.push(`          ${key}: ${str(value)}`);
  }
  return `${lines.join('\n')}\n`;
}

type Scope = { readonly kind: 'all' } | { readonly kind: 'features'; readonly except: readonly string[] } | { readonly kind: 'feature'; readonly feature: string };

function ruleFor(name: RuleName, settings: RuleSettings, scope: Scope): Rule {
  const selector = (extra: string[] = []): string => {
    const matchers = [...extra];
    if (scope.kind === 'features') for (const feature of scope.except) matchers.push(`feature!=${promString(feature)}`);
    if (scope.kind === 'feature') matchers.push(`feature=${promString(scope.feature)}`);
    return matchers.length === 0 ? '' : `{${matchers.join(',')}}`;
  };
  // Summed per feature, or over everything for the rule on all calls.
  const sum = (inner: string, by: string[] = []): string => {
    const labels = [...(scope.kind === 'all' ? [] : ['feature']), ...by];
    return labels.length === 0 ? `sum(${inner})` : `sum by (${labels.join(', ')}) (${inner})`;
  };
  const join = scope.kind === 'all' ? '' : ' on (feature)';
  const window = formatWindow(settings.windowMs);
  const calls = sum(`increase(${FAMILY_NAMES.calls}_total${selector()}[${window}])`);
  const where = scope.kind === 'all' ? 'all calls' : '{{ $labels.feature }}';
  let expr: string;
  let summary: string;
  switch (name) {
    case 'error_rate': {
      const failed = sum(`increase(${FAMILY_NAMES.calls}_total${selector(['status_class!="ok"'])}[${window}])`);
      expr = `(${failed} / ${calls}) > ${settings.threshold} and${join} (${calls} >= ${settings.minCalls} or ${failed} >= ${settings.minErrors})`;
      summary = `Error rate of ${where} is {{ $value | humanizePercentage }} over ${window} (threshold ${percent(settings.threshold)})`;
      break;
    }
    case 'rate_limited':
      expr = `${sum(`increase(${FAMILY_NAMES.rateLimited}_total${selector()}[${window}])`)} > ${settings.threshold}`;
      summary = `{{ $value | humanize }} rate-limited calls (429) of ${where} over ${window} (threshold ${settings.threshold})`;
      break;
    case 'p95_latency': {
      const buckets = sum(`rate(${FAMILY_NAMES.latency}_bucket${selector()}[${window}])`, ['le']);
      const count = sum(`increase(${FAMILY_NAMES.latency}_count${selector()}[${window}])`);
      expr = `histogram_quantile(0.95, ${buckets}) > ${settings.threshold / 1000} and${join} ${count} >= ${settings.minCalls}`;
      summary = `p95 latency of ${where} is {{ $value | humanizeDuration }} over ${window} (threshold ${settings.threshold / 1000}s)`;
      break;
    }
    default: {
      const days = settings.baselineDays;
      const today = sum(`increase(${FAMILY_NAMES.cost}_total${selector()}[1d])`);
      const before = sum(`increase(${FAMILY_NAMES.cost}_total${selector()}[${days}d] offset 1d)`);
      // Days with calls among the baselineDays before (a feature deployed yesterday has one): the mean is over them,
      // and fewer than minBaselineDays is too little history to judge, as in `alerts`.
      const callsOn = (back: number): string => sum(`increase(${FAMILY_NAMES.calls}_total${selector()}[1d] offset ${back}d)`);
      const terms = Array.from({ length: days }, (_, k) => `((${callsOn(k + 1)} > bool 0) or${join} (${today} * 0))`);
      const withCalls = `(${terms.join(' + ')})`;
      expr = `${today} > ${settings.threshold} * ${before} / ${withCalls} and${join} ${withCalls} >= ${settings.minBaselineDays}`;
      if (settings.minUsd > 0) expr += ` and${join} ${today} > ${settings.minUsd}`;
      summary = `Cost of ${where} in the last 24 h is \${{ $value | humanize }}, over ${percent(settings.threshold)} of the daily mean of the days with calls among the ${days} before${settings.minUsd > 0 ? ` and over \$${settings.minUsd}` : ''}`;
    }
  }
  // A feature with settings of its own is named in the rule's labels too: its rule is not a copy of the general one.
  const scopeLabel =
    scope.kind === 'all' ? { scope: 'all' } : scope.kind === 'feature' ? { scope: 'feature', feature: templateLiteral(scope.feature) } : { scope: 'feature' };
  return {
    alert: ALERT_NAMES[name],
    expr,
    labels: { severity: settings.severity, rule: name, ...scopeLabel },
    annotations: {
      summary,
      description: `claude-mon rule ${name}${scope.kind === 'all' ? ' on all calls' : ' for feature {{ $labels.feature }}'}; the same rule as \`claude-mon alerts\` evaluates on the logs.`,
    },
  };
}

/**
 * ratelimit_headroom: the peak of the class's use of a limit in any minute of W — its counter less the counter a
 * minute before, every 15 s (two scrapes a minute apart, whatever the scrape interval up to a minute: no
 * extrapolation, and a minute across a whole one is seen too) — over the limit, above the threshold. Summed over
 * every `serve` of the fleet: the limit is the organisation's. A restart's drop is no use, not a negative one.
 */
function headroomRule(settings: RuleSettings, { pool, kind, limit }: PoolLimit): Rule {
  const window = formatWindow(settings.windowMs);
  const selector = `${LIMIT_FAMILIES[kind]}_total{class=${promString(pool)}}`;
  // In the first minute of a series there is nothing a minute before: then all it counted is the minute's.
  const perMinute = `clamp_min(sum by (class) (${selector}) - sum by (class) (${selector} offset 1m), 0) or sum by (class) (${selector})`;
  return {
    alert: ALERT_NAMES.ratelimit_headroom,
    expr: `max_over_time((${perMinute})[${window}:15s]) / ${limit} > ${settings.threshold}`,
    labels: { severity: settings.severity, rule: 'ratelimit_headroom', scope: 'class', class: templateLiteral(pool), limit: kind },
    annotations: {
      summary: `The peak minute of {{ $labels.class }} over ${window} used {{ $value | humanizePercentage }} of its ${kind.toUpperCase()} limit, ${limit} per minute (threshold ${percent(settings.threshold)})`,
      description: 'claude-mon rule ratelimit_headroom; the same rule as `claude-mon alerts` evaluates on the logs, there on clock minutes of the calls\' own timestamps.',
    },
  };
}

/** A label value Prometheus will not expand as a template: each `{{` written as the template `{{ "{{" }}`. */
function templateLiteral(text: string): string {
  return text.replaceAll('{{', '{{ "{{" }}');
}

/** A PromQL string literal (Go's escapes are a superset of JSON's). */
function promString(text: string): string {
  return JSON.stringify(text);
}

/** A YAML double-quoted scalar. */
function str(text: string): string {
  return JSON.stringify(text);
}

function percent(fraction: number): string {
  return `${Math.round(fraction * 10_000) / 100}%`;
}

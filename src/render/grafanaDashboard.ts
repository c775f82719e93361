/**
 * `claude-mon grafana`: a Grafana dashboard (JSON model, schema 39: Grafana 10.3 and later) over the metrics of
 * `claude-mon serve`, with a `$feature` and a `$model` variable and the alerts of `claude-mon rules` as
 * annotations. Every query reads a family of FAMILY_NAMES, so a metric renamed in `serve` is renamed here; the
 * end-to-end test runs each query against a real Prometheus scraping `serve`.
 */
import { ALERT_NAMES, RULE_NAMES } from '../core/alerts/alertConfig.js';
import { LIMIT_FAMILIES } from '../core/limits/poolCounters.js';
import { LIMIT_KINDS, type LimitKind } from '../core/limits/rateUsage.js';
import { FAMILY_NAMES } from '../core/metricNames.js';

export interface GrafanaOptions {
  readonly version: string;
}

/** A panel's query: PromQL and how its series are named in the legend. */
export interface PanelQuery {
  readonly expr: string;
  readonly legendFormat: string;
}

interface PanelSpec {
  readonly title: string;
  readonly description: string;
  readonly unit: string;
  readonly queries: readonly PanelQuery[];
  /** Bars for counts per interval, lines for rates. */
  readonly style?: 'bars' | 'stacked';
  /** The shortest interval Grafana may step by (a bar's span). */
  readonly minInterval?: string;
}

/** The matchers of the two variables, on the series that have both labels. */
const PAIR = 'feature=~"$feature", model=~"$model"';
const rate = (family: string, matchers = PAIR): string => `rate(${family}{${matchers}}[$__rate_interval])`;
const byFeature = (inner: string): string => `sum by (feature) (${inner})`;

const calls = `${FAMILY_NAMES.calls}_total`;

/** What each rate limit counts, in words. */
const LIMIT_USE: Readonly<Record<LimitKind, string>> = {
  rpm: 'calls that were not 429s',
  itpm: 'uncached input and cache writes, and cache reads on Haiku 3 and 3.5',
  otpm: 'output tokens',
};

export const PANELS: readonly PanelSpec[] = [
  {
    title: 'Calls by feature',
    description: 'Calls logged per second, by feature.',
    unit: 'reqps',
    queries: [{ expr: byFeature(rate(calls)), legendFormat: '{{feature}}' }],
  },
  {
    title: 'Error rate by feature',
    description: 'Failed calls (status class 4xx, 5xx or error) over all calls, by feature.',
    unit: 'percentunit',
    queries: [{ expr: `${byFeature(rate(calls, `${PAIR}, status_class!="ok"`))} / ${byFeature(rate(calls))}`, legendFormat: '{{feature}}' }],
  },
  {
    title: '429s by feature',
    description: 'Rate-limited calls (status 429 or RateLimitError) in each interval of at least a minute, by feature.',
    unit: 'short',
    style: 'bars',
    // Over $__interval, not $__rate_interval: each bar counts its own interval, the windows do not overlap.
    minInterval: '1m',
    queries: [{ expr: byFeature(`increase(${FAMILY_NAMES.rateLimited}_total{${PAIR}}[$__interval])`), legendFormat: '{{feature}}' }],
  },
  {
    title: 'p95 latency by feature',
    description: "The 95th percentile of call latency, from serve's histogram (exact at its bucket bounds), by feature.",
    unit: 's',
    queries: [{ expr: `histogram_quantile(0.95, sum by (feature, le) (${rate(`${FAMILY_NAMES.latency}_bucket`)}))`, legendFormat: '{{feature}}' }],
  },
  {
    title: 'Cost per hour by feature and model',
    description: 'US dollars over the hour before each point, priced by claude-mon from the tokens of each call.',
    unit: 'currencyUSD',
    style: 'stacked',
    queries: [{ expr: `sum by (feature, model) (increase(${FAMILY_NAMES.cost}_total{${PAIR}}[1h]))`, legendFormat: '{{feature}} · {{model}}' }],
  },
  {
    title: 'Tokens by type',
    description: 'Tokens per second: input, output, cache reads and cache writes (every call, failed ones included).',
    unit: 'short',
    style: 'stacked',
    queries: [{ expr: `sum by (type) (${rate(`${FAMILY_NAMES.tokens}_total`)})`, legendFormat: '{{type}}' }],
  },
  {
    title: 'Cache hit rate by feature',
    description: 'Cache reads over all prompt tokens of successful calls (the cacheHitRate of claude-mon summary).',
    unit: 'percentunit',
    queries: [
      {
        expr: `${byFeature(rate(`${FAMILY_NAMES.successfulPromptTokens}_total`, `${PAIR}, type="cache_read"`))} / ${byFeature(rate(`${FAMILY_NAMES.successfulPromptTokens}_total`))}`,
        legendFormat: '{{feature}}',
      },
    ],
  },
  {
    title: 'max_tokens rate by feature',
    description: 'Successful calls whose answer was cut off by max_tokens, over all successful calls.',
    unit: 'percentunit',
    queries: [{ expr: `${byFeature(rate(`${FAMILY_NAMES.maxTokens}_total`))} / ${byFeature(rate(calls, `${PAIR}, status_class="ok"`))}`, legendFormat: '{{feature}}' }],
  },
  {
    title: 'Lowest rate-limit remaining',
    description: 'The last logged anthropic-ratelimit-*-remaining value, by model and limit: how close the calls ran to the limits.',
    unit: 'short',
    queries: [{ expr: `min by (model, limit) (${FAMILY_NAMES.rateLimitRemaining}{model=~"$model"})`, legendFormat: '{{model}} {{limit}}' }],
  },
  ...LIMIT_KINDS.map(
    (kind): PanelSpec => ({
      title: `${kind.toUpperCase()} use per minute by class`,
      description: `Each point: the minute before it, per model class, as claude-mon limits counts it (${LIMIT_USE[kind]}). Compare with your ${kind.toUpperCase()} limit: the ratelimit_headroom rule does.`,
      unit: 'short',
      queries: [{ expr: `sum by (class) (increase(${LIMIT_FAMILIES[kind]}_total[1m]))`, legendFormat: '{{class}}' }],
    }),
  ),
];

/** The firing alerts of `claude-mon rules`, as Prometheus keeps them in ALERTS. */
export const ALERT_ANNOTATION_EXPR = `ALERTS{alertname=~"${RULE_NAMES.map((name) => ALERT_NAMES[name]).join('|')}", alertstate="firing"}`;

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;
const PANEL_WIDTH = 12;
const PANEL_HEIGHT = 8;

export function renderGrafanaDashboard(options: GrafanaOptions): string {
  const dashboard = {
    title: 'claude-mon',
    uid: 'claude-mon',
    description: `Claude API calls by feature and model, from the metrics of claude-mon serve (written by claude-mon ${options.version}: claude-mon grafana).`,
    tags: ['claude-mon', 'claude', 'llm'],
    schemaVersion: 39,
    version: 1,
    editable: true,
    graphTooltip: 1,
    time: { from: 'now-24h', to: 'now' },
    refresh: '1m',
    timezone: 'browser',
    templating: {
      list: [
        { name: 'datasource', label: 'Prometheus', type: 'datasource', query: 'prometheus', current: {}, hide: 0 },
        labelVariable('feature', `label_values(${calls}, feature)`),
        labelVariable('model', `label_values(${calls}{feature=~"$feature"}, model)`),
      ],
    },
    annotations: {
      list: [
        {
          name: 'claude-mon alerts',
          datasource: DATASOURCE,
          enable: true,
          iconColor: 'red',
          expr: ALERT_ANNOTATION_EXPR,
          step: '60s',
          titleFormat: '{{alertname}}',
          textFormat: '{{feature}} {{severity}}',
          tagKeys: 'rule,scope,feature,severity',
          useValueForTime: false,
        },
      ],
    },
    panels: PANELS.map((panel, i) => panelJson(panel, i)),
  };
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}

function labelVariable(name: string, query: string): object {
  return {
    name,
    label: name,
    type: 'query',
    datasource: DATASOURCE,
    definition: query,
    query: { query, refId: `${name}-values` },
    includeAll: true,
    multi: true,
    allValue: '.*',
    current: { text: 'All', value: '$__all' },
    refresh: 2,
    sort: 1,
    hide: 0,
  };
}

function panelJson(panel: PanelSpec, index: number): object {
  const bars = panel.style === 'bars';
  return {
    id: index + 1,
    type: 'timeseries',
    title: panel.title,
    description: panel.description,
    datasource: DATASOURCE,
    ...(panel.minInterval === undefined ? {} : { interval: panel.minInterval }),
    gridPos: { x: (index % 2) * PANEL_WIDTH, y: Math.floor(index / 2) * PANEL_HEIGHT, w: PANEL_WIDTH, h: PANEL_HEIGHT },
    fieldConfig: {
      defaults: {
        unit: panel.unit,
        color: { mode: 'palette-classic' },
        custom: {
          drawStyle: bars ? 'bars' : 'line',
          fillOpacity: bars || panel.style === 'stacked' ? 60 : 10,
          stacking: { mode: panel.style === undefined ? 'none' : 'normal', group: 'A' },
          lineWidth: 1,
          spanNulls: false,
        },
        min: 0,
      },
      overrides: [],
    },
    options: { legend: { displayMode: 'table', placement: 'bottom', calcs: ['lastNotNull', 'max'] }, tooltip: { mode: 'multi', sort: 'desc' } },
    targets: panel.queries.map((query, i) => ({ refId: String.fromCharCode(65 + i), datasource: DATASOURCE, expr: query.expr, legendFormat: query.legendFormat, range: true })),
  };
}

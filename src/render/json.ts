/** Summary as its JSON document (schemas/summary.schema.json). Pure: report in, text out. */
import type { SummaryReport } from '../core/reports/summaryReport.js';
import { COUNTS_REGISTRY, METRIC_REGISTRY } from '../core/metrics.js';
import { formatIsoUtc } from '../core/timeRange.js';
import type { LineCounts, Stats } from '../core/types.js';
import { JsonItems, jsonDocument, mapItems } from './jsonStream.js';
import { rateLimitsJson } from './rateLimitText.js';

export const SCHEMA_VERSION = 1;

export function renderSummaryJson(report: SummaryReport): Generator<string> {
  const { aggregate } = report;
  const document = {
    schemaVersion: SCHEMA_VERSION,
    kind: 'summary',
    range: { from: isoOrNull(report.range.fromMs), to: isoOrNull(report.range.toMs) },
    timezone: report.timezone,
    groupBy: aggregate.groupBy,
    groups: new JsonItems(mapItems(aggregate.groups, (group) => ({ key: group.key, ...statsJson(group.stats) }))),
    total: statsJson(aggregate.total),
    input: inputJson(report.input),
    pricing: {
      asOf: report.pricing.asOf,
      unpricedModels: report.pricing.unpricedModels,
      ...(report.pricing.reportedCost === null ? {} : { reportedCost: report.pricing.reportedCost }),
    },
    rateLimitHeaders: rateLimitsJson(report.rateLimits),
  };
  return jsonDocument(document);
}

/** A group's Stats as the registry names them (every metric, then the counts by value); the rest stays out. */
function statsJson(stats: Stats): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  for (const metric of METRIC_REGISTRY) {
    let at = json;
    for (const part of metric.path.slice(0, -1)) at = (at[part] ??= {}) as Record<string, unknown>;
    at[metric.path[metric.path.length - 1] as string] = metric.value(stats);
  }
  for (const counts of COUNTS_REGISTRY) json[counts.id] = stats[counts.id];
  return json;
}

export function inputJson(input: LineCounts): Record<string, unknown> {
  return { ...input };
}

/** The one document printed on a failure path when JSON was asked for, so scripts always get JSON. */
export function renderErrorJson(exitCode: number, message: string, input?: object): string {
  const document = {
    schemaVersion: SCHEMA_VERSION,
    kind: 'error',
    exitCode,
    error: message,
    ...(input === undefined ? {} : { input: { ...input } }),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : formatIsoUtc(ms);
}

/** Summary as the JSON document of PRODUCT.md §6 (schemas/summary.schema.json). Pure: report in, text out. */
import type { SummaryReport } from '../core/reports/summaryReport.js';
import { formatIsoUtc } from '../core/timeRange.js';
import type { LineCounts, Stats } from '../core/types.js';
import { JsonItems, jsonDocument, mapItems } from './jsonStream.js';

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
    pricing: { asOf: report.pricing.asOf, unpricedModels: report.pricing.unpricedModels },
  };
  return jsonDocument(document);
}

/** The Stats shape of §6; the snapshot's extra bookkeeping (first/last times, per-group unpriced models) stays out. */
export function statsJson(stats: Stats): Record<string, unknown> {
  return {
    calls: stats.calls,
    errors: stats.errors,
    errorRate: stats.errorRate,
    rateLimited: stats.rateLimited,
    overloaded: stats.overloaded,
    latencyMs: stats.latencyMs,
    tokens: stats.tokens,
    costUsd: stats.costUsd,
    costPerCallUsd: stats.costPerCallUsd,
    unpricedCalls: stats.unpricedCalls,
    cacheHitRate: stats.cacheHitRate,
    maxTokensStops: stats.maxTokensStops,
    maxTokensRate: stats.maxTokensRate,
    stopReasons: stats.stopReasons,
    errorTypes: stats.errorTypes,
    errorStatuses: stats.errorStatuses,
  };
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

/**
 * The parts of the published JSON Schemas that the registry of metrics defines: a group's Stats (summary) and a
 * day of a trend series. `npm run schemas` writes them into schemas/; a test checks the files hold them.
 */
import { COUNTS_REGISTRY, METRIC_REGISTRY, type Metric, TREND_METRICS } from '../core/metrics.js';

type Schema = Record<string, unknown>;

/** A metric's value in a Stats document (summary's shared definitions). */
function statsValueSchema(metric: Metric): Schema {
  const described = (schema: Schema): Schema => ({ ...schema, description: metric.description });
  switch (metric.unit) {
    case 'count':
      return described({ $ref: '#/definitions/count' });
    case 'ratio':
      return described({ $ref: '#/definitions/rate' });
    case 'ms':
      return described({ $ref: '#/definitions/msOrNull' });
    case 'usd':
    case 'usdPerCall':
      return described({ type: metric.nullable ? ['number', 'null'] : 'number', minimum: 0 });
  }
}

/** A metric's value in a day of a trend series (a flat object, its types written out). */
function dayValueSchema(metric: Metric): Schema {
  const type = metric.unit === 'count' ? 'integer' : 'number';
  return {
    type: metric.nullable ? [type, 'null'] : type,
    ...(metric.unit === 'count' || metric.unit === 'usd' || metric.unit === 'usdPerCall' || metric.unit === 'ms' ? { minimum: 0 } : {}),
    ...(metric.unit === 'ratio' ? { minimum: 0, maximum: 1 } : {}),
    description: metric.description,
  };
}

/** definitions.stats of schemas/summary.schema.json. */
export function statsSchema(): Schema {
  const properties: Record<string, Schema> = {};
  const required: Record<string, string[]> = { '': [] };
  for (const metric of METRIC_REGISTRY) {
    const [first, second] = metric.path as [string, string?];
    if (second === undefined) {
      properties[first] = statsValueSchema(metric);
      (required[''] as string[]).push(first);
      continue;
    }
    if (properties[first] === undefined) {
      properties[first] = { type: 'object', required: [], properties: {} };
      (required[''] as string[]).push(first);
    }
    const nested = properties[first] as { required: string[]; properties: Record<string, Schema> };
    nested.required.push(second);
    nested.properties[second] = statsValueSchema(metric);
  }
  for (const counts of COUNTS_REGISTRY) {
    properties[counts.id] = { $ref: '#/definitions/counts', description: counts.description };
    (required[''] as string[]).push(counts.id);
  }
  return { type: 'object', required: required[''], properties };
}

/** The items of `days` in schemas/trend.schema.json. */
export function trendDaySchema(): Schema {
  const time = '^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z$';
  const properties: Record<string, Schema> = {
    start: { type: 'string', pattern: time },
    day: { type: 'string', pattern: '^\\d{4}-\\d\\d-\\d\\d$' },
  };
  for (const metric of TREND_METRICS) properties[metric.id] = dayValueSchema(metric);
  return { type: 'object', required: Object.keys(properties), properties };
}

/** The published schemas hold what the registry of metrics defines (`npm run schemas` writes it). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COUNTS_REGISTRY, METRIC_REGISTRY } from '../../src/core/metrics.js';
import { statsSchema, trendDaySchema } from '../../src/render/schemaFragments.js';
import { ROOT } from '../helpers.js';

const schema = (file: string): Record<string, any> => JSON.parse(readFileSync(`${ROOT}/schemas/${file}`, 'utf8'));

describe('the schemas read the registry', () => {
  it('summary: a group\'s Stats is every registry metric at its path, and the counts by value', () => {
    const stats = schema('summary.schema.json')['definitions']['stats'];
    expect(stats, 'run `npm run schemas` after changing the registry').toEqual(statsSchema());
    for (const metric of METRIC_REGISTRY) {
      const [first, second] = metric.path;
      const property = second === undefined ? stats.properties[first as string] : stats.properties[first as string].properties[second];
      expect(property.description).toBe(metric.description);
    }
    for (const counts of COUNTS_REGISTRY) expect(stats.required).toContain(counts.id);
  });

  it('trend: a day of a series and of the total', () => {
    const trend = schema('trend.schema.json');
    expect(trend['properties']['series'].items.properties.days.items).toEqual(trendDaySchema());
    expect(trend['properties']['total'].properties.days.items).toEqual(trendDaySchema());
  });
});

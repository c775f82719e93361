// npm run schemas: writes the registry's parts of the JSON Schemas (src/render/schemaFragments.ts) into schemas/.
import { readFileSync, writeFileSync } from 'node:fs';
import { statsSchema, trendDaySchema } from '../dist/render/schemaFragments.js';

const update = (file, change) => {
  const path = new URL(`../schemas/${file}`, import.meta.url);
  const schema = JSON.parse(readFileSync(path, 'utf8'));
  change(schema);
  writeFileSync(path, `${JSON.stringify(schema, null, 2)}\n`);
};
update('summary.schema.json', (schema) => {
  schema.definitions.stats = statsSchema();
});
update('trend.schema.json', (schema) => {
  schema.properties.series.items.properties.days.items = trendDaySchema();
  schema.properties.total.properties.days.items = trendDaySchema();
});

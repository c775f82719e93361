/**
 * The DuckDB side of the bench, run in its own process: computes per feature (and in total) what `claude-mon
 * summary` reports for the same file, through @duckdb/node-api with `threads=2`, and prints it as JSON.
 *   node bench/duckdb-child.mjs ndjson|text FILE
 * - ndjson: one JSON object per line, read with read_ndjson and explicit columns;
 * - text: any line envelope (`INFO:root:{...}`, CRI, kubectl --timestamps, bare JSON): lines read as one VARCHAR
 *   column (read_csv with no delimiter, quote or escape that occurs in the data), the object taken from the first
 *   `{` and parsed once with from_json.
 * A `.gz` file is read gzip-compressed. Metrics follow docs/definitions.md: errors = non-empty `error` or
 * `error_status` ≥ 400; p50/p95 of latency_ms with quantile_disc, which in DuckDB is the nearest-rank value
 * (the ⌈q·n⌉-th smallest), the exact value claude-mon's HDR histogram approximates within 0.1%.
 */
import { DuckDBInstance } from '@duckdb/node-api';

const [format, file] = process.argv.slice(2);
if (!['ndjson', 'text'].includes(format) || !file) {
  console.error('usage: node bench/duckdb-child.mjs ndjson|text FILE');
  process.exit(2);
}

const literal = (value) => `'${value.replaceAll("'", "''")}'`;
const compression = file.endsWith('.gz') ? `, compression = 'gzip'` : '';
const COLUMNS = { feature: 'VARCHAR', latency_ms: 'DOUBLE', error: 'VARCHAR', error_status: 'INTEGER' };

function records() {
  if (format === 'ndjson') {
    const columns = Object.entries(COLUMNS).map(([name, type]) => `${name}: ${literal(type)}`).join(', ');
    return `read_ndjson(${literal(file)}, columns = {${columns}}${compression})`;
  }
  // U+0001 never occurs in a log line, so each whole line is the single column.
  const lines = `read_csv(${literal(file)}, columns = {'line': 'VARCHAR'}, header = false, auto_detect = false,
      delim = '\u0001', quote = '', escape = ''${compression})`;
  return `(SELECT r.* FROM (SELECT from_json(substr(line, strpos(line, '{')), ${literal(JSON.stringify(COLUMNS))}) AS r
      FROM ${lines}))`;
}

const QUERY = `
  SELECT grouping(coalesce(feature, 'unknown')) = 1 AS is_total,
         coalesce(feature, 'unknown') AS feature,
         count(*) AS calls,
         count(*) FILTER (WHERE coalesce("error", '') <> '' OR error_status >= 400) AS errors,
         quantile_disc(latency_ms, 0.5) AS p50,
         quantile_disc(latency_ms, 0.95) AS p95
  FROM ${records()}
  GROUP BY GROUPING SETS ((coalesce(feature, 'unknown')), ())
  ORDER BY is_total, feature`;

const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
const connection = await instance.connect();
await connection.run('SET threads = 2');
const rows = (await connection.runAndReadAll(QUERY)).getRowObjectsJson();
const version = (await connection.runAndReadAll('SELECT version() AS v')).getRowObjectsJson()[0].v;
connection.closeSync();
instance.closeSync();

const stats = (row) => ({ calls: Number(row.calls), errors: Number(row.errors), p50: row.p50, p95: row.p95 });
const groups = Object.fromEntries(rows.filter((row) => !row.is_total).map((row) => [row.feature, stats(row)]));
const total = rows.find((row) => row.is_total);
console.log(JSON.stringify({ version, groups, total: total ? stats(total) : { calls: 0, errors: 0, p50: null, p95: null } }));

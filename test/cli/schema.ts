/** JSON Schema validation of CLI output against the published schemas in schemas/. */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { ROOT } from '../helpers.js';

const ajv = new Ajv({ allErrors: true, strict: true });
const cache = new Map<string, ValidateFunction>();

/** Parses `text` as exactly one JSON document and returns the schema errors (empty when valid). */
export function schemaErrors(kind: 'summary' | 'error' | 'alerts' | 'backtest' | 'dashboard' | 'trend' | 'limits', text: string): string[] {
  let validate = cache.get(kind);
  if (validate === undefined) {
    validate = ajv.compile(JSON.parse(readFileSync(`${ROOT}/schemas/${kind}.schema.json`, 'utf8')) as object);
    cache.set(kind, validate);
  }
  const valid = validate(JSON.parse(text));
  return valid ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`);
}

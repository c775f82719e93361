/**
 * What a call cost (docs/definitions.md, "Cost"): the price book (embedded table + `--prices` overrides) and the cost formula.
 */

import { UsageError } from '../errors.js';
import { modelIdCandidates } from './modelIds.js';
import { EMBEDDED_PRICES, type LongContextPrice, type ModelPrice } from './priceTable.js';
import type { CallRecord } from './types.js';

/** Token counts of one call, or sums over calls that share model, long-context tier and batch flag. */
export interface TokenSums {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
}

/** Message Batches API calls cost half, on top of caching and long-context prices. */
const BATCH_MULTIPLIER = 0.5;
/** Anthropic's standard prompt-caching multipliers of the input price, for price files that leave them out. */
const CACHE_WRITE_5M_FACTOR = 1.25;
const CACHE_WRITE_1H_FACTOR = 2;
/** Read = input ÷ 10, divided rather than ×0.1 so $3 gives 0.3, not 0.30000000000000004. */
const CACHE_READ_DIVISOR = 10;
/** Logs repeat a handful of models; the bound only stops a log full of junk model strings from growing memory. */
const RESOLVE_CACHE_LIMIT = 1024;

export class PriceBook {
  readonly asOf: string;
  readonly #models: ReadonlyMap<string, ModelPrice>;
  /** Every alias points straight at a key of #models. */
  readonly #aliases: ReadonlyMap<string, string>;
  /** Per raw model string: its table id and price (both null: unknown). */
  readonly #resolved = new Map<string, { readonly id: string | null; readonly price: ModelPrice | null }>();

  private constructor(asOf: string, models: ReadonlyMap<string, ModelPrice>, aliases: ReadonlyMap<string, string>) {
    this.asOf = asOf;
    this.#models = models;
    this.#aliases = aliases;
  }

  /** Every price and alias, as plain data (a checkpoint is not used under other prices). */
  contents(): unknown {
    return { asOf: this.asOf, models: [...this.#models], aliases: [...this.#aliases] };
  }

  static embedded(): PriceBook {
    const { asOf, models, aliases } = EMBEDDED_PRICES;
    return new PriceBook(asOf, new Map(Object.entries(models)), new Map(Object.entries(aliases)));
  }

  /**
   * Parse a --prices file's JSON (already JSON.parse'd): `{"asOf"?, "models"?: {id: {input, output, cache_write_5m?,
   * cache_write_1h?, cache_read?, long_context?: {threshold_tokens, ...}}}, "aliases"?: {id: target}}`. Missing or
   * null cache prices default to the standard multipliers of input. A model replaces the whole entry; a model keyed
   * by an alias (`claude-sonnet-4-5`) replaces the model it points to, so dated and dateless ids keep one price.
   * An alias must point at a model of the file or the table, and may not shadow a model of the table.
   * Informational keys (`display_name`, `status`, `confidence`, ...) and `_comments` are ignored, so the research
   * reference file itself is a valid price file. Throws UsageError naming the file, the model and the key.
   */
  withOverrides(fileJson: unknown, fileName: string): PriceBook {
    const file = parsePriceFile(fileJson, (path, problem) => {
      throw new UsageError(`${fileName}: ${path === '' ? '' : `${path}: `}${problem}`);
    });
    const models = new Map(this.#models);
    for (const [id, price] of file.models) models.set(this.#aliases.get(id) ?? id, price);
    const aliases = new Map(this.#aliases);
    for (const [id, target] of file.aliases) {
      const path = `aliases[${JSON.stringify(id)}]`;
      // A key under both sections is the model (the reference file lists dateless ids both ways, same prices).
      if (file.models.has(id)) continue;
      // Models are looked up before aliases, so such an alias would never be used.
      if (models.has(id)) {
        throw new UsageError(`${fileName}: ${path}: "${id}" is already a model; price it under "models" instead`);
      }
      const model = models.has(target) ? target : aliases.get(target);
      if (model === undefined) {
        const problem = expected('a model id from "models" or the embedded table', target);
        throw new UsageError(`${fileName}: ${path}: ${problem}`);
      }
      aliases.set(id, model);
    }
    return new PriceBook(file.asOf ?? this.asOf, models, aliases);
  }

  /** Price for a model string as logged, or null if unknown. Cached per raw string. */
  resolve(model: string): ModelPrice | null {
    return this.#entryOf(model).price;
  }

  /** Tokens above which the long-context prices apply to the whole call; Infinity when there is no tier. */
  longContextThreshold(model: string): number {
    return this.resolve(model)?.longContext?.thresholdTokens ?? Number.POSITIVE_INFINITY;
  }

  /** The table's id for a model string as logged (an alias resolved), or null if unknown. Cached per raw string. */
  resolveId(model: string): string | null {
    return this.#entryOf(model).id;
  }

  #entryOf(model: string): { readonly id: string | null; readonly price: ModelPrice | null } {
    const cached = this.#resolved.get(model);
    if (cached !== undefined) return cached;
    const id = this.#lookUpId(model);
    const entry = { id, price: id === null ? null : (this.#models.get(id) as ModelPrice) };
    if (this.#resolved.size >= RESOLVE_CACHE_LIMIT) this.#resolved.clear();
    this.#resolved.set(model, entry);
    return entry;
  }

  #lookUpId(model: string): string | null {
    for (const id of modelIdCandidates(model)) {
      if (this.#models.has(id)) return id;
      const target = this.#aliases.get(id);
      if (target !== undefined && this.#models.has(target)) return target;
    }
    return null;
  }
}

/** USD for token sums of calls that share model, tier and batch flag. */
export function costOfTokens(price: ModelPrice, sums: TokenSums, longContext: boolean, batch: boolean): number {
  // A model without a tier has one price at any length.
  const rates = longContext ? (price.longContext ?? price) : price;
  const usd =
    (sums.input * rates.input +
      sums.cacheRead * rates.cacheRead +
      sums.cacheWrite5m * rates.cacheWrite5m +
      sums.cacheWrite1h * rates.cacheWrite1h +
      sums.output * rates.output) /
    1e6;
  return batch ? usd * BATCH_MULTIPLIER : usd;
}


/** The prompt size that decides the long-context tier: input, cache reads and cache writes. */
export function promptTokensOf(record: CallRecord): number {
  return record.inputTokens + record.cacheReadTokens + record.cacheWriteTokens;
}


// ---- the --prices file ----------------------------------------------------------------------------------------

/** Throws; `path` locates the value in the file (`models["x"].input`), `problem` says what is wrong with it. */
type Fail = (path: string, problem: string) => never;

interface PriceFile {
  readonly asOf: string | undefined;
  /** Keys lower-cased, as model id candidates are. */
  readonly models: ReadonlyMap<string, ModelPrice>;
  readonly aliases: ReadonlyMap<string, string>;
}

const PRICE_KEYS = ['input', 'output', 'cache_write_5m', 'cache_write_1h', 'cache_read'] as const;
const MODEL_KEYS: readonly string[] = [...PRICE_KEYS, 'long_context'];
const LONG_CONTEXT_KEYS: readonly string[] = ['threshold_tokens', ...PRICE_KEYS];
/** Descriptive fields of the reference file, accepted and ignored. */
const INFO_KEYS: readonly string[] = ['display_name', 'status', 'released', 'confidence', 'notes', 'source'];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function parsePriceFile(json: unknown, fail: Fail): PriceFile {
  if (!isObject(json) || (json['models'] === undefined && json['aliases'] === undefined)) {
    fail('', expected('an object with "models" and/or "aliases"', json));
  }
  const asOf = json['asOf'];
  if (asOf !== undefined && (typeof asOf !== 'string' || !DATE.test(asOf))) {
    fail('asOf', expected('a date like "2026-11-26"', asOf));
  }
  const models = new Map<string, ModelPrice>();
  for (const [id, entry] of entriesOf(json['models'] ?? {}, 'models', fail)) {
    models.set(normaliseId(id, 'models', fail), parseModelPrice(entry, `models[${JSON.stringify(id)}]`, fail));
  }
  const aliases = new Map<string, string>();
  for (const [id, target] of entriesOf(json['aliases'] ?? {}, 'aliases', fail)) {
    const path = `aliases[${JSON.stringify(id)}]`;
    if (typeof target !== 'string' || target.trim() === '') fail(path, expected('a model id', target));
    aliases.set(normaliseId(id, 'aliases', fail), target.trim().toLowerCase());
  }
  return { asOf, models, aliases };
}

function parseModelPrice(entry: unknown, path: string, fail: Fail): ModelPrice {
  if (!isObject(entry)) fail(path, expected('an object of prices in USD per million tokens', entry));
  rejectUnknownKeys(entry, MODEL_KEYS, path, fail);
  const base = parsePrices(entry, path, fail);
  const longContext = entry['long_context'];
  if (longContext === undefined || longContext === null) return base;
  return { ...base, longContext: parseLongContext(longContext, `${path}.long_context`, fail) };
}

function parseLongContext(entry: unknown, path: string, fail: Fail): LongContextPrice {
  if (!isObject(entry)) fail(path, expected('an object with threshold_tokens and prices', entry));
  rejectUnknownKeys(entry, LONG_CONTEXT_KEYS, path, fail);
  const threshold = entry['threshold_tokens'];
  if (typeof threshold !== 'number' || !Number.isSafeInteger(threshold) || threshold < 0) {
    fail(`${path}.threshold_tokens`, expected('a non-negative integer', threshold));
  }
  return { thresholdTokens: threshold, ...parsePrices(entry, path, fail) };
}

/** The five prices of an entry; cache prices default to the standard multipliers of its input price. */
function parsePrices(entry: Record<string, unknown>, path: string, fail: Fail): ModelPrice {
  const input = readPrice(entry, 'input', path, fail);
  return {
    input,
    output: readPrice(entry, 'output', path, fail),
    cacheWrite5m: readPrice(entry, 'cache_write_5m', path, fail, input * CACHE_WRITE_5M_FACTOR),
    cacheWrite1h: readPrice(entry, 'cache_write_1h', path, fail, input * CACHE_WRITE_1H_FACTOR),
    cacheRead: readPrice(entry, 'cache_read', path, fail, input / CACHE_READ_DIVISOR),
  };
}

function readPrice(entry: Record<string, unknown>, key: string, path: string, fail: Fail, fallback?: number): number {
  const value = entry[key];
  if ((value === undefined || value === null) && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    fail(`${path}.${key}`, expected('a non-negative number', value));
  }
  return value;
}

function rejectUnknownKeys(entry: Record<string, unknown>, known: readonly string[], path: string, fail: Fail): void {
  for (const key of Object.keys(entry)) {
    if (known.includes(key) || INFO_KEYS.includes(key) || key.startsWith('_')) continue;
    const snake = key.replace(/([a-z])([A-Z0-9])/g, '$1_$2').toLowerCase();
    const hint = known.includes(snake) ? ` (did you mean "${snake}"?)` : '';
    fail(`${path}.${key}`, `unknown key${hint}; expected one of ${known.join(', ')}`);
  }
}

/** Entries of an object section, skipping `_comment`-style keys. */
function entriesOf(section: unknown, path: string, fail: Fail): [string, unknown][] {
  if (!isObject(section)) fail(path, expected('an object', section));
  return Object.entries(section).filter(([key]) => !key.startsWith('_'));
}

function normaliseId(id: string, section: string, fail: Fail): string {
  const normalised = id.trim().toLowerCase();
  if (normalised === '') fail(`${section}[${JSON.stringify(id)}]`, 'expected a non-empty model id as the key');
  return normalised;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function expected(what: string, got: unknown): string {
  return `expected ${what}, got ${describe(got)}`;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

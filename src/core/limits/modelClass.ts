/**
 * The pool of rate limits a model's calls draw from (Anthropic's rate-limit documentation): Sonnet 4.x is one pool
 * across its versions, and so is Opus 4.x (and, by the same rule, each later major version of Sonnet and Opus);
 * every other model — each Haiku, each Claude 3 model — is a pool of its own. A model is named as the price table
 * resolves it, so every spelling a gateway logs lands in the same pool. ITPM counts uncached input and cache writes;
 * cache reads count too on Claude Haiku 3 and 3.5, and nowhere else.
 */

/** The table ids whose cache reads count towards ITPM. */
const CACHE_READS_COUNT = new Set(['claude-3-haiku-20240307', 'claude-3-5-haiku-20241022']);

/** Sonnet and Opus from version 4 on: one pool per family and major version. */
const POOLED = /^claude-(sonnet|opus)-(\d+)(?:-|$)/;

export interface ModelClass {
  /** "claude-sonnet-4.x", or the model's table id. */
  readonly name: string;
  readonly cacheReadsCount: boolean;
}

/** The class of a model's table id (`PriceBook.resolveId`). */
export function modelClassOf(tableId: string): ModelClass {
  const pooled = POOLED.exec(tableId);
  const name = pooled !== null && Number(pooled[2]) >= 4 ? `claude-${pooled[1]}-${pooled[2]}.x` : tableId;
  return { name, cacheReadsCount: CACHE_READS_COUNT.has(tableId) };
}

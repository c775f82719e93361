/**
 * The ids a logged model string may be priced under, most specific first (docs/definitions.md, "Cost").
 *
 * Logs carry whatever the client sent or the gateway echoed: `anthropic/claude-sonnet-4-5` (LiteLLM),
 * `us.anthropic.claude-sonnet-4-5-20250929-v1:0` (Amazon Bedrock), `claude-sonnet-4-5@20250929` (Google Vertex AI),
 * `claude-sonnet-4.5` (OpenRouter). This module knows those spellings and nothing about prices: the caller tries
 * each candidate against its table and takes the first hit. The raw form comes first, so a `--prices` entry for an
 * exact provider id (say a regional Bedrock profile with its own price) wins over the normalised model.
 */

/** Everything up to the last `/`: LiteLLM `anthropic/`, `bedrock/`, `bedrock/converse/`, `vertex_ai/`, Bedrock
 * ARNs, Vertex resource names (`publishers/anthropic/models/…`). The model id is always the last segment. */
const PATH_PREFIX = /^.*\//;
/** Bedrock `anthropic.` with an optional cross-region inference profile: `us.`, `eu.`, `apac.`, `global.`, `jp.`,
 * `au.`, `us-gov.`. Matched by shape rather than a list, so a new region does not make a model unpriced. */
const BEDROCK_PREFIX = /^(?:[a-z]{2,8}(?:-[a-z]+)?\.)?anthropic\./;
/** Bedrock provisioned-throughput variants: `…-v1:0:200k`. */
const BEDROCK_CONTEXT_SUFFIX = /:\d+k$/;
/** Bedrock model version `-v1:0`, `-v2:0`, `-v1`. Requires a name before it, so legacy `claude-v2:1` is kept
 * whole as a candidate (the table aliases it) and never shrinks to a bare `claude`. */
const BEDROCK_VERSION_SUFFIX = /^(claude-.+)-v\d+(?::\d+)?$/;
/** Vertex `claude-sonnet-4-5@20250929`, `@latest`, `@default`. */
const VERTEX_VERSION = /^([^@]+)@(.*)$/;
/** OpenRouter-style `claude-sonnet-4.5`; applied after the raw form so `claude-2.1` still matches as written. */
const DOTTED_VERSION = /(\d)\.(\d)/g;
const LATEST_SUFFIX = /^(.+)-latest$/;
/** A snapshot date. A date the table does not know (a LiteLLM-only key such as `claude-opus-4-6-20260205`, or a
 * snapshot newer than the table) falls back to the dateless id, which names the same model family. */
const DATE_SUFFIX = /^(.+)-\d{8}$/;
const VERTEX_DATE = /^\d{8}$/;

/** Lookup candidates for a logged model string, most specific first, de-duplicated; [] for a blank string. */
export function modelIdCandidates(raw: string): string[] {
  const candidates: string[] = [];
  const add = (id: string): void => {
    if (id !== '' && !candidates.includes(id)) candidates.push(id);
  };

  // Each step rewrites the most normalised form so far; each distinct form is a candidate, in order.
  let id = raw.trim().toLowerCase();
  add(id);
  id = id.replace(PATH_PREFIX, '');
  add(id);
  id = id.replace(BEDROCK_PREFIX, '');
  add(id);
  id = id.replace(BEDROCK_CONTEXT_SUFFIX, '');
  add(id);
  id = id.replace(BEDROCK_VERSION_SUFFIX, '$1');
  add(id);
  const vertexForms = expandVertexVersion(id);
  for (const form of vertexForms) add(form);
  id = vertexForms.at(-1) ?? id;
  const undotted = id.replace(DOTTED_VERSION, '$1-$2');
  add(undotted);
  for (const form of dropSuffixes(undotted)) add(form);
  return candidates;
}

/** `name@20250929` → `name-20250929`; `name@latest` → `name-latest`, `name`; any other `name@x` → `name`. */
function expandVertexVersion(id: string): string[] {
  const match = VERTEX_VERSION.exec(id);
  if (match === null) return [];
  const name = match[1] ?? '';
  const version = match[2] ?? '';
  if (VERTEX_DATE.test(version)) return [`${name}-${version}`];
  if (version === 'latest') return [`${name}-latest`, name];
  return [name];
}

/** The dateless family id behind `-latest` or an unknown snapshot date. */
function dropSuffixes(id: string): string[] {
  const latest = LATEST_SUFFIX.exec(id);
  if (latest !== null) return [latest[1] ?? ''];
  const dated = DATE_SUFFIX.exec(id);
  if (dated !== null) return [dated[1] ?? ''];
  return [];
}

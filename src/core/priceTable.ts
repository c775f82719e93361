/**
 * The embedded, dated Claude price table (docs/definitions.md, "Cost"). USD per million tokens.
 *
 * Transcribed from the researched reference (claude-prices.json, collected 2026-11-26). Every id in that file
 * resolves here: an id is either a key of MODELS or a key of ALIASES pointing at one. Pre-4.6 models are keyed by
 * their dated snapshot id with the dateless id as an alias; from the 4.6 generation on, Anthropic's ids are
 * dateless pinned versions and are keys themselves. Entries are "high" confidence unless a comment says otherwise.
 * Prices are never fetched from the network: `--prices FILE` is the way to correct or extend this table.
 */

export interface LongContextPrice {
  /** Prompt tokens (input + cache read + cache write) above which EVERY token of the call uses these prices. */
  readonly thresholdTokens: number;
  readonly input: number;
  readonly output: number;
  readonly cacheWrite5m: number;
  readonly cacheWrite1h: number;
  readonly cacheRead: number;
}

export interface ModelPrice {
  readonly input: number;
  readonly output: number;
  readonly cacheWrite5m: number;
  readonly cacheWrite1h: number;
  readonly cacheRead: number;
  readonly longContext?: LongContextPrice;
}

export interface PriceTable {
  /** The day the prices were last checked, YYYY-MM-DD. */
  readonly asOf: string;
  readonly sources: readonly string[];
  readonly models: Readonly<Record<string, ModelPrice>>;
  /** Other ids of a model → its key in `models`. */
  readonly aliases: Readonly<Record<string, string>>;
}

/** Sonnet 4 / 4.5 above 200K prompt tokens: 2× input and cache prices, 1.5× output. */
const SONNET_4_LONG_CONTEXT = {
  thresholdTokens: 200_000,
  input: 6,
  output: 22.5,
  cacheWrite5m: 7.5,
  cacheWrite1h: 12,
  cacheRead: 0.6,
} as const satisfies LongContextPrice;

const MODELS = {
  // Fable 5.2 / Mythos 5.2: third-party prices only (rightsize release notes, laozhang.ai announcement); no
  // official table in the stored material. Fable 5.2 confidence medium, Mythos 5.2 low.
  'claude-fable-5-2': { input: 8, output: 40, cacheWrite5m: 10, cacheWrite1h: 16, cacheRead: 0.2 },
  'claude-mythos-5-2': { input: 8, output: 40, cacheWrite5m: 10, cacheWrite1h: 16, cacheRead: 0.2 },
  // Fable/Mythos 5.1: cache hits at 0.025× input (pricing-page footnote), not the usual 0.1×.
  'claude-fable-5-1': { input: 10, output: 50, cacheWrite5m: 12.5, cacheWrite1h: 20, cacheRead: 0.25 },
  'claude-mythos-5-1': { input: 10, output: 50, cacheWrite5m: 12.5, cacheWrite1h: 20, cacheRead: 0.25 },
  'claude-fable-5': { input: 10, output: 50, cacheWrite5m: 12.5, cacheWrite1h: 20, cacheRead: 1 },
  'claude-mythos-5': { input: 10, output: 50, cacheWrite5m: 12.5, cacheWrite1h: 20, cacheRead: 1 },

  'claude-opus-5-5': { input: 4, output: 20, cacheWrite5m: 5, cacheWrite1h: 8, cacheRead: 0.2 },
  'claude-opus-5': { input: 5, output: 25, cacheWrite5m: 6.25, cacheWrite1h: 10, cacheRead: 0.5 },
  'claude-opus-4-8': { input: 5, output: 25, cacheWrite5m: 6.25, cacheWrite1h: 10, cacheRead: 0.5 },
  'claude-opus-4-7': { input: 5, output: 25, cacheWrite5m: 6.25, cacheWrite1h: 10, cacheRead: 0.5 },
  'claude-opus-4-6': { input: 5, output: 25, cacheWrite5m: 6.25, cacheWrite1h: 10, cacheRead: 0.5 },
  // Opus 4.5: official $5/$25 (a third-party page lists $15/$75 for this id; that is wrong).
  'claude-opus-4-5-20251101': { input: 5, output: 25, cacheWrite5m: 6.25, cacheWrite1h: 10, cacheRead: 0.5 },
  'claude-opus-4-1-20250805': { input: 15, output: 75, cacheWrite5m: 18.75, cacheWrite1h: 30, cacheRead: 1.5 },
  'claude-opus-4-20250514': { input: 15, output: 75, cacheWrite5m: 18.75, cacheWrite1h: 30, cacheRead: 1.5 },

  // Sonnet 5.5 (medium confidence): the official model-page snapshot says cache read $0.20, but two independent
  // trackers that refresh against the live pricing page (claudit v1.9.2, PromptFuel v1.0.23) record a cut to
  // $0.10 effective 2026-10-07, after that snapshot was taken. The newer fact wins.
  'claude-sonnet-5-5': { input: 2, output: 10, cacheWrite5m: 2.5, cacheWrite1h: 4, cacheRead: 0.1 },
  // Sonnet 5: official $2/$10 (some third-party tables still show the cancelled $3/$15 increase).
  'claude-sonnet-5': { input: 2, output: 10, cacheWrite5m: 2.5, cacheWrite1h: 4, cacheRead: 0.2 },
  'claude-sonnet-4-6': { input: 3, output: 15, cacheWrite5m: 3.75, cacheWrite1h: 6, cacheRead: 0.3 },
  'claude-sonnet-4-5-20250929': {
    input: 3,
    output: 15,
    cacheWrite5m: 3.75,
    cacheWrite1h: 6,
    cacheRead: 0.3,
    longContext: SONNET_4_LONG_CONTEXT,
  },
  'claude-sonnet-4-20250514': {
    input: 3,
    output: 15,
    cacheWrite5m: 3.75,
    cacheWrite1h: 6,
    cacheRead: 0.3,
    longContext: SONNET_4_LONG_CONTEXT,
  },
  'claude-3-7-sonnet-20250219': { input: 3, output: 15, cacheWrite5m: 3.75, cacheWrite1h: 6, cacheRead: 0.3 },
  'claude-3-5-sonnet-20241022': { input: 3, output: 15, cacheWrite5m: 3.75, cacheWrite1h: 6, cacheRead: 0.3 },
  'claude-3-5-sonnet-20240620': { input: 3, output: 15, cacheWrite5m: 3.75, cacheWrite1h: 6, cacheRead: 0.3 },

  // Haiku 5.5: prompts over 100,000 tokens are billed at 5× on every token (a cliff like Sonnet 4's).
  'claude-haiku-5-5': {
    input: 0.1,
    output: 0.5,
    cacheWrite5m: 0.125,
    cacheWrite1h: 0.2,
    cacheRead: 0.01,
    longContext: {
      thresholdTokens: 100_000,
      input: 0.5,
      output: 2.5,
      cacheWrite5m: 0.625,
      cacheWrite1h: 1,
      cacheRead: 0.05,
    },
  },
  'claude-haiku-4-5-20251001': { input: 1, output: 5, cacheWrite5m: 1.25, cacheWrite1h: 2, cacheRead: 0.1 },
  // Haiku 3.5 at its official $0.80/$4 (LiteLLM's old -latest entry has the $1/$5 launch price; its 1h write is
  // wrong too).
  'claude-3-5-haiku-20241022': { input: 0.8, output: 4, cacheWrite5m: 1, cacheWrite1h: 1.6, cacheRead: 0.08 },
  'claude-3-opus-20240229': { input: 15, output: 75, cacheWrite5m: 18.75, cacheWrite1h: 30, cacheRead: 1.5 },
  'claude-3-haiku-20240307': { input: 0.25, output: 1.25, cacheWrite5m: 0.3, cacheWrite1h: 0.5, cacheRead: 0.03 },

  // The models below never supported prompt caching, so the reference has no cache prices (null). They are filled
  // with the standard multipliers of input (5m write 1.25×, 1h write 2×, read 0.1×) so that every entry has the
  // same shape; a log of these models should never carry cache tokens anyway.
  // Claude 3 Sonnet: low confidence in the reference.
  'claude-3-sonnet-20240229': { input: 3, output: 15, cacheWrite5m: 3.75, cacheWrite1h: 6, cacheRead: 0.3 },
  // Claude 2.x and Instant 1.2: low confidence (third-party gist of the historical prices).
  'claude-2.1': { input: 8, output: 24, cacheWrite5m: 10, cacheWrite1h: 16, cacheRead: 0.8 },
  'claude-2.0': { input: 8, output: 24, cacheWrite5m: 10, cacheWrite1h: 16, cacheRead: 0.8 },
  'claude-instant-1.2': { input: 0.8, output: 2.4, cacheWrite5m: 1, cacheWrite1h: 1.6, cacheRead: 0.08 },
} as const satisfies Record<string, ModelPrice>;

type ModelId = keyof typeof MODELS;

/** Typed against MODELS so that an alias to a missing model does not compile. */
const ALIASES: Readonly<Record<string, ModelId>> = {
  // From the reference: dateless (and "-latest") ids of the dated pre-4.6 snapshots.
  'claude-opus-4-5': 'claude-opus-4-5-20251101',
  'claude-haiku-4-5': 'claude-haiku-4-5-20251001',
  'claude-sonnet-4-5': 'claude-sonnet-4-5-20250929',
  'claude-opus-4-1': 'claude-opus-4-1-20250805',
  'claude-opus-4-0': 'claude-opus-4-20250514',
  'claude-4-opus-20250514': 'claude-opus-4-20250514',
  'claude-sonnet-4-0': 'claude-sonnet-4-20250514',
  'claude-4-sonnet-20250514': 'claude-sonnet-4-20250514',
  'claude-3-7-sonnet-latest': 'claude-3-7-sonnet-20250219',
  'claude-3-5-sonnet-latest': 'claude-3-5-sonnet-20241022',
  'claude-3-5-haiku-latest': 'claude-3-5-haiku-20241022',
  'claude-3-opus-latest': 'claude-3-opus-20240229',

  // Dateless family names used by gateways (OpenRouter `anthropic/claude-3.5-sonnet`, `anthropic/claude-opus-4`).
  // Each names one snapshot, or snapshots with the same price, so the mapping cannot misprice.
  'claude-opus-4': 'claude-opus-4-20250514',
  'claude-sonnet-4': 'claude-sonnet-4-20250514',
  'claude-3-7-sonnet': 'claude-3-7-sonnet-20250219',
  'claude-3-5-sonnet': 'claude-3-5-sonnet-20241022',
  'claude-3-5-haiku': 'claude-3-5-haiku-20241022',
  'claude-3-opus': 'claude-3-opus-20240229',
  'claude-3-sonnet': 'claude-3-sonnet-20240229',
  'claude-3-haiku': 'claude-3-haiku-20240307',

  // Legacy API and Amazon Bedrock names (`anthropic.claude-v2:1` reaches here once the provider prefix is gone).
  'claude-2': 'claude-2.0',
  'claude-v2': 'claude-2.0',
  'claude-v2:1': 'claude-2.1',
  'claude-instant-1': 'claude-instant-1.2',
  'claude-instant-v1': 'claude-instant-1.2',
};

export const EMBEDDED_PRICES: PriceTable = {
  asOf: '2026-11-26',
  sources: [
    'https://platform.claude.com/docs/en/about-claude/pricing (stored copy, model table incl. Fable 5.1 ... Haiku 3.5; footnote: Fable/Mythos 5.1 cache hits 0.025x)',
    'https://docs.anthropic.com/en/docs/about-claude/pricing and https://platform.claude.com/docs/en/docs/about-claude/pricing (older stored copies listing Opus 4.6 ... Haiku 3, incl. Sonnet 3.7/3.5, Opus 3, Haiku 3 and the Sonnet 4/4.5 long-context table)',
    "GitHub mirror of the pricing page 'Claude pricing reference', last verified 2026-09-20 (find_string id 68584964081): batch table, fast mode, long context, data residency sections",
    'https://platform.claude.com/docs/zh-CN/models/opus-5-5/overview (Pricing block: $4/$20, 5m $5, 1h $8, read $0.20)',
    'https://platform.claude.com/docs/zh-CN/models/sonnet-5-5/overview (Pricing block: $2/$10, 5m $2.50, 1h $4, read $0.20 -- pre-2026-10-07 snapshot)',
    'https://platform.claude.com/docs/zh-CN/models/sonnet-5/overview (Pricing block $2/$10/2.50/4/0.20)',
    'https://platform.claude.com/docs/en/models/opus-5/overview (Pricing block $5/$25/6.25/10/0.50)',
    'https://platform.claude.com/docs/ja/models/haiku-5-5/overview and /zh-CN/ (Pricing: $0.10/$0.50 up to 100,000-token prompts, $0.50/$2.50 over; 5m write $0.125/$0.625)',
    'archid21/rightsize v0.10.2 release notes (Fable 5.2: $8 in, $40 out, $0.20 read, $10/$16 5m/1h writes) + docs.laozhang.ai Fable 5.2 announcement (released 2026-11-09, $8/$40, read $0.2, write $10); official page platform.claude.com/docs/it/models/fable-5-2/migration-guide exists but no official price table found in stored material',
    "github.com/kurofune/claudit releases v1.8.1 (2026-09-02), v1.8.2 (2026-09-24), v1.9.0 (fast rates), v1.9.2 (2026-10-25: Haiku 5.5 bands; Sonnet 5.5 cache read cut to $0.10 on 2026-10-07) -- 'pricing refresh against the live pricing page'",
    'github.com/TheKrush/PromptFuel release v1.0.23 (2026-10-16): Haiku 5.5 rates; Sonnet 5.5 cache read $0.20 -> $0.10 effective 2026-10-07',
    'BerriAI/litellm model_prices_and_context_window.json @ 00035b69f416be24e2e323c13198d9b7d2d1bdf9 (stored snapshot, ~mid-2026: has claude-fable-5, claude-opus-4-8, claude-sonnet-5; no Fable 5.1+/Opus 5/5.5/Sonnet 5.5/Haiku 5.5)',
    'BerriAI/litellm model_prices_and_context_window.json @ 19a1f629eb6fafde70968ef4815463eb08143aac (older ~late-2025 snapshot, still has Claude 3.5 entries)',
    'https://docs.anthropic.com/en/docs/build-with-claude/batch-processing (batch table incl. Sonnet 3.7/3.5, Haiku 3.5, Opus 3, Haiku 3)',
    'https://platform.claude.com/docs/en/build-with-claude/fast-mode and https://code.claude.com/docs/en/fast-mode (supported models, deprecations)',
    "https://openrouter.ai/anthropic/claude-opus-4.6-fast ($30/$150, '6x pricing')",
    'gist.github.com/nashid/2d4d7cc58ff73fd651fa7f3ed0c0761d (Claude Instant $0.80/$2.40, Claude 2/2.1 $8/$24 per MTok) -- third-party, low confidence',
    'https://platform.claude.com/docs/en/about-claude/models/model-ids-and-versions (dateless IDs from the 4.6 generation; dated snapshots before)',
    'anthropics/anthropic-sdk-python v0.121.0 types/model_param.py (+ v0.40/v0.70/v0.80 history) and @anthropic-ai/sdk 1.14.0 Model type',
    'https://platform.claude.com/docs/en/build-with-claude/prompt-caching (Tracking cache performance; total_input_tokens formula)',
    'https://platform.claude.com/docs/en/build-with-claude/data-residency',
  ],
  models: MODELS,
  aliases: ALIASES,
};

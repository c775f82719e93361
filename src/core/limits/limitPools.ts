/**
 * Which pool of rate limits a model's calls draw on, what a call uses of it, and which configured limit applies to
 * a pool: the one reading of the config's `limits` that `limits`, the dashboard, the `ratelimit_headroom` alert
 * rule, `serve`'s per-class counters and `rules` share.
 */
import { modelIdCandidates } from '../modelIds.js';
import { compareStrings } from '../order.js';
import type { PriceBook } from '../pricing.js';
import type { CallRecord } from '../types.js';
import { modelClassOf } from './modelClass.js';
import { type ConfiguredLimits, LIMIT_KINDS, type LimitKind, type Usage, usageOf } from './rateUsage.js';

/** How the models' calls are grouped: by class (the price table's resolution) or by model as logged. */
export type LimitsGrouping = 'class' | 'model';

/** A configured limit of a model class. */
export interface PoolLimit {
  readonly pool: string;
  readonly kind: LimitKind;
  readonly limit: number;
}

export class LimitPools {
  /** Per model as logged: its group, and whether its cache reads count (asked for every second and every call). */
  private readonly models = new Map<string, { readonly group: string; readonly cacheReadsCount: boolean }>();

  constructor(
    private readonly pricing: PriceBook,
    private readonly grouping: LimitsGrouping,
    private readonly limits: ConfiguredLimits = new Map(),
  ) {}

  /** The group a model's calls are in: its class, or the model as logged. */
  groupOf(model: string): string {
    return this.modelOf(model).group;
  }

  /** A call's RPM, ITPM and OTPM (ITPM depends on whether its model counts cache reads). */
  usageOf(record: CallRecord): Usage {
    return usageOf(record, this.cacheReadsCount(record.model));
  }

  cacheReadsCount(model: string): boolean {
    return this.modelOf(model).cacheReadsCount;
  }

  /**
   * The configured limit of a group, the first of: the key that is its own name; for a model's group, a key that is
   * another spelling of the model; the key that is its class; a key that is another model of its class (the pool it
   * draws on; of two, the first in the config).
   */
  limitOf(group: string, kind: LimitKind): number | null {
    const candidates = [...this.limits].filter(([, limits]) => limits[kind] !== undefined);
    const ownId = this.grouping === 'model' ? this.pricing.resolveId(group) : null;
    const ownClass = this.grouping === 'class' ? group : this.classOf(group);
    const tiers: ((key: string) => boolean)[] = [
      (key) => key === group,
      (key) => ownId !== null && this.pricing.resolveId(key) === ownId,
      (key) => key === ownClass,
      (key) => this.classOf(key) === ownClass,
    ];
    for (const matches of tiers) {
      const hit = candidates.find(([key]) => matches(key));
      if (hit !== undefined) return hit[1][kind] as number;
    }
    return null;
  }

  /** Every class a config key names (a model names its class), with each limit that applies to it: by class, then kind. */
  configuredClasses(): PoolLimit[] {
    const classes = [...new Set([...this.limits.keys()].map((key) => this.classOf(key)))].sort(compareStrings);
    const byClass = new LimitPools(this.pricing, 'class', this.limits);
    return classes.flatMap((pool) =>
      LIMIT_KINDS.flatMap((kind) => {
        const limit = byClass.limitOf(pool, kind);
        return limit === null ? [] : [{ pool, kind, limit }];
      }),
    );
  }

  /** A model's class: of its price-table id, else of its most normalised spelling (a gateway's prefix gone). */
  private classOf(model: string): string {
    const id = this.pricing.resolveId(model) ?? modelIdCandidates(model).at(-1) ?? model;
    return modelClassOf(id).name;
  }

  private modelOf(model: string): { readonly group: string; readonly cacheReadsCount: boolean } {
    let known = this.models.get(model);
    if (known === undefined) {
      const id = this.pricing.resolveId(model);
      known = { group: this.grouping === 'model' ? model : this.classOf(model), cacheReadsCount: id !== null && modelClassOf(id).cacheReadsCount };
      this.models.set(model, known);
    }
    return known;
  }
}

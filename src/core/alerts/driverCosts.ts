/**
 * The newest day's cost of each alert scope by feature, user and model — what a daily_cost alert names as its
 * drivers. They are asked for only when a daily_cost alert fires, so calls are noted in columns and added up when
 * asked, or when the columns are full (a bounded number of calls). Added up call by call, the per-scope maps of
 * thousands of users missed the CPU cache on nearly every call and took a fifth of `alerts`' time on a log of a few
 * hundred thousand calls a day. Each amount adds its calls in the order they were read, either way, so the sums
 * are the same to the last bit.
 */
export const DRIVER_DIMENSIONS = ['feature', 'user', 'model'] as const;
export type DriverDimension = (typeof DRIVER_DIMENSIONS)[number];

type CostBy = Readonly<Record<DriverDimension, Map<string, { usd: number }>>>;

/** Calls noted before they are added up: ~40 bytes each, so at most ~10 MB. */
const DEFAULT_CAPACITY = 1 << 18;

export class DriverCosts {
  private readonly byScope = new Map<string, CostBy>();
  private readonly counted: readonly DriverDimension[];
  private readonly scopes: string[] = [];
  private readonly features: string[] = [];
  private readonly users: string[] = [];
  private readonly models: string[] = [];
  private readonly costs: number[] = [];
  private pending = 0;

  /** `breakdown`: the dimensions scopes are split by, not counted per call (each scope has one value of them). */
  constructor(
    breakdown: readonly string[],
    private readonly capacity = DEFAULT_CAPACITY,
  ) {
    this.counted = DRIVER_DIMENSIONS.filter((dimension) => !breakdown.includes(dimension));
  }

  note(scope: string, feature: string, user: string, model: string, usd: number): void {
    const at = this.pending;
    this.scopes[at] = scope;
    this.features[at] = feature;
    this.users[at] = user;
    this.models[at] = model;
    this.costs[at] = usd;
    this.pending = at + 1;
    if (this.pending === this.capacity) this.addPending();
  }

  /** The scope's amounts by dimension (a dimension the scopes are split by is empty). */
  of(scope: string): CostBy | undefined {
    this.addPending();
    return this.byScope.get(scope);
  }

  /** A new newest day: the amounts so far, and the calls not yet added, are let go. */
  clear(): void {
    this.byScope.clear();
    this.pending = 0;
  }

  private addPending(): void {
    const { counted, scopes, features, users, models, costs } = this;
    for (let i = 0; i < this.pending; i++) {
      const scope = scopes[i] as string;
      let costBy = this.byScope.get(scope);
      if (costBy === undefined) {
        costBy = { feature: new Map(), user: new Map(), model: new Map() };
        this.byScope.set(scope, costBy);
      }
      const usd = costs[i] as number;
      for (const dimension of counted) {
        const value = (dimension === 'feature' ? features[i] : dimension === 'user' ? users[i] : models[i]) as string;
        addCost(costBy[dimension], value, usd);
      }
    }
    this.pending = 0;
  }
}

/** One lookup per call in the common case: the slot is updated in place. */
function addCost(amounts: Map<string, { usd: number }>, value: string, usd: number): void {
  const slot = amounts.get(value);
  if (slot === undefined) amounts.set(value, { usd });
  else slot.usd += usd;
}

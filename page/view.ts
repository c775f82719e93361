/** The data the page draws: the island's, then (on `serve --page`) each answer of its endpoint in turn. */
import { PALETTE } from './charts.js';
import type { Island } from './island.js';

export interface View extends Island {
  readonly dayCount: number;
  /** Features in the trend's order (most calls first). */
  readonly features: readonly string[];
}

export function viewOf(island: Island): View {
  const features = [...new Set([...island.trend.series.map((series) => series.key.feature), ...island.aggregates.features])];
  for (const feature of features) if (!colours.has(feature)) colours.set(feature, colours.size);
  return { ...island, dayCount: island.aggregates.dayStartsMs.length, features };
}

/** Each feature's colour, by name for the page's life: it keeps it when new data orders the features otherwise. */
const colours = new Map<string, number>();

export function colourOf(feature: string): { readonly index: number; readonly css: string } {
  const index = colours.get(feature) ?? 0;
  return { index, css: PALETTE[index % PALETTE.length] as string };
}

/** The date-range and feature controls, and the filter they make. */
import { colourOf, type View } from './view.js';
import { byId, el } from './dom.js';

/** Days `fromDay` to `toDay` (indexes of the view's days) and the features shown. */
export interface Filter {
  readonly fromDay: number;
  readonly toDay: number;
  readonly features: ReadonlySet<string>;
}

/** The same filter by names, which new data keeps (on a live page the days move on): null, the first or last day. */
interface Chosen {
  readonly from: string | null;
  readonly to: string | null;
  readonly left: ReadonlySet<string>;
}

export function isWhole(filter: Filter, view: View): boolean {
  return filter.fromDay === 0 && filter.toDay === view.dayCount - 1 && filter.features.size === view.features.length;
}

export class FilterControls {
  private chosen: Chosen = { from: null, to: null, left: new Set() };
  private shown = '';
  private read: () => Filter = () => ({ fromDay: 0, toDay: 0, features: new Set() });

  /** `changed` hears the filter each time a control changes. */
  constructor(private readonly changed: (filter: Filter) => void) {}

  /**
   * The controls for `view`, as chosen so far: made again only when its days or features differ from the last
   * view's (a control being used is left alone).
   */
  show(view: View): Filter {
    const shown = JSON.stringify([view.aggregates.days, view.features]);
    if (shown !== this.shown) {
      this.shown = shown;
      this.make(view);
    }
    return this.read();
  }

  private make(view: View): void {
    const { days } = view.aggregates;
    const form = byId('filters');
    const dayAt = (day: string | null, otherwise: number): number => (day === null || !days.includes(day) ? otherwise : days.indexOf(day));
    const dayOptions = (selected: number): HTMLElement[] => days.map((day, i) => el('option', { value: String(i), ...(i === selected ? { selected: '' } : {}) }, day));
    const from = el('select', { id: 'filter-from' }, ...dayOptions(dayAt(this.chosen.from, 0))) as HTMLSelectElement;
    const to = el('select', { id: 'filter-to' }, ...dayOptions(dayAt(this.chosen.to, view.dayCount - 1))) as HTMLSelectElement;
    const boxes = view.features.map((feature) => {
      const box = el('input', { type: 'checkbox', value: feature, ...(this.chosen.left.has(feature) ? {} : { checked: '' }) }) as HTMLInputElement;
      return { feature, box, label: el('label', { class: 'feature' }, box, el('span', { class: 'swatch', style: `background:${colourOf(feature).css}` }), feature) };
    });
    const reset = el('button', { type: 'button', id: 'filter-reset' }, 'All days and features');
    form.replaceChildren(el('label', {}, 'From ', from), el('label', {}, 'to ', to), el('fieldset', {}, el('legend', {}, 'Features'), ...boxes.map(({ label }) => label)), reset);
    this.read = () => {
      const [a, b] = [Number(from.value), Number(to.value)];
      return { fromDay: Math.min(a, b), toDay: Math.max(a, b), features: new Set(boxes.filter(({ box }) => box.checked).map(({ feature }) => feature)) };
    };
    const changed = (): void => {
      const filter = this.read();
      const last = filter.toDay === view.dayCount - 1;
      // The last day is "today" however the days move on; a whole range stays whole.
      this.chosen = {
        from: filter.fromDay === 0 && last ? null : (days[filter.fromDay] ?? null),
        to: last ? null : (days[filter.toDay] ?? null),
        left: new Set(view.features.filter((feature) => !filter.features.has(feature))),
      };
      this.changed(filter);
    };
    for (const control of [from, to, ...boxes.map(({ box }) => box)]) control.addEventListener('change', changed);
    reset.addEventListener('click', () => {
      from.value = '0';
      to.value = String(view.dayCount - 1);
      for (const { box } of boxes) box.checked = true;
      changed();
    });
  }
}

/** The page's DOM and number formats: text from the logs only ever reaches the page as text nodes. */

/** An element with attributes and children; strings become text nodes, never markup. */
export function el(tag: string, attributes: Readonly<Record<string, string>> = {}, ...children: readonly (Node | string)[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`the page has no #${id}`);
  return node as T;
}

/** A CSS custom property of the theme (light or dark). */
export function themeColour(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

export type Format = (value: number | null | undefined) => string;

export const usd: Format = (v) => (v == null ? '—' : `$${v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toFixed(4)}`);
export const ms: Format = (v) => (v == null ? '—' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(0)} ms`);
export const pct: Format = (v) => (v == null ? '—' : `${(v * 100).toFixed(1)}%`);
export const count: Format = (v) => (v == null ? '—' : Number(v).toLocaleString('en-US'));

export function calls(n: number): string {
  return `${count(n)} ${n === 1 ? 'call' : 'calls'}`;
}

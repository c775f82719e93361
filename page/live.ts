/**
 * `serve --page`'s live page: the island names the endpoint that answers the same data; it is asked again every
 * few seconds, and each answer drawn. A failed request and a failed drawing are told apart in the status line.
 */
import { byId } from './dom.js';
import type { Island } from './island.js';

export function keepLive(island: HTMLElement, draw: (data: Island) => void): void {
  const url = island.dataset['live'];
  if (url === undefined) return;
  const status = byId('live');
  const every = Number(island.dataset['everyMs'] ?? 5000);
  const ask = async (): Promise<void> => {
    let data: Island | undefined;
    try {
      const answer = await fetch(url, { cache: 'no-store' });
      if (!answer.ok) throw new Error(`${answer.status} ${answer.statusText}`);
      data = (await answer.json()) as Island;
    } catch (error) {
      status.textContent = `live: ${url} did not answer (${(error as Error).message}); asking again`;
    }
    if (data !== undefined) {
      try {
        draw(data);
        status.textContent = `live: updated at ${new Date().toLocaleTimeString()}`;
      } catch (error) {
        status.textContent = `live: the new data could not be drawn (${(error as Error).message})`;
      }
    }
    setTimeout(() => void ask(), every);
  };
  status.textContent = 'live';
  setTimeout(() => void ask(), every);
}

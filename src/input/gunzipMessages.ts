/** What the main thread and the gzip thread (gunzipWorker.ts) say to each other, and how each waits for it. */

/** Output buffers in all: the gzip thread waits when every one is on the main thread, unread. */
export const OUTPUT_BUFFERS = 4;
export const OUTPUT_BYTES = 1 << 20;
/** Compressed chunks sent before the gzip thread asks for more: one to inflate, one waiting. */
export const INPUT_AHEAD = 2;
/** The message of the gzip thread's error when the main thread could not read the compressed bytes. */
export const INPUT_FAILED = 'the compressed input could not be read';

export type ToGunzipThread =
  | { readonly kind: 'input'; readonly buffer: ArrayBuffer }
  | { readonly kind: 'end' }
  | { readonly kind: 'failed' }
  | { readonly kind: 'recycle'; readonly buffer: ArrayBuffer };

/** A wait for a condition that message handlers make true: `until` sleeps until it holds, woken by `wake`. */
export class Wakeup {
  private sleeper: (() => void) | undefined;

  wake(): void {
    this.sleeper?.();
  }

  async until(ready: () => boolean): Promise<void> {
    while (!ready()) await new Promise<void>((resolve) => (this.sleeper = resolve));
    this.sleeper = undefined;
  }
}

export type FromGunzipThread =
  | { readonly kind: 'need' }
  | { readonly kind: 'output'; readonly buffer: ArrayBuffer; readonly length: number }
  | { readonly kind: 'done' }
  | { readonly kind: 'error'; readonly name: string; readonly message: string };

/**
 * Work done now and then while a command runs, and once more when it stops: saving where `serve` and
 * `alerts --follow` have read to. `take` is called when a run is due and takes what it needs at that moment
 * (synchronously); what it returns writes it, one write after another, never two at once.
 */
export function periodically(everyMs: number, take: () => () => Promise<void>): { stop(): Promise<void> } {
  let writing = Promise.resolve();
  const run = (): Promise<void> => {
    const write = take();
    writing = writing.then(write);
    return writing;
  };
  const timer = setInterval(() => void run(), everyMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await run();
    },
  };
}

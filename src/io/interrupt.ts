/** Temporary files to remove if SIGINT or SIGTERM ends the run (a spooled stdin, an atomic write in progress). */
const cleanups = new Set<() => void>();

/** Runs `cleanup` (synchronous) if a signal ends the run before the returned function is called. */
export function cleanUpOnInterrupt(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  return () => void cleanups.delete(cleanup);
}

/** Called by the signal handler (cliIo.ts) before the signal ends the process. */
export function runInterruptCleanups(): void {
  for (const cleanup of cleanups) {
    try {
      cleanup();
    } catch {
      // best effort: the process is ending
    }
  }
  cleanups.clear();
}

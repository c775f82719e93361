/** The process as the CLI sees it; tests pass their own streams, environment and clock. */
import type { Readable, Writable } from 'node:stream';
import { runInterruptCleanups } from './interrupt.js';
import { ignoreErrorEvents } from './output.js';

export interface CliIo {
  readonly stdin: Readable & { readonly isTTY?: boolean };
  /** stdin's file descriptor, read directly when present (the process's own); tests run in-process read `stdin`. */
  readonly stdinFd?: number;
  readonly stdout: Writable & { readonly isTTY?: boolean; readonly columns?: number };
  readonly stderr: Writable & { readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now: () => number;
  /** Calls `handler` on SIGINT/SIGTERM until the returned function is called (absent in tests run in-process). */
  readonly onStopSignal?: (handler: (signal: NodeJS.Signals) => void) => () => void;
}

/** Whether process.stdin was made: it is made on first use (a few milliseconds of start-up most runs do not need). */
let stdinMade = false;

/** Lets go of stdin, if it was made, so that an unread pipe does not hold the process. */
export function releaseStdin(): void {
  if (stdinMade) process.stdin.destroy();
}

export function nodeIo(): CliIo {
  ignoreErrorEvents(process.stdout);
  ignoreErrorEvents(process.stderr);
  // A command that handles the signal itself (alerts --follow prints its final state) takes it; otherwise the
  // temporary files go and the signal ends the process as it would have (a shell shows 130 or 143): nothing was
  // written to stdout yet while reading, as results are written at the end (-o FILE: only once complete).
  const stopHandlers = new Set<(signal: NodeJS.Signals) => void>();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopHandlers.size > 0) {
      for (const handler of stopHandlers) handler(signal);
      return;
    }
    runInterruptCleanups();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.kill(process.pid, signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    get stdin() {
      stdinMade = true;
      return process.stdin;
    },
    stdinFd: 0,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    now: () => Date.now(),
    onStopSignal: (handler) => {
      stopHandlers.add(handler);
      return () => void stopHandlers.delete(handler);
    },
  };
}

/** Resolves at the first SIGINT or SIGTERM; stops listening once `abort` fires (the run ended otherwise). */
export function untilStopped(io: CliIo, abort: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const unsubscribe = io.onStopSignal?.(() => {
      unsubscribe?.();
      resolve();
    });
    abort.addEventListener('abort', () => unsubscribe?.(), { once: true });
  });
}

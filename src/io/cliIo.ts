/** The process as the CLI sees it; tests pass their own streams, environment and clock. */
import type { Readable, Writable } from 'node:stream';
import { ignoreErrorEvents } from './output.js';

export interface CliIo {
  readonly stdin: Readable & { readonly isTTY?: boolean };
  readonly stdout: Writable & { readonly isTTY?: boolean; readonly columns?: number };
  readonly stderr: Writable & { readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now: () => number;
  /** Calls `handler` on SIGINT/SIGTERM until the returned function is called (absent in tests run in-process). */
  readonly onStopSignal?: (handler: (signal: NodeJS.Signals) => void) => () => void;
}

export function nodeIo(): CliIo {
  ignoreErrorEvents(process.stdout);
  ignoreErrorEvents(process.stderr);
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    now: () => Date.now(),
    onStopSignal: (handler) => {
      process.on('SIGINT', handler);
      process.on('SIGTERM', handler);
      return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      };
    },
  };
}

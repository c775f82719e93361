/**
 * Ending the process once main() has written and flushed everything (it awaits each write).
 *
 * Not with process.exit() at once: on Node 20–24 it can hang for ever when a background compile job is waiting for a
 * garbage collection at that moment — the exit joins that thread, which waits for the main thread (nodejs/node#54918;
 * seen here, mid-suite). Letting the event loop end tears V8 down first, which releases
 * such a job. So: the exit code is set, stdin (which a command may have left unread) is let go, and only if some
 * handle still holds the loop a second later does process.exit() end it.
 */
import { releaseStdin } from './cliIo.js';

const LINGER_MS = 1000;

export function exitWhenDone(code: number): void {
  process.exitCode = code;
  releaseStdin();
  setTimeout(() => process.exit(code), LINGER_MS).unref();
}

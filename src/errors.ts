/**
 * The two kinds of failure the CLI maps to exit codes (see README "Exit codes").
 * Messages say where, what and how to fix; they are printed as they are.
 */
import type { LineCounts } from './core/types.js';

/** Bad flags, arguments or configuration: the command line must change. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * The input or the environment failed: unreadable file, nothing recognisable, --strict violation. Carries the
 * line counts so far, for the `--json` error document.
 */
export class InputError extends Error {
  override readonly name = 'InputError';

  constructor(
    message: string,
    readonly input?: LineCounts,
  ) {
    super(message);
  }
}

/**
 * The two kinds of failure the CLI maps to exit codes (see README "Exit codes").
 * Messages say where, what and how to fix; they are printed as they are.
 */

/** Bad flags, arguments or configuration: the command line must change. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The input or the environment failed: unreadable file, nothing recognisable, --strict violation. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

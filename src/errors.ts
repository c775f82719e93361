/**
 * The two kinds of failure the CLI maps to exit codes (src/exitCodes.ts). Messages say where, what and how to fix;
 * they are printed as they are. Every layer throws them, so this module imports nothing.
 */

/** Bad flags, arguments or configuration: the command line must change. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * The input or the environment failed: unreadable file, nothing recognisable, --strict violation. Carries what was
 * read so far (the line counts), for the `--json` error document.
 */
export class InputError extends Error {
  override readonly name = 'InputError';

  constructor(
    message: string,
    readonly input?: object,
  ) {
    super(message);
  }
}

/** A file system error in words for a message that already names the file ("cannot read X: permission denied"). */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'no space left on the device';
    case 'EFBIG':
      return 'file too large for this file system or limit';
    case 'EROFS':
      return 'read-only file system';
    default:
      return (error as Error).message;
  }
}

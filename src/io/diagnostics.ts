/** stderr for everything that is not the result: warnings (silenced by --quiet) and errors (always). */
import type { Writable } from 'node:stream';

export interface Diagnostics {
  warn(line: string): void;
  error(line: string): void;
}

export function diagnosticsOn(stderr: Writable, quiet: boolean): Diagnostics {
  return {
    warn: (line) => {
      if (!quiet) stderr.write(`${line}\n`);
    },
    error: (line) => void stderr.write(`claude-mon: ${line}\n`),
  };
}

/** What a report command hands back to src/cli.ts. */
import type { StreamedText } from '../render/streamedText.js';

export interface CommandResult {
  /** The result for stdout (or -o FILE). */
  readonly output: StreamedText;
  /** Something could not be read: the exit code says so, though the result was produced. */
  readonly failed: boolean;
  /** After the output (`written`: all of it reached its reader): what the run keeps for the next (--checkpoint). */
  readonly end?: (written: boolean) => Promise<void>;
}

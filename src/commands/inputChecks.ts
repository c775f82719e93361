/** After the read: what to tell the user about the input on stderr, and whether it is a failure (PRODUCT.md §1.4). */
import type { CommonOptions } from '../commandOptions.js';
import { InputError } from '../errors.js';
import type { Tally } from '../input/tally.js';
import { describeDuplicates, describeExamples, describeNothingRecognised, describeSkipped, describeUnpriced } from '../render/inputReport.js';
import { escapeForTerminal } from '../render/escape.js';
import type { StreamedText } from '../render/streamedText.js';
import { formatCount } from '../render/numbers.js';

export interface CommandResult {
  /** The result for stdout (or -o FILE). */
  readonly output: StreamedText;
  /** Something could not be read: the exit code says so, though the result was produced. */
  readonly failed: boolean;
}

/** stderr: warnings (silenced by --quiet) and errors (always). */
export interface Diagnostics {
  warn(line: string): void;
  error(line: string): void;
}

/** Reports on the input; throws InputError when nothing was recognisable or --strict forbids what was found. */
export function checkInput(
  tally: Tally,
  unpricedModels: Readonly<Record<string, number>>,
  options: Pick<CommonOptions, 'strict' | 'verbose'>,
  diagnostics: Diagnostics,
): boolean {
  const counts = tally.counts();
  for (const message of counts.unreadable) diagnostics.error(`cannot read ${escapeForTerminal(message)}`);
  for (const message of counts.truncated) diagnostics.warn(`${escapeForTerminal(message)}: kept the records decoded before the break`);
  if (counts.lines > 0 && counts.records + counts.duplicates === 0) {
    throw new InputError(describeNothingRecognised(counts, tally.firstReject, tally.firstNoise), counts);
  }
  const skipped = describeSkipped(counts, tally.firstReject);
  if (skipped !== undefined) diagnostics.warn(skipped + (options.verbose ? ':' : ' (--verbose shows examples)'));
  if (options.verbose) describeExamples(tally.examples).forEach((line) => diagnostics.warn(line));
  const duplicates = describeDuplicates(counts);
  if (duplicates !== undefined) diagnostics.warn(duplicates);
  if (options.verbose && counts.noise > 0) diagnostics.warn(`ignored ${formatCount(counts.noise)} lines that are not call records`);
  if (options.verbose && tally.parallel !== undefined) {
    diagnostics.warn(`read in ${formatCount(tally.parallel.tasks)} parts by ${tally.parallel.threads} threads`);
  }
  if (counts.lines === 0 && counts.unreadable.length === 0) diagnostics.warn('no input: 0 lines read');

  const unpriced = describeUnpriced(unpricedModels);
  if (unpriced !== undefined) {
    const message = `cost excludes ${unpriced}. Add them with --prices FILE.`;
    if (options.strict) throw new InputError(`${message} (--strict)`, counts);
    diagnostics.warn(`warning: ${message}`);
  }
  return counts.unreadable.length > 0;
}

/**
 * After the read: what to tell the user about the input on stderr, and whether it is a failure (docs/definitions.md,
 * "Bad input").
 */
import type { ReadingOptions } from '../context/runContext.js';
import { InputError } from '../errors.js';
import type { Tally } from '../input/tally.js';
import type { Diagnostics } from '../io/diagnostics.js';
import { describeDuplicates, describeExamples, describeMissingCacheWrites, describeNothingRecognised, describeSkipped, describeUnpriced } from '../render/inputReport.js';
import { escapeForTerminal } from '../render/escape.js';
import { formatCount } from '../render/numbers.js';

/**
 * Reports on the input; throws InputError when nothing was recognisable or --strict forbids what was found.
 * `resumed`: the read continued a checkpoint whose earlier runs recognised records (no new lines, or only noise,
 * is then no sign of a wrong file).
 */
export function checkInput(
  tally: Tally,
  unpricedModels: Readonly<Record<string, number>>,
  options: Pick<ReadingOptions, 'strict' | 'verbose'>,
  diagnostics: Diagnostics,
  resumed = false,
): boolean {
  const counts = tally.counts();
  for (const message of counts.unreadable) diagnostics.error(`cannot read ${escapeForTerminal(message)}`);
  for (const message of counts.truncated) diagnostics.warn(`${escapeForTerminal(message)}: kept the records decoded before the break`);
  if (counts.lines > 0 && counts.records + counts.duplicates === 0 && !resumed) {
    throw new InputError(describeNothingRecognised(counts, tally.firstReject, tally.closestNoise, tally.pythonLogging), counts);
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
  if (counts.lines === 0 && counts.unreadable.length === 0 && !resumed) diagnostics.warn('no input: 0 lines read');

  const cacheWrites = describeMissingCacheWrites(tally.cacheLogging);
  if (cacheWrites !== undefined) diagnostics.warn(cacheWrites);

  const unpriced = describeUnpriced(unpricedModels);
  if (unpriced !== undefined) {
    const message = `cost excludes ${unpriced}. Add them with --prices FILE.`;
    if (options.strict) throw new InputError(`${message} (--strict)`, counts);
    diagnostics.warn(`warning: ${message}`);
  }
  return counts.unreadable.length > 0;
}

/** The price book: the embedded table, with a --prices file on top when given. */
import { promises as fs } from 'node:fs';
import { PriceBook } from '../core/pricing.js';
import { describeFsError, UsageError } from '../errors.js';

export async function loadPricing(pricesFile: string | undefined): Promise<PriceBook> {
  const embedded = PriceBook.embedded();
  if (pricesFile === undefined) return embedded;
  let text: string;
  try {
    text = await fs.readFile(pricesFile, 'utf8');
  } catch (error) {
    throw new UsageError(`--prices ${pricesFile}: ${describeFsError(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--prices ${pricesFile}: not valid JSON (${(error as Error).message})`);
  }
  return embedded.withOverrides(json, pricesFile);
}

/**
 * What became of every line: a record, a duplicate, expected noise, or a reject with a reason (PRODUCT.md §1.4).
 * records + duplicates + noise + Σ skipped = lines, always.
 */
import type { LineCounts } from '../core/types.js';

export interface Rejection {
  readonly where: string;
  readonly reason: string;
  readonly detail: string;
  /** The first 120 characters of the line, control characters left for the renderer to escape. */
  readonly excerpt: string;
}

export const EXAMPLES_PER_REASON = 5;
const EXCERPT_CHARS = 120;

export class Tally {
  files = 0;
  lines = 0;
  records = 0;
  duplicates = 0;
  noise = 0;
  readonly skipped = new Map<string, number>();
  readonly unreadable: string[] = [];
  readonly truncated: string[] = [];
  firstReject: Rejection | undefined;
  /** The first noise line, shown when nothing at all was a record ("wrong file or format?"). */
  firstNoise: { where: string; excerpt: string } | undefined;
  readonly examples = new Map<string, Rejection[]>();

  /** Whether a reject of this reason still needs its text (first reject, or --verbose examples). */
  wantsDetail(reason: string, verbose: boolean): boolean {
    if (this.firstReject === undefined) return true;
    return verbose && (this.examples.get(reason)?.length ?? 0) < EXAMPLES_PER_REASON;
  }

  reject(reason: string, rejection: Rejection | undefined): void {
    this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + 1);
    if (rejection === undefined) return;
    this.firstReject ??= rejection;
    const list = this.examples.get(reason) ?? [];
    if (list.length < EXAMPLES_PER_REASON) list.push(rejection);
    this.examples.set(reason, list);
  }

  skippedTotal(): number {
    let total = 0;
    for (const count of this.skipped.values()) total += count;
    return total;
  }

  counts(): LineCounts {
    return {
      files: this.files,
      lines: this.lines,
      records: this.records,
      duplicates: this.duplicates,
      noise: this.noise,
      skipped: Object.fromEntries([...this.skipped].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      unreadable: [...this.unreadable],
      truncated: [...this.truncated],
    };
  }
}

export function excerptOf(text: string): string {
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
}

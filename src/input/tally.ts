/**
 * What became of every line: a record, a duplicate, expected noise, or a reject with a reason (docs/definitions.md, "Bad input").
 * records + duplicates + noise + Σ skipped = lines, always.
 */
import type { CacheLogging, LineCounts, NoiseSample, PythonLogging, Rejection } from '../core/types.js';

const EXAMPLES_PER_REASON = 5;

/** A tally of one part of the input (a parse task) as plain data. */
export interface TallyPart {
  readonly lines: number;
  readonly records: number;
  readonly duplicates: number;
  readonly noise: number;
  readonly skipped: readonly (readonly [string, number])[];
  readonly unreadable: readonly string[];
  readonly truncated: readonly string[];
  readonly firstReject: Rejection | undefined;
  readonly closestNoise: NoiseSample | undefined;
  readonly pythonLogging: PythonLogging;
  readonly cacheLogging: CacheLogging;
  readonly examples: readonly (readonly [string, readonly Rejection[]])[];
}


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
  /**
   * The noise line with the most record fields (the first of them; the first noise line when none has any), shown
   * when nothing at all was a record ("wrong file or format?").
   */
  closestNoise: NoiseSample | undefined;
  readonly pythonLogging: PythonLogging = { signs: 0, infoLines: 0 };
  readonly cacheLogging: CacheLogging = { readCalls: 0, writeFieldCalls: 0 };
  readonly examples = new Map<string, Rejection[]>();
  /** How the input was read when worker threads parsed it (for --verbose). */
  parallel: { readonly tasks: number; readonly threads: number } | undefined;

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

  /** The counts so far as plain data; the tally starts again from zero (for the next part of the input). */
  takePart(): TallyPart {
    const { lines, records, duplicates, noise, firstReject, closestNoise } = this;
    const part: TallyPart = {
      lines,
      records,
      duplicates,
      noise,
      skipped: [...this.skipped],
      unreadable: [...this.unreadable],
      truncated: [...this.truncated],
      firstReject,
      closestNoise,
      pythonLogging: { ...this.pythonLogging },
      cacheLogging: { ...this.cacheLogging },
      examples: [...this.examples].map(([reason, list]) => [reason, [...list]] as const),
    };
    this.lines = this.records = this.duplicates = this.noise = 0;
    this.skipped.clear();
    this.unreadable.length = 0;
    this.truncated.length = 0;
    this.firstReject = undefined;
    this.closestNoise = undefined;
    this.pythonLogging.signs = this.pythonLogging.infoLines = 0;
    this.cacheLogging.readCalls = this.cacheLogging.writeFieldCalls = 0;
    this.examples.clear();
    return part;
  }

  /**
   * Adds the tally of the next part of the input, in input order, so the result is the one a single pass gives.
   * `relocate` turns the part's positions ("file:12", "after line 12") into positions in the whole source.
   */
  absorb(part: TallyPart, relocate: (text: string) => string): void {
    this.lines += part.lines;
    this.records += part.records;
    this.duplicates += part.duplicates;
    this.noise += part.noise;
    for (const [reason, count] of part.skipped) this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + count);
    for (const message of part.unreadable) this.unreadable.push(relocate(message));
    for (const message of part.truncated) this.truncated.push(relocate(message));
    if (part.firstReject !== undefined) this.firstReject ??= { ...part.firstReject, where: relocate(part.firstReject.where) };
    const noise = part.closestNoise;
    if (noise !== undefined && (this.closestNoise === undefined || noise.fields.length > this.closestNoise.fields.length)) {
      this.closestNoise = { ...noise, where: relocate(noise.where) };
    }
    this.pythonLogging.signs += part.pythonLogging.signs;
    this.pythonLogging.infoLines += part.pythonLogging.infoLines;
    this.cacheLogging.readCalls += part.cacheLogging.readCalls;
    this.cacheLogging.writeFieldCalls += part.cacheLogging.writeFieldCalls;
    for (const [reason, rejections] of part.examples) {
      const list = this.examples.get(reason) ?? [];
      for (const rejection of rejections) {
        if (list.length < EXAMPLES_PER_REASON) list.push({ ...rejection, where: relocate(rejection.where) });
      }
      this.examples.set(reason, list);
    }
  }

  /** Adds the counts of input read elsewhere (a .cmstate's logs). */
  addCounts(counts: LineCounts): void {
    this.files += counts.files;
    this.lines += counts.lines;
    this.records += counts.records;
    this.duplicates += counts.duplicates;
    this.noise += counts.noise;
    for (const [reason, count] of Object.entries(counts.skipped)) this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + count);
    this.unreadable.push(...counts.unreadable);
    this.truncated.push(...counts.truncated);
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

/** Python logging's own level names at the start of a message (the default format), or a traceback. */
const PYTHON_SIGN = /(?:^|[\s\]|:-])(?:WARNING|ERROR|CRITICAL|DEBUG):[\w.]*:|Traceback \(most recent call last\)/;
const INFO_LINE = /\bINFO\b/;

/** Counts a noise line's signs of a Python app's log. */
export function notePythonLogging(text: string, python: PythonLogging): void {
  if (PYTHON_SIGN.test(text)) python.signs++;
  if (INFO_LINE.test(text)) python.infoLines++;
}

export function excerptOf(text: string): string {
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
}

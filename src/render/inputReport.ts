/** stderr lines about the input: skipped lines by reason, duplicates, unreadable and truncated sources. */
import type { LineCounts, Rejection } from '../core/types.js';
import { escapeForTerminal } from './escape.js';
import { formatCount } from './numbers.js';

/** "skipped 12 of 48,210 lines: 9 invalid_json, 3 invalid_record:latency_ms; first at logs/a.jsonl:117" */
export function describeSkipped(counts: LineCounts, first: Rejection | undefined): string | undefined {
  const entries = Object.entries(counts.skipped).sort(([, a], [, b]) => b - a);
  if (entries.length === 0) return undefined;
  const total = entries.reduce((sum, [, count]) => sum + count, 0);
  const reasons = entries.map(([reason, count]) => `${formatCount(count)} ${reason}`).join(', ');
  const where = first === undefined ? '' : `; first at ${escapeForTerminal(first.where)}`;
  return `skipped ${formatCount(total)} of ${formatCount(counts.lines)} lines: ${reasons}${where}`;
}

/** --verbose: up to 5 examples per reason, as `file:line: reason: <first 120 chars>`. */
export function describeExamples(examples: ReadonlyMap<string, readonly Rejection[]>): string[] {
  const lines: string[] = [];
  for (const list of examples.values()) {
    for (const example of list) {
      lines.push(`  ${escapeForTerminal(example.where)}: ${escapeForTerminal(example.detail)}: ${escapeForTerminal(example.excerpt)}`);
    }
  }
  return lines;
}

/** "2 calls of models without a price: foo (1), bar (1)", for the stderr warning and the note under tables. */
export function describeUnpriced(unpricedModels: Readonly<Record<string, number>>): string | undefined {
  const unpriced = Object.entries(unpricedModels);
  if (unpriced.length === 0) return undefined;
  const calls = unpriced.reduce((sum, [, count]) => sum + count, 0);
  const list = unpriced.map(([model, count]) => `${escapeForTerminal(model)} (${formatCount(count)})`).join(', ');
  return `${formatCount(calls)} calls of models without a price: ${list}`;
}

export function describeDuplicates(counts: LineCounts): string | undefined {
  if (counts.duplicates === 0) return undefined;
  return `dropped ${formatCount(counts.duplicates)} duplicate ${counts.duplicates === 1 ? 'delivery' : 'deliveries'} (same request_id; --no-dedupe keeps them)`;
}

/** "0 of N lines are Claude call records — wrong file or format?" with the most common reason and a sample. */
export function describeNothingRecognised(
  counts: LineCounts,
  firstReject: Rejection | undefined,
  firstNoise: { where: string; excerpt: string } | undefined,
): string {
  const reasons = Object.entries(counts.skipped).sort(([, a], [, b]) => b - a);
  const [topReason, topCount] = reasons[0] ?? ['', 0];
  const mostly =
    counts.noise >= topCount
      ? `${formatCount(counts.noise)} lines hold no call record (text or other JSON)`
      : `most common problem: ${topReason} (${formatCount(topCount)})`;
  const sample = counts.noise >= topCount ? firstNoise : firstReject;
  const sampleText = sample === undefined ? '' : `\n  e.g. ${escapeForTerminal(sample.where)}: ${escapeForTerminal(sample.excerpt)}`;
  return `0 of ${formatCount(counts.lines)} lines are Claude call records — wrong file or format? ${mostly}.${sampleText}`;
}

/** stderr lines about the input: skipped lines by reason, duplicates, unreadable and truncated sources. */
import type { CacheLogging, LineCounts, NoiseSample, PythonLogging, Rejection } from '../core/types.js';
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

/**
 * "0 of N lines are Claude call records — wrong file or format?" with the most common reason, the line closest to
 * a record and what it lacks, and, for a Python app's log without INFO lines, why they are missing.
 */
export function describeNothingRecognised(
  counts: LineCounts,
  firstReject: Rejection | undefined,
  closestNoise: NoiseSample | undefined,
  python: PythonLogging,
): string {
  const reasons = Object.entries(counts.skipped).sort(([, a], [, b]) => b - a);
  const [topReason, topCount] = reasons[0] ?? ['', 0];
  const mostlyNoise = counts.noise >= topCount;
  const mostly = mostlyNoise
    ? `${formatCount(counts.noise)} lines hold no call record (text or other JSON)`
    : `most common problem: ${topReason} (${formatCount(topCount)})`;
  const lines = [`0 of ${formatCount(counts.lines)} lines are Claude call records — wrong file or format? ${mostly}.`];
  const sample = mostlyNoise ? closestNoise : firstReject;
  if (sample !== undefined) {
    const near = mostlyNoise && closestNoise !== undefined && closestNoise.fields.length > 0 ? closestNoise.fields : undefined;
    lines.push(`  ${near === undefined ? 'e.g.' : 'closest'} ${escapeForTerminal(sample.where)}: ${escapeForTerminal(sample.excerpt)}`);
    if (near !== undefined) {
      const needs = near.includes('timestamp') ? 'latency_ms' : 'latency_ms and timestamp';
      lines.push(`  it has ${near.join(', ')}, but a call record also needs ${needs} (an object counts as one when it has latency_ms, a token count or stop_reason)`);
    }
  }
  if (python.signs > 0 && python.infoLines === 0) {
    lines.push(
      "  This looks like a Python app's log with no line at level INFO: logging.info(...) writes nothing at Python's default level, WARNING.",
      '  Set the level once at start-up: logging.basicConfig(level=logging.INFO)',
    );
  }
  return lines.join('\n');
}

/**
 * Cache reads logged, and not one call with a cache-write field: the seed's record has none, so a cache that
 * breaks and writes on every call looks cheaper instead of dearer.
 */
export function describeMissingCacheWrites(cache: CacheLogging): string | undefined {
  if (cache.readCalls === 0 || cache.writeFieldCalls > 0) return undefined;
  return (
    `note: ${formatCount(cache.readCalls)} ${cache.readCalls === 1 ? 'call' : 'calls'} logged cache reads, and no call logged cache writes: ` +
    'cost leaves out cache writes (1.25× the input price, 2× for the 1-hour cache). ' +
    "Log the SDK's usage.cache_creation_input_tokens as cache_creation_tokens (on an OpenTelemetry span: gen_ai.usage.cache_creation.input_tokens)."
  );
}

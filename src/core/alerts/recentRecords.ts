/**
 * The records of the last minutes, in time order, for the windows of the rate and latency rules. Appending is
 * cheap, dropping the oldest is amortised O(1) (a head index, compacted now and then), and records that arrive out
 * of order are sorted in before the next query.
 */
import type { CallRecord } from '../types.js';

export class RecentRecords {
  private records: CallRecord[] = [];
  private head = 0;
  private sorted = true;

  /** Keeps a copy: the readers reuse the record object for the next line. */
  push(record: CallRecord): void {
    const records = this.records;
    if (records.length > this.head && record.timestampMs < (records[records.length - 1] as CallRecord).timestampMs) this.sorted = false;
    records.push(copyRecord(record));
  }

  /** Lets go of every record at or before `time`. */
  dropThrough(time: number): void {
    this.sort();
    const records = this.records;
    let head = this.head;
    while (head < records.length && (records[head] as CallRecord).timestampMs <= time) head++;
    this.head = head;
    if (head > 1024 && head * 2 > records.length) {
      this.records = records.slice(head);
      this.head = 0;
    }
  }

  /** The records with timestamps in (from, to], oldest first. */
  between(from: number, to: number): readonly CallRecord[] {
    this.sort();
    return this.records.slice(this.firstAfter(from), this.firstAfter(to));
  }

  private sort(): void {
    if (this.sorted) return;
    const live = this.records.slice(this.head);
    live.sort((a, b) => a.timestampMs - b.timestampMs); // stable: equal times keep their order of arrival
    this.records = live;
    this.head = 0;
    this.sorted = true;
  }

  private firstAfter(time: number): number {
    const records = this.records;
    let low = this.head;
    let high = records.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((records[middle] as CallRecord).timestampMs <= time) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

/** Every field listed: one object shape for all copies, cheaper than a spread of the reader's class instance. */
function copyRecord(r: CallRecord): CallRecord {
  return {
    timestampMs: r.timestampMs,
    userId: r.userId,
    feature: r.feature,
    model: r.model,
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    cacheReadTokens: r.cacheReadTokens,
    cacheWriteTokens: r.cacheWriteTokens,
    cacheWrite1hTokens: r.cacheWrite1hTokens,
    latencyMs: r.latencyMs,
    stopReason: r.stopReason,
    error: r.error,
    errorStatus: r.errorStatus,
    batch: r.batch,
    ratelimitRequestsRemaining: r.ratelimitRequestsRemaining,
    ratelimitTokensRemaining: r.ratelimitTokensRemaining,
    ratelimitInputTokensRemaining: r.ratelimitInputTokensRemaining,
    ratelimitOutputTokensRemaining: r.ratelimitOutputTokensRemaining,
  };
}

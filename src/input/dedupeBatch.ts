/**
 * Valid records wait here, up to BATCH at a time, for the duplicate check. Each check is a lookup in a table of
 * millions of request ids, a cache and TLB miss; made back to back the misses overlap (85 ns a lookup in a tight
 * loop), made one per line each stalls the CPU (425 ns a lookup measured in the full pipeline).
 */
import type { CallRecord } from '../core/types.js';
import { ScratchRecord } from './record.js';
import type { IdSet } from './requestIdSet.js';
import type { Tally } from './tally.js';

const BATCH = 1024;

export interface RecordSink {
  /** Called once per unique valid record; the record object is reused, read it before returning. */
  add(record: CallRecord): void;
}

/** Where the classifier puts valid records when the sink does not take them directly (duplicate check, worker). */
export interface RecordOutput {
  /** Where the next record is validated into. */
  readonly slot: ScratchRecord;
  /** Keeps the record just validated into `slot`, with the 64-bit hash of its request id when it has one. */
  keep(hasId: boolean, a: number, b: number): void;
  /** Hands on what is kept (end of a chunk or of the input). */
  flush(): void;
}

export class DedupeBatch implements RecordOutput {
  private readonly records = Array.from({ length: BATCH }, () => new ScratchRecord());
  private readonly hashA = new Int32Array(BATCH);
  private readonly hashB = new Int32Array(BATCH);
  /** 0: no id, 1: an id, not yet checked; after the check, 2 marks a duplicate. */
  private readonly state = new Uint8Array(BATCH);
  private count = 0;

  constructor(
    private readonly ids: IdSet,
    private readonly sink: RecordSink,
    private readonly tally: Tally,
  ) {}

  /** Where the next record is validated into. */
  get slot(): ScratchRecord {
    return this.records[this.count] as ScratchRecord;
  }

  /** Keeps the record just validated into `slot`, with the 64-bit hash of its request id when it has one. */
  keep(hasId: boolean, a: number, b: number): void {
    const i = this.count;
    this.state[i] = hasId ? 1 : 0;
    this.hashA[i] = a;
    this.hashB[i] = b;
    if (++this.count === BATCH) this.flush();
  }

  /** Checks the waiting records in order (the first delivery wins) and hands the unique ones to the sink. */
  flush(): void {
    const { count, state, ids } = this;
    for (let i = 0; i < count; i++) {
      if (state[i] === 1 && !ids.add(this.hashA[i] as number, this.hashB[i] as number, (this.records[i] as ScratchRecord).timestampMs)) state[i] = 2;
    }
    const { tally, sink, records } = this;
    for (let i = 0; i < count; i++) {
      if (state[i] === 2) tally.duplicates++;
      else {
        tally.records++;
        sink.add(records[i] as ScratchRecord);
      }
    }
    this.count = 0;
  }
}

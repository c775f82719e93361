/**
 * Validated records packed into typed arrays, so a parse worker can hand a block of them to the main thread without
 * copying (the arrays' buffers are transferred) and without one object per record. Strings (user, feature, model,
 * stop reason, error) travel as indexes into a per-worker table that only grows by what each block adds.
 */
import { MutableCallRecord, PACKED_EXTRA_NUMBERS, PACKED_NUMBERS, packExtraNumbers, packNumbers, unpackExtraNumbers, unpackNumbers } from '../core/packedRecord.js';
import type { CallRecord } from '../core/types.js';
import type { RecordOutput } from './dedupeBatch.js';
import { ScratchRecord } from './record.js';

/** Numbers per record: all of them (a window of recent calls keeps fewer). */
const NUMBERS = PACKED_NUMBERS + PACKED_EXTRA_NUMBERS;

/** Integers per record: string indexes (-1 for null), flags, the request id's 64-bit hash. */
const I_USER = 0;
const I_FEATURE = 1;
const I_MODEL = 2;
const I_STOP = 3;
const I_ERROR = 4;
const I_FLAGS = 5;
const I_HASH_A = 6;
const I_HASH_B = 7;
const INTS = 8;

const FLAG_HAS_ID = 1;

/** Blocks' arrays kept for reuse, at most. */
const MAX_SPARE = 4;

/** Past this many distinct strings a worker starts a new table (a million distinct users must not pile up twice). */
const STRING_TABLE_LIMIT = 200_000;

export interface RecordBlock {
  readonly count: number;
  readonly numbers: Float64Array;
  readonly ints: Int32Array;
  /** Strings first seen in this block, appended to the worker's table (after clearing it when `freshStrings`). */
  readonly strings: readonly string[];
  readonly freshStrings: boolean;
}

/** Worker side: the classifier validates into `slot`, `keep` packs it. */
export class BlockEncoder implements RecordOutput {
  readonly slot = new ScratchRecord();
  private numbers: Float64Array;
  private ints: Int32Array;
  private count = 0;
  private readonly stringIds = new Map<string, number>();
  private newStrings: string[] = [];
  private fresh = true;
  private readonly spare: { numbers: Float64Array; ints: Int32Array }[] = [];
  private readonly lastText: (string | undefined)[] = new Array<string | undefined>(I_ERROR + 1).fill(undefined);
  private readonly lastId = new Int32Array(I_ERROR + 1);

  constructor(expectedRecords = 4096) {
    this.numbers = new Float64Array(Math.max(16, expectedRecords) * NUMBERS);
    this.ints = new Int32Array(Math.max(16, expectedRecords) * INTS);
  }

  keep(hasId: boolean, a: number, b: number): void {
    if (this.count * NUMBERS === this.numbers.length) this.grow();
    const r = this.slot;
    packNumbers(r, this.numbers, this.count * NUMBERS);
    packExtraNumbers(r, this.numbers, this.count * NUMBERS + PACKED_NUMBERS);
    const i = this.count * INTS;
    const ints = this.ints;
    ints[i + I_USER] = this.idOf(r.userId, I_USER);
    ints[i + I_FEATURE] = this.idOf(r.feature, I_FEATURE);
    ints[i + I_MODEL] = this.idOf(r.model, I_MODEL);
    ints[i + I_STOP] = r.stopReason === null ? -1 : this.idOf(r.stopReason, I_STOP);
    ints[i + I_ERROR] = r.error === null ? -1 : this.idOf(r.error, I_ERROR);
    ints[i + I_FLAGS] = hasId ? FLAG_HAS_ID : 0;
    ints[i + I_HASH_A] = a;
    ints[i + I_HASH_B] = b;
    this.count++;
  }

  flush(): void {}

  /**
   * The records kept since the last take, in arrays handed over (transfer them; give them back with `recycle` once
   * read). The encoder goes on in recycled or new arrays.
   */
  take(): RecordBlock {
    const block: RecordBlock = {
      count: this.count,
      numbers: this.numbers,
      ints: this.ints,
      strings: this.newStrings,
      freshStrings: this.fresh,
    };
    const spare = this.spare.pop();
    this.numbers = spare?.numbers ?? new Float64Array(this.numbers.length);
    this.ints = spare?.ints ?? new Int32Array(this.ints.length);
    this.count = 0;
    this.newStrings = [];
    this.fresh = false;
    if (this.stringIds.size > STRING_TABLE_LIMIT) {
      this.stringIds.clear();
      this.lastText.fill(undefined);
      this.fresh = true;
    }
    return block;
  }

  /** Arrays of a block that was read, to fill again (no new memory to fault in for every block). */
  recycle(numbers: Float64Array, ints: Int32Array): void {
    if (this.spare.length < MAX_SPARE && numbers.length / NUMBERS === ints.length / INTS) this.spare.push({ numbers, ints });
  }

  /** The string's index in the table; a field's last string is remembered (features and models come in runs). */
  private idOf(text: string, field: number): number {
    if (text === this.lastText[field]) return this.lastId[field] as number;
    let id = this.stringIds.get(text);
    if (id === undefined) {
      id = this.stringIds.size;
      this.stringIds.set(text, id);
      this.newStrings.push(text);
    }
    this.lastText[field] = text;
    this.lastId[field] = id;
    return id;
  }

  private grow(): void {
    const numbers = new Float64Array(this.numbers.length * 2);
    numbers.set(this.numbers);
    this.numbers = numbers;
    const ints = new Int32Array(this.ints.length * 2);
    ints.set(this.ints);
    this.ints = ints;
  }
}

/** Main side: one worker's string table, and the records of its blocks handed out in order. */
export class BlockDecoder {
  private strings: string[] = [];
  private readonly record = new MutableCallRecord();

  /** Adds the block's strings to the table; call once per block, in the order the worker made them. */
  learnStrings(block: RecordBlock): void {
    if (block.freshStrings) this.strings = [];
    for (const text of block.strings) this.strings.push(text);
  }

  /** Whether record `index` carries a request id, and its hash halves. */
  hasId(block: RecordBlock, index: number): boolean {
    return ((block.ints[index * INTS + I_FLAGS] as number) & FLAG_HAS_ID) !== 0;
  }

  hashA(block: RecordBlock, index: number): number {
    return block.ints[index * INTS + I_HASH_A] as number;
  }

  hashB(block: RecordBlock, index: number): number {
    return block.ints[index * INTS + I_HASH_B] as number;
  }

  /** Record `index` of the block, in an object reused by the next call. */
  recordAt(block: RecordBlock, index: number): CallRecord {
    const { ints } = block;
    const { strings, record } = this;
    const i = index * INTS;
    unpackNumbers(block.numbers, index * NUMBERS, record);
    unpackExtraNumbers(block.numbers, index * NUMBERS + PACKED_NUMBERS, record);
    record.userId = strings[ints[i + I_USER] as number] as string;
    record.feature = strings[ints[i + I_FEATURE] as number] as string;
    record.model = strings[ints[i + I_MODEL] as number] as string;
    const stop = ints[i + I_STOP] as number;
    record.stopReason = stop < 0 ? null : (strings[stop] as string);
    const error = ints[i + I_ERROR] as number;
    record.error = error < 0 ? null : (strings[error] as string);
    return record;
  }
}

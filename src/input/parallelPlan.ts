/**
 * How a set of sources is cut into parse tasks for worker threads: a plain log file into byte ranges that start at
 * a line boundary, a gzip file or a JSON document whole (neither can be entered in the middle). The main thread
 * consumes the tasks' results in task order, so the records reach the sink in exactly the order of one pass.
 */
import { promises as fs } from 'node:fs';
import { criContentStart } from './cri.js';
import { CHUNK_BYTES } from './decode.js';
import { looksLikeJsonArray } from './jsonDocument.js';
import type { Source } from './sources.js';

export interface ParseTask {
  readonly id: number;
  /** Index of the source in the list given to planTasks. */
  readonly source: number;
  readonly name: string;
  readonly path: string;
  /** Byte range [start, end) read as lines; end is Infinity for "to the end of the file". */
  readonly start: number;
  readonly end: number;
  /** Read as a whole source: gzip and JSON documents detected, as in a single pass (on the main thread). */
  readonly whole: boolean;
  /**
   * For a range: the file descriptor the planner opened, shared by every range of the file, so that a file renamed
   * or deleted by log rotation during the read is read whole, as a single pass reads it. -1 for a whole source.
   */
  readonly fd: number;
}

export interface Plan {
  readonly tasks: readonly ParseTask[];
  /** Closes the files the ranges read: after the last task. */
  readonly close: () => Promise<void>;
}

/** Bytes around a tentative cut searched for a safe line boundary. */
const WINDOW_BYTES = 256 << 10;
/** A cut goes after this many lines in a row that cannot continue on the next line (CRI `P`, Docker `log`). */
const CLEAN_LINES_BEFORE_CUT = 8;
const NEWLINE = 0x0a;
const DOCKER_LOG_KEY = Buffer.from('"log"');

export async function planTasks(sources: readonly Source[], blockBytes: number): Promise<Plan> {
  const tasks: ParseTask[] = [];
  const open: fs.FileHandle[] = [];
  for (let index = 0; index < sources.length; index++) {
    const source = sources[index] as Source;
    if (source.path === null) throw new Error('stdin cannot be read by a parse thread');
    const cut = await cutFile(source.path, source.sizeBytes, blockBytes);
    if (cut === null) {
      tasks.push({ id: tasks.length, source: index, name: source.name, path: source.path, start: 0, end: Infinity, whole: true, fd: -1 });
      continue;
    }
    open.push(cut.file);
    for (const [start, end] of cut.ranges) {
      tasks.push({ id: tasks.length, source: index, name: source.name, path: source.path, start, end, whole: false, fd: cut.file.fd });
    }
  }
  return { tasks, close: async () => void (await Promise.all(open.map((file) => file.close()))) };
}

/** Line-aligned ranges covering the file, and the file kept open for them; null when it must be read whole. */
async function cutFile(path: string, sizeBytes: number | null, blockBytes: number): Promise<{ file: fs.FileHandle; ranges: [number, number][] } | null> {
  if (sizeBytes === null || sizeBytes < 2 * blockBytes) return null;
  let file;
  try {
    file = await fs.open(path, 'r');
  } catch {
    return null; // read whole, it is reported as a single pass would
  }
  try {
    // The head a single pass looks at for gzip's magic and a JSON document: its first chunk.
    const head = Buffer.allocUnsafe(CHUNK_BYTES);
    const { bytesRead } = await file.read(head, 0, CHUNK_BYTES, 0);
    if ((head[0] === 0x1f && head[1] === 0x8b) || looksLikeJsonArray(head.subarray(0, bytesRead))) {
      await file.close();
      return null;
    }
    const window = Buffer.allocUnsafe(WINDOW_BYTES);
    const ranges: [number, number][] = [];
    let start = 0;
    for (let offset = blockBytes; offset + blockBytes / 2 < sizeBytes; offset += blockBytes) {
      if (offset <= start) continue;
      const read = await file.read(window, 0, WINDOW_BYTES, offset);
      const cut = safeCut(window, read.bytesRead);
      if (cut < 0) continue;
      ranges.push([start, offset + cut]);
      start = offset + cut;
    }
    ranges.push([start, Infinity]);
    return { file, ranges };
  } catch {
    await file.close();
    return null;
  }
}

/**
 * Where in `bytes[0, length)` a range may end: just after a line that ends CLEAN_LINES_BEFORE_CUT complete lines none
 * of which may be continued by a later line. -1 when there is no such place in the window. A heuristic for speed
 * only: a range that still ends inside a fragmented entry (streams interleaved, an envelope it does not see) is
 * noticed when read, and the rest of its file is then read in one pass (parallelIngest.ts).
 */
export function safeCut(bytes: Buffer, length: number): number {
  let start = bytes.indexOf(NEWLINE) + 1;
  if (start === 0 || start > length) return -1;
  let clean = 0;
  for (;;) {
    const newline = bytes.indexOf(NEWLINE, start);
    if (newline < 0 || newline >= length) return -1;
    clean = mayContinue(bytes, start, newline) ? 0 : clean + 1;
    if (clean >= CLEAN_LINES_BEFORE_CUT) return newline + 1;
    start = newline + 1;
  }
}

/** A CRI `P` fragment, or an envelope with a `log` field (Docker json-file, Fluent Bit: a chunk without '\n'). */
function mayContinue(bytes: Buffer, start: number, end: number): boolean {
  if (end > start && bytes[end - 1] === 0x0d) end--;
  const content = criContentStart(bytes, start, end);
  if (content >= 0) {
    const tag = content === end ? bytes[end - 1] : bytes[content - 2];
    if (tag === 0x50 /* P */) return true;
  }
  return bytes.subarray(start, end).indexOf(DOCKER_LOG_KEY) >= 0;
}

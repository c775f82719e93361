/**
 * CRI container log lines (/var/log/pods/...): `<RFC 3339 time> <stdout|stderr> <P|F> <content>`.
 * `P` marks a partial line that continues in the next line of the same stream, up to the `F` line.
 */
import type { SourceCursor } from './cursor.js';

const SPACE = 0x20;

/** Index where the content of a CRI line begins, or -1 when the line is not CRI-framed. */
export function criContentStart(bytes: Uint8Array, start: number, end: number): number {
  // The time: starts with "YYYY-" and has no spaces; at most ~40 bytes.
  if (end - start < 20 || !isDigit(bytes[start]) || bytes[start + 4] !== 0x2d) return -1;
  let space = start + 10;
  const limit = Math.min(end, start + 48);
  while (space < limit && bytes[space] !== SPACE) space++;
  if (space >= limit || space + 9 > end) return -1;
  const s = space + 1;
  const isStream =
    bytes[s] === 0x73 /* s */ &&
    bytes[s + 1] === 0x74 /* t */ &&
    bytes[s + 2] === 0x64 /* d */ &&
    ((bytes[s + 3] === 0x6f && bytes[s + 4] === 0x75 && bytes[s + 5] === 0x74) /* out */ ||
      (bytes[s + 3] === 0x65 && bytes[s + 4] === 0x72 && bytes[s + 5] === 0x72)) /* err */ &&
    bytes[s + 6] === SPACE;
  const tag = bytes[s + 7];
  if (!isStream || (tag !== 0x50 /* P */ && tag !== 0x46) /* F */) return -1;
  if (s + 8 === end) return end; // an empty line
  return bytes[s + 8] === SPACE ? s + 9 : -1;
}

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x30 && byte <= 0x39;
}

/**
 * Applies a CRI line to the pending fragments of its stream. Returns 'partial' for a `P` line (held), the joined
 * content for an `F` line that ends earlier fragments, undefined for a complete line on its own, or 'too_long'
 * when the joined line exceeds the limit (its fragments are dropped, not held).
 */
export function joinCriFragments(
  bytes: Buffer,
  lineStart: number,
  content: number,
  end: number,
  cursor: SourceCursor,
  maxLineBytes: number,
): Buffer | 'partial' | 'too_long' | undefined {
  const streamStart = bytes.indexOf(SPACE, lineStart) + 1;
  const stream = bytes[streamStart + 3] === 0x6f ? 'stdout' : 'stderr';
  const partial = bytes[streamStart + 7] === 0x50;
  const pending = cursor.criPending.get(stream);
  if (partial) {
    const held = pending ?? { chunks: [], bytes: 0 };
    held.bytes += end - content;
    // Past the limit, keep counting but stop holding: the F line then reports line_too_long.
    if (held.bytes <= maxLineBytes) held.chunks.push(Buffer.from(bytes.subarray(content, end)));
    else held.chunks = [];
    cursor.criPending.set(stream, held);
    return 'partial';
  }
  if (pending === undefined) return undefined;
  cursor.criPending.delete(stream);
  if (pending.bytes + (end - content) > maxLineBytes) return 'too_long';
  return Buffer.concat([...pending.chunks, bytes.subarray(content, end)]);
}

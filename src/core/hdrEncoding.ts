/**
 * HdrHistogram's V2 compressed encoding — the Base64 ("HISTFAAA…") that HdrHistogram's Java, C, Go, Rust, Python
 * and JS libraries write and read — straight from and into HdrCounts. hdr-histogram-js can encode only through a
 * histogram object with its counts array sized for the highest value (~64 KB each), made and dropped per group,
 * which cost a state of 2,000 busy hours 600 ms and ~120 MB of short-lived memory outside the JS heap.
 *
 * Layout (big-endian): cookie 0x1c849314, length of the zlib-deflated body, then the body: cookie 0x1c849313, payload
 * length, normalizing index offset (0), significant digits, lowest discernible value (int64), highest trackable
 * value (int64), integer-to-double ratio (a double, 1.0), then the counts from index 0 to the last non-zero one as
 * ZigZag LEB128 numbers, a run of n > 1 empty buckets written as −n.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { countsIndexOf, HdrCounts } from './hdrCounts.js';

const ENCODING_COOKIE = 0x1c849303 | 0x10;
const COMPRESSED_COOKIE = 0x1c849304 | 0x10;
const HEADER_BYTES = 40;
const DIGITS = 3;
const LOWEST = 1;
/** The index of 2^53 µs (285 years): past it a histogram of latencies is not one (a hostile run of empty buckets). */
const MAX_INDEX = countsIndexOf(2 ** 53);
/** Far more than the ~180 KB the counts of any latency take: a bound on what a crafted body inflates to. */
const MAX_BODY_BYTES = 4 * 2 ** 20;

export function encodeHdr(counts: HdrCounts): string {
  const words: number[] = [];
  let next = 0; // the first index not yet written
  counts.forEachIndex((index, count) => {
    const zeros = index - next;
    if (zeros === 1) words.push(0);
    else if (zeros > 1) words.push(-zeros);
    words.push(count);
    next = index + 1;
  });
  const payload: number[] = [];
  for (const word of words) putZigZag(payload, word);
  const body = Buffer.alloc(HEADER_BYTES + payload.length);
  body.writeInt32BE(ENCODING_COOKIE, 0);
  body.writeInt32BE(payload.length, 4);
  body.writeInt32BE(0, 8);
  body.writeInt32BE(DIGITS, 12);
  body.writeBigInt64BE(BigInt(LOWEST), 16);
  body.writeBigInt64BE(BigInt(Math.max(2, counts.valuesBelow())), 24);
  body.writeDoubleBE(1, 32);
  Buffer.from(payload).copy(body, HEADER_BYTES);
  const compressed = deflateSync(body);
  const whole = Buffer.alloc(8 + compressed.length);
  whole.writeInt32BE(COMPRESSED_COOKIE, 0);
  whole.writeInt32BE(compressed.length, 4);
  compressed.copy(whole, 8);
  return whole.toString('base64');
}

/** The counts and their total; throws with what is wrong (not this encoding, other parameters, cut short). */
export function decodeHdr(base64: string): { counts: HdrCounts; total: number } {
  const whole = Buffer.from(base64, 'base64');
  if (whole.length < 8 || whole.readInt32BE(0) !== COMPRESSED_COOKIE) throw new Error('not a V2 compressed HdrHistogram');
  const length = whole.readInt32BE(4);
  if (length < 0 || 8 + length > whole.length) throw new Error('cut short');
  const body = inflateSync(whole.subarray(8, 8 + length), { maxOutputLength: MAX_BODY_BYTES });
  if (body.length < HEADER_BYTES || body.readInt32BE(0) !== ENCODING_COOKIE) throw new Error('not a V2 HdrHistogram body');
  const payloadLength = body.readInt32BE(4);
  if (body.readInt32BE(12) !== DIGITS || body.readBigInt64BE(16) !== BigInt(LOWEST)) {
    throw new Error(`a histogram of lowest value ${LOWEST} and ${DIGITS} significant digits was expected`);
  }
  if (payloadLength < 0 || HEADER_BYTES + payloadLength > body.length) throw new Error('cut short');
  const counts = new HdrCounts();
  let total = 0;
  let index = 0;
  const cursor = { at: HEADER_BYTES };
  const end = HEADER_BYTES + payloadLength;
  while (cursor.at < end) {
    const word = getZigZag(body, cursor, end);
    if (word < 0) {
      index -= word;
    } else {
      if (index > MAX_INDEX) throw new Error('a bucket beyond any latency');
      if (word > 0) counts.addAt(index, word);
      total += word;
      index++;
    }
  }
  return { counts, total };
}

/** ZigZag, then LEB128 (the 9-byte variant: a 9th byte carries 8 bits; counts here stay far below 2^53). */
function putZigZag(bytes: number[], word: number): void {
  let value = word >= 0 ? word * 2 : -word * 2 - 1;
  for (let i = 0; i < 8 && value >= 0x80; i++) {
    bytes.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  bytes.push(value);
}

function getZigZag(bytes: Buffer, cursor: { at: number }, end: number): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 9; i++) {
    if (cursor.at >= end) throw new Error('cut short');
    const byte = bytes[cursor.at++] as number;
    if (i === 8) {
      value += byte * scale;
      break;
    }
    value += (byte & 0x7f) * scale;
    scale *= 0x80;
    if ((byte & 0x80) === 0) break;
  }
  return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
}

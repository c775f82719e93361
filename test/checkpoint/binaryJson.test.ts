/** The checkpoint's file format: JSON with typed arrays as raw bytes — read back exactly, and damage is an error, never a crash or a hang. */
import { describe, expect, it } from 'vitest';
import { decodeBinaryJson, encodeBinaryJson } from '../../src/checkpoint/binaryJson.js';

const MAGIC = 'test format';
const value = {
  name: 'state',
  list: [1, 'two', null, { nested: new Float64Array([1.5, Number.NaN, -0, 2 ** 60]) }],
  counts: new Uint32Array([0, 1, 2 ** 32 - 1]),
  small: new Uint8Array([7, 8, 9]),
  signed: new Int32Array([-1, 2 ** 31 - 1]),
  empty: new Float64Array(0),
};

describe('binary JSON', () => {
  it('reads back every value and typed array exactly, from a file read into a buffer at any offset', () => {
    const bytes = Buffer.concat(encodeBinaryJson(MAGIC, value));
    for (const shift of [0, 1, 3, 8]) {
      // A buffer whose data does not start at an aligned address: its columns are copied, not viewed.
      const shifted = Buffer.alloc(bytes.length + shift).subarray(shift);
      bytes.copy(shifted);
      const read = decodeBinaryJson(MAGIC, shifted) as typeof value;
      expect(read.name).toBe('state');
      expect([...(read.list[3] as { nested: Float64Array }).nested]).toEqual([1.5, Number.NaN, -0, 2 ** 60]);
      expect(read.counts).toBeInstanceOf(Uint32Array);
      expect([...read.counts]).toEqual([0, 1, 2 ** 32 - 1]);
      expect([...read.small]).toEqual([7, 8, 9]);
      expect([...read.signed]).toEqual([-1, 2 ** 31 - 1]);
      expect(read.empty.length).toBe(0);
    }
  });

  it('says what is wrong with a damaged file: another format, a header cut short, a column out of range or badly described', () => {
    const bytes = Buffer.concat(encodeBinaryJson(MAGIC, value));
    const text = bytes.toString('latin1');
    const cases: [Buffer, RegExp][] = [
      [Buffer.from('{"not": "this format"}'), /does not start with/],
      [bytes.subarray(0, 40), /header is cut short/],
      [Buffer.from(text.replace(/^(test format\n)\d+/, '$1-5'), 'latin1'), /header is cut short/],
      [bytes.subarray(0, bytes.length - 4), /column is cut short/],
      [Buffer.from(text.replace('"type":"Uint32Array"', '"type":"Uint32Arrax"'), 'latin1'), /column is not described right/],
    ];
    for (const [damaged, message] of cases) expect(() => decodeBinaryJson(MAGIC, damaged)).toThrow(message);
  });
});

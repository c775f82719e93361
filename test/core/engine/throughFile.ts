/** A part's or an engine's state as a checkpoint file carries it: written in the file's format and read back. */
import { decodeBinaryJson, encodeBinaryJson } from '../../../src/checkpoint/binaryJson.js';

export function throughFile<T>(state: T): T {
  return decodeBinaryJson('a test state', Buffer.concat(encodeBinaryJson('a test state', state))) as T;
}

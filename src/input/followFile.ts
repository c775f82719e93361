/**
 * A growing file read like `tail -f` from its start: everything there, then what is appended, checked every
 * POLL_MS; a file truncated in place (copytruncate) is read again from its start. Ends when `signal` aborts.
 */
import { promises as fs } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { CHUNK_BYTES } from './decode.js';

const POLL_MS = 200;

export async function* followFileChunks(path: string, signal: AbortSignal): AsyncGenerator<Buffer> {
  const file = await fs.open(path, 'r');
  try {
    let position = 0;
    while (!signal.aborted) {
      const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
      const { bytesRead } = await file.read(buffer, 0, CHUNK_BYTES, position);
      if (bytesRead > 0) {
        position += bytesRead;
        yield buffer.subarray(0, bytesRead);
        continue;
      }
      const { size } = await file.stat();
      if (size < position) {
        position = 0; // truncated: start again
        continue;
      }
      try {
        await sleep(POLL_MS, undefined, { signal });
      } catch {
        return; // aborted
      }
    }
  } finally {
    await file.close();
  }
}

/**
 * Writing results: to stdout with back-pressure and a quiet stop when the reader went away (`| head`), or to a
 * file atomically (temp file + rename) so a cron job never leaves half a report.
 */
import { promises as fs, rmSync } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { cleanUpOnInterrupt } from './interrupt.js';

/** Resolves 'closed' instead of failing when the other end of a pipe is gone (EPIPE). */
export function writeToStream(stream: Writable, text: string): Promise<'written' | 'closed'> {
  ignoreErrorEvents(stream);
  return new Promise((resolve, reject) => {
    stream.write(text, (error) => {
      const code = (error as NodeJS.ErrnoException | null | undefined)?.code;
      if (error === undefined || error === null) resolve('written');
      else if (code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED') resolve('closed');
      else reject(error);
    });
  });
}

const guarded = new WeakSet<Writable>();

/**
 * Write failures reach the write callback; the 'error' event that follows them would otherwise crash the process
 * with a stack trace (`| head` closing stdout, a closed stderr).
 */
export function ignoreErrorEvents(stream: Writable): void {
  if (guarded.has(stream)) return;
  guarded.add(stream);
  stream.on('error', () => {});
}

export async function writeFileAtomically(target: string, text: string): Promise<void> {
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${Date.now()}.tmp`);
  const forget = cleanUpOnInterrupt(() => rmSync(temporary, { force: true }));
  try {
    await fs.writeFile(temporary, text, { flag: 'wx' });
    await fs.rename(temporary, target);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  } finally {
    forget();
  }
}

/**
 * gzip inflated on a thread of its own (gunzipWorker.ts) while this thread parses: inflating here would hold this
 * thread for about half as long again as the parse (measured on the bench's 1M-line .gz). Before, zlib's stream inflated on the thread pool but needed this thread's event loop between slices, and
 * stood still while the parser worked on a chunk (this thread waited 320 ms of 2.3 s for it). The gzip thread
 * runs the same gunzipMembers, so the same bytes decode and a break ends the source after the same output, with
 * the same message.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { GzipBreak } from './gunzip.js';
import { type FromGunzipThread, INPUT_AHEAD, INPUT_FAILED, type ToGunzipThread, Wakeup } from './gunzipMessages.js';

/** Built by `npm run build` (scripts/bundle.mjs); the same path from src/, dist/ and dist/bundle/. */
const WORKER_FILE = new URL('../../dist/bundle/gunzipWorker.js', import.meta.url);

let workerBuilt: boolean | undefined;

/** Whether the gzip thread's file is there (a checkout not yet built inflates on the calling thread). */
export function hasGunzipThread(): boolean {
  return (workerBuilt ??= existsSync(fileURLToPath(WORKER_FILE)));
}

/** The decoded bytes of a gzip stream; each chunk is valid until the next is asked for. */
export async function* gunzipOnThread(compressed: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  // None of this process's Node flags: they are for the command line (--input-type=module fails a worker's file).
  const worker = new Worker(WORKER_FILE, { execArgv: [] });
  const send = (message: ToGunzipThread, transfer: ArrayBuffer[] = []): void => worker.postMessage(message, transfer);
  const answers: FromGunzipThread[] = [];
  let crash: Error | undefined;
  const messages = new Wakeup();
  // The compressed bytes, read one chunk at a time as the gzip thread asks for them.
  let reading = Promise.resolve();
  let readError: unknown;
  let inputEnded = false;
  const sendNextInput = (): void => {
    reading = reading.then(async () => {
      if (inputEnded) return;
      try {
        const next = await compressed.next();
        if (next.done === true) {
          inputEnded = true;
          send({ kind: 'end' });
          return;
        }
        const copy = new Uint8Array(next.value); // its own memory, to transfer: the source reuses its buffers
        send({ kind: 'input', buffer: copy.buffer }, [copy.buffer]);
      } catch (error) {
        inputEnded = true;
        readError = error;
        send({ kind: 'failed' });
      }
    });
  };
  worker.on('message', (answer: FromGunzipThread) => {
    if (answer.kind === 'need') sendNextInput();
    else answers.push(answer);
    messages.wake();
  });
  worker.on('error', (error) => {
    crash ??= error;
    messages.wake();
  });
  worker.on('exit', (code) => {
    crash ??= new Error(`it stopped with exit code ${code}`);
    messages.wake();
  });
  for (let i = 0; i < INPUT_AHEAD; i++) sendNextInput();
  try {
    for (;;) {
      await messages.until(() => answers.length > 0 || crash !== undefined);
      const answer = answers.shift();
      if (answer === undefined || answer.kind === 'need') throw new Error(`the gzip thread failed: ${crash?.message}`);
      if (answer.kind === 'done') return;
      if (answer.kind === 'error') throw errorOf(answer, readError);
      yield Buffer.from(answer.buffer, 0, answer.length);
      send({ kind: 'recycle', buffer: answer.buffer }, [answer.buffer]);
    }
  } finally {
    inputEnded = true; // no read started after this, whatever the thread still asks for
    await worker.terminate();
  }
}

/** The gzip thread's error as this thread throws it: a GzipBreak, or the read error of the compressed input. */
function errorOf(answer: { readonly name: string; readonly message: string }, readError: unknown): unknown {
  if (answer.name === 'GzipBreak') return new GzipBreak(answer.message);
  if (answer.message === INPUT_FAILED && readError !== undefined) return readError;
  return new Error(`the gzip thread failed: ${answer.name}: ${answer.message}`);
}

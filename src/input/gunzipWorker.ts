/**
 * The gzip thread (started by gunzipThread.ts): inflates the compressed bytes the main thread sends, with the same
 * gunzipMembers a single thread uses, into output buffers that travel to the main thread and back. It asks for
 * input as it uses it up and stops inflating while every output buffer is away, so memory stays bounded.
 */
import { parentPort } from 'node:worker_threads';
import { GzipBreak, gunzipMembers } from './gunzip.js';
import { type FromGunzipThread, INPUT_FAILED, OUTPUT_BUFFERS, OUTPUT_BYTES, type ToGunzipThread, Wakeup } from './gunzipMessages.js';

const port = parentPort;
if (port === null) throw new Error('gunzipWorker.js runs as a worker thread');

/** What the main thread sent and this thread has not taken yet, and who waits for it. */
const inputs: Exclude<ToGunzipThread, { kind: 'recycle' }>[] = [];
const freeOutputs: ArrayBuffer[] = Array.from({ length: OUTPUT_BUFFERS }, () => new ArrayBuffer(OUTPUT_BYTES));
const messages = new Wakeup();

port.on('message', (message: ToGunzipThread) => {
  if (message.kind === 'recycle') freeOutputs.push(message.buffer);
  else inputs.push(message);
  messages.wake();
});

const post = (message: FromGunzipThread, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

async function* compressed(): AsyncGenerator<Buffer> {
  for (;;) {
    if (inputs.length === 0) flushOutput(); // what decoded so far goes now, not when more comes
    await messages.until(() => inputs.length > 0);
    const next = inputs.shift() as (typeof inputs)[number];
    if (next.kind === 'end') return;
    if (next.kind === 'failed') throw new Error(INPUT_FAILED);
    post({ kind: 'need' });
    yield Buffer.from(next.buffer);
  }
}

/** The output buffer being filled, and how much of it is. */
let output: Buffer | null = null;
let filled = 0;

async function write(bytes: Buffer): Promise<void> {
  for (let at = 0; at < bytes.length; ) {
    if (output === null) {
      await messages.until(() => freeOutputs.length > 0);
      output = Buffer.from(freeOutputs.pop() as ArrayBuffer);
      filled = 0;
    }
    const step = Math.min(bytes.length - at, output.length - filled);
    bytes.copy(output, filled, at, at + step);
    filled += step;
    at += step;
    if (filled === output.length) flushOutput();
  }
}

function flushOutput(): void {
  if (output === null || filled === 0) return;
  const buffer = output.buffer as ArrayBuffer;
  post({ kind: 'output', buffer, length: filled }, [buffer]);
  output = null;
}

try {
  for await (const bytes of gunzipMembers(compressed(), OUTPUT_BYTES)) await write(bytes);
  flushOutput();
  post({ kind: 'done' });
} catch (error) {
  flushOutput(); // everything that decoded before the break, first
  const { name, message } = error as Error;
  post({ kind: 'error', name: error instanceof GzipBreak ? 'GzipBreak' : name, message });
}

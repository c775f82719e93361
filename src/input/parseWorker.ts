/**
 * A parse worker thread: parses the tasks it is sent, one at a time in the order sent, and answers each with its
 * records packed in a RecordBlock (the arrays transferred, not copied) and its tally. The main thread sends the
 * arrays back once it has read them, to be filled again.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ParseTask } from './parallelPlan.js';
import { type BlockResult, type ParseSettings, TaskParser } from './parseTask.js';
import { BlockEncoder } from './recordBlock.js';

export type WorkerAnswer = BlockResult | { readonly id: number; readonly error: string };
export type WorkerRequest = { readonly task: ParseTask } | { readonly recycle: { numbers: Float64Array; ints: Int32Array } };

const port = parentPort;
if (port === null) throw new Error('parseWorker.js runs as a worker thread');
const encoder = new BlockEncoder();
const parser = new TaskParser(workerData as ParseSettings, { encoder });
let queue = Promise.resolve();
port.on('message', (request: WorkerRequest) => {
  if ('recycle' in request) {
    encoder.recycle(request.recycle.numbers, request.recycle.ints);
    return;
  }
  const { task } = request;
  // One task at a time, in the order sent: each block's string indexes build on the blocks before it.
  queue = queue.then(async () => {
    let answer: WorkerAnswer;
    try {
      answer = { ...(await parser.parse(task)), block: encoder.take() };
    } catch (error) {
      answer = { id: task.id, error: (error as Error).stack ?? String(error) };
    }
    const transfer = 'block' in answer ? [answer.block.numbers.buffer, answer.block.ints.buffer] : [];
    port.postMessage(answer, transfer as ArrayBuffer[]);
  });
});

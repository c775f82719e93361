/**
 * A parse worker thread: parses the tasks it is sent, one at a time in the order sent, and answers each with its
 * records packed in a RecordBlock (the arrays transferred, not copied) and its tally.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type BlockResult, type ParseSettings, TaskParser } from './parseTask.js';
import type { ParseTask } from './parallelPlan.js';

export type WorkerAnswer = BlockResult | { readonly id: number; readonly error: string };

const port = parentPort;
if (port === null) throw new Error('parseWorker.js runs as a worker thread');
const parser = new TaskParser(workerData as ParseSettings);
let queue = Promise.resolve();
port.on('message', (task: ParseTask) => {
  // One task at a time, in the order sent: each block's string indexes build on the blocks before it.
  queue = queue.then(async () => {
    let answer: WorkerAnswer;
    try {
      answer = await parser.parse(task);
    } catch (error) {
      answer = { id: task.id, error: (error as Error).stack ?? String(error) };
    }
    const transfer = 'block' in answer ? [answer.block.numbers.buffer, answer.block.ints.buffer] : [];
    port.postMessage(answer, transfer as ArrayBuffer[]);
  });
});

/** Helpers of the tests of `serve` and `rules`: the real binary serving on loopback, scraped over HTTP. */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT } from '../helpers.js';

export const BIN = path.join(ROOT, 'bin', 'claude-mon.cjs');
export const HAS_PROMTOOL = spawnSync('promtool', ['--version'], { timeout: 10_000 }).status === 0;
export const NO_PROMTOOL = 'promtool is not installed (Debian package prometheus; .ci/run installs it)';

export interface Serving {
  readonly child: ChildProcessWithoutNullStreams;
  /** "127.0.0.1:PORT" */
  readonly address: string;
  stderr(): string;
  scrape(accept?: string): Promise<{ status: number; contentType: string; text: string }>;
  /** A scrape after one that showed new feature × model pairs at zero (as serve does, once): the counts. */
  settled(accept?: string): Promise<{ status: number; contentType: string; text: string }>;
  stop(): Promise<number | null>;
}

const running: Serving[] = [];

/** Stops every `serve` started (for afterEach). */
export async function stopAll(): Promise<void> {
  await Promise.all(running.splice(0).map((serving) => serving.stop()));
}

/**
 * Starts `claude-mon serve --listen 127.0.0.1:0 ARGS` (under `ulimit -n OPEN_FILES`, if given; through the command
 * `prefix`, if given) and waits for the address it prints.
 */
export async function serve(args: readonly string[], openFiles?: number, prefix: readonly string[] = []): Promise<Serving> {
  const command = [...prefix, 'node', BIN, 'serve', '--listen', '127.0.0.1:0', ...args];
  const child =
    openFiles === undefined
      ? spawn(command[0] as string, command.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] })
      : spawn('bash', ['-c', `ulimit -n ${openFiles} && exec "$@"`, 'bash', ...command], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const watchdog = setTimeout(() => child.kill('SIGKILL'), 120_000);
  exited.finally(() => clearTimeout(watchdog));
  let address: string | undefined;
  const deadline = Date.now() + 15_000;
  while (address === undefined && Date.now() < deadline) {
    address = /serving https?:\/\/([^/]+)\/metrics/.exec(stderr)?.[1];
    if (address === undefined) await sleep(25);
  }
  if (address === undefined) {
    child.kill('SIGKILL');
    throw new Error(`serve did not start: ${stderr}`);
  }
  const serving: Serving = {
    child,
    address,
    stderr: () => stderr,
    async scrape(accept) {
      const response = await fetch(`http://${address}/metrics`, accept === undefined ? {} : { headers: { Accept: accept } });
      return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
    },
    async settled(accept) {
      await serving.scrape(accept);
      return serving.scrape(accept);
    },
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
  running.push(serving);
  return serving;
}

/** The samples of a scrape: `name{labels}` → value. */
export function samples(text: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    found.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return found;
}

/** Sum of the samples of `name` whose labels include every one of `labels` (`k="v"` texts). */
export function total(text: string, name: string, labels: readonly string[] = []): number {
  let sum = 0;
  for (const [series, value] of samples(text)) {
    const brace = series.indexOf('{');
    const seriesName = brace < 0 ? series : series.slice(0, brace);
    if (seriesName === name && labels.every((label) => series.includes(label))) sum += value;
  }
  return sum;
}

export async function until(predicate: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return true;
    await sleep(100);
  }
  return predicate();
}


/**
 * The connections of `serve`'s HTTP server, and what bounds them:
 * - at most connectionCap() open: at the cap, a new one closes the one idle the longest, or whose answer has stalled
 *   the longest (its client has taken no byte of it for STALL_MS), so that a scrape gets in however many are held;
 * - an answer not written out within ANSWER_DEADLINE_MS (Prometheus gives up on a scrape after 10 s) closes its
 *   connection;
 * - at the cap of answers in flight, the one stalled the longest is closed to make room (closeStalled).
 */
import { readFileSync } from 'node:fs';
import type http from 'node:http';
import type { Socket } from 'node:net';

export const ANSWER_DEADLINE_MS = 15_000;
export const STALL_MS = 2000;
/** File descriptors kept for the followed files, positions and the like. */
const RESERVED_FDS = 64;
const MAX_CONNECTIONS = 1000;
/** How often the answers in flight are looked at for progress. */
const SAMPLE_MS = 500;

export interface Connection {
  /** The answer last queued on it: the next waits for it. */
  last: Promise<unknown>;
  /** Requests parsed and not yet answered. */
  waiting: number;
  /** An answer is being written. */
  busy: boolean;
  lastActiveMs: number;
  /** socket.bytesWritten when last seen to move, and when. */
  bytesSeen: number;
  progressMs: number;
}

export class Connections {
  private readonly open = new Map<Socket, Connection>();
  private readonly sampler: NodeJS.Timeout;

  constructor(readonly cap = connectionCap()) {
    this.sampler = setInterval(() => this.sample(), SAMPLE_MS).unref();
  }

  add(socket: Socket): void {
    if (this.open.size >= this.cap) this.closeIdlest();
    this.of(socket);
  }

  of(socket: Socket): Connection {
    let connection = this.open.get(socket);
    if (connection === undefined) {
      const now = performance.now();
      this.open.set(socket, (connection = { last: Promise.resolve(), waiting: 0, busy: false, lastActiveMs: now, bytesSeen: 0, progressMs: now }));
      socket.once('close', () => this.open.delete(socket));
    }
    return connection;
  }

  /** Marks an answer begun on `socket`; the returned function marks it done. Past ANSWER_DEADLINE_MS, it is closed. */
  answering(socket: Socket): () => void {
    const connection = this.of(socket);
    connection.busy = true;
    connection.bytesSeen = socket.bytesWritten;
    connection.progressMs = performance.now();
    const deadline = setTimeout(() => socket.destroy(), ANSWER_DEADLINE_MS).unref();
    return () => {
      clearTimeout(deadline);
      connection.busy = false;
      connection.lastActiveMs = performance.now();
    };
  }

  /** Closes the connection whose answer has stalled the longest (STALL_MS at least); false when none has. */
  closeStalled(): boolean {
    const stalled = this.oldest((connection, now) => connection.busy && now - connection.progressMs >= STALL_MS, (connection) => connection.progressMs);
    stalled?.destroy();
    return stalled !== undefined;
  }

  stop(): void {
    clearInterval(this.sampler);
  }

  private closeIdlest(): void {
    const idle = this.oldest((connection) => !connection.busy && connection.waiting === 0, (connection) => connection.lastActiveMs);
    if (idle !== undefined) idle.destroy();
    else this.closeStalled();
  }

  private oldest(which: (connection: Connection, now: number) => boolean, since: (connection: Connection) => number): Socket | undefined {
    const now = performance.now();
    let found: [Socket, number] | undefined;
    for (const [socket, connection] of this.open) {
      if (socket.destroyed || !which(connection, now)) continue;
      if (found === undefined || since(connection) < found[1]) found = [socket, since(connection)];
    }
    return found?.[0];
  }

  private sample(): void {
    const now = performance.now();
    for (const [socket, connection] of this.open) {
      if (connection.busy && socket.bytesWritten !== connection.bytesSeen) {
        connection.bytesSeen = socket.bytesWritten;
        connection.progressMs = now;
      }
    }
  }
}

/** A socket or a response: what is written to it is buffered until it drains. */
type Drainable = NodeJS.EventEmitter & { readonly writableNeedDrain: boolean; readonly destroyed: boolean };

/** Resolves once the buffered writes are under the high-water mark (or it is closed). */
export function drained(stream: Drainable): Promise<void> {
  if (!stream.writableNeedDrain || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

/** Resolves once the response is handed to the kernel whole, or its connection closed. */
export function finished(response: http.ServerResponse): Promise<void> {
  if (response.writableFinished) return Promise.resolve();
  return new Promise((resolve) => {
    response.once('finish', () => resolve());
    response.once('close', () => resolve());
  });
}

/** At most MAX_CONNECTIONS, and RESERVED_FDS under the soft open-file limit where /proc says what it is. */
function connectionCap(): number {
  try {
    const soft = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1];
    if (soft !== undefined) return Math.max(16, Math.min(MAX_CONNECTIONS, Number(soft) - RESERVED_FDS));
  } catch {
    // not Linux: the cap alone
  }
  return MAX_CONNECTIONS;
}

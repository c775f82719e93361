/**
 * stdin's bytes into reused buffers, as a file's are read. Through process.stdin each 64 KiB read is a new buffer
 * that only a garbage collection frees: ten million lines piped in held 50–80 MB more at the peak on Node 24.
 * - a pipe or a socket (`kubectl logs | claude-mon`, a parent's spawn): a socket of our own on the descriptor,
 *   reading into one buffer (process.stdin, which chalk's import of node:process makes, stays paused, never read);
 * - a file (`< app.log`): read from where it stands;
 * - anything else (a terminal, a socket net.Socket cannot open), and no descriptor (tests run in-process): the stream.
 */
import { fstatSync } from 'node:fs';
import { type OnReadOpts, Socket, type SocketConstructorOpts } from 'node:net';
import { readDescriptorChunks } from './decode.js';

const BUFFER_BYTES = 1 << 20;

/** Nothing is read, or opened, until the first piece is asked for: a run given files leaves stdin to others. */
export async function* readStdinChunks(fd: number | undefined, stream: () => AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  if (fd === undefined) {
    yield* stream();
    return;
  }
  const kind = fstatSync(fd);
  const socket = kind.isFIFO() || kind.isSocket() ? socketOn(fd) : null;
  if (kind.isFile()) yield* readDescriptorChunks(fd);
  else yield* socket === null ? stream() : readSocketChunks(socket);
}

/** A socket reading `fd` into one buffer, a piece at a time; null for a descriptor it cannot open (a datagram socket). */
function socketOn(fd: number): SocketWithBuffer | null {
  const read: SocketWithBuffer['read'] = { piece: null, ended: false, failure: null };
  const options = {
    fd,
    readable: true,
    writable: false,
    // In the constructor's options since Node 12.10 (documented there later), not in @types/node 20's type.
    onread: {
      buffer: Buffer.allocUnsafeSlow(BUFFER_BYTES),
      callback: (bytes: number, buffer: Uint8Array): boolean => {
        read.piece = Buffer.from(buffer.buffer, buffer.byteOffset, bytes);
        read.wake?.();
        return false; // stop reading until this piece is taken
      },
    },
  } satisfies SocketConstructorOpts & { onread: OnReadOpts };
  let socket: Socket;
  try {
    socket = new Socket(options);
  } catch {
    return null;
  }
  socket.on('end', () => {
    read.ended = true;
    read.wake?.();
  });
  socket.on('error', (error) => {
    read.failure = error;
    read.wake?.();
  });
  return { socket, read };
}

interface SocketWithBuffer {
  readonly socket: Socket;
  /** The piece read and not yet taken, the end or a failure, and who waits for them. */
  readonly read: { piece: Buffer | null; ended: boolean; failure: Error | null; wake?: () => void };
}

/** Each piece is valid until the next is asked for: the socket reads no further until then. */
async function* readSocketChunks({ socket, read }: SocketWithBuffer): AsyncGenerator<Buffer> {
  try {
    for (;;) {
      if (read.piece === null && !read.ended && read.failure === null) {
        await new Promise<void>((resolve) => {
          read.wake = resolve;
          socket.resume();
        });
        delete read.wake;
      }
      if (read.piece !== null) {
        const taken: Buffer = read.piece;
        read.piece = null;
        yield taken;
      } else if (read.failure !== null) {
        throw read.failure;
      } else {
        return;
      }
    }
  } finally {
    socket.destroy(); // libuv never closes descriptors 0–2: stdin stays open
  }
}

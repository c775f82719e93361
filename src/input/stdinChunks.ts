/**
 * stdin's bytes into reused buffers, as a file's are read. Through process.stdin each 64 KiB read is a new buffer
 * that only a garbage collection frees: ten million lines piped in held 50–80 MB more at the peak on Node 24.
 * - a pipe or a socket (`kubectl logs | claude-mon`, a parent's spawn): a socket of our own on the descriptor,
 *   reading into one buffer (process.stdin, which a module import may have made, is left paused and never read);
 * - a file (`< app.log`): read from where it stands;
 * - anything else (a terminal), and no descriptor (tests run in-process): the stream.
 */
import { fstatSync } from 'node:fs';
import { type OnReadOpts, Socket, type SocketConstructorOpts } from 'node:net';
import { readDescriptorChunks } from './decode.js';

const BUFFER_BYTES = 1 << 20;

export function readStdinChunks(fd: number | undefined, stream: () => AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  if (fd === undefined) return stream();
  const kind = fstatSync(fd);
  if (kind.isFile()) return readDescriptorChunks(fd);
  if (kind.isFIFO() || kind.isSocket()) return readSocketChunks(fd);
  return stream();
}

/** Each piece is valid until the next is asked for: the socket reads no further until then. */
async function* readSocketChunks(fd: number): AsyncGenerator<Buffer> {
  let piece: Buffer | null = null;
  let ended = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  // `onread` in the constructor: documented for new net.Socket() since Node 15, missing from @types/node 20's type.
  const socket = new Socket({
    fd,
    readable: true,
    writable: false,
    onread: {
      buffer: Buffer.allocUnsafeSlow(BUFFER_BYTES),
      callback: (bytes: number, buffer: Uint8Array): boolean => {
        piece = Buffer.from(buffer.buffer, buffer.byteOffset, bytes);
        wake?.();
        return false; // stop reading until this piece is taken
      },
    },
  } as SocketConstructorOpts & { onread: OnReadOpts });
  socket.on('end', () => {
    ended = true;
    wake?.();
  });
  socket.on('error', (error) => {
    failure = error;
    wake?.();
  });
  try {
    for (;;) {
      if (piece === null && !ended && failure === null) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          socket.resume();
        });
        wake = null;
      }
      if (piece !== null) {
        const taken: Buffer = piece;
        piece = null;
        yield taken;
      } else if (failure !== null) {
        throw failure;
      } else {
        return;
      }
    }
  } finally {
    // Paused and let go of, not destroyed: destroying would close descriptor 0, which a file opened later could get.
    socket.pause();
    socket.unref();
  }
}

/**
 * Splits a byte stream into lines on '\n' only, without decoding. A line that spans chunks is joined once; a line
 * longer than maxLineBytes is never held: its bytes are counted and dropped until the next '\n'.
 * The final line is delivered even without a trailing '\n'. Chunks are borrowed: nothing of one is kept after
 * push() returns, and lines handed out are valid only during the handler call.
 */
export interface LineHandler {
  line(bytes: Buffer, start: number, end: number): void;
  tooLong(lengthBytes: number): void;
}

const NEWLINE = 0x0a;

export class LineSplitter {
  private held: Buffer[] = [];
  private heldBytes = 0;
  private skipping = false;
  private skippedBytes = 0;

  constructor(
    private readonly maxLineBytes: number,
    private readonly handler: LineHandler,
  ) {}

  push(chunk: Buffer): void {
    let pos = 0;
    if (this.skipping || this.heldBytes > 0) {
      const newline = chunk.indexOf(NEWLINE);
      if (newline < 0) {
        this.hold(chunk, 0, chunk.length);
        return;
      }
      this.hold(chunk, 0, newline);
      this.releaseHeld();
      pos = newline + 1;
    }
    const { maxLineBytes, handler } = this;
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, pos);
      if (newline < 0) break;
      if (newline - pos > maxLineBytes) handler.tooLong(newline - pos);
      else handler.line(chunk, pos, newline);
      pos = newline + 1;
    }
    if (pos < chunk.length) this.hold(chunk, pos, chunk.length);
  }

  /** Delivers a final line that had no '\n'. */
  end(): void {
    if (this.skipping || this.heldBytes > 0) this.releaseHeld();
  }

  /** Drops a partial final line (the input broke off mid-line); true when there was one. */
  discardHeld(): boolean {
    const had = this.skipping || this.heldBytes > 0;
    this.held = [];
    this.heldBytes = 0;
    this.skipping = false;
    return had;
  }

  private hold(chunk: Buffer, start: number, end: number): void {
    if (this.skipping) {
      this.skippedBytes += end - start;
    } else if (this.heldBytes + (end - start) > this.maxLineBytes) {
      this.skipping = true;
      this.skippedBytes = this.heldBytes + (end - start);
      this.held = [];
      this.heldBytes = 0;
    } else if (end > start) {
      this.held.push(Buffer.from(chunk.subarray(start, end))); // a copy: the reader reuses its chunk buffers
      this.heldBytes += end - start;
    }
  }

  private releaseHeld(): void {
    if (this.skipping) {
      this.skipping = false;
      this.handler.tooLong(this.skippedBytes);
      return;
    }
    const line = this.held.length === 1 ? (this.held[0] as Buffer) : Buffer.concat(this.held, this.heldBytes);
    this.held = [];
    this.heldBytes = 0;
    this.handler.line(line, 0, line.length);
  }
}

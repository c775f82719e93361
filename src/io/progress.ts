/**
 * Progress of a long read on stderr, only when stderr is a terminal (never on a pipe or in a log file): bytes read
 * of the total when the sizes are known, and records per second, on one line redrawn in place and erased at the end.
 */
import type { Writable } from 'node:stream';

const REDRAW_MS = 250;
/** Reads shorter than this show nothing: a flash of text is noise. */
const SHOW_AFTER_MS = 1000;

export class Progress {
  private bytes = 0;
  private records = 0;
  private shown = false;
  private readonly started = Date.now();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly stderr: Writable,
    private readonly totalBytes: number | null,
  ) {
    this.timer = setInterval(() => this.draw(), REDRAW_MS);
    this.timer.unref();
  }

  addBytes(count: number): void {
    this.bytes += count;
  }

  addRecord(): void {
    this.records++;
  }

  /** Erases the line; call once when the read ends. */
  end(): void {
    clearInterval(this.timer);
    if (this.shown) this.stderr.write('\r\x1b[K');
  }

  private draw(): void {
    const elapsedMs = Date.now() - this.started;
    if (elapsedMs < SHOW_AFTER_MS) return;
    const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
    const share = this.totalBytes !== null && this.totalBytes > 0 ? ` of ${mib(this.totalBytes)} (${Math.min(100, (this.bytes / this.totalBytes) * 100).toFixed(0)}%)` : '';
    const rate = Math.round(this.records / (elapsedMs / 1000)).toLocaleString('en-US');
    this.stderr.write(`\r\x1b[Kreading ${mib(this.bytes)}${share} · ${this.records.toLocaleString('en-US')} records · ${rate} records/s`);
    this.shown = true;
  }
}

import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Progress } from '../../src/io/progress.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

describe('progress on a terminal', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('stays quiet for the first second, then redraws one line in place, and erases it at the end', () => {
    vi.useFakeTimers();
    const stderr = new Capture();
    const progress = new Progress(stderr, 4 * 2 ** 20);
    progress.addBytes(2 ** 20);
    vi.advanceTimersByTime(750);
    expect(stderr.text).toBe('');
    progress.addBytes(2 ** 20);
    for (let i = 0; i < 3000; i++) progress.addRecord();
    vi.advanceTimersByTime(500);
    expect(stderr.text).toMatch(/\r\x1b\[Kreading 2 MiB of 4 MiB \(50%\) · 3,000 records · [\d,]+ records\/s$/);
    progress.end();
    expect(stderr.text.endsWith('\r\x1b[K')).toBe(true);
  });

  it('shows bytes without a total when a size is unknown (stdin)', () => {
    vi.useFakeTimers();
    const stderr = new Capture();
    const progress = new Progress(stderr, null);
    progress.addBytes(3 * 2 ** 20);
    vi.advanceTimersByTime(1250);
    expect(stderr.text).toContain('reading 3 MiB · 0 records');
    progress.end();
  });
});

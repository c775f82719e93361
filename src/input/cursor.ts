/** Where the reader is in one source, and the partial-line state of the envelopes that split lines (CRI, Docker). */
export class SourceCursor {
  /** Physical line (or JSON document element) number of the current entry, from 1. */
  position = 0;
  /** CRI `P` fragments waiting for their `F` line, per stream. */
  readonly criPending = new Map<string, { chunks: Buffer[]; bytes: number }>();
  /** Docker json-file `log` chunks without a trailing '\n', per stream. */
  readonly dockerPending = new Map<string, string>();

  constructor(
    readonly name: string,
    private readonly unit: 'line' | 'item' = 'line',
  ) {}

  where(): string {
    return this.unit === 'line' ? `${this.name}:${this.position}` : `${this.name}[${this.position - 1}]`;
  }
}

/** A window or a bucket boundary that falls between the calls of a cell folded elsewhere, which cannot be split. */
import type { Edge } from '../window.js';

export class CutError extends Error {
  override readonly name = 'CutError';

  constructor(
    /** The cell, in words: 'the hour from 2026-11-26T10:00:00.000Z of "chat" on "claude-sonnet-4-5"'. */
    readonly what: string,
    readonly edge: Edge,
  ) {
    super(`${what} has calls on both sides of ${edge.name} (${new Date(edge.ms).toISOString()})`);
  }
}

/** What one log entry turned out to be, before duplicates are checked. */
export const RECORD = 0;
export const NOISE = 1;
export const REJECT = 2;
/** A fragment held to be joined with later lines (CRI `P`, Docker chunk): not an entry of its own. */
export const PARTIAL = 3;
export type Outcome = typeof RECORD | typeof NOISE | typeof REJECT | typeof PARTIAL;

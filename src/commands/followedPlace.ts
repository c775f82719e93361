/**
 * `alerts --follow --positions FILE`: what a follower keeps across restarts — the alert parts' state (the windows
 * and the days of minutes), the rules firing (said once, not again at each start) and where the file was read to —
 * in a checkpoint file, saved every SAVE_EVERY_MS and at the end. A restart restores them and goes on from the
 * saved position (into a file rotated meanwhile, as `serve --positions` does), so the lines written while it was
 * down are read once, and a rule that stopped firing meanwhile is said to have resolved.
 */
import type { RunContext } from '../context/runContext.js';
import { lockCheckpoint, loadCheckpoint, unusable, writeCheckpoint } from '../checkpoint/checkpointFile.js';
import { type Following, following } from '../checkpoint/followPositions.js';
import type { Engine } from '../core/engine/engine.js';
import { periodically } from '../io/periodically.js';
import { VERSION } from '../version.js';
import { type CheckpointRequest, settingsOf } from './checkpointRead.js';

/** How often a follower's place is saved: the state of a week of minutes takes tens of milliseconds to write. */
const SAVE_EVERY_MS = 10_000;

export interface FollowedPlace {
  /** The followed file, from where the last run left it. */
  readonly following: Following;
  /** Saves the place every SAVE_EVERY_MS until `end`, which saves it once more and lets go of the file. */
  end(): Promise<void>;
}

/** Restores into `engine` and `firing` what the last run kept in `file` (if it can be used), and keeps it from now on. */
export async function followedPlace(context: RunContext, file: string, request: CheckpointRequest, followed: string, engine: Engine, firing: Set<string>): Promise<FollowedPlace> {
  const release = await lockCheckpoint(file);
  try {
    const settings = settingsOf(context, request);
    const loaded = await loadCheckpoint(file, settings);
    if (loaded.kind === 'stale') context.diagnostics.warn(`the positions ${file} are not used (${loaded.reason}): the file is read from its start, and they are written anew`);
    const saved = loaded.kind === 'usable' ? loaded.checkpoint : null;
    if (saved !== null) {
      try {
        engine.restore(saved.engine, `${file}: engine`);
      } catch (error) {
        throw unusable(file, (error as Error).message);
      }
      for (const key of saved.firing) firing.add(key);
    }
    const place = await following(followed, saved?.files ?? [], 'start', (message) => context.diagnostics.warn(message));
    const { mark } = place;

    const saving = periodically(SAVE_EVERY_MS, () => {
      // The engine's state and the mark's position taken together, between two chunks of the file.
      const state = engine.toState();
      const keys = [...firing];
      const positioned = mark.position();
      return async () => {
        const position = await positioned;
        if (position === null) return; // the file was being let go: the next save has it
        const checkpoint = { settings, nowMs: null, engine: state, postponed: [], requestIds: null, files: [position], sawRecords: true, firing: keys };
        await writeCheckpoint(file, checkpoint, `claude-mon ${VERSION}`).catch((error: unknown) => context.diagnostics.error((error as Error).message));
      };
    });
    return {
      following: place,
      end: async () => {
        try {
          await saving.stop();
        } finally {
          await release();
        }
      },
    };
  } catch (error) {
    await release();
    throw error;
  }
}

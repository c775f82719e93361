/**
 * A FoldState as a `.cmstate` file: one JSON document, written a group per line (a state of a million users is
 * never one string). Groups in a fixed order (hour, feature, model; day, user), so the same logs give the same file.
 */
import { type FoldState, STATE_FORMAT, STATE_VERSION } from '../core/foldState.js';
import { compareStrings, type StatsAccumulator } from '../core/stats.js';
import type { LineCounts } from '../core/types.js';

export function* renderStateFile(state: FoldState, input: LineCounts, createdBy: string): Generator<string> {
  const header = { format: STATE_FORMAT, version: STATE_VERSION, createdBy, timezone: state.timezone, input };
  yield `${JSON.stringify(header).slice(0, -1)},\n"hours":[`;
  const hours = [...state.hours()].sort(
    (a, b) => a.hourMs - b.hourMs || compareStrings(a.feature, b.feature) || compareStrings(a.model, b.model),
  );
  yield* groupLines(hours.map((group) => ({ hour: group.hourMs, feature: group.feature, model: group.model, stats: group.stats })));
  yield '\n],\n"users":[';
  const users = [...state.users()].sort((a, b) => compareStrings(a.day, b.day) || compareStrings(a.user, b.user));
  yield* groupLines(users.map((group) => ({ day: group.day, user: group.user, stats: group.stats })));
  yield '\n]}\n';
}

/** One group a line, its accumulator's state made as the line is written. */
function* groupLines(groups: readonly (Record<string, unknown> & { readonly stats: StatsAccumulator })[]): Generator<string> {
  let first = true;
  for (const group of groups) {
    yield `${first ? '' : ','}\n${JSON.stringify({ ...group, stats: group.stats.toState() })}`;
    first = false;
  }
}

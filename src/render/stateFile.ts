/**
 * A FoldState as a `.cmstate` file: one JSON document, written a group per line (a state of a million users is
 * never one string). Groups in a fixed order (hour, feature, model; day, user; hour, feature, user), so the same
 * logs give the same file.
 */
import { type FoldState, STATE_FORMAT, STATE_VERSION } from '../core/foldState.js';
import { compareStrings } from '../core/stats.js';
import type { LineCounts } from '../core/types.js';

export function* renderStateFile(state: FoldState, input: LineCounts, createdBy: string): Generator<string> {
  const newestMs = Number.isFinite(state.newestMs) ? state.newestMs : null;
  const header = { format: STATE_FORMAT, version: STATE_VERSION, createdBy, timezone: state.timezone, newestMs, input };
  yield `${JSON.stringify(header).slice(0, -1)},\n"hours":[`;
  // The calls exactly at an hour's start (an edge group) before the rest of the hour.
  const hours = [...state.hours()].sort(
    (a, b) => a.hourMs - b.hourMs || Number(b.edge) - Number(a.edge) || compareStrings(a.feature, b.feature) || compareStrings(a.model, b.model),
  );
  yield* jsonLines(hours, (group) => ({ hour: group.hourMs, ...edge(group), feature: group.feature, model: group.model, stats: group.stats.toState() }));
  yield '\n],\n"users":[';
  const users = [...state.users()].sort((a, b) => compareStrings(a.day, b.day) || Number(b.edge) - Number(a.edge) || compareStrings(a.user, b.user));
  yield* jsonLines(users, (group) => ({ day: group.day, ...edge(group), user: group.user, stats: group.stats.toState() }));
  yield '\n],\n"rateLimited":[';
  const limits = [...state.rateLimited()].sort(
    (a, b) => a.hourMs - b.hourMs || Number(b.edge) - Number(a.edge) || compareStrings(a.feature, b.feature) || compareStrings(a.user, b.user),
  );
  yield* jsonLines(limits, (group) => ({ hour: group.hourMs, ...edge(group), feature: group.feature, user: group.user, calls: group.calls, firstMs: group.firstMs, lastMs: group.lastMs }));
  yield '\n]}\n';
}

/** `"edge": true` for a group of the calls exactly at its hour's (day's) start, nothing for the others. */
function edge(group: { readonly edge: boolean }): { edge?: true } {
  return group.edge ? { edge: true } : {};
}

/** One group a line, each made plain data (an accumulator's state) as its line is written. */
function* jsonLines<T>(groups: readonly T[], plain: (group: T) => unknown): Generator<string> {
  let first = true;
  for (const group of groups) {
    yield `${first ? '' : ','}\n${JSON.stringify(plain(group))}`;
    first = false;
  }
}

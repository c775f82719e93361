/**
 * A command's result as text: one string, or pieces produced one after another, so a report of a million groups is
 * written while it is rendered and never exists whole (V8 cannot hold a string over ~512 MB at all).
 */
export type StreamedText = string | Iterable<string>;

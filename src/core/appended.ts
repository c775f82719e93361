/**
 * Growing the short number lists kept per group (a `--by user` report has one per user): a push reserves 17 slots,
 * so while a list is short it is copied at its exact size instead. A list starting as a shared empty array is never
 * written to while short, so the empty array can be shared by every group.
 */
const SHORT = 8;

/** The list with one more value: an exact-size copy while short, else the same list pushed to. */
export function appended(values: number[], value: number): number[] {
  if (values.length >= SHORT) {
    values.push(value);
    return values;
  }
  return values.concat([value]);
}

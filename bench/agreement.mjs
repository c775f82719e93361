/**
 * Checks that two tools computed the same per-feature numbers: the same features, calls and errors exactly, and
 * p50/p95 within a relative tolerance (0.2%: claude-mon's HDR histogram keeps 3 significant digits, i.e. within
 * 0.1% of the exact nearest-rank value that DuckDB, jq and Miller give). Returns the differences as text, an empty
 * list when they agree.
 */
export const PERCENTILE_TOLERANCE = 0.002;

function compareStats(where, reference, candidate, differences) {
  for (const field of ['calls', 'errors']) {
    if (candidate[field] !== reference[field]) differences.push(`${where} ${field} ${candidate[field]} vs ${reference[field]}`);
  }
  for (const field of ['p50', 'p95']) {
    if (candidate[field] === null || candidate[field] === undefined) continue; // the tool does not compute it
    const relative = Math.abs(candidate[field] - reference[field]) / Math.abs(reference[field]);
    if (!(relative <= PERCENTILE_TOLERANCE)) {
      differences.push(`${where} ${field} ${candidate[field]} vs ${reference[field]} (${(relative * 100).toFixed(2)}%)`);
    }
  }
}

/**
 * @param {{ groups: Record<string, object>, total: object }} reference
 * @param {{ groups: Record<string, object>, total: object }} candidate
 */
export function differencesBetween(reference, candidate) {
  const differences = [];
  const features = new Set([...Object.keys(reference.groups), ...Object.keys(candidate.groups)]);
  for (const feature of [...features].sort()) {
    const [ref, cand] = [reference.groups[feature], candidate.groups[feature]];
    if (!ref || !cand) differences.push(`feature ${feature} only in ${ref ? 'the reference' : 'this tool'}`);
    else compareStats(feature, ref, cand, differences);
  }
  compareStats('total', reference.total, candidate.total, differences);
  return differences;
}

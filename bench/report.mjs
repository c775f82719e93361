/**
 * Markdown output of the bench: the per-input comparison table, the scaling table and the goals, from measured runs
 * ({ wallMs, maxRssKiB } each). Medians for time; the highest peak RSS of the runs.
 */
export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const integer = (value) => Math.round(value).toLocaleString('en-US');
const seconds = (ms) => (ms / 1000).toFixed(2);
export const mib = (kib) => (kib === null ? 'n/a' : (kib / 1024).toFixed(0));

/** Median wall, highest peak RSS and the rates of a list of runs of one tool on one input. */
export function summarise(runs, lines, bytes) {
  const wallMs = median(runs.map((run) => run.wallMs));
  const rss = runs.map((run) => run.maxRssKiB).filter((kib) => kib !== null);
  return {
    runs: runs.length,
    wallMs,
    linesPerSecond: (lines / wallMs) * 1000,
    mbPerSecond: (bytes / 1e6 / wallMs) * 1000,
    maxRssKiB: rss.length ? Math.max(...rss) : null,
  };
}

export function markdownTable(header, rows) {
  const align = header.map((_, i) => (i === 0 ? '---' : '---:'));
  return [header, align, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** One row per tool: median wall, lines/s, MB/s, peak RSS, wall ÷ DuckDB's. */
export function comparisonTable(results, duckdbWallMs) {
  const rows = results.map(({ tool, stats, error }) => {
    if (error) return [tool, 'failed', '', '', '', ''];
    const ratio = duckdbWallMs ? `${(stats.wallMs / duckdbWallMs).toFixed(2)}×` : 'n/a';
    const label = stats.runs === 1 ? `${tool} (1 run)` : tool;
    return [label, seconds(stats.wallMs), integer(stats.linesPerSecond), integer(stats.mbPerSecond), mib(stats.maxRssKiB), ratio];
  });
  return markdownTable(['tool', 'median wall s', 'lines/s', 'MB/s', 'peak RSS MiB', '÷ DuckDB wall'], rows);
}

/** claude-mon --no-dedupe at several sizes; "after start-up" subtracts the one-line run's wall time. */
export function scalingTable(points, startupMs) {
  const rows = points.map(({ lines, bytes, stats }) => [
    integer(lines),
    (bytes / 1e6).toFixed(0),
    seconds(stats.wallMs),
    integer(stats.linesPerSecond),
    stats.wallMs > startupMs ? integer((lines / (stats.wallMs - startupMs)) * 1000) : 'n/a',
    mib(stats.maxRssKiB),
  ]);
  return markdownTable(['lines', 'MB', 'median wall s', 'lines/s', 'lines/s after start-up', 'peak RSS MiB'], rows);
}

export { integer, seconds };

/**
 * Preloaded with `node --import bench/report-rss.mjs` when GNU time is missing: writes the process's peak RSS (KiB,
 * all threads, worker threads included) to $BENCH_RSS_FILE when it exits, even through process.exit().
 */
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE) writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
});

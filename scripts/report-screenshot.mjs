/**
 * The README's picture of the report: `claude-mon report` of the bundled sample logs, opened in headless Chromium
 * (scripts/chromium.mjs), its first screen saved as docs/report.png, with the times in UTC.
 *   npm run build && node scripts/report-screenshot.mjs [light|dark]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchChromium } from './chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const scheme = process.argv[2] ?? 'light';
const directory = mkdtempSync(path.join(os.tmpdir(), 'claude-mon-report-'));
try {
  const page = path.join(directory, 'report.html');
  execFileSync(process.execPath, [path.join(root, 'bin', 'claude-mon.cjs'), 'report', '-q', '--now', 'latest', '-o', page, path.join(root, 'fixtures', 'sample')]);
  const browser = await launchChromium();
  try {
    const tab = await browser.newPage({ viewport: { width: 1200, height: 1000 }, colorScheme: scheme });
    await tab.goto(pathToFileURL(page).href);
    await tab.screenshot({ path: path.join(root, 'docs', 'report.png') });
  } finally {
    await browser.close();
  }
} finally {
  rmSync(directory, { recursive: true, force: true });
}

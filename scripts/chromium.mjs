/**
 * Headless Chromium for the report page's tests and its README picture: Debian's package (.ci/run installs it),
 * driven by playwright-core, the one module that imports it. Kept off the network entirely.
 */
import { spawnSync } from 'node:child_process';
import { chromium } from 'playwright-core';

/** The Chromium that answers `--version`, or undefined (a snap placeholder does not). */
export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((file) => spawnSync(file, ['--version'], { timeout: 20_000 }).status === 0);

export function launchChromium() {
  if (CHROMIUM === undefined) throw new Error("no Chromium: install Debian's package chromium");
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

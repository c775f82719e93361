/** The tests' side of scripts/chromium.mjs: whether Chromium is here, and the browser's types. */
import { CHROMIUM, launchChromium as launch } from '../../scripts/chromium.mjs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

export type { Browser, Page } from 'playwright-core';

export const HAS_CHROMIUM = CHROMIUM !== undefined;
export const NO_CHROMIUM = "Chromium is not installed (Debian's package chromium; .ci/run installs it)";

export const launchChromium = (): Promise<Browser> => launch();

/** One browser for the tests of a describe block: launched before them, closed after; the getter gives it. */
export function sharedBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });
  return () => browser as Browser;
}

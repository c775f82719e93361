/** The tests' side of scripts/chromium.mjs: whether Chromium is here, and the browser's types. */
import { CHROMIUM, launchChromium as launch } from '../../scripts/chromium.mjs';
import type { Browser } from 'playwright-core';

export type { Browser, Page } from 'playwright-core';

export const HAS_CHROMIUM = CHROMIUM !== undefined;
export const NO_CHROMIUM = "Chromium is not installed (Debian's package chromium; .ci/run installs it)";

export const launchChromium = (): Promise<Browser> => launch();

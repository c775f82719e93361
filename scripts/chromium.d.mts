import type { Browser } from 'playwright-core';

export declare const CHROMIUM: string | undefined;
export declare function launchChromium(): Promise<Browser>;

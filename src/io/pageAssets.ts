/**
 * The report page's script and style, built by `npm run build` (scripts/bundle.mjs: page/ → dist/bundle/) and
 * inlined into each page by src/render/reportPage.ts.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { sha256Base64 } from '../input/sha256.js';
import type { PageAssets } from '../render/reportPage.js';

/** The same path from src/, dist/ and dist/bundle/. */
const BUILT = { script: new URL('../../dist/bundle/reportPage.js', import.meta.url), style: new URL('../../dist/bundle/reportPage.css', import.meta.url) };

export async function readPageAssets(): Promise<PageAssets> {
  const [script, style] = await Promise.all(
    [BUILT.script, BUILT.style].map(async (url) => {
      try {
        return await readFile(url, 'utf8');
      } catch (error) {
        throw new Error(`${fileURLToPath(url)}: the report page is not built (${(error as Error).message}): reinstall claude-mon, or in a clone run npm run build`);
      }
    }),
  );
  // Inlined into <script> and <style>: nothing in them may close those elements early.
  if (/<\/(script|style)|<!--/i.test(`${script}${style}`)) throw new Error('the report page\'s script or style holds </script>, </style> or <!--: it cannot be inlined');
  return { script: script as string, style: style as string, scriptSha256: sha256Base64(script as string) };
}

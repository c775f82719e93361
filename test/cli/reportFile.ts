/** `claude-mon report` run into a temporary file: the file, its HTML, and its data island parsed. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { runCli, temporaryDirectory } from '../helpers.js';

export async function writeReport(args: readonly string[]): Promise<{ file: string; html: string; island: Record<string, unknown> }> {
  const file = path.join(temporaryDirectory(), 'report.html');
  const run = await runCli(['report', '-q', '-o', file, ...args]);
  expect(run.code, run.stderr).toBe(0);
  const html = readFileSync(file, 'utf8');
  const island = /<script type="application\/json" id="claude-mon-data">([\s\S]*?)<\/script>/.exec(html)?.[1];
  return { file, html, island: JSON.parse(island as string) as Record<string, unknown> };
}

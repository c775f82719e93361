/**
 * The page of `claude-mon report`: one HTML file that works from file:// with nothing fetched. The chart library
 * (uPlot: 51 kB, canvas, no dependencies, fast on thousands of points) and its style are inlined; the data is
 * embedded once, as the JSON island `claude-mon-data`, and drawn by the page's script. Text from the logs only ever
 * reaches the page through textContent, and the island escapes `<`, so a feature named `</script>` stays text.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { REPORT_SCRIPT, REPORT_STYLE } from './reportPageAssets.js';

export interface ReportData {
  readonly dashboard: unknown;
  readonly summary: unknown;
  readonly trend: unknown;
}

/** The island's JSON: `<` escaped as \u003c (valid JSON), so no `</script>` in the logs can end the element. */
export function dataIsland(data: ReportData): string {
  return JSON.stringify(data).replaceAll('<', '\\u003c');
}

export async function renderReportPage(data: ReportData): Promise<string> {
  const chart = await readChartLibrary();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">
<title>claude-mon report</title>
<style>${chart.style}</style>
<style>${REPORT_STYLE}</style>
</head>
<body>
<header><h1>claude-mon report</h1><p id="subtitle"></p></header>
<main>
<section id="answers" aria-label="The month-one answers"></section>
<section id="charts" aria-label="Charts"></section>
<section id="summary" aria-label="Summary by feature"><h2>Summary by feature</h2><table id="summary-table"></table></section>
</main>
<script type="application/json" id="claude-mon-data">${dataIsland(data)}</script>
<script>${chart.script}</script>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}

/** uPlot's files, inlined into each page (the page fetches nothing). */
async function readChartLibrary(): Promise<{ script: string; style: string }> {
  const require = createRequire(import.meta.url);
  const [script, style] = await Promise.all(['uPlot.iife.min.js', 'uPlot.min.css'].map((file) => readFile(require.resolve(`uplot/dist/${file}`), 'utf8')));
  // Inlined into <script> and <style>: nothing in them may close those elements early.
  if (/<\/(script|style)|<!--/i.test(`${script}${style}`)) throw new Error('uPlot\'s files hold </script>, </style> or <!--: they cannot be inlined as they are');
  return { script: script as string, style: style as string };
}

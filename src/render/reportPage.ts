/**
 * The page of `claude-mon report`: one HTML file that works from file:// with nothing fetched. Its script and
 * style (page/, with uPlot inside: 50 kB, canvas, no dependencies, fast on thousands of points) are built by
 * `npm run build` into dist/bundle/ and inlined; the data is embedded once, as the JSON island `claude-mon-data`.
 * Text from the logs only ever reaches the page through text nodes, and the island escapes `<`, so a feature named
 * `</script>` stays text. The Content-Security-Policy runs only the page's own script, by its hash.
 */
import type { ReportAggregates } from '../core/reports/reportRange.js';

export interface ReportData {
  readonly dashboard: unknown;
  readonly summary: unknown;
  readonly trend: unknown;
  /** What the page's filters recompute from. */
  readonly aggregates: ReportAggregates;
}

/** The page's script and style, inlined into each page (src/io/pageAssets.ts reads them), and the script's hash. */
export interface PageAssets {
  readonly script: string;
  readonly style: string;
  /** SHA-256, Base64: the Content-Security-Policy runs the script by it. */
  readonly scriptSha256: string;
}

/** The island's JSON: `<` escaped as \u003c (valid JSON), so no `</script>` in the logs can end the element. */
export function dataIsland(data: ReportData): string {
  return JSON.stringify(data).replaceAll('<', '\\u003c');
}

/** `serve`'s page: it asks `url` (same origin) for new data every `everyMs`. */
export interface LivePage {
  readonly url: string;
  readonly everyMs: number;
}

export function renderReportPage(data: ReportData, assets: PageAssets, live?: LivePage): string {
  const connect = live === undefined ? '' : " connect-src 'self';";
  const liveAttributes = live === undefined ? '' : ` data-live="${escapeAttribute(live.url)}" data-every-ms="${live.everyMs}"`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-${assets.scriptSha256}';${connect} style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">
<title>claude-mon report</title>
<style>${assets.style}</style>
</head>
<body>
<header><h1>claude-mon report</h1><p id="subtitle"></p><p id="live" role="status"></p></header>
<main>
<section id="answers" aria-label="The month-one answers, at now"></section>
<form id="filters" aria-label="Days and features shown"></form>
<p id="range">The charts and the table below: <code id="range-command"></code><span id="range-note"></span></p>
<section id="charts" aria-label="Charts"></section>
<section id="summary" aria-label="Summary by feature"><h2>Summary by feature</h2><table id="summary-table"><caption id="summary-caption"></caption></table></section>
</main>
<script type="application/json" id="claude-mon-data"${liveAttributes}>${dataIsland(data)}</script>
<script>${assets.script}</script>
</body>
</html>
`;
}

function escapeAttribute(text: string): string {
  return text.replace(/[&"<>]/g, (character) => `&#${character.charCodeAt(0)};`);
}

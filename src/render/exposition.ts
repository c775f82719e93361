/**
 * Metric families as Prometheus scrapes them: the text exposition format 0.0.4, or OpenMetrics 1.0 when the
 * scraper asks for it (Prometheus itself does). The differences: OpenMetrics names a counter family without its
 * `_total` (its samples keep it), and ends with `# EOF`.
 * https://prometheus.io/docs/instrumenting/exposition_formats/ · https://openmetrics.io (specification 1.0)
 */
import type { Labels, MetricFamily } from '../core/metricFamilies.js';

export type ExpositionFormat = 'prometheus' | 'openmetrics';

export const CONTENT_TYPES: Readonly<Record<ExpositionFormat, string>> = {
  prometheus: 'text/plain; version=0.0.4; charset=utf-8',
  openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
};

/**
 * The format to answer a scrape with, from its Accept header: OpenMetrics when it is asked for with a quality at
 * least that of the text format (or of any type), else the text format.
 */
export function formatForAccept(accept: string | undefined): ExpositionFormat {
  let openMetrics = 0;
  let text = 0;
  for (const part of (accept ?? '').split(',')) {
    const [type = '', ...parameters] = part.split(';').map((piece) => piece.trim().toLowerCase());
    const q = parameters.find((parameter) => parameter.startsWith('q='));
    const quality = q === undefined ? 1 : Number(q.slice(2)) || 0;
    if (type === 'application/openmetrics-text') openMetrics = Math.max(openMetrics, quality);
    else if (type === 'text/plain' || type === '*/*') text = Math.max(text, quality);
  }
  return openMetrics > 0 && openMetrics >= text ? 'openmetrics' : 'prometheus';
}

export function renderExposition(families: readonly MetricFamily[], format: ExpositionFormat): string {
  const lines: string[] = [];
  for (const family of families) {
    const name = format === 'prometheus' && family.type === 'counter' ? `${family.name}_total` : family.name;
    lines.push(`# HELP ${name} ${escapeHelp(family.help, format)}`, `# TYPE ${name} ${family.type}`);
    for (const sample of family.samples) lines.push(`${family.name}${sample.suffix}${labelText(sample.labels)} ${numberText(sample.value)}`);
  }
  if (format === 'openmetrics') lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

function labelText(labels: Labels): string {
  if (labels.length === 0) return '';
  return `{${labels.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',')}}`;
}

/** Label values: backslash, double quote and line feed escaped (both formats). */
function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (character) => (character === '\n' ? '\\n' : `\\${character}`));
}

/** HELP text: backslash and line feed escaped, and in OpenMetrics the double quote too. */
function escapeHelp(text: string, format: ExpositionFormat): string {
  const special = format === 'openmetrics' ? /[\\"\n]/g : /[\\\n]/g;
  return text.replace(special, (character) => (character === '\n' ? '\\n' : `\\${character}`));
}

function numberText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

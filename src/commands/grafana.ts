/** `claude-mon grafana`: the Grafana dashboard over `serve`'s metrics. */
import { renderGrafanaDashboard } from '../render/grafanaDashboard.js';

export function runGrafana(version: string): string {
  return renderGrafanaDashboard({ version });
}

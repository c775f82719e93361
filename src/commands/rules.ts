/** `claude-mon rules --format prometheus`: the alert rules of the config as Prometheus alerting rules. */
import type { RulesOptions } from '../commandOptions.js';
import type { RunContext } from '../context/runContext.js';
import { renderPrometheusRules } from '../render/prometheusRules.js';

export function runRules(context: RunContext, options: RulesOptions): string {
  return renderPrometheusRules(context.config, { source: context.configSource, version: options.version, forMs: options.forMs });
}

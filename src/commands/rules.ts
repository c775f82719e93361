/** `claude-mon rules --format prometheus`: the alert rules of the config as Prometheus alerting rules. */
import type { RulesOptions } from '../commandOptions.js';
import type { RunContext } from '../context/runContext.js';
import { LimitPools } from '../core/limits/limitPools.js';
import { renderPrometheusRules } from '../render/prometheusRules.js';

export function runRules(context: RunContext, options: RulesOptions): string {
  const limits = new LimitPools(context.pricing, 'class', context.config.limits).configuredClasses();
  return renderPrometheusRules(context.config, { source: context.configSource, limits, version: options.version, forMs: options.forMs });
}

/**
 * The exit codes, in one place (README "Exit codes"). The reports (`summary`, `dashboard`, `trend`, `fold`,
 * `serve`, `rules`): 0 success, 1 runtime failure, 2 usage error. `alerts` follows the Monitoring Plugins
 * (Nagios/Icinga) contract: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN — usage errors and input failures are UNKNOWN.
 * Writing into a closed pipe (`| head`) is not a failure: 0.
 */
import type { AlertStatus } from './core/alerts/alertStatus.js';

/** How a run ended. */
export type Outcome = 'ok' | 'failed' | 'usage';

export type CommandFamily = 'report' | 'plugin';

const REPORT: Readonly<Record<Outcome, number>> = { ok: 0, failed: 1, usage: 2 };
const PLUGIN: Readonly<Record<AlertStatus, number>> = { ok: 0, warning: 1, critical: 2, unknown: 3 };

export function exitCodeOf(family: CommandFamily, outcome: Outcome): number {
  if (family === 'report') return REPORT[outcome];
  return outcome === 'ok' ? PLUGIN.ok : PLUGIN.unknown;
}

/** The plugin's code for an alert status. */
export function exitCodeOfStatus(status: AlertStatus): number {
  return PLUGIN[status];
}

/** The family of a command, by its name on the command line. */
export function familyOf(command: string | undefined): CommandFamily {
  return command === 'alerts' ? 'plugin' : 'report';
}

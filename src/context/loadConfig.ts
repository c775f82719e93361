/** The config file: --config FILE, else ./claude-mon.config.json when present, else the default rules. */
import { promises as fs } from 'node:fs';
import { type AlertConfig, DEFAULT_CONFIG, parseAlertConfig } from '../core/alerts/alertConfig.js';
import { describeFsError, UsageError } from '../errors.js';

const DEFAULT_CONFIG_FILE = 'claude-mon.config.json';

/** The config, and where it came from in words (the file, or "the default rules"). */
export async function loadConfig(configFile: string | undefined): Promise<{ config: AlertConfig; source: string }> {
  const file = configFile ?? DEFAULT_CONFIG_FILE;
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if (configFile === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return { config: DEFAULT_CONFIG, source: 'the default rules' };
    throw new UsageError(`--config ${file}: ${describeFsError(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  return { config: parseAlertConfig(json, file), source: file };
}

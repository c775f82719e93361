/** The config file: --config FILE, else ./claude-mon.config.json when present, else the defaults of §5. */
import { promises as fs } from 'node:fs';
import { type AlertConfig, DEFAULT_CONFIG, parseAlertConfig } from '../core/alerts/alertConfig.js';
import { describeFsError, UsageError } from '../errors.js';

export const DEFAULT_CONFIG_FILE = 'claude-mon.config.json';

export async function loadConfig(configFile: string | undefined): Promise<AlertConfig> {
  const file = configFile ?? DEFAULT_CONFIG_FILE;
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if (configFile === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return DEFAULT_CONFIG;
    throw new UsageError(`--config ${file}: ${describeFsError(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  return parseAlertConfig(json, file);
}

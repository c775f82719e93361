/**
 * Colour for people, never for pipes. The only module that imports chalk. The level is decided once (see
 * colorLevel) because chalk 5 ignores NO_COLOR.
 */
import { Chalk, supportsColor } from 'chalk';

export type ColorLevel = 0 | 1 | 2 | 3;

export interface Style {
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly red: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly green: (text: string) => string;
}

export function createStyle(level: ColorLevel): Style {
  const chalk = new Chalk({ level });
  return {
    bold: (text) => chalk.bold(text),
    dim: (text) => chalk.dim(text),
    red: (text) => chalk.red(text),
    yellow: (text) => chalk.yellow(text),
    green: (text) => chalk.green(text),
  };
}

/**
 * --color/--no-color win; then NO_COLOR (any non-empty value) and FORCE_COLOR (0/false off, 1–3 on); otherwise
 * colour only when the stream is a terminal, at the depth the terminal supports.
 */
export function colorLevel(
  flag: boolean | undefined,
  env: Readonly<Record<string, string | undefined>>,
  isTTY: boolean,
): ColorLevel {
  const detected: ColorLevel = supportsColor === false ? 1 : (Math.max(1, supportsColor.level) as ColorLevel);
  if (flag === false) return 0;
  if (flag === true) return detected;
  const force = env['FORCE_COLOR'];
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return 0;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    if (force === '2' || force === '3') return Number(force) as ColorLevel;
    return 1;
  }
  return isTTY ? detected : 0;
}

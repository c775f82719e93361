/**
 * What every command runs with, decided once from the flags (src/cli.ts builds it): the config, the time zone,
 * the prices, now, the style of the output and where it goes, how logs are read, and stderr. Read-only: a command
 * takes the parts it needs and parses nothing again.
 */
import type { AlertConfig } from '../core/alerts/alertConfig.js';
import type { PriceBook } from '../core/pricing.js';
import { type Now, parseNow } from '../core/timeRange.js';
import { TimeZone } from '../core/timezone.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io/cliIo.js';
import { type Diagnostics, diagnosticsOn } from '../io/diagnostics.js';
import type { ScannerKind } from '../input/wasmScanner.js';
import { colorLevel, createStyle, type Style } from '../render/style.js';
import { loadConfig } from './loadConfig.js';
import { loadPricing } from './loadPricing.js';

/** How logs are read. */
export interface ReadingOptions {
  readonly dedupe: boolean;
  readonly strict: boolean;
  readonly verbose: boolean;
  readonly quiet: boolean;
  readonly maxLineBytes: number;
  /** Parse threads for large inputs (1: everything on the main thread). */
  readonly threads: number;
  /** The byte scanner of the hot path: CLAUDE_MON_SCANNER=js or wasm, else 'auto' (WebAssembly where it runs). */
  readonly scanner: ScannerKind;
}

export interface RunContext {
  readonly io: CliIo;
  readonly config: AlertConfig;
  /** Where the config came from, in words: the file, or "the default rules". */
  readonly configSource: string;
  readonly tz: TimeZone;
  readonly pricing: PriceBook;
  /** The wall clock, read once. */
  readonly clockMs: number;
  /** --now: an instant (the wall clock when not given), or the newest call of the input. */
  readonly now: Now;
  readonly style: Style;
  /** The result goes to a terminal (not a pipe, not -o): long names are cut, sparklines drawn. */
  readonly terminal: boolean;
  /** -o FILE. */
  readonly outputFile: string | undefined;
  /** --checkpoint FILE: the state kept between runs. */
  readonly checkpointFile: string | undefined;
  readonly reading: ReadingOptions;
  readonly diagnostics: Diagnostics;
}

/** The flags the context is made of, as given. */
export interface ContextFlags {
  readonly configFile: string | undefined;
  readonly tz: string | undefined;
  readonly pricesFile: string | undefined;
  readonly now: string | undefined;
  /** --color (true), --no-color (false), or neither. */
  readonly color: boolean | undefined;
  readonly outputFile: string | undefined;
  readonly checkpointFile: string | undefined;
  readonly reading: Omit<ReadingOptions, 'scanner'>;
}

function scannerOf(value: string | undefined): ScannerKind {
  if (value === undefined || value === '' || value === 'auto') return 'auto';
  if (value === 'js' || value === 'wasm') return value;
  throw new UsageError(`CLAUDE_MON_SCANNER=${value}: expected js, wasm or auto`);
}

export async function makeRunContext(flags: ContextFlags, io: CliIo): Promise<RunContext> {
  const diagnostics = diagnosticsOn(io.stderr, flags.reading.quiet);
  const { config, source } = await loadConfig(flags.configFile);
  const tz = new TimeZone(flags.tz ?? config.timezone ?? 'UTC');
  const pricing = await loadPricing(flags.pricesFile);
  const clockMs = io.now();
  const terminal = flags.outputFile === undefined && io.stdout.isTTY === true;
  return {
    io,
    config,
    configSource: source,
    tz,
    pricing,
    clockMs,
    now: parseNow(flags.now, tz, clockMs),
    style: createStyle(colorLevel(flags.color, io.env, terminal)),
    terminal,
    outputFile: flags.outputFile,
    checkpointFile: flags.checkpointFile,
    reading: { ...flags.reading, scanner: scannerOf(io.env['CLAUDE_MON_SCANNER']) },
    diagnostics,
  };
}

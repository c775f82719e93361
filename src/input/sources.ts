/**
 * Positional arguments → the list of sources to read: files, directories (recursive, log-like names only), and
 * `-` for stdin. Problems are reported per argument and the others are still read.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describeFsError } from '../errors.js';

export interface Source {
  /** As shown in messages: the path as given or found, or "stdin". */
  readonly name: string;
  readonly path: string | null;
  /** Size on disk when known (regular files), for sizing tables ahead. */
  readonly sizeBytes: number | null;
}

export const STDIN: Source = { name: 'stdin', path: null, sizeBytes: null };

/**
 * Files in directories are read when they look like logs: *.jsonl, *.ndjson, *.log, *.json, logrotate's numbered
 * and dated copies (app.log.1, app.log-20261126, app.log.2026-11-26) and any of those gzipped. Files named
 * explicitly are always read.
 */
const LOG_FILE_NAME = /\.(jsonl|ndjson|log|json)([.-][\d-]+)?(\.gz)?$/i;
const LOG_FILE_KINDS = '*.jsonl, *.ndjson, *.log, *.json, their rotated copies and .gz';

export async function expandSources(args: readonly string[], reportUnreadable: (message: string) => void): Promise<Source[]> {
  const sources: Source[] = [];
  for (const arg of args) {
    if (arg === '-') {
      sources.push(STDIN);
      continue;
    }
    try {
      const stat = await fs.stat(arg);
      if (stat.isDirectory()) {
        const before = sources.length;
        const listed = await walkDirectory(arg, LOG_FILE_NAME, sources, new Set([await fs.realpath(arg)]), reportUnreadable);
        if (listed && sources.length === before) reportUnreadable(`${arg}: no log files in this directory (read: ${LOG_FILE_KINDS})`);
      }
      else sources.push({ name: arg, path: arg, sizeBytes: stat.isFile() ? stat.size : null });
    } catch (error) {
      reportUnreadable(`${arg}: ${describeFsError(error)}`);
    }
  }
  return sources;
}

/**
 * The files under a directory (recursively, in name order) whose names match `names`, and its first log file (null:
 * none); what cannot be read is left to the reading of the logs to report.
 */
export async function filesUnder(directory: string, names: RegExp): Promise<{ files: string[]; firstLog: string | null }> {
  const found: Source[] = [];
  const logs: Source[] = [];
  const real = await fs.realpath(directory);
  await walkDirectory(directory, names, found, new Set([real]), () => {});
  await walkDirectory(directory, LOG_FILE_NAME, logs, new Set([real]), () => {});
  return { files: found.map((source) => source.name), firstLog: logs[0]?.name ?? null };
}

/** Adds the directory's files named like `accept`, depth first; false when the directory itself could not be listed (reported). */
async function walkDirectory(
  directory: string,
  accept: RegExp,
  into: Source[],
  visited: Set<string>,
  reportUnreadable: (message: string) => void,
): Promise<boolean> {
  let names: string[];
  try {
    names = (await fs.readdir(directory)).sort();
  } catch (error) {
    reportUnreadable(`${directory}: ${describeFsError(error)}`);
    return false;
  }
  for (const name of names) {
    const full = path.join(directory, name);
    let stat;
    try {
      stat = await fs.stat(full);
    } catch (error) {
      reportUnreadable(`${full}: ${describeFsError(error)}`);
      continue;
    }
    if (stat.isDirectory()) {
      const real = await fs.realpath(full);
      if (visited.has(real)) continue; // a symlink loop, or a directory linked twice
      visited.add(real);
      await walkDirectory(full, accept, into, visited, reportUnreadable);
    } else if (stat.isFile() && accept.test(name)) {
      into.push({ name: full, path: full, sizeBytes: stat.size });
    }
  }
  return true;
}


/** A guess at the number of lines in the sources (≈300 bytes a line, gzip ≈8:1), for sizing tables ahead. */
export function estimateLines(sources: readonly Source[]): number {
  let lines = 0;
  for (const source of sources) {
    if (source.sizeBytes !== null) lines += (source.sizeBytes * (/\.gz$/i.test(source.name) ? 8 : 1)) / 300;
  }
  return Math.round(lines);
}

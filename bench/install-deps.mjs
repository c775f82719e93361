/**
 * Installs the bench's own dependencies (bench/package.json: @duckdb/node-api, ~70 MB with its native library) into
 * bench/node_modules from bench/package-lock.json, on first use or when the pinned version changed, so that
 * claude-mon's own `npm ci` never downloads DuckDB.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH = fileURLToPath(new URL('.', import.meta.url));
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

function installed() {
  const wanted = readJson(path.join(BENCH, 'package.json')).dependencies;
  return Object.entries(wanted).every(([name, version]) => {
    const manifest = path.join(BENCH, 'node_modules', name, 'package.json');
    return existsSync(manifest) && readJson(manifest).version === version;
  });
}

export function ensureBenchDependencies() {
  if (installed()) return;
  process.stderr.write('installing the bench dependencies (DuckDB) into bench/node_modules…\n');
  const result = spawnSync('npm', ['ci', '--prefix', BENCH, '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (result.status !== 0 || !installed()) throw new Error('could not install the bench dependencies (npm ci --prefix bench)');
}

/** The installed version of a bench dependency, for the report. */
export const benchDependencyVersion = (name) => readJson(path.join(BENCH, 'node_modules', name, 'package.json')).version;

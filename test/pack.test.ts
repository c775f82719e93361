/** `npm pack` makes a package that installs from its tarball into an empty folder and runs there. */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, ROOT, temporaryDirectory } from './helpers.js';

describe('npm pack', () => {
  it('installs from the tarball in an empty folder and summarises a log', () => {
    const packDirectory = temporaryDirectory();
    execFileSync('npm', ['pack', '--pack-destination', packDirectory, '--silent'], { cwd: ROOT, stdio: 'pipe' });
    const tarball = readdirSync(packDirectory).find((name) => name.endsWith('.tgz'));
    expect(tarball).toBeDefined();
    const listing = execFileSync('tar', ['-tzf', path.join(packDirectory, tarball as string)], { encoding: 'utf8' });
    expect(listing).toContain('package/dist/cli.js');
    expect(listing).toContain('package/dist/bundle/claude-mon.cjs');
    expect(listing).toContain('package/dist/wasm/flatScanner.wasm');
    expect(listing).toContain('package/schemas/summary.schema.json');
    expect(listing).not.toContain('package/src/');
    expect(listing).not.toContain('package/test/');

    const project = temporaryDirectory();
    execFileSync('npm', ['init', '-y'], { cwd: project, stdio: 'pipe' });
    execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', path.join(packDirectory, tarball as string)], {
      cwd: project,
      stdio: 'pipe',
    });
    const output = execFileSync(path.join(project, 'node_modules', '.bin', 'claude-mon'), ['summary', '--json', fixture('envelopes/bare.jsonl')], {
      cwd: project,
      encoding: 'utf8',
    });
    expect(JSON.parse(output).total.calls).toBe(3);
    const scannedInWasm = execFileSync(path.join(project, 'node_modules', '.bin', 'claude-mon'), ['summary', '--json', fixture('envelopes/bare.jsonl')], {
      cwd: project,
      encoding: 'utf8',
      env: { ...process.env, CLAUDE_MON_SCANNER: 'wasm' },
    });
    expect(scannedInWasm).toBe(output);
  }, 180_000);
});

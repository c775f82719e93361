/**
 * The WebAssembly scanner and the JavaScript one give the same answers end to end: summary, alerts and dashboard
 * JSON (and their exit codes and messages) with CLAUDE_MON_SCANNER=wasm equal those with CLAUDE_MON_SCANNER=js, on
 * every fixture and on 100k fuzzed lines in each envelope the byte path reads (bare, Python logging, CRI, kubectl
 * --timestamps).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { childEnv, fixture, random, ROOT, runCli, temporaryDirectory } from '../helpers.js';
import { fuzzLine } from '../input/scannerLines.js';

const BIN = path.join(ROOT, 'bin', 'claude-mon.cjs');

const COMMANDS = [
  ['summary', '--json', '--by', 'feature,model,user'],
  ['alerts', '--json', '--now', '2026-11-26T12:00:00Z'],
  ['dashboard', '--json', '--now', '2026-11-26T12:00:00Z'],
] as const;

async function expectSameAnswers(inputs: readonly string[]): Promise<void> {
  for (const command of COMMANDS) {
    const js = await runCli([...command, ...inputs], { env: { CLAUDE_MON_SCANNER: 'js' } });
    const wasm = await runCli([...command, ...inputs], { env: { CLAUDE_MON_SCANNER: 'wasm' } });
    expect(wasm, `${command.join(' ')} ${inputs.join(' ')}`).toEqual(js);
  }
}

const ENVELOPES = {
  bare: (line: string) => line,
  python: (line: string) => `INFO:root:${line}`,
  cri: (line: string) => `2026-11-26T10:00:00.123456789Z stdout F ${line}`,
  kubectl: (line: string) => `2026-11-26T10:00:00.123456789Z ${line}`,
};

describe('WebAssembly scanner ≡ JavaScript scanner, end to end', () => {
  it('on every fixture', async () => {
    const files = ['envelopes', 'defects'].flatMap((directory) =>
      readdirSync(fixture(directory)).map((name) => fixture(`${directory}/${name}`)).filter((file) => statSync(file).isFile()),
    );
    for (const file of files) await expectSameAnswers([file]);
    await expectSameAnswers([fixture('sample')]);
  });

  it('falls back to JavaScript where Node has no WebAssembly (--jitless), with the same answer', () => {
    const file = fixture('envelopes/python-logging.log');
    const run = (nodeFlags: readonly string[], env: Record<string, string> = {}) =>
      spawnSync('node', [...nodeFlags, BIN, 'summary', '--json', file], { encoding: 'utf8', env: childEnv({ NODE_DISABLE_COMPILE_CACHE: '1', ...env }) });
    const usual = run([]);
    const jitless = run(['--jitless']);
    expect(usual.status).toBe(0);
    expect(jitless.status).toBe(0);
    expect(jitless.stdout).toBe(usual.stdout);
    const insisted = run(['--jitless'], { CLAUDE_MON_SCANNER: 'wasm' });
    expect(insisted.status).toBe(2);
    expect(insisted.stderr).toContain('CLAUDE_MON_SCANNER=wasm: this Node has no WebAssembly');
  });

  it('refuses a CLAUDE_MON_SCANNER it does not know', async () => {
    const run = await runCli(['summary', fixture('envelopes/bare.jsonl')], { env: { CLAUDE_MON_SCANNER: 'simd' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('CLAUDE_MON_SCANNER=simd: expected js, wasm or auto');
  });

  it.each(Object.entries(ENVELOPES))('on 100,000 fuzzed lines, %s', async (_name, wrap) => {
    const next = random(20261206);
    const lines = Array.from({ length: 100_000 }, () => wrap(fuzzLine(next)));
    const file = path.join(temporaryDirectory(), 'fuzzed.log');
    writeFileSync(file, `${lines.join('\n')}\n`);
    await expectSameAnswers([file]);
  });
});

/**
 * Runs every `$ claude-mon ...` example of README.md (```console blocks) and compares its output with the text shown
 * under it. UPDATE_README=1 rewrites the shown output instead (after a deliberate change, then review the diff).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAlertConfig } from '../src/core/alerts/alertConfig.js';
import { childEnv, ROOT } from './helpers.js';

const README = path.join(ROOT, 'README.md');
const BLOCK = /```console\n([\s\S]*?)```/g;

interface Example {
  readonly command: string;
  readonly shown: string;
}

function examplesOf(block: string): Example[] {
  const examples: Example[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('$ ')) examples.push({ command: line.slice(2), shown: '' });
    else if (examples.length > 0) {
      const last = examples[examples.length - 1] as Example;
      examples[examples.length - 1] = { command: last.command, shown: `${last.shown}${line}\n` };
    }
  }
  return examples.map((example) => ({ ...example, shown: example.shown.trimEnd() }));
}

function run(command: string): string {
  const local = command.replaceAll(/(npx )?claude-mon /g, `node ${path.join(ROOT, 'bin', 'claude-mon.cjs')} `);
  const output = execFileSync('bash', ['-c', `set -o pipefail; ${local}`], {
    cwd: ROOT,
    encoding: 'utf8',
    env: childEnv({ NO_COLOR: '1', TZ: 'UTC' }),
    timeout: 60_000, // a hang fails the example instead of the whole run
  });
  return output.replaceAll(ROOT, '.').trimEnd();
}

const text = readFileSync(README, 'utf8');
const examples = [...text.matchAll(BLOCK)].flatMap((match) => examplesOf(match[1] as string));

describe('README examples', () => {
  it('has examples of every output format', () => {
    expect(examples.length).toBeGreaterThanOrEqual(9);
    for (const flag of ['--format csv', '--format markdown', '--json', '--by']) {
      expect(examples.some((example) => example.command.includes(flag))).toBe(true);
    }
  });

  if (process.env['UPDATE_README'] === '1') {
    it('rewrites the shown output', () => {
      const updated = text.replace(BLOCK, (_, block: string) => {
        const body = examplesOf(block)
          .map((example) => `$ ${example.command}\n${run(example.command)}`)
          .join('\n\n');
        return `\`\`\`console\n${body}\n\`\`\``;
      });
      writeFileSync(README, updated);
    });
    return;
  }

  it.each(examples.map((example) => [example.command, example] as const))('$ %s', (_, example) => {
    expect(run(example.command)).toBe(example.shown);
  });

  it('shows config files that claude-mon accepts', () => {
    const configs = [...text.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => match[1] as string).filter((json) => /"(rules|limits)"/.test(json));
    expect(configs.length).toBeGreaterThanOrEqual(2);
    for (const json of configs) expect(() => parseAlertConfig(JSON.parse(json), 'README.md')).not.toThrow();
  });
});

/**
 * `serve --web-config`: TLS with a real certificate (made by openssl) and basic authentication against bcrypt
 * hashes, in the Prometheus exporter toolkit's file format; and what it refuses, by name.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, temporaryDirectory } from '../helpers.js';
import { serve, stopAll, total } from './prometheus.js';

afterEach(stopAll);

const HAS_OPENSSL = spawnSync('openssl', ['version'], { timeout: 10_000 }).status === 0;

/** A self-signed certificate for 127.0.0.1, and its key, in `directory`. */
function certificate(directory: string): { cert: string; key: string } {
  const cert = path.join(directory, 'server.crt');
  const key = path.join(directory, 'server.key');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(made.status, made.stderr).toBe(0);
  return { cert, key };
}

/** GET /metrics over TLS, trusting `ca`; the status and body. */
function get(address: string, ca: Buffer, authorization?: string): Promise<{ status: number; body: string }> {
  return getPath(address, ca, '/metrics', authorization);
}

function getPath(address: string, ca: Buffer, where: string, authorization?: string): Promise<{ status: number; body: string }> {
  const [host, port] = address.split(':') as [string, string];
  return new Promise((resolve, reject) => {
    const request = https.get({ host, port: Number(port), path: where, ca, headers: authorization === undefined ? {} : { Authorization: authorization } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
  });
}

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('claude-mon serve --web-config', () => {
  it.skipIf(!HAS_OPENSSL)('serves over TLS and lets in only the users of the file (needs openssl)', async () => {
    const directory = temporaryDirectory();
    const { cert } = certificate(directory);
    const config = path.join(directory, 'web.yml');
    // The toolkit's format; paths relative to the file.
    writeFileSync(config, `tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\nbasic_auth_users:\n  prometheus: ${bcrypt.hashSync('s3cret', 4)}\n`);
    const serving = await serve(['--web-config', config]);
    serving.child.stdin.write(`${JSON.stringify({ timestamp: new Date().toISOString(), feature: 'chat', latency_ms: 5 })}\n`);
    expect(serving.stderr()).toMatch(/serving https:\/\//);
    const ca = readFileSync(cert);
    expect((await get(serving.address, ca)).status).toBe(401);
    expect((await get(serving.address, ca, basic('prometheus', 'wrong'))).status).toBe(401);
    expect((await get(serving.address, ca, basic('nobody', 's3cret'))).status).toBe(401);
    let allowed = await get(serving.address, ca, basic('prometheus', 's3cret'));
    expect(allowed.status).toBe(200);
    // (The first scrape that sees the new pair shows it at zero.)
    for (let tries = 0; tries < 50 && total(allowed.body, 'claude_mon_calls_total') !== 1; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      allowed = await get(serving.address, ca, basic('prometheus', 's3cret'));
    }
    expect(total(allowed.body, 'claude_mon_calls_total')).toBe(1);
    // Every path asks for a user, and the scheme's case does not matter.
    expect((await getPath(serving.address, ca, '/healthz')).status).toBe(401);
    expect((await get(serving.address, ca, basic('prometheus', 's3cret').replace('Basic', 'BASIC'))).status).toBe(200);
    expect(serving.stderr()).not.toContain('in clear');
    // Plain HTTP on the TLS port gets no metrics.
    const plain = await fetch(`http://${serving.address}/metrics`).then((response) => response.status, () => 'refused');
    expect(plain).not.toBe(200);
  }, 60_000);

  it('refuses what it does not do, by name, and a password that is not a bcrypt hash', async () => {
    const directory = temporaryDirectory();
    const write = (name: string, text: string): string => {
      writeFileSync(path.join(directory, name), text);
      return path.join(directory, name);
    };
    const cases: [string, RegExp][] = [
      [write('a.yml', 'tls_server_config:\n  cert_file: x.crt\n  key_file: x.key\n  client_auth_type: RequireAndVerifyClientCert\n'), /tls_server_config\.client_auth_type: not supported by claude-mon serve/],
      [write('b.yml', 'http_server_config:\n  headers: {}\n'), /http_server_config: not supported by claude-mon serve/],
      [write('c.yml', 'basic_auth_users:\n  prometheus: plaintext\n'), /basic_auth_users\.prometheus: expected a bcrypt hash/],
      [write('d.yml', 'tls_server_config:\n  cert_file: missing.crt\n  key_file: missing.key\n'), /tls_server_config\.cert_file: .*missing\.crt/],
      [write('e.yml', 'basic_auth_users: [1, 2]\n'), /basic_auth_users: expected a mapping/],
      // Costs bcryptjs cannot check, a user name with ":", and a pair that is not one.
      [write('f.yml', `basic_auth_users:\n  prometheus: ${bcrypt.hashSync('x', 4).replace('$04$', '$03$')}\n`), /basic_auth_users\.prometheus: expected a bcrypt hash of cost 4 to 31/],
      [write('g.yml', `basic_auth_users:\n  "a:b": ${bcrypt.hashSync('x', 4)}\n`), /a user name cannot hold ":"/],
      [write('h.yml', '# nothing\n'), /sets neither tls_server_config nor basic_auth_users/],
    ];
    for (const [file, message] of cases) {
      const run = await runCli(['serve', '--web-config', file], { stdin: '' });
      expect(run.code, file).toBe(2);
      expect(run.stderr, file).toMatch(message);
    }
  });
});

/**
 * `serve --web-config FILE`: TLS and basic authentication for the exporter, in the file format of the Prometheus
 * exporter toolkit (https://github.com/prometheus/exporter-toolkit/blob/master/docs/web-configuration.md), so that
 * one file serves node_exporter and claude-mon alike:
 *
 *   tls_server_config:
 *     cert_file: server.crt       # relative paths are relative to the file
 *     key_file: server.key
 *   basic_auth_users:
 *     prometheus: $2y$10$...      # a bcrypt hash: htpasswd -nbBC 10 "" PASSWORD | tr -d ':\n'
 *
 * What the toolkit offers and claude-mon does not do (client certificates, cipher suites, HTTP headers) is refused
 * by name, never ignored. Passwords are checked with bcryptjs (bcrypt in plain JavaScript: nothing to compile on the
 * user's machine). The file is read once, at the start: a renewed certificate needs a restart. The only module that
 * imports yaml and bcryptjs.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import bcrypt from 'bcryptjs';
import { parse } from 'yaml';
import { describeFsError, UsageError } from '../errors.js';

export interface WebConfig {
  readonly tls: { readonly cert: Buffer; readonly key: Buffer } | null;
  /** User → bcrypt hash; empty: no authentication. */
  readonly users: ReadonlyMap<string, string>;
}

export const NO_WEB_CONFIG: WebConfig = { tls: null, users: new Map() };

const KEYS = ['tls_server_config', 'basic_auth_users'];
const TLS_KEYS = ['cert_file', 'key_file'];

export async function loadWebConfig(file: string): Promise<WebConfig> {
  const fail = (problem: string): never => {
    throw new UsageError(`--web-config ${file}: ${problem}`);
  };
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    return fail(describeFsError(error));
  }
  let document: unknown;
  try {
    document = parse(text) ?? {};
  } catch (error) {
    return fail(`not YAML: ${(error as Error).message.split('\n')[0] ?? ''}`);
  }
  const root = objectAt(document, 'the top level', fail);
  refuseOthers(root, KEYS, '', fail);
  if (root['tls_server_config'] == null && root['basic_auth_users'] == null) fail('sets neither tls_server_config nor basic_auth_users');
  let pair: WebConfig['tls'] = null;
  if (root['tls_server_config'] != null) {
    const section = objectAt(root['tls_server_config'], 'tls_server_config', fail);
    refuseOthers(section, TLS_KEYS, 'tls_server_config.', fail);
    const read = async (key: string): Promise<Buffer> => {
      const value = section[key];
      if (typeof value !== 'string' || value === '') return fail(`tls_server_config.${key}: expected the path of a PEM file`);
      const where = path.resolve(path.dirname(file), value);
      try {
        return await fs.readFile(where);
      } catch (error) {
        return fail(`tls_server_config.${key}: ${where}: ${describeFsError(error)}`);
      }
    };
    pair = { cert: await read('cert_file'), key: await read('key_file') };
    try {
      tls.createSecureContext(pair);
    } catch (error) {
      fail(`tls_server_config: cert_file and key_file are not a certificate and its key in PEM (${(error as Error).message})`);
    }
  }
  const users = new Map<string, string>();
  if (root['basic_auth_users'] != null) {
    for (const [user, hash] of Object.entries(objectAt(root['basic_auth_users'], 'basic_auth_users', fail))) {
      if (user.includes(':')) fail(`basic_auth_users.${user}: a user name cannot hold ":" (basic authentication splits at the first)`);
      if (typeof hash !== 'string' || !BCRYPT.test(hash)) {
        fail(`basic_auth_users.${user}: expected a bcrypt hash of cost 4 to 31 ($2y$10$…, as htpasswd -nbBC 10 "" PASSWORD prints it)`);
      }
      users.set(user, hash as string);
    }
  }
  return { tls: pair, users };
}

/** A bcrypt hash bcryptjs can check: revision a, b or y, cost 4 to 31. */
const BCRYPT = /^\$2[aby]?\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;

/**
 * Checks `Authorization: Basic …` headers against the users' hashes. A header let in is remembered (by its hash),
 * so Prometheus's scrapes cost nothing after the first; others are checked one at a time, at most WAITING waiting,
 * past which they are refused unchecked — a flood of wrong passwords cannot take the thread. An unknown user costs
 * the same work as a known one, so the time of a refusal does not tell which names exist.
 */
export class BasicAuth {
  private readonly allowed = new Set<string>();
  private readonly dummy: string;
  private checks: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  constructor(private readonly users: ReadonlyMap<string, string>) {
    const [first] = users.values();
    this.dummy = bcrypt.hashSync('no such user', first === undefined ? 10 : bcrypt.getRounds(first));
  }

  async allows(header: string | undefined): Promise<boolean> {
    const credentials = /^basic\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
    if (credentials === undefined) return false;
    const key = createHash('sha256').update(credentials).digest('hex');
    if (this.allowed.has(key)) return true;
    if (this.waiting >= WAITING) return false;
    this.waiting++;
    const check = this.checks.then(async () => {
      const decoded = Buffer.from(credentials, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const hash = colon < 0 ? undefined : this.users.get(decoded.slice(0, colon));
      const matches = await bcrypt.compare(colon < 0 ? '' : decoded.slice(colon + 1), hash ?? this.dummy);
      return matches && hash !== undefined;
    });
    this.checks = check.catch(() => undefined);
    try {
      const allowed = await check;
      if (allowed) {
        if (this.allowed.size >= REMEMBERED) this.allowed.clear();
        this.allowed.add(key);
      }
      return allowed;
    } finally {
      this.waiting--;
    }
  }
}

/** Headers let in that are remembered, at most; checks waiting, at most. */
const REMEMBERED = 100;
const WAITING = 4;

type Fail = (problem: string) => never;

function objectAt(value: unknown, where: string, fail: Fail): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(`${where}: expected a mapping`);
  return value as Record<string, unknown>;
}

function refuseOthers(object: Readonly<Record<string, unknown>>, known: readonly string[], prefix: string, fail: Fail): void {
  for (const key of Object.keys(object)) {
    if (!known.includes(key)) fail(`${prefix}${key}: not supported by claude-mon serve (it supports: ${known.map((k) => `${prefix}${k}`).join(', ')})`);
  }
}

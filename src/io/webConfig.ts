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
 * user's machine), and a header already checked is not checked again (bcrypt is slow on purpose). The only module
 * that imports yaml and bcryptjs.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
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
  let tls: WebConfig['tls'] = null;
  if (root['tls_server_config'] !== undefined) {
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
    tls = { cert: await read('cert_file'), key: await read('key_file') };
  }
  const users = new Map<string, string>();
  if (root['basic_auth_users'] !== undefined) {
    for (const [user, hash] of Object.entries(objectAt(root['basic_auth_users'], 'basic_auth_users', fail))) {
      if (typeof hash !== 'string' || !/^\$2[abxy]?\$\d\d\$[./A-Za-z0-9]{53}$/.test(hash)) {
        fail(`basic_auth_users.${user}: expected a bcrypt hash ($2y$10$…, as htpasswd -nbBC 10 "" PASSWORD prints it)`);
      }
      users.set(user, hash as string);
    }
  }
  return { tls, users };
}

/** Checks `Authorization: Basic …` headers against the users' hashes; remembers the last answers it gave. */
export class BasicAuth {
  private readonly checked = new Map<string, boolean>();

  constructor(private readonly users: ReadonlyMap<string, string>) {}

  async allows(header: string | undefined): Promise<boolean> {
    if (header === undefined || !header.startsWith('Basic ')) return false;
    const known = this.checked.get(header);
    if (known !== undefined) return known;
    const decoded = Buffer.from(header.slice('Basic '.length).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const hash = colon < 0 ? undefined : this.users.get(decoded.slice(0, colon));
    const allowed = hash !== undefined && (await bcrypt.compare(decoded.slice(colon + 1), hash));
    if (this.checked.size >= REMEMBERED) this.checked.delete(this.checked.keys().next().value as string);
    this.checked.set(header, allowed);
    return allowed;
  }
}

/** Headers whose answer is remembered, at most. */
const REMEMBERED = 1000;

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

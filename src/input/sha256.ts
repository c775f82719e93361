/**
 * SHA-256, with node:crypto loaded on first use: most runs never hash (only checkpoints, `.cmstate` inputs and the
 * report page do), and loading it is a few milliseconds of every run's start-up.
 */
import { createRequire } from 'node:module';

type Crypto = typeof import('node:crypto');
let crypto: Crypto | undefined;

export function sha256Hex(bytes: Uint8Array): string {
  return hashOf(bytes).digest('hex');
}

/** In Base64: a Content-Security-Policy names a script by it. */
export function sha256Base64(text: string): string {
  return hashOf(text).digest('base64');
}

function hashOf(data: Uint8Array | string): import('node:crypto').Hash {
  crypto ??= createRequire(import.meta.url)('node:crypto') as Crypto;
  return crypto.createHash('sha256').update(data);
}

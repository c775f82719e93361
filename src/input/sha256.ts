/**
 * SHA-256 in hex, with node:crypto loaded on first use: most runs never hash (only checkpoints and `.cmstate`
 * inputs do), and loading it is a few milliseconds of every run's start-up.
 */
import { createRequire } from 'node:module';

type Crypto = typeof import('node:crypto');
let crypto: Crypto | undefined;

export function sha256Hex(bytes: Uint8Array): string {
  crypto ??= createRequire(import.meta.url)('node:crypto') as Crypto;
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

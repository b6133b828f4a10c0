/**
 * `createHash` of node:crypto, loaded on first use. Loading node:crypto costs ≈ 3 ms in a fresh process, and the
 * CLI's light bundle evaluates its imports up front: a replayed run (cli/replay.ts) hashes nothing and should not
 * pay for it.
 */
import type * as Crypto from 'node:crypto';

let crypto: typeof Crypto | undefined;

export function createHash(algorithm: string): Crypto.Hash {
  crypto ??= require('node:crypto') as typeof Crypto;
  return crypto.createHash(algorithm);
}

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

/**
 * 64-bit FNV-1a of a string's UTF-16 code units, as 16 hex digits (two 32-bit halves, as JS has no 64-bit ints).
 * Names files after a key that is compared in full (not a digest): a replayed run never loads node:crypto.
 */
export function fnv1a64(text: string): string {
  // The 64-bit offset basis 0xcbf29ce484222325 and prime 0x100000001b3 (2^40 + 0x1b3), multiplied in 16-bit limbs.
  let h0 = 0x2325, h1 = 0x8422, h2 = 0x9ce4, h3 = 0xcbf2;
  for (let i = 0; i < text.length; i++) {
    h0 ^= text.charCodeAt(i);
    // (h3 h2 h1 h0) * (2^40 + 0x1b3): the 0x1b3 part on every limb, 2^40 shifts h0 and h1 into limbs 2 and 3.
    const t0 = h0 * 0x1b3, t1 = h1 * 0x1b3, t2 = h2 * 0x1b3, t3 = h3 * 0x1b3;
    const c1 = t1 + (t0 >>> 16);
    const c2 = t2 + (c1 >>> 16) + (h0 << 8);
    const c3 = t3 + (c2 >>> 16) + (h1 << 8);
    h0 = t0 & 0xffff;
    h1 = c1 & 0xffff;
    h2 = c2 & 0xffff;
    h3 = c3 & 0xffff;
  }
  return [h3, h2, h1, h0].map((x) => x.toString(16).padStart(4, '0')).join('');
}

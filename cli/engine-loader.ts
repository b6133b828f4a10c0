/**
 * Lazy access to the engine bundle. In dist/, `./engine` is external (scripts/build.mjs): dist/cli.js requires
 * dist/engine.js only when called. From the sources (tests, tsc) it is the TypeScript module.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Rule } from '../rules/src/engine/rule';

export type Engine = typeof import('./engine');

let engine: Promise<Engine> | undefined;
export function loadEngine(): Promise<Engine> {
  // In the CommonJS bundle, require() loads dist/engine.js about twice as fast as import() (bench/RESULTS.md);
  // under the test runner's ES modules there is no require, and import() resolves the TypeScript source.
  engine ??= typeof require === 'function' ? Promise.resolve().then(() => require('./engine') as Engine) : import('./engine');
  return engine;
}

/** Rule metadata and the build id, written by scripts/build.mjs next to the bundles (dist/rules-meta.json). */
interface RulesMetaFile {
  buildId: string;
  rules: Record<string, Rule['meta']>;
}

/**
 * Every rule's metadata without loading the engine: from dist/rules-meta.json when running from the bundle,
 * else from the engine itself. `buildId` identifies the engine build (part of every cache key).
 */
export async function loadRules(): Promise<{ rules: Record<string, Rule>; buildId: string }> {
  try {
    const file = path.join(__dirname, 'rules-meta.json');
    const meta = JSON.parse(fs.readFileSync(file, 'utf8')) as RulesMetaFile;
    if (meta && typeof meta.buildId === 'string' && meta.rules && typeof meta.rules === 'object') {
      const rules: Record<string, Rule> = {};
      for (const [id, m] of Object.entries(meta.rules)) {
        rules[id] = { meta: m, check: () => { throw new Error('rule metadata only: load the engine to lint'); } } as unknown as Rule;
      }
      return { rules, buildId: meta.buildId };
    }
  } catch {
    /* running from the sources, or no metadata file: use the engine */
  }
  const { RULES } = await loadEngine();
  return { rules: RULES, buildId: 'source' };
}

/**
 * Lazy access to the engine bundle. In dist/, `./engine` is external (scripts/build.mjs): dist/cli.js requires
 * dist/engine.js only when called. From the sources (tests, tsc) it is the TypeScript module.
 */
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { discoverFiles } from '../rules/src/engine/discover';
import type { Rule } from '../rules/src/engine/rule';

export type Engine = typeof import('./engine');

let engine: Promise<Engine> | undefined;
export function loadEngine(): Promise<Engine> {
  // In the CommonJS bundle, require() loads dist/engine.js about twice as fast as import() (bench/RESULTS.md);
  // under the test runner's ES modules there is no require, and import() resolves the TypeScript source.
  engine ??= typeof require === 'function' ? Promise.resolve().then(requireEngine) : import('./engine');
  return engine;
}

/**
 * Loads libpg-query's WebAssembly with V8's optimising tier switched off for it (`--liftoff-only` while the module
 * compiles; V8 decides a module's tiering when it compiles it). Left to tier up, its parser's huge functions are
 * compiled again by TurboFan in the background: ≈ 30–50 MB of fresh memory and a core's worth of work during the
 * cold run's first second, for parses that take ≈ 20 ms once warm (bench/RESULTS.md, eleventh session). The flag is
 * put back afterwards (V8's code caches are checked against the flags in force), unless it was given to Node.
 * Main thread only: V8's flags are the process's, and a worker setting them could race the main thread's.
 */
export async function initSqlParserBaseline(engine: Pick<Engine, 'initSqlParser'>): Promise<void> {
  const v8 = require('node:v8') as typeof import('node:v8');
  const given = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`.includes('liftoff');
  if (!given) v8.setFlagsFromString('--liftoff-only');
  try {
    await engine.initSqlParser();
  } finally {
    if (!given) v8.setFlagsFromString('--no-liftoff-only');
  }
}

/** V8's code cache for dist/engine.js, written by the build (scripts/build.mjs) after a warm-up lint. */
export const CODE_CACHE_FILE = 'engine.js.v8cache';

/** How this thread loaded the engine (PGLINT_DEBUG=1 prints it). */
export const engineLoad: { codeCache?: 'used' | 'rejected' | 'missing'; ms?: number } = {};

/**
 * dist/engine.js compiled with the build's V8 code cache when there is one that this Node accepts (same V8
 * version and flags): the bytecode of every function the warm-up ran is read instead of compiled, which saves
 * about two thirds of the engine's load (once per run and per worker thread; bench/RESULTS.md). A rejected
 * cache only costs the read; without one it is a plain require.
 */
function requireEngine(): Engine {
  const t0 = performance.now();
  try {
    return requireEngineOnce();
  } finally {
    engineLoad.ms = Math.round(performance.now() - t0);
  }
}

function requireEngineOnce(): Engine {
  const file = path.join(__dirname, 'engine.js');
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(path.join(__dirname, CODE_CACHE_FILE));
  } catch {
    /* no code cache */
  }
  // The engine must not use import(): a function compiled from the code cache has no loader for it (the engine
  // requires PGlite and pg; tests/engine-load.test.ts runs a schema build through it).
  if (!cachedData) {
    engineLoad.codeCache = 'missing';
    return require('./engine') as Engine;
  }
  const loaded = compileEngine(file, cachedData);
  engineLoad.codeCache = loaded.rejected ? 'rejected' : 'used';
  return loaded.exports as Engine;
}

/**
 * Compiles and runs a CommonJS bundle as `require` would (registered in the require cache), with V8 code cache
 * data when given. `rejected`: V8 refused the data (the script was then compiled as usual and still runs).
 */
export function compileEngine(file: string, cachedData?: Buffer): { exports: unknown; rejected: boolean; script: vm.Script } {
  // Latin-1: the bundle is ASCII (the build checks it), and V8 then gets a one-byte string without UTF-8
  // decoding (7 MB: about 15 ms less per thread on the benchmark machine).
  const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'latin1')), { filename: file, cachedData });
  const rejected = cachedData !== undefined && script.cachedDataRejected === true;
  const m = new Module(file, module);
  m.filename = file;
  m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  require.cache[file] = m;
  try {
    run.call(m.exports, m.exports, Module.createRequire(file), m, file, path.dirname(file));
  } catch (e) {
    delete require.cache[file];
    throw e;
  }
  m.loaded = true;
  return { exports: m.exports, rejected, script };
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

/**
 * Writes dist/engine.js's code cache (called by scripts/build.mjs in a fresh process): compiles the engine, lints
 * `warmUpRoot` with it (migrations included) so that the functions a run needs are compiled, then saves V8's
 * code cache next to the bundle. Returns its size in bytes.
 */
export async function writeEngineCodeCache(distDir: string, warmUpRoot: string): Promise<number> {
  const { exports, script } = compileEngine(path.join(distDir, 'engine.js'));
  const e = exports as Engine;
  await e.initSqlParser();
  const project = new e.Project({ root: warmUpRoot });
  await project.prepare({ cacheDir: false });
  for (const file of discoverFiles(warmUpRoot, [warmUpRoot], []).files) project.lintFile(file);
  const data = script.createCachedData();
  const target = path.join(distDir, CODE_CACHE_FILE);
  const tmp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, target);
  return data.length;
}

// Bundles the CLI, the language server and the VS Code client with esbuild.
// The engine (rules/) is bundled into the CLI and the server; the client bundle only starts the server.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve as resolvePath } from 'node:path';

const require = createRequire(import.meta.url);

/**
 * `import * as ts from 'typescript'` of a CommonJS module makes esbuild read every `ts.x` through a getter
 * (its __toESM wrapper): measurable on the hot path (see bench/RESULTS.md). This plugin presents typescript as
 * an ES module with one named export per member, so `ts.isIdentifier` becomes a direct reference.
 */
const typescriptAsEsm = {
  name: 'typescript-as-esm',
  setup(b) {
    b.onResolve({ filter: /^typescript$/ }, (args) =>
      // sideEffects: false lets a bundle that uses no TypeScript export (dist/cli.js) drop it entirely.
      args.namespace === 'ts-esm' ? undefined : { path: 'typescript', namespace: 'ts-esm', sideEffects: false });
    b.onLoad({ filter: /.*/, namespace: 'ts-esm' }, () => {
      const tsPath = require.resolve('typescript');
      const names = Object.keys(require(tsPath)).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k) && k !== 'default');
      const contents = [
        `const m = require(${JSON.stringify(tsPath)});`,
        ...names.map((n) => `export const ${n} = m.${n};`),
        'export default m;',
      ].join('\n');
      return { contents, loader: 'js', resolveDir: process.cwd() };
    });
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  // Whitespace and syntax only (names kept for stack traces): the 10.5 MB engine bundle becomes 7 MB and loads
  // about 40 ms faster (bench/RESULTS.md), once per CLI run and per worker.
  minifyWhitespace: true,
  minifySyntax: true,
  // Non-ASCII characters escaped (esbuild's default, stated): cli/engine-loader.ts reads the engine as Latin-1,
  // which is the same text for ASCII and skips UTF-8 decoding (checked below).
  charset: 'ascii',
  logLevel: 'warning',
  plugins: [typescriptAsEsm],
  // libpg-query and PGlite ship WASM next to their JS: they stay runtime dependencies.
  external: ['libpg-query', '@electric-sql/pglite', 'pg', 'pg-native', 'vscode'],
};

/**
 * The CLI is split so a warm run (every file in the result cache) never loads TypeScript: dist/cli.js holds the
 * command, the cache and the formatters; cli/engine-loader.ts reaches the engine with `import('./engine')`,
 * which stays a runtime require of dist/engine.js (the engine bundle). dist/worker.js is the worker thread entry.
 */
const engineExternal = {
  name: 'engine-external',
  setup(b) {
    b.onResolve({ filter: /^\.\/engine$/ }, (args) =>
      /[\\/]cli[\\/]engine-loader\.ts$/.test(args.importer) ? { path: './engine.js', external: true } : undefined);
  },
};
const light = { ...common, plugins: [engineExternal, typescriptAsEsm], metafile: true };

/**
 * dist/pglite-base.tar.gz: the data dir of a freshly initialised PGlite (dumpDataDir('gzip'), ~4.5 MB), so the
 * schema build (rules/src/migrations/schema-build.ts startPglite) skips initdb (~2 s) on a cold run.
 * dist/pglite-base.json records the PGlite version it was made with; it is only regenerated when that changes.
 * A failure here is a warning: without the snapshot PGlite falls back to initdb.
 */
async function pgliteSnapshot() {
  const file = 'dist/pglite-base.tar.gz';
  const metaFile = 'dist/pglite-base.json';
  try {
    let dir = dirname(require.resolve('@electric-sql/pglite'));
    let version;
    for (let i = 0; i < 6 && !version; i++, dir = dirname(dir)) {
      const p = join(dir, 'package.json');
      if (existsSync(p)) {
        const pkg = JSON.parse(readFileSync(p, 'utf8'));
        if (pkg.name === '@electric-sql/pglite') version = pkg.version;
      }
    }
    if (!version) throw new Error('cannot read the installed PGlite version');
    try {
      const meta = JSON.parse(readFileSync(metaFile, 'utf8'));
      if (meta.pgliteVersion === version && statSync(file).size === meta.bytes) return;
    } catch {
      /* none yet, or unreadable: make it */
    }
    const { PGlite } = await import('@electric-sql/pglite');
    const db = await PGlite.create();
    const blob = await db.dumpDataDir('gzip');
    await db.close();
    const data = Buffer.from(await blob.arrayBuffer());
    mkdirSync('dist', { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, data);
    renameSync(tmp, file);
    const metaTmp = `${metaFile}.${process.pid}.tmp`;
    writeFileSync(metaTmp, `${JSON.stringify({ pgliteVersion: version, compression: 'gzip', bytes: data.length })}\n`);
    renameSync(metaTmp, metaFile);
  } catch (e) {
    console.warn(`warning: no PGlite snapshot in dist/ (${e?.message ?? e}); schema builds will run initdb`);
  }
}
const snapshot = pgliteSnapshot();

const [cliBuild, workerBuild] = await Promise.all([
  build({ ...light, entryPoints: ['cli/main.ts'], outfile: 'dist/cli.js' }),
  build({ ...light, entryPoints: ['cli/worker-main.ts'], outfile: 'dist/worker.js' }),
  build({ ...common, entryPoints: ['cli/engine.ts'], outfile: 'dist/engine.js' }),
  build({ ...common, entryPoints: ['server/main.ts'], outfile: 'dist/server.js' }),
  build({ ...common, entryPoints: ['client/extension.ts'], outfile: 'dist/client.js' }),
]);

/**
 * `import * as fs from 'node:fs'` becomes `var fs = __toESM(require("node:fs"))` in a CommonJS bundle: a copy of
 * the module's exports as getters, once per importing source file (23 copies of node:fs and node:path in
 * dist/cli.js, ≈ 4 ms of a replayed run). A built-in module's exports object already has every named export, so
 * where the bundle never reads the wrapper's `default` the wrapper is dropped. The call is padded with spaces to its
 * old length: every column after it, and so the source map, stays as esbuild wrote it.
 */
function unwrapBuiltinNamespaces(file) {
  const text = readFileSync(file, 'latin1');
  let unwrapped = 0;
  const out = text.replace(/\b([A-Za-z_$][\w$]*)=__toESM\(require\("(node:[\w/]+)"\)\)/g, (whole, name, id) => {
    if (new RegExp(`\\b${name.replace(/\$/g, '\\$')}\\.default\\b`).test(text)) return whole; // a default import
    unwrapped++;
    const call = `${name}=require("${id}")`;
    return call + ' '.repeat(whole.length - call.length);
  });
  if (out.length !== text.length) throw new Error(`${file}: unwrapping built-in modules changed its length`);
  writeFileSync(file, out, 'latin1');
  return unwrapped;
}
for (const file of ['dist/cli.js', 'dist/worker.js', 'dist/engine.js', 'dist/server.js', 'dist/client.js']) unwrapBuiltinNamespaces(file);

// The light bundles must not contain TypeScript (it would load on every run).
for (const [name, result] of [['dist/cli.js', cliBuild], ['dist/worker.js', workerBuild]]) {
  const included = Object.values(result.metafile.outputs).flatMap((o) => Object.entries(o.inputs).filter(([, i]) => i.bytesInOutput > 0).map(([f]) => f));
  const heavy = included.filter((f) => /node_modules[\\/]typescript[\\/]|^ts-esm:/.test(f));
  if (heavy.length) throw new Error(`${name} bundles TypeScript (${heavy.join(', ')}): reach the engine through cli/engine-loader.ts`);
}

// Rule metadata for the light CLI (config, --explain, formatters) and the engine build id (part of cache keys).
{
  const enginePath = resolvePath('dist/engine.js');
  const engineText = readFileSync(enginePath);
  if (engineText.some((b) => b > 0x7f)) throw new Error('dist/engine.js is not ASCII: cli/engine-loader.ts reads it as Latin-1');
  const { RULES } = require(enginePath);
  const rules = Object.fromEntries(Object.entries(RULES).map(([id, rule]) => [id, rule.meta]));
  const buildId = createHash('sha256').update(engineText).digest('hex').slice(0, 32);
  writeFileSync('dist/rules-meta.json', `${JSON.stringify({ buildId, rules })}\n`);
}

// V8's code cache of the engine bundle, made in a fresh process after a warm-up lint of the demo project (the
// engine then loads in about a third of the time; cli/engine-loader.ts falls back to a plain require when this
// Node rejects it). Best effort: a build without it is only slower to start.
{
  const entry = 'dist/.make-code-cache.js';
  try {
    await build({
      ...light,
      stdin: {
        contents: "import { writeEngineCodeCache } from './cli/engine-loader';\n" +
          "writeEngineCodeCache(__dirname, process.argv[2]).catch((e) => { console.error(e); process.exitCode = 1; });\n",
        resolveDir: process.cwd(), loader: 'ts', sourcefile: 'make-code-cache.ts',
      },
      outfile: entry, sourcemap: false,
    });
    const r = spawnSync(process.execPath, [entry, resolvePath('test-fixtures/demo')], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (r.status !== 0) console.warn(`warning: no engine code cache (${(r.stderr || r.error?.message || '').trim().split('\n')[0]})`);
  } finally {
    rmSync(entry, { force: true });
  }
}

// V8's code cache of the light CLI bundle, made in a fresh process that replays a recorded run of a copy of the demo
// project (bin/pglint.js compiles dist/cli.js with it: the same wrapper and text, so V8 accepts it). A replayed run
// then compiles almost nothing of the bundle. Best effort, like the engine's.
{
  const work = mkdtempSync(join(tmpdir(), 'pglint-cli-cache-'));
  const maker = resolvePath('dist/.make-cli-cache.js');
  try {
    const demo = join(work, 'demo');
    cpSync(resolvePath('test-fixtures/demo'), demo, { recursive: true });
    // Run from the project's folder: a replay is recorded only for a lint of the whole project.
    const args = ['.', '--format', 'json', '--cache-location', join(work, 'cache')];
    // The first run writes the result and schema caches, the second records its replay. A record is written only
    // when every file it read is older than the racy window (cli/replay.ts RACY_MS): the copies, then the caches.
    for (let i = 0; i < 2; i++) {
      await new Promise((r) => setTimeout(r, 1100));
      spawnSync(process.execPath, [resolvePath('bin/pglint.js'), ...args], { stdio: 'ignore', cwd: demo });
    }
    writeFileSync(maker, [
      "'use strict';",
      "const fs = require('node:fs'), path = require('node:path'), vm = require('node:vm'), Module = require('node:module');",
      "const file = path.join(__dirname, 'cli.js');",
      "const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file });",
      "process.argv = [process.execPath, file, ...process.argv.slice(2)];",
      "process.on('exit', () => fs.writeFileSync(`${file}.v8cache`, script.createCachedData()));",
      "const m = new Module(file, module);",
      "m.filename = file;",
      "m.paths = Module._nodeModulePaths(__dirname);",
      "script.runInThisContext().call(m.exports, m.exports, Module.createRequire(file), m, file, __dirname);",
      '',
    ].join('\n'));
    rmSync(resolvePath('dist/cli.js.v8cache'), { force: true });
    const r = spawnSync(process.execPath, [maker, ...args], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', cwd: demo, env: { ...process.env, PGLINT_DEBUG_CACHE: '1' } });
    if (!/replayed/.test(r.stderr ?? '')) rmSync(resolvePath('dist/cli.js.v8cache'), { force: true }); // made from a full run
    if (!existsSync(resolvePath('dist/cli.js.v8cache'))) console.warn(`warning: no code cache for dist/cli.js (${(r.stderr || r.error?.message || 'the run was not replayed').trim().split('\n')[0]})`);
  } finally {
    rmSync(maker, { force: true });
    rmSync(work, { recursive: true, force: true });
  }
}

await snapshot;

// Bundles the CLI, the language server and the VS Code client with esbuild.
// The engine (rules/) is bundled into the CLI and the server; the client bundle only starts the server.
import { build } from 'esbuild';
import { createRequire } from 'node:module';

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
      args.namespace === 'ts-esm' ? undefined : { path: 'typescript', namespace: 'ts-esm' });
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
  logLevel: 'warning',
  plugins: [typescriptAsEsm],
  // libpg-query and PGlite ship WASM next to their JS: they stay runtime dependencies.
  external: ['libpg-query', '@electric-sql/pglite', 'pg', 'pg-native', 'vscode'],
};

await Promise.all([
  build({ ...common, entryPoints: ['cli/main.ts'], outfile: 'dist/cli.js' }),
  build({ ...common, entryPoints: ['server/main.ts'], outfile: 'dist/server.js' }),
  build({ ...common, entryPoints: ['client/extension.ts'], outfile: 'dist/client.js' }),
]);

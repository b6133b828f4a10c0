// Bundles the CLI, the language server and the VS Code client with esbuild.
// The engine (rules/) is bundled into the CLI and the server; the client bundle only starts the server.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // libpg-query and PGlite ship WASM next to their JS: they stay runtime dependencies.
  external: ['libpg-query', '@electric-sql/pglite', 'pg', 'pg-native', 'vscode'],
};

await Promise.all([
  build({ ...common, entryPoints: ['cli/main.ts'], outfile: 'dist/cli.js' }),
  build({ ...common, entryPoints: ['server/main.ts'], outfile: 'dist/server.js' }),
  build({ ...common, entryPoints: ['client/extension.ts'], outfile: 'dist/client.js' }),
]);

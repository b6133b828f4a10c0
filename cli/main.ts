/** Entry point of the `pglint` command (bundled to dist/cli.js, started by bin/pglint.js). */
import { run } from './run';
import * as path from 'node:path';

// `pglint | head`: a closed pipe ends the run quietly instead of crashing on EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

if (process.argv[2] === 'lsp') {
  // `pglint lsp --stdio`: the same language server the VS Code extension runs, for any editor.
  // dist/server.js (beside this bundle) starts on the transport given on the command line; loading it only
  // here keeps the engine out of the CLI's light bundle.
  require(path.join(__dirname, 'server.js'));
} else {
  void run(process.argv.slice(2), { cwd: process.cwd(), env: process.env, stdout: process.stdout, stderr: process.stderr }).then((code) => {
    process.exitCode = code;
  });
}

/** Entry point of the `pglint` command (bundled to dist/cli.js, started by bin/pglint.js). */
import { run } from './run';

// `pglint | head`: a closed pipe ends the run quietly instead of crashing on EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

void run(process.argv.slice(2), { cwd: process.cwd(), env: process.env, stdout: process.stdout, stderr: process.stderr }).then((code) => {
  process.exitCode = code;
});

/** Entry point of the `pglint` command (bundled to dist/cli.js, started by bin/pglint.js). */
import { run } from './run';

void run(process.argv.slice(2), { cwd: process.cwd(), env: process.env, stdout: process.stdout, stderr: process.stderr }).then((code) => {
  process.exitCode = code;
});

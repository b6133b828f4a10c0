/** Entry point of the `pglint` command (bundled to dist/cli.js, started by bin/pglint.js). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nodeBinding } from './binding';
import { run } from './run';

if (process.argv[2] === 'lsp') {
  // `pglint lsp --stdio`: the same language server the VS Code extension runs, for any editor.
  // A closed pipe ends it quietly instead of crashing on EPIPE.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  // dist/server.js (beside this bundle) starts on the transport given on the command line; loading it only
  // here keeps the engine out of the CLI's light bundle.
  require(path.join(__dirname, 'server.js'));
} else {
  void run(process.argv.slice(2), { cwd: process.cwd(), env: process.env, stdout: fdWriter(1), stderr: fdWriter(2) }).then((code) => {
    process.exitCode = code;
  });
}

/**
 * Synchronous writes to a standard stream's file descriptor. The CLI prints its report once, at the end: it needs
 * none of Node's stream machinery, whose modules (net, streams, tty) cost ≈ 5 ms to load and set up in a fresh
 * process, a twentieth of a replayed run (bench/RESULTS.md, eleventh session). `pglint | head`: a closed pipe ends
 * the run quietly, as before.
 */
function fdWriter(fd: 1 | 2): { write(t: string | Uint8Array): boolean; readonly isTTY: boolean } {
  let tty: boolean | undefined;
  return {
    write(t) {
      const bytes = typeof t === 'string' ? Buffer.from(t, 'utf8') : t;
      for (let at = 0; at < bytes.length;) {
        try {
          at += fs.writeSync(fd, bytes, at, bytes.length - at);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'EAGAIN') waitMs(1); // a non-blocking pipe that is full: its reader will drain it
          else if (code === 'EPIPE') process.exit(process.exitCode ?? 0);
          else throw err;
        }
      }
      return true;
    },
    get isTTY() {
      return (tty ??= isTty(fd));
    },
  };
}

function waitMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Whether a file descriptor is a terminal: Node's own check (`tty_wrap.isTTY`, what `process.stdout.isTTY` reads)
 * without loading the tty module and the net and stream modules it pulls in; node:tty where that binding cannot be
 * read (cli/binding.ts).
 */
function isTty(fd: number): boolean {
  const wrap = nodeBinding<{ isTTY(fd: number): boolean }>('tty_wrap');
  if (typeof wrap?.isTTY === 'function') return wrap.isTTY(fd) === true;
  return (require('node:tty') as typeof import('node:tty')).isatty(fd);
}

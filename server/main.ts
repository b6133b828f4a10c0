/**
 * Entry of dist/server.js. The transport comes from the command line, as vscode-languageserver reads it:
 * `--stdio` (Neovim, Helix, Zed, Emacs…), `--node-ipc` (the VS Code client), or `--socket=<port>`.
 */
import { startServer } from './server';

const transports = ['--stdio', '--node-ipc', '--socket', '--pipe', '--clientProcessId'];
if (!process.argv.slice(2).some((a) => transports.some((t) => a === t || a.startsWith(`${t}=`)))) {
  process.stderr.write('pglint language server: pass --stdio (or --node-ipc, --socket=<port>) to choose the transport.\n');
  process.exit(2);
}
startServer();

// @vscode/test-electron runner: downloads desktop VS Code and runs suite/extension.test.cjs in its extension host.
// Where VS Code cannot be downloaded (no network but the npm registry and Debian, as on the CI machines), it says
// so and skips (exit 0): run-code-server-ext-tests.sh runs the same suite in code-server's extension host instead.
// VSCODE_EXECUTABLE=/path/to/code skips the download.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { downloadAndUnzipVSCode, runTests } = require('@vscode/test-electron');

const root = path.resolve(__dirname, '../..');

(async () => {
  let executable = process.env.VSCODE_EXECUTABLE;
  if (!executable) {
    try {
      executable = await Promise.race([
        downloadAndUnzipVSCode({ version: 'stable', cachePath: path.join(root, 'node_modules/.cache/pglint-editor/vscode-test') }),
        new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 60 s')), 60_000)),
      ]);
    } catch (e) {
      console.log(`SKIPPED: @vscode/test-electron cannot download VS Code here (${e && e.message ? e.message.split('\n')[0] : e}).`);
      console.log('The same suite runs in code-server: tests/editor/run-code-server-ext-tests.sh (and the UI test run-code-server-e2e.sh).');
      process.exit(0);
    }
  }
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'pglint-test-electron-'));
  fs.cpSync(path.join(root, 'tests/lsp-fixture'), ws, { recursive: true });
  try {
    await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(__dirname, 'suite/extension.test.cjs'),
      launchArgs: [ws, '--disable-extensions', '--disable-workspace-trust'],
    });
    console.log('test-electron suite PASSED');
  } catch (e) {
    console.error('test-electron suite FAILED', e);
    process.exitCode = 1;
  } finally {
    fs.rmSync(ws, { recursive: true, force: true });
  }
})();

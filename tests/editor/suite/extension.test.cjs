// Extension integration test, run INSIDE a VS Code extension host: by @vscode/test-electron (desktop VS Code,
// run-test-electron.cjs) or by code-server's extension host (run-code-server-ext-tests.sh). Exports run(),
// as test-electron expects. Workspace: a copy of tests/lsp-fixture.
'use strict';
const assert = require('node:assert');
const vscode = require('vscode');

const log = (...a) => console.log('[pglint suite]', ...a);

async function waitFor(what, fn, ms = 60_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const pglintDiags = (uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'pglint');
const codeOf = (d) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));

async function run() {
  const folder = vscode.workspace.workspaceFolders[0].uri;
  const uri = vscode.Uri.joinPath(folder, 'src', 'concat.ts');
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);

  const ext = vscode.extensions.all.find((e) => e.packageJSON.name === 'pglint');
  assert.ok(ext, 'pglint extension not loaded');
  await ext.activate();
  const commands = await vscode.commands.getCommands(true);
  for (const c of ['pglint.showRuleDocumentation', 'pglint.fixAll', 'pglint.restartServer', 'pglint.openChapter']) assert.ok(commands.includes(c), `command ${c} missing`);

  // 1. diagnostics
  const diags = await waitFor('pglint diagnostics', () => (pglintDiags(uri).length >= 2 ? pglintDiags(uri) : undefined));
  const d = diags.find((x) => codeOf(x) === 'no-sql-concatenation');
  assert.ok(d, 'no no-sql-concatenation diagnostic');
  assert.match(String(d.code.target), /01\.2-nodejs-node-postgres\.md$/);
  log('diagnostic:', codeOf(d), d.message.slice(0, 60), JSON.stringify(d.range));

  // 2. hover
  const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, d.range.start);
  const hoverText = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
  assert.ok(hoverText.includes('pglint · no-sql-concatenation'), 'pglint hover missing');
  assert.ok(hoverText.includes('20-drivers-connexion-applicative/01.2-nodejs-node-postgres.md'), 'chapter link missing in hover');
  log('hover ok');

  // 3. quick fix through the real client
  const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, d.range, vscode.CodeActionKind.QuickFix.value);
  const fix = actions.find((a) => a.title === 'Use query parameters');
  assert.ok(fix && fix.edit, 'quick fix missing: ' + actions.map((a) => a.title).join(', '));
  assert.ok(await vscode.workspace.applyEdit(fix.edit));
  assert.match(doc.lineAt(d.range.start.line).text, /name = \$1', \[name\]/);
  await doc.save();
  await waitFor('one finding fewer', () => pglintDiags(uri).length === diags.length - 1);
  log('quick fix applied');

  // 4. "pglint: Fix all safe problems" fixes the other one
  await vscode.commands.executeCommand('pglint.fixAll');
  await waitFor('fix-all edit', () => /email = \$\d/.test(doc.getText()));
  await waitFor('no concatenation finding left', () => !pglintDiags(uri).some((x) => codeOf(x) === 'no-sql-concatenation'));
  log('fix all applied');

  // 5. settings: turning a rule off removes its findings
  const leak = vscode.Uri.joinPath(folder, 'src', 'leak.ts');
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(leak));
  await waitFor('leak finding', () => pglintDiags(leak).some((x) => codeOf(x) === 'no-unreleased-client'));
  await vscode.workspace.getConfiguration('pglint').update('rules', { 'no-unreleased-client': 'off' }, vscode.ConfigurationTarget.Workspace);
  await waitFor('leak finding gone', () => !pglintDiags(leak).some((x) => codeOf(x) === 'no-unreleased-client'));
  log('settings change applied');
  log('5 passed, 0 failed');
}

module.exports = { run };

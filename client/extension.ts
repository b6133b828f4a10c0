/**
 * VS Code glue: starts the bundled language server (dist/server.js) over node IPC and adds the status bar,
 * the output channel and the `pglint.*` commands. No analysis here: never import rules/ from this file.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  LanguageClient,
  State,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import {
  ListRulesRequestMethod,
  RuleDocsRequestMethod,
  ServerCommands,
  StatusNotificationMethod,
  type ListedRule,
  type RuleDocsParams,
  type RuleDocsResult,
  type StatusParams,
} from '../server/protocol';

const LANGUAGES = ['typescript', 'typescriptreact', 'javascript', 'javascriptreact', 'sql'];

let client: LanguageClient | undefined;
let statusItem: vscode.StatusBarItem | undefined;
let lastError: string | undefined;

function createClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.map((language) => ({ scheme: 'file', language })),
    outputChannel: output,
    // In an untrusted workspace the server ignores workspace-provided local doc paths and database URLs.
    initializationOptions: () => ({ trusted: vscode.workspace.isTrusted }),
    synchronize: {
      fileEvents: [
        vscode.workspace.createFileSystemWatcher('**/{pglint.config.json,package.json,pnpm-workspace.yaml,tsconfig*.json,jsconfig*.json}'),
        vscode.workspace.createFileSystemWatcher('**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs,sql}'),
      ],
    },
    diagnosticPullOptions: { onChange: true, onSave: true },
  };
  const c = new LanguageClient('pglint', 'pglint', serverOptions, clientOptions);
  c.onDidChangeState((e) => {
    if (e.newState === State.Stopped) lastError = lastError ?? 'server stopped';
    if (e.newState === State.Running) lastError = undefined;
    updateStatus();
  });
  return c;
}

function pglintDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'pglint');
}

function updateStatus(): void {
  if (!statusItem) return;
  const editor = vscode.window.activeTextEditor;
  const relevant = editor && LANGUAGES.includes(editor.document.languageId);
  if (lastError || client?.state === State.Stopped) {
    statusItem.text = '$(error) pglint';
    statusItem.tooltip = `pglint: ${lastError ?? 'server stopped'} — click to open the log`;
    statusItem.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
  } else if (client?.state === State.Starting) {
    statusItem.text = '$(sync~spin) pglint';
    statusItem.tooltip = 'pglint: starting';
    statusItem.backgroundColor = undefined;
  } else {
    const n = editor ? pglintDiagnostics(editor.document.uri).length : 0;
    statusItem.text = n > 0 ? `$(warning) pglint: ${n}` : '$(check) pglint';
    statusItem.tooltip = n > 0 ? `pglint: ${n} finding${n === 1 ? '' : 's'} in this file` : 'pglint: running, no finding in this file';
    statusItem.backgroundColor = undefined;
  }
  if (relevant || lastError) statusItem.show();
  else statusItem.hide();
}

async function pickRule(c: LanguageClient, placeHolder: string): Promise<ListedRule | undefined> {
  const rules = await c.sendRequest<ListedRule[]>(ListRulesRequestMethod);
  const picked = await vscode.window.showQuickPick(
    rules.map((r) => ({ label: r.id, description: r.description, detail: r.chapters.map((ch) => `§${ch.id} ${ch.title}`).join(' · '), rule: r })),
    { placeHolder },
  );
  return picked?.rule;
}

async function showRuleDocumentation(arg?: unknown): Promise<void> {
  if (!client) return;
  let ruleId = typeof arg === 'string' ? arg : undefined;
  if (!ruleId) ruleId = (await pickRule(client, 'Rule to explain'))?.id;
  if (!ruleId) return;
  const res = await client.sendRequest<RuleDocsResult>(RuleDocsRequestMethod, { ruleId } satisfies RuleDocsParams);
  if (res.error) {
    void vscode.window.showErrorMessage(`pglint: ${res.error}`);
    return;
  }
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: res.markdown });
  await vscode.window.showTextDocument(doc, { preview: true });
  await vscode.commands.executeCommand('markdown.showPreview', doc.uri).then(undefined, () => undefined);
}

async function openChapter(arg?: unknown): Promise<void> {
  let url = typeof arg === 'string' ? arg : undefined;
  if (!url && client) {
    const rule = await pickRule(client, 'Open the course section of a rule');
    if (!rule) return;
    const ch =
      rule.chapters.length === 1
        ? rule.chapters[0]
        : (await vscode.window.showQuickPick(rule.chapters.map((c) => ({ label: `§${c.id}`, description: c.title, c }))))?.c;
    url = ch?.url;
  }
  if (!url) return;
  if (url.startsWith('file:') || path.isAbsolute(url)) {
    const uri = url.startsWith('file:') ? vscode.Uri.parse(url) : vscode.Uri.file(url);
    await vscode.commands.executeCommand('markdown.showPreview', uri).then(undefined, () => vscode.window.showTextDocument(uri));
  } else {
    await vscode.env.openExternal(vscode.Uri.parse(url));
  }
}

async function fixAll(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!client || !editor) return;
  await client.sendRequest(ExecuteCommandRequest.type, {
    command: ServerCommands.applyFixAll,
    arguments: [editor.document.uri.toString(), editor.document.version],
  });
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('pglint', { log: true });
  statusItem = vscode.window.createStatusBarItem('pglint.status', vscode.StatusBarAlignment.Right, 100);
  statusItem.name = 'pglint';
  statusItem.command = 'pglint.showOutput';
  context.subscriptions.push(output, statusItem);

  client = createClient(context, output);
  context.subscriptions.push(
    client.onNotification(StatusNotificationMethod, (p: StatusParams) => {
      lastError = p.state === 'error' ? `lint failed: ${p.message ?? 'see the log'}` : undefined;
      updateStatus();
    }),
    vscode.languages.onDidChangeDiagnostics(() => updateStatus()),
    vscode.window.onDidChangeActiveTextEditor(() => updateStatus()),
    vscode.commands.registerCommand('pglint.showRuleDocumentation', showRuleDocumentation),
    vscode.commands.registerCommand('pglint.fixAll', fixAll),
    vscode.commands.registerCommand('pglint.openChapter', openChapter),
    vscode.commands.registerCommand('pglint.showOutput', () => output.show()),
    vscode.commands.registerCommand('pglint.restartServer', async () => {
      lastError = undefined;
      output.info('restarting the pglint server');
      await client?.restart();
      updateStatus();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(async () => {
      output.info('workspace trusted: restarting the server with workspace settings');
      await client?.restart();
    }),
  );
  try {
    await client.start();
  } catch (e) {
    lastError = e instanceof Error ? e.message : String(e);
    output.error(`pglint server failed to start: ${lastError}`);
  }
  updateStatus();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

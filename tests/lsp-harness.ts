/**
 * A small LSP client for the protocol tests: spawns the real server (`node dist/server.js --stdio`) and speaks
 * JSON-RPC with vscode-jsonrpc. It records what the server pushes and answers the requests a client must answer.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type {
  ClientCapabilities,
  Diagnostic,
  InitializeResult,
  PublishDiagnosticsParams,
  Range,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol';

export const ROOT = path.resolve(__dirname, '..');
export const SERVER = path.join(ROOT, 'dist', 'server.js');

export const uriOf = (file: string) => pathToFileURL(file).href;

export function baseCapabilities(opts: { pull?: boolean } = {}): ClientCapabilities {
  return {
    workspace: {
      configuration: true,
      didChangeConfiguration: { dynamicRegistration: true },
      workspaceEdit: { documentChanges: true, resourceOperations: ['create'] },
      workspaceFolders: true,
      diagnostics: opts.pull ? { refreshSupport: true } : undefined,
      applyEdit: true,
    },
    textDocument: {
      synchronization: { dynamicRegistration: false, didSave: true },
      publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true },
      hover: { contentFormat: ['markdown', 'plaintext'] },
      codeAction: {
        codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } },
        isPreferredSupport: true,
      },
      diagnostic: opts.pull ? { dynamicRegistration: false, relatedDocumentSupport: false } : undefined,
    },
    window: { showDocument: { support: true } },
  };
}

export function waitFor<T>(what: string, fn: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      let v: T | undefined | false;
      try {
        v = fn();
      } catch (e) {
        reject(e as Error);
        return;
      }
      if (v !== undefined && v !== false) resolve(v);
      else if (Date.now() - start > timeoutMs) reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      else setTimeout(tick, 20);
    };
    tick();
  });
}

/** Applies LSP text edits (ranges against the original text) to a string. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const off = (p: { line: number; character: number }) => Math.min((starts[p.line] ?? text.length) + p.character, text.length);
  const sorted = [...edits].map((e) => ({ s: off(e.range.start), e: off(e.range.end), t: e.newText })).sort((a, b) => b.s - a.s || b.e - a.e);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.s) + e.t + out.slice(e.e);
  return out;
}

/** The edits of a WorkspaceEdit (documentChanges or changes) for one document. */
export function editsForUri(edit: WorkspaceEdit, uri: string): TextEdit[] {
  const out: TextEdit[] = [];
  for (const dc of edit.documentChanges ?? []) {
    if ('textDocument' in dc && dc.textDocument.uri === uri) out.push(...(dc.edits as TextEdit[]));
  }
  out.push(...(edit.changes?.[uri] ?? []));
  return out;
}

export interface OpenDoc {
  uri: string;
  file: string;
  version: number;
  text: string;
}

export class LspClient {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly conn: MessageConnection;
  readonly published: PublishDiagnosticsParams[] = [];
  readonly requests: { method: string; params: unknown }[] = [];
  readonly logs: string[] = [];
  readonly docs = new Map<string, OpenDoc>();
  settings: Record<string, unknown> = {};
  stderr = '';
  exited: number | null | undefined;

  constructor(args: string[] = ['--stdio'], server: string = SERVER, cwd?: string) {
    this.proc = spawn(process.execPath, [server, ...args], { stdio: 'pipe', cwd });
    this.proc.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.proc.on('exit', (code) => (this.exited = code));
    this.conn = createMessageConnection(new StreamMessageReader(this.proc.stdout), new StreamMessageWriter(this.proc.stdin));
    this.conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.published.push(p);
    });
    this.conn.onNotification('window/logMessage', (p: { message: string }) => {
      this.logs.push(p.message);
    });
    this.conn.onNotification(() => undefined);
    this.conn.onRequest('workspace/configuration', (p: { items: { section?: string; scopeUri?: string }[] }) => {
      this.requests.push({ method: 'workspace/configuration', params: p });
      return p.items.map(() => this.settings);
    });
    this.conn.onRequest('client/registerCapability', () => null);
    this.conn.onRequest('window/showDocument', (p: unknown) => {
      this.requests.push({ method: 'window/showDocument', params: p });
      return { success: true };
    });
    this.conn.onRequest('workspace/diagnostic/refresh', () => {
      this.requests.push({ method: 'workspace/diagnostic/refresh', params: null });
      return null;
    });
    this.conn.onRequest('workspace/applyEdit', (p: { edit: WorkspaceEdit }) => {
      this.requests.push({ method: 'workspace/applyEdit', params: p });
      return { applied: true };
    });
    this.conn.onRequest('window/showMessageRequest', () => null);
    this.conn.listen();
  }

  async initialize(root: string, capabilities: ClientCapabilities, extra: { locale?: string } = {}): Promise<InitializeResult> {
    const res = await this.conn.sendRequest<InitializeResult>('initialize', {
      processId: process.pid,
      rootUri: uriOf(root),
      workspaceFolders: [{ uri: uriOf(root), name: path.basename(root) }],
      capabilities,
      locale: extra.locale,
    });
    await this.conn.sendNotification('initialized', {});
    return res;
  }

  async open(file: string, languageId = 'typescript'): Promise<OpenDoc> {
    const doc: OpenDoc = { uri: uriOf(file), file, version: 1, text: fs.readFileSync(file, 'utf8') };
    this.docs.set(doc.uri, doc);
    await this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: doc.uri, languageId, version: 1, text: doc.text } });
    return doc;
  }

  /** Sends an incremental change (range → text) and updates our copy. */
  async change(doc: OpenDoc, range: Range, text: string): Promise<void> {
    doc.text = applyTextEdits(doc.text, [{ range, newText: text }]);
    doc.version++;
    await this.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: doc.uri, version: doc.version },
      contentChanges: [{ range, text }],
    });
  }

  /** Applies text edits the way an editor does: one didChange with the whole new text. */
  async applyEdits(doc: OpenDoc, edits: readonly TextEdit[]): Promise<void> {
    doc.text = applyTextEdits(doc.text, edits);
    doc.version++;
    await this.conn.sendNotification('textDocument/didChange', { textDocument: { uri: doc.uri, version: doc.version }, contentChanges: [{ text: doc.text }] });
  }

  /** The latest diagnostics published for the document's current version. */
  latest(doc: OpenDoc): Diagnostic[] | undefined {
    for (let i = this.published.length - 1; i >= 0; i--) {
      const p = this.published[i]!;
      if (p.uri === doc.uri) return p.version === undefined || p.version === doc.version ? p.diagnostics : undefined;
    }
    return undefined;
  }

  waitDiagnostics(doc: OpenDoc, pred: (d: Diagnostic[]) => boolean = () => true, timeoutMs?: number): Promise<Diagnostic[]> {
    return waitFor(`diagnostics of ${path.basename(doc.file)} v${doc.version}`, () => {
      const d = this.latest(doc);
      return d && pred(d) ? d : undefined;
    }, timeoutMs);
  }

  async close(): Promise<void> {
    if (this.exited === undefined) {
      try {
        await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 3000))]);
        await this.conn.sendNotification('exit');
      } catch {
        // already gone
      }
      await waitFor('server exit', () => this.exited !== undefined || undefined, 5000).catch(() => this.proc.kill());
    }
    this.conn.dispose();
  }
}

/** Lines (0-based) carrying `// expect: id[, id]` (or SQL `-- expect: …`) comments, as "line:id" strings. */
export function expectedFindings(text: string): string[] {
  const out: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const m = /(?:\/\/|--) expect: ([\w, -]+)$/.exec(line);
    if (m) for (const id of m[1]!.split(',').map((s) => s.trim()).filter(Boolean)) out.push(`${i}:${id}`);
  });
  return out.sort();
}

export function actualFindings(diags: readonly Diagnostic[]): string[] {
  return diags.map((d) => `${d.range.start.line}:${String(d.code)}`).sort();
}

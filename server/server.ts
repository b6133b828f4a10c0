/**
 * The pglint language server: an LSP adapter over the engine's `Project`. It owns no analysis; it turns
 * findings into diagnostics, hovers and code actions, and keeps them in step with the editor's versions.
 *
 * Invariants: settings are per workspace folder (never process-wide); findings are cached per document version
 * and anything computed for an older version is dropped, never published; an exception in the engine is logged
 * with its file and never stops the server.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeAction,
  CodeActionKind,
  Command,
  DiagnosticSeverity,
  DidChangeConfigurationNotification,
  DocumentDiagnosticReportKind,
  ProposedFeatures,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
  type ClientCapabilities,
  type CodeActionParams,
  type Connection,
  type Diagnostic,
  type DocumentDiagnosticReport,
  type Hover,
  type InitializeParams,
  type InitializeResult,
  type TextDocumentEdit,
  type WorkspaceEdit,
  type CreateFile as LspCreateFile,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CHAPTERS, DEFAULT_DOCS_BASE_URL, chapterUrl, type ChapterId } from '../rules/src/chapters';
import { CONFIG_FILE_NAME, ConfigError, defaultConfig, loadConfig, type KnownRule } from '../rules/src/config';
import type { ResolvedConfig } from '../rules/src/config-types';
import { LineIndex } from '../rules/src/engine/text';
import type { Finding, Fix, Language } from '../rules/src/engine/types';
import { Project } from '../rules/src/engine/project';
import { warmUp } from '../rules/src/engine/warmup';
import { initSqlParser } from '../rules/src/engine/sqlparse';
import { checkLiveDatabase, redactUrl } from '../rules/src/migrations/live';
import { RULES } from '../rules/src/registry';
import { DB_API_NOTES, dbApiAt } from './dbApi';
import { dbApiMarkdown, ruleMarkdown } from './docs';
import { applyFixes } from '../rules/src/engine/fixes';
import { editsFor, minimalEdit, safeFixesOf } from './fixes';
import {
  FIX_ALL_KIND,
  ListRulesRequestMethod,
  RuleDocsRequestMethod,
  ServerCommands,
  StatusNotificationMethod,
  type ListedRule,
  type PglintSettings,
  type RuleDocsParams,
  type RuleDocsResult,
  type StatusParams,
} from './protocol';
import { DEFAULT_SETTINGS, mergeSettings, normalizeSettings } from './settings';

/**
 * Delay between the last keystroke and the lint it triggers. Short: it only lets changes that arrive together
 * (a paste, a multi-cursor edit, messages the client flushes at once) drain before the lint starts. Staleness is
 * handled by the lint itself: it yields between its steps and stops as soon as a newer version has arrived, and
 * a result is published only if no newer version arrived meanwhile (see validate, validateAndPublish).
 */
export const DEBOUNCE_MS = 5;
/** Config files whose path aliases the engine reads (a change reloads the project). */
const TS_CONFIG_FILE = /^[jt]sconfig(\..+)?\.json$/;
const MAX_FIX_ROUNDS = 10;

interface FolderState {
  root: string;
  uri: string;
  settings: PglintSettings;
  config: ResolvedConfig;
  project: Project;
  /** Findings of the opt-in live-database checks (pglint.database.url), by file. */
  live?: Map<string, Finding[]>;
}

interface CacheEntry {
  version: number;
  /** Bumped on configuration changes so a cached result from older settings is not reused. */
  generation: number;
  findings: Finding[];
  diagnostics: Diagnostic[];
}

function knownRules(): KnownRule[] {
  return Object.values(RULES).map((r) => ({ id: r.meta.id, defaultSeverity: r.meta.defaultSeverity, defaultOptions: r.meta.defaultOptions }));
}

export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}

function firstChapter(ruleId: string): ChapterId | undefined {
  return RULES[ruleId]?.meta.chapters[0];
}

/**
 * Starts the server on `connection`, or on one created from the process arguments (`--stdio`, `--node-ipc`,
 * `--socket=<port>`). Used by dist/server.js and by `pglint lsp --stdio`.
 */
export function startServer(given?: Connection): Connection {
  const connection: Connection = given ?? createConnection(ProposedFeatures.all);
  const documents = new TextDocuments(TextDocument);

  let capabilities: ClientCapabilities = {};
  let clientLocale: string | undefined;
  let trusted = true;
  let pullMode = false;
  let folders: { uri: string; root: string }[] = [];
  const states = new Map<string, Promise<FolderState>>();
  const cache = new Map<string, CacheEntry>();
  const timers = new Map<string, NodeJS.Timeout>();
  /**
   * Open documents whose newest text the project has not been given yet (uri -> path). Edits only mark the
   * document here; the text reaches the project right before something reads it (flushOverlays). A burst of
   * edits then costs one overlay update, and the project keeps the previous tree for its incremental reparse.
   */
  const dirty = new Map<string, string>();
  /** Line indexes of the texts related locations point into, by path (rebuilt when the text changes). */
  const lineIndexes = new Map<string, { text: string; index: LineIndex }>();
  let generation = 0;

  const log = (msg: string) => connection.console.log(`[pglint] ${msg}`);
  const logError = (msg: string) => connection.console.error(`[pglint] ${msg}`);

  process.on('uncaughtException', (e) => logError(`uncaught exception: ${errorText(e)}`));
  // The PostgreSQL parser (WASM) loads once; lints wait for it so SQL-aware rules and fixes see real parses.
  const sqlParserReady = initSqlParser().catch((e) => logError(`PostgreSQL parser failed to load (SQL-aware checks degrade): ${errorText(e)}`));
  process.on('unhandledRejection', (e) => logError(`unhandled rejection: ${errorText(e)}`));

  // ---------------------------------------------------------------- folders, settings, projects

  function folderFor(file: string): { uri: string; root: string } {
    let best: { uri: string; root: string } | undefined;
    for (const f of folders) {
      if ((file === f.root || file.startsWith(f.root + path.sep)) && (!best || f.root.length > best.root.length)) best = f;
    }
    if (best) return best;
    // A file outside every folder: its own project, rooted where a config or package.json is.
    let dir = path.dirname(file);
    for (let d = dir; ; ) {
      if (fs.existsSync(path.join(d, CONFIG_FILE_NAME)) || fs.existsSync(path.join(d, 'package.json'))) {
        dir = d;
        break;
      }
      const parent = path.dirname(d);
      if (parent === d) break;
      d = parent;
    }
    return { root: dir, uri: pathToFileURL(dir).href };
  }

  async function fetchSettings(folderUri: string): Promise<PglintSettings> {
    if (!capabilities.workspace?.configuration) return DEFAULT_SETTINGS;
    try {
      const raw: unknown = await connection.workspace.getConfiguration({ scopeUri: folderUri, section: 'pglint' });
      return normalizeSettings(raw);
    } catch (e) {
      logError(`workspace/configuration failed: ${errorText(e)}`);
      return DEFAULT_SETTINGS;
    }
  }

  function loadFileConfig(root: string): ResolvedConfig {
    try {
      const loaded = loadConfig(root, undefined, knownRules());
      if (loaded.file) log(`configuration: ${loaded.file}`);
      return loaded.config;
    } catch (e) {
      const msg = e instanceof ConfigError ? e.message : errorText(e);
      logError(`invalid configuration in ${root}: ${msg}`);
      void connection.window.showErrorMessage(`pglint: ${msg}`);
      return defaultConfig(knownRules());
    }
  }

  async function buildState(folder: { uri: string; root: string }, previous?: FolderState): Promise<FolderState> {
    const settings = await fetchSettings(folder.uri);
    const warnings: string[] = [];
    const config = mergeSettings(loadFileConfig(folder.root), settings, { clientLocale, trusted, warnings });
    for (const w of warnings) log(w);
    let project = previous?.project;
    if (project) {
      project.setConfig(config);
      flushOverlays({ root: folder.root, project });
    } else {
      project = new Project({ root: folder.root, config });
      // Open documents of this folder are overlays: the project reads the editor's text, not the disk.
      for (const doc of documents.all()) {
        const p = uriToPath(doc.uri);
        if (p && folderFor(p).root === folder.root) project.setOverlay(p, doc.getText());
      }
    }
    await prepareMigrations(project);
    const live = config.database?.url ? await liveChecks(project, config.database.url) : undefined;
    return { root: folder.root, uri: folder.uri, settings, config, project, live };
  }

  /** Builds the schema the folder's migrations produce (in-memory PGlite) and lints the migrations. Never throws. */
  async function prepareMigrations(project: Project): Promise<void> {
    const t0 = Date.now();
    try {
      await project.prepare();
    } catch (e) {
      logError(`migrations of ${project.root}: ${errorText(e)}`);
      return;
    }
    const err = project.migrationError();
    if (err) logError(`migrations of ${project.root} could not be replayed: ${err}`);
    const n = project.migrationSet()?.migrations.length ?? 0;
    if (n > 0) log(`${n} migration file(s) replayed for ${project.root} in ${Date.now() - t0} ms`);
  }

  /** Opt-in, read-only checks against the configured database; warnings are logged, the password never is. */
  async function liveChecks(project: Project, url: string): Promise<Map<string, Finding[]>> {
    const byFile = new Map<string, Finding[]>();
    try {
      const live = await checkLiveDatabase(project, url);
      for (const w of live.warnings) log(w);
      for (const f of live.findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
    } catch (e) {
      logError(`live database checks failed: ${errorText(e).replace(url, redactUrl(url))}`);
    }
    return byFile;
  }

  function isMigrationFile(st: FolderState, file: string): boolean {
    if (file.endsWith('.sql')) return true;
    return st.project.migrationSet()?.migrations.some((m) => m.file === file) ?? false;
  }

  function stateFor(file: string): Promise<FolderState> {
    const folder = folderFor(file);
    let st = states.get(folder.root);
    if (!st) {
      st = buildState(folder);
      states.set(folder.root, st);
    }
    return st;
  }

  async function reloadAll(reason: string): Promise<void> {
    log(`reloading configuration (${reason})`);
    generation++;
    const entries = [...states.entries()];
    for (const [root, pending] of entries) {
      const next = pending.then(
        (prev) => buildState({ root, uri: prev.uri }, prev),
        () => buildState(folderFor(path.join(root, 'x'))),
      );
      states.set(root, next);
    }
    await Promise.allSettled([...states.values()]);
    cache.clear();
    refreshAll();
  }

  // ---------------------------------------------------------------- linting and diagnostics

  /** Gives the project of `st` the newest text of every edited open document of that project. */
  function flushOverlays(st: { root: string; project: Project }): void {
    for (const [uri, file] of [...dirty]) {
      if (folderFor(file).root !== st.root) continue;
      dirty.delete(uri);
      const doc = documents.get(uri);
      if (doc) st.project.setOverlay(file, doc.getText());
    }
  }

  /** Lets queued messages (a newer didChange) run before the next step of a lint. */
  // setImmediate runs after pending I/O callbacks: a queued didChange is read before the lint goes on (no timer delay).
  const yieldToMessages = () => new Promise<void>((resolve) => setImmediate(resolve));

  function lineIndexOf(file: string, text: string): LineIndex {
    const hit = lineIndexes.get(file);
    if (hit && hit.text === text) return hit.index;
    const index = new LineIndex(text);
    lineIndexes.set(file, { text, index });
    return index;
  }

  function textOf(file: string, overrideUri?: string): string | undefined {
    const uri = overrideUri ?? pathToFileURL(file).href;
    const doc = documents.get(uri) ?? documents.all().find((d) => uriToPath(d.uri) === file);
    if (doc) return doc.getText();
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  }

  function uriOf(file: string): string {
    const open = documents.all().find((d) => uriToPath(d.uri) === file);
    return open ? open.uri : pathToFileURL(file).href;
  }

  function toDiagnostic(f: Finding, index: LineIndex, st: FolderState): Diagnostic {
    const baseUrl = st.config.docs.baseUrl || DEFAULT_DOCS_BASE_URL;
    const chapterId = firstChapter(f.ruleId);
    const d: Diagnostic = {
      range: { start: index.position(f.start), end: index.position(f.end) },
      severity: f.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
      code: f.ruleId,
      source: 'pglint',
      message: f.message,
    };
    if (chapterId) d.codeDescription = { href: chapterUrl(chapterId, baseUrl) };
    if (f.related?.length && capabilities.textDocument?.publishDiagnostics?.relatedInformation !== false) {
      d.relatedInformation = [];
      for (const r of f.related) {
        // The project's copy first: it is the text the finding was computed on (and no disk read per lint).
        const text = r.file === f.file ? undefined : (st.project.textOf(r.file) ?? textOf(r.file));
        const ri = r.file === f.file ? index : text !== undefined ? lineIndexOf(r.file, text) : undefined;
        if (!ri) continue;
        d.relatedInformation.push({
          location: { uri: uriOf(r.file), range: { start: ri.position(r.start), end: ri.position(r.end) } },
          message: r.message,
        });
      }
    }
    return d;
  }

  function sendStatus(params: StatusParams): void {
    void connection.sendNotification(StatusNotificationMethod, params);
  }

  /** Lints the document's current version; undefined when a newer version arrived meanwhile. */
  async function validate(uri: string): Promise<CacheEntry | undefined> {
    const doc = documents.get(uri);
    const file = uriToPath(uri);
    if (!doc || !file) return undefined;
    const version = doc.version;
    const gen = generation;
    const cached = cache.get(uri);
    if (cached && cached.version === version && cached.generation === gen) return cached;
    await sqlParserReady;
    const st = await stateFor(file);
    const current = () => documents.get(uri)?.version === version && generation === gen;
    if (!current()) return undefined;
    let findings: Finding[] = [];
    if (st.settings.enable) {
      flushOverlays(st);
      st.project.setOverlay(file, doc.getText());
      try {
        // The lint runs in steps (the parse, then each rule) with a yield between them, so a newer version
        // (a queued didChange) stops it early instead of waiting behind it.
        const result = await st.project.lintFileAsync(file, { isCancelled: () => !current(), yieldTo: yieldToMessages });
        if (!result || !current()) return undefined;
        if (result.skipped) log(`${file}: ${result.skipped}`);
        for (const err of result.errors ?? []) logError(err);
        findings = [...result.findings.filter((f) => f.file === file), ...(st.live?.get(file) ?? [])];
        sendStatus({ uri, state: 'ok', findings: findings.length });
      } catch (e) {
        logError(`lint failed for ${file}: ${errorText(e)}`);
        sendStatus({ uri, state: 'error', findings: 0, message: e instanceof Error ? e.message : String(e) });
        findings = [];
      }
    }
    if (!current()) return undefined;
    const index = lineIndexOf(file, doc.getText());
    const entry: CacheEntry = { version, generation: gen, findings, diagnostics: findings.map((f) => toDiagnostic(f, index, st)) };
    cache.set(uri, entry);
    if (!warmedUp && st.settings.enable) startWarmUp(); // not for a disabled folder
    return entry;
  }

  async function validateAndPublish(uri: string): Promise<void> {
    const entry = await validate(uri);
    if (!entry) return;
    // Changes that arrived while the rules ran are still queued: let them in first, so a result that is already
    // stale is never published (the newer version's lint is scheduled by its change).
    await yieldToMessages();
    const doc = documents.get(uri);
    if (!doc || doc.version !== entry.version) return; // stale: a newer version is on its way
    await connection.sendDiagnostics({ uri, version: entry.version, diagnostics: entry.diagnostics });
  }

  /**
   * Once, after the first lint (its diagnostics, pushed or pulled, go out first): the engine warms up in idle steps
   * (engine/warmup.ts; each step waits for queued messages first), so the first keystrokes in a file are re-linted as
   * fast as the later ones.
   */
  let warmedUp = false;
  function startWarmUp(): void {
    warmedUp = true;
    const t0 = Date.now();
    yieldToMessages().then(() => warmUp(yieldToMessages)).then(
      () => log(`engine warmed up in ${Date.now() - t0} ms`),
      (e) => logError(`warm-up failed: ${errorText(e)}`),
    );
  }

  function schedule(uri: string, delay: number): void {
    const t = timers.get(uri);
    if (t) clearTimeout(t);
    timers.set(
      uri,
      setTimeout(() => {
        timers.delete(uri);
        validateAndPublish(uri).catch((e) => logError(`diagnostics for ${uri}: ${errorText(e)}`));
      }, delay),
    );
  }

  /** Diagnostics of every open document must be recomputed (configuration change, dependency change). */
  function refreshAll(uris?: string[]): void {
    for (const u of uris ?? [...cache.keys()]) cache.delete(u);
    if (pullMode) {
      if (capabilities.workspace?.diagnostics?.refreshSupport) void connection.languages.diagnostics.refresh().catch(() => undefined);
      return;
    }
    for (const u of uris ?? documents.all().map((d) => d.uri)) schedule(u, DEBOUNCE_MS);
  }

  /** Open files whose findings depend on `file` (N+1 through a repository function, for instance). */
  /** `files` grouped by the workspace folder (project) each belongs to. */
  async function byFolderState(files: readonly string[]): Promise<Map<FolderState, string[]>> {
    const out = new Map<FolderState, string[]>();
    for (const file of files) {
      const st = await stateFor(file);
      const list = out.get(st);
      if (list) list.push(file);
      else out.set(st, [file]);
    }
    return out;
  }

  /** Re-lints the open documents that import one of `files` (transitively; a changed file that imports another too). */
  async function dependentsChanged(files: readonly string[]): Promise<void> {
    const deps = new Set<string>();
    for (const [st, list] of await byFolderState(files)) {
      try {
        for (const d of st.project.dependentsOfMany(list)) deps.add(d);
      } catch (e) {
        logError(`dependentsOf failed for ${list.join(', ')}: ${errorText(e)}`);
      }
    }
    const uris = documents
      .all()
      .filter((d) => {
        const p = uriToPath(d.uri);
        return p !== undefined && deps.has(p);
      })
      .map((d) => d.uri);
    if (uris.length > 0) refreshAll(uris);
  }

  documents.onDidOpen((e) => {
    const file = uriToPath(e.document.uri);
    if (!file) return;
    void stateFor(file).then((st) => st.project.setOverlay(file, e.document.getText()));
  });

  documents.onDidChangeContent((e) => {
    const file = uriToPath(e.document.uri);
    if (!file) return;
    const first = e.document.version <= 1 || !cache.has(e.document.uri);
    // The text reaches the project when something reads it next (flushOverlays), not on every keystroke.
    dirty.set(e.document.uri, file);
    if (!first) {
      void stateFor(file)
        .then(() => dependentsChanged([file]))
        .catch((err) => logError(`${file}: ${errorText(err)}`));
    }
    if (!pullMode) schedule(e.document.uri, first ? 0 : DEBOUNCE_MS);
  });

  documents.onDidClose((e) => {
    const file = uriToPath(e.document.uri);
    const t = timers.get(e.document.uri);
    if (t) clearTimeout(t);
    timers.delete(e.document.uri);
    cache.delete(e.document.uri);
    dirty.delete(e.document.uri);
    if (file) lineIndexes.delete(file);
    if (file) void stateFor(file).then((st) => st.project.setOverlay(file, undefined));
    if (!pullMode) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  // ---------------------------------------------------------------- code actions

  function lspEditFor(changes: Map<string, { start: number; end: number; text: string }[]>, creates: { file: string; text: string }[]): WorkspaceEdit | undefined {
    const useDocChanges = capabilities.workspace?.workspaceEdit?.documentChanges === true;
    const canCreate = capabilities.workspace?.workspaceEdit?.resourceOperations?.includes('create') === true;
    if (creates.length > 0 && !(useDocChanges && canCreate)) return undefined;
    const docEdits: (TextDocumentEdit | LspCreateFile)[] = [];
    const plain: Record<string, { range: Diagnostic['range']; newText: string }[]> = {};
    for (const [file, edits] of changes) {
      const text = textOf(file);
      if (text === undefined) return undefined;
      const index = new LineIndex(text);
      const uri = uriOf(file);
      const lspEdits = edits.map((e) => ({ range: { start: index.position(e.start), end: index.position(e.end) }, newText: e.text }));
      if (useDocChanges) docEdits.push({ textDocument: { uri, version: documents.get(uri)?.version ?? null }, edits: lspEdits });
      else plain[uri] = lspEdits;
    }
    for (const c of creates) {
      const uri = pathToFileURL(c.file).href;
      docEdits.push({ kind: 'create', uri, options: { ignoreIfExists: true } });
      docEdits.push({ textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: c.text }] });
    }
    return useDocChanges ? { documentChanges: docEdits } : { changes: plain };
  }

  function fixEdit(fix: Fix, finding: Finding): WorkspaceEdit | undefined {
    const byFile = new Map<string, { start: number; end: number; text: string }[]>();
    for (const e of fix.edits) {
      const f = e.file ?? finding.file;
      const list = byFile.get(f) ?? [];
      list.push(e);
      byFile.set(f, list);
    }
    return lspEditFor(byFile, fix.createFiles ?? []);
  }

  async function fixAllEdit(uri: string, entry: CacheEntry): Promise<WorkspaceEdit | undefined> {
    const doc = documents.get(uri);
    const file = uriToPath(uri);
    if (!doc || !file || doc.version !== entry.version) return undefined;
    const st = await stateFor(file);
    flushOverlays(st);
    const original = doc.getText();
    let text = original;
    let findings = entry.findings;
    try {
      for (let round = 0; round < MAX_FIX_ROUNDS; round++) {
        const fixes = safeFixesOf(findings, file);
        if (fixes.length === 0) break;
        const result = applyFixes(text, fixes, file);
        if (result.applied.length === 0 || result.text === text) break;
        text = result.text;
        if (documents.get(uri)?.version !== entry.version) return undefined;
        st.project.setOverlay(file, text);
        findings = (await st.project.lintFile(file)).findings;
      }
    } catch (e) {
      logError(`fix-all failed for ${file}: ${errorText(e)}`);
      return undefined;
    } finally {
      st.project.setOverlay(file, documents.get(uri)?.getText() ?? original);
    }
    const edit = minimalEdit(original, text);
    if (!edit) return undefined;
    return lspEditFor(new Map([[file, [edit]]]), []);
  }

  function kindMatches(kind: string, only: string[] | undefined): boolean {
    return !only || only.some((o) => kind === o || kind.startsWith(o + '.'));
  }

  async function entryFor(uri: string): Promise<CacheEntry | undefined> {
    const doc = documents.get(uri);
    const c = cache.get(uri);
    if (doc && c && c.version === doc.version && c.generation === generation) return c;
    return validate(uri);
  }

  async function codeActions(params: CodeActionParams): Promise<(CodeAction | Command)[]> {
    const uri = params.textDocument.uri;
    const doc = documents.get(uri);
    const file = uriToPath(uri);
    if (!doc || !file) return [];
    const entry = await entryFor(uri);
    if (!entry) return [];
    const st = await stateFor(file);
    const only = params.context.only;
    const actions: CodeAction[] = [];
    const text = doc.getText();
    const index = new LineIndex(text);
    const from = index.offset(params.range.start.line, params.range.start.character);
    const to = index.offset(params.range.end.line, params.range.end.character);

    if (kindMatches(CodeActionKind.QuickFix, only)) {
      const disabled = new Set<string>();
      const opened = new Set<string>();
      entry.findings.forEach((f, i) => {
        if (f.end < from || f.start > to) return;
        const diagnostic = entry.diagnostics[i]!;
        const fixes = f.fixes ?? [];
        const safeCount = fixes.filter((x) => x.safety === 'safe').length;
        for (const fix of fixes) {
          if (fix.safety === 'display-only') {
            actions.push({
              title: `${fix.title} (suggestion)`,
              kind: CodeActionKind.QuickFix,
              diagnostics: [diagnostic],
              command: { title: fix.title, command: ServerCommands.showSuggestion, arguments: [uri, f.ruleId, fix.id, f.start] },
            });
            continue;
          }
          const edit = fixEdit(fix, f);
          if (!edit) continue;
          actions.push({
            title: fix.safety === 'unsafe' ? `${fix.title} (unsafe)` : fix.title,
            kind: CodeActionKind.QuickFix,
            diagnostics: [diagnostic],
            isPreferred: fix.safety === 'safe' && safeCount === 1 ? true : undefined,
            edit,
          });
        }
        const line = index.position(f.start).line;
        const key = `${f.ruleId}:${line}`;
        if (!disabled.has(key)) {
          disabled.add(key);
          const indent = /^\s*/.exec(index.lineText(line))![0];
          const eol = text.includes('\r\n') ? '\r\n' : '\n';
          const at = { line, character: 0 };
          actions.push({
            title: `Disable ${f.ruleId} for this line`,
            kind: CodeActionKind.QuickFix,
            diagnostics: [diagnostic],
            edit: lspEditFor(new Map([[file, [{ start: index.offset(at.line, 0), end: index.offset(at.line, 0), text: `${indent}${file.toLowerCase().endsWith('.sql') ? '--' : '//'} pglint-disable-next-line ${f.ruleId} -- <reason>${eol}` }]]]), []),
          });
        }
        for (const ch of RULES[f.ruleId]?.meta.chapters ?? []) {
          if (opened.has(`${f.ruleId}:${ch}`)) continue;
          opened.add(`${f.ruleId}:${ch}`);
          const url = chapterUrl(ch, st.config.docs.baseUrl || DEFAULT_DOCS_BASE_URL);
          actions.push({
            title: `Open chapter section ${ch} (${CHAPTERS[ch].title})`,
            kind: CodeActionKind.QuickFix,
            diagnostics: [diagnostic],
            command: { title: `Open chapter section ${ch}`, command: ServerCommands.openChapter, arguments: [url] },
          });
        }
      });
    }

    const explicitFixAll = only?.some((o) => kindMatches(FIX_ALL_KIND, [o]));
    if (explicitFixAll || (!only && entry.findings.some((f) => f.fixes?.some((x) => x.safety === 'safe')))) {
      if (safeFixesOf(entry.findings, file).length > 0) {
        const edit = await fixAllEdit(uri, entry);
        if (edit) actions.push({ title: 'Fix all safe pglint problems', kind: FIX_ALL_KIND, edit });
      }
    }
    return actions;
  }

  // ---------------------------------------------------------------- LSP wiring

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    capabilities = params.capabilities;
    clientLocale = params.locale;
    const init = (params.initializationOptions ?? {}) as { trusted?: boolean };
    trusted = init.trusted !== false;
    pullMode = capabilities.textDocument?.diagnostic !== undefined;
    folders = (params.workspaceFolders ?? []).flatMap((f) => {
      const root = uriToPath(f.uri);
      return root ? [{ uri: f.uri, root }] : [];
    });
    if (folders.length === 0 && params.rootUri) {
      const root = uriToPath(params.rootUri);
      if (root) folders.push({ uri: params.rootUri, root });
    }
    const result: InitializeResult = {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        executeCommandProvider: { commands: Object.values(ServerCommands) },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'pglint', version: '0.1.0' },
    };
    if (pullMode) result.capabilities.diagnosticProvider = { identifier: 'pglint', interFileDependencies: true, workspaceDiagnostics: false };
    return result;
  });

  connection.onInitialized(() => {
    if (capabilities.workspace?.didChangeConfiguration?.dynamicRegistration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'pglint' }).catch(() => undefined);
    }
    if (capabilities.workspace?.workspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((e) => {
        for (const r of e.removed) {
          const root = uriToPath(r.uri);
          folders = folders.filter((f) => f.uri !== r.uri);
          if (root) states.delete(root);
        }
        for (const a of e.added) {
          const root = uriToPath(a.uri);
          if (root) folders.push({ uri: a.uri, root });
        }
        states.clear();
        void reloadAll('workspace folders changed');
      });
    }
  });

  connection.onDidChangeConfiguration(() => {
    void reloadAll('settings changed');
  });

  connection.onDidChangeWatchedFiles((params) => {
    let reload = false;
    const changed: string[] = [];
    for (const c of params.changes) {
      const file = uriToPath(c.uri);
      if (!file) continue;
      const base = path.basename(file);
      // tsconfig.json / jsconfig.json (and bases such as tsconfig.base.json): path aliases change what imports mean.
      // package.json and pnpm-workspace.yaml: the workspace packages imports resolve to (rules/src/engine/workspaces.ts).
      if (base === CONFIG_FILE_NAME || base === 'package.json' || base === 'pnpm-workspace.yaml' || TS_CONFIG_FILE.test(base)) reload = true;
      changed.push(file);
    }
    void (async () => {
      const migrationsChanged = new Set<FolderState>();
      for (const file of changed) {
        const st = await stateFor(file);
        if (isMigrationFile(st, file)) migrationsChanged.add(st);
      }
      // One invalidation per project for the whole batch (a branch switch changes hundreds of files at once).
      const open = new Set(documents.all().map((d) => uriToPath(d.uri)));
      for (const [st, files] of await byFolderState(changed.filter((f) => !open.has(f)))) st.project.invalidateMany(files); // the editor's text wins
      if (reload) {
        await reloadAll('configuration file changed');
        return;
      }
      for (const st of migrationsChanged) {
        flushOverlays(st);
        await prepareMigrations(st.project);
      }
      if (migrationsChanged.size > 0) refreshAll(); // schema changed: every open file may gain or lose findings
      else await dependentsChanged(changed);
    })().catch((e) => logError(`watched files: ${errorText(e)}`));
  });

  connection.languages.diagnostics.on(async (params): Promise<DocumentDiagnosticReport> => {
    const entry = await entryFor(params.textDocument.uri);
    const resultId = entry ? `${entry.version}:${entry.generation}` : undefined;
    if (entry && params.previousResultId === resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId: resultId! };
    return { kind: DocumentDiagnosticReportKind.Full, resultId, items: entry?.diagnostics ?? [] };
  });

  connection.onHover(async (params): Promise<Hover | null> => {
    const uri = params.textDocument.uri;
    const doc = documents.get(uri);
    const file = uriToPath(uri);
    if (!doc || !file) return null;
    try {
      const st = await stateFor(file);
      if (!st.settings.enable) return null;
      const index = new LineIndex(doc.getText());
      const offset = index.offset(params.position.line, params.position.character);
      const entry = await entryFor(uri);
      const lang: Language = st.config.docs.language;
      const baseUrl = st.config.docs.baseUrl || DEFAULT_DOCS_BASE_URL;
      const here = (entry?.findings ?? []).filter((f) => f.start <= offset && offset <= f.end);
      if (here.length > 0) {
        const seen = new Set<string>();
        const parts: string[] = [];
        for (const f of here) {
          if (seen.has(f.ruleId)) continue;
          seen.add(f.ruleId);
          const rule = RULES[f.ruleId];
          if (rule) parts.push(ruleMarkdown(rule, lang, baseUrl, { heading: false }));
        }
        if (parts.length === 0) return null;
        const f = here[0]!;
        return { contents: { kind: 'markdown', value: parts.join('\n\n---\n\n') }, range: { start: index.position(f.start), end: index.position(f.end) } };
      }
      flushOverlays(st);
      st.project.setOverlay(file, doc.getText());
      const model = st.project.model(file);
      const hit = model ? dbApiAt(model, offset) : undefined;
      if (!hit) return null;
      return {
        contents: { kind: 'markdown', value: dbApiMarkdown(DB_API_NOTES[hit.kind][lang], lang, baseUrl) },
        range: { start: index.position(hit.start), end: index.position(hit.end) },
      };
    } catch (e) {
      logError(`hover failed for ${file}: ${errorText(e)}`);
      return null;
    }
  });

  connection.onCodeAction(async (params) => {
    try {
      return await codeActions(params);
    } catch (e) {
      logError(`code actions failed for ${params.textDocument.uri}: ${errorText(e)}`);
      return [];
    }
  });

  connection.onExecuteCommand(async (params) => {
    const args = params.arguments ?? [];
    try {
      if (params.command === ServerCommands.openChapter) {
        const url = String(args[0] ?? '');
        if (capabilities.window?.showDocument?.support) await connection.window.showDocument({ uri: url, external: true });
        else void connection.window.showInformationMessage(`pglint: ${url}`);
        return;
      }
      if (params.command === ServerCommands.applyFixAll) {
        const uri = String(args[0] ?? '');
        const entry = await entryFor(uri);
        if (!entry) return;
        const edit = await fixAllEdit(uri, entry);
        if (edit) await connection.workspace.applyEdit({ label: 'pglint: fix all safe problems', edit });
        else void connection.window.showInformationMessage('pglint: no safe fix to apply');
        return;
      }
      if (params.command === ServerCommands.showSuggestion) {
        const [uri, ruleId, fixId, start] = args as [string, string, string, number];
        const entry = cache.get(uri);
        const finding = entry?.findings.find((f) => f.ruleId === ruleId && f.start === start);
        const fix = finding?.fixes?.find((x) => x.id === fixId);
        if (!finding || !fix) return;
        const preview = editsFor(fix, finding.file, finding.file).map((e) => e.text.trim()).filter(Boolean).join('\n…\n');
        void connection.window.showInformationMessage(`pglint (${ruleId}): ${fix.title}${preview ? `\n\n${preview}` : ''}`);
      }
    } catch (e) {
      logError(`command ${params.command} failed: ${errorText(e)}`);
    }
  });

  connection.onRequest(RuleDocsRequestMethod, async (params: RuleDocsParams): Promise<RuleDocsResult> => {
    const rule = RULES[params.ruleId];
    if (!rule) return { ruleId: params.ruleId, markdown: '', error: `unknown rule "${params.ruleId}"` };
    const st = folders[0] ? await stateFor(path.join(folders[0].root, 'x')) : undefined;
    const lang: Language = params.language === 'en' || params.language === 'fr' ? params.language : (st?.config.docs.language ?? 'en');
    return { ruleId: rule.meta.id, markdown: ruleMarkdown(rule, lang, st?.config.docs.baseUrl || DEFAULT_DOCS_BASE_URL) };
  });

  connection.onRequest(ListRulesRequestMethod, async (): Promise<ListedRule[]> => {
    const st = folders[0] ? await stateFor(path.join(folders[0].root, 'x')) : undefined;
    const lang: Language = st?.config.docs.language ?? 'en';
    const baseUrl = st?.config.docs.baseUrl || DEFAULT_DOCS_BASE_URL;
    return Object.values(RULES).map((r) => ({
      id: r.meta.id,
      description: r.meta.description[lang],
      chapters: r.meta.chapters.map((c) => ({ id: c, title: CHAPTERS[c].title, url: chapterUrl(c, baseUrl) })),
    }));
  });

  documents.listen(connection);
  connection.listen();
  return connection;
}

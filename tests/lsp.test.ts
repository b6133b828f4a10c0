/**
 * Protocol tests: the real server process (`node dist/server.js --stdio`, built by `npm run build`) over stdio,
 * on a temp copy of tests/lsp-fixture. Diagnostics are compared with the fixtures' `// expect:` comments and
 * with what the engine itself reports for the same files (the adapter must not lose or distort anything).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CodeAction, Diagnostic, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { CHAPTERS, DEFAULT_DOCS_BASE_URL, chapterUrl, type ChapterId } from '../rules/src/chapters';
import { Project } from '../rules/src/engine/project';
import { initSqlParser } from '../rules/src/engine/sqlparse';
import { LineIndex } from '../rules/src/engine/text';
import { RULES } from '../rules/src/registry';
import {
  LspClient,
  SERVER,
  actualFindings,
  baseCapabilities,
  editsForUri,
  expectedFindings,
  uriOf,
  waitFor,
  type OpenDoc,
} from './lsp-harness';

const FIXTURE = path.join(__dirname, 'lsp-fixture');

function copyFixture(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglint-lsp-'));
  fs.cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

function syntaxErrors(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  return (sf as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

function hoverText(h: Hover | null): string {
  if (!h) return '';
  const c = h.contents as MarkupContent;
  return c.value;
}

const rangeOf = (d: Diagnostic) => d.range;

beforeAll(async () => {
  await initSqlParser();
  if (!fs.existsSync(SERVER)) throw new Error(`${SERVER} is missing: run npm run build first (npm test does it)`);
});

describe('language server over stdio (push diagnostics)', () => {
  let root: string;
  let client: LspClient;
  const open: Record<string, OpenDoc> = {};

  beforeAll(async () => {
    root = copyFixture();
    client = new LspClient();
    const init = await client.initialize(root, baseCapabilities(), { locale: 'en' });
    expect(init.capabilities.diagnosticProvider).toBeUndefined();
    expect(init.capabilities.hoverProvider).toBe(true);
    for (const f of ['service.ts', 'concat.ts', 'leak.ts', 'clean.ts', 'db.ts', 'repo.ts']) open[f] = await client.open(path.join(root, 'src', f));
  });

  afterAll(async () => {
    await client?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('publishes the expected findings for every fixture file, as the engine reports them', async () => {
    const project = new Project({ root });
    for (const doc of Object.values(open)) {
      const expected = expectedFindings(doc.text);
      const diags = await client.waitDiagnostics(doc);
      expect(actualFindings(diags), path.basename(doc.file)).toEqual(expected);
      // Same findings, same ranges, same messages as the engine.
      const engine = project.lintFile(doc.file).findings;
      const index = new LineIndex(doc.text);
      expect(diags.map((d) => ({ code: d.code, message: d.message, range: rangeOf(d) }))).toEqual(
        engine.map((f) => ({ code: f.ruleId, message: f.message, range: { start: index.position(f.start), end: index.position(f.end) } })),
      );
    }
  });

  it('warms its engine up once, after the first diagnostics, without writing anything to the workspace', async () => {
    await waitFor('warm-up log', () => client.logs.some((l) => /engine warmed up in \d+ ms/.test(l)) || undefined);
    expect(client.logs.filter((l) => l.includes('engine warmed up')).length).toBe(1);
    expect(client.logs.filter((l) => l.includes('warm-up failed'))).toEqual([]);
    expect(fs.existsSync(path.join(root, 'handler.ts')) || fs.existsSync(path.resolve('/pglint-warm-up'))).toBe(false);
  });

  it('fills code, source, severity, chapter link and related information', async () => {
    const diags = await client.waitDiagnostics(open['service.ts']!);
    const d = diags.find((x) => x.code === 'no-query-in-loop')!;
    expect(d.source).toBe('pglint');
    expect(d.severity === 1 || d.severity === 2).toBe(true);
    const first = RULES['no-query-in-loop']!.meta.chapters[0]!;
    expect(d.codeDescription?.href).toBe(chapterUrl(first, DEFAULT_DOCS_BASE_URL));
    // The range covers the call in the loop, on its line.
    const line = open['service.ts']!.text.split('\n')[d.range.start.line]!;
    expect(line.slice(d.range.start.character, d.range.end.character)).toContain('findAuthor');
    // The query it reaches lives in repo.ts: shown as related information.
    expect(d.relatedInformation?.some((r) => r.location.uri === uriOf(path.join(root, 'src', 'repo.ts')))).toBe(true);
    const rel = d.relatedInformation!.find((r) => r.location.uri.endsWith('repo.ts'))!;
    const repoLine = open['repo.ts']!.text.split('\n')[rel.location.range.start.line]!;
    expect(repoLine).toContain('pool.query');
  });

  it('hover on a finding shows the rule docs with examples and chapter links', async () => {
    const doc = open['concat.ts']!;
    const d = (await client.waitDiagnostics(doc)).find((x) => x.code === 'no-sql-concatenation')!;
    const hover = await client.conn.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri: doc.uri }, position: d.range.start });
    const text = hoverText(hover);
    const meta = RULES['no-sql-concatenation']!.meta;
    expect(text).toContain('no-sql-concatenation');
    expect(text).toContain(meta.docs.en.summary.slice(0, 40));
    expect(text).toContain('```ts');
    for (const ch of meta.chapters) expect(text).toContain(`](${chapterUrl(ch, DEFAULT_DOCS_BASE_URL)})`);
    expect(hover!.range).toEqual(d.range);
  });

  it('hover on database calls without a finding teaches, with a chapter link', async () => {
    const db = open['db.ts']!;
    const at = (doc: OpenDoc, needle: string) => {
      const off = doc.text.indexOf(needle);
      expect(off).toBeGreaterThanOrEqual(0);
      return new LineIndex(doc.text).position(off + 1);
    };
    const pool = hoverText(await client.conn.sendRequest('textDocument/hover', { textDocument: { uri: db.uri }, position: at(db, 'new Pool') }));
    expect(pool).toContain('new Pool');
    expect(pool).toContain(chapterUrl('20.2.1'));
    const clean = open['clean.ts']!;
    const begin = hoverText(await client.conn.sendRequest('textDocument/hover', { textDocument: { uri: clean.uri }, position: at(clean, "query('BEGIN')") }));
    expect(begin).toContain('BEGIN');
    expect(begin).toContain(chapterUrl('20.2.4'));
    const release = hoverText(await client.conn.sendRequest('textDocument/hover', { textDocument: { uri: clean.uri }, position: at(clean, 'release()') }));
    expect(release).toContain('release');
    const nothing = await client.conn.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri: clean.uri }, position: { line: 0, character: 1 } });
    expect(nothing).toBeNull();
  });

  it('every code action with an edit, on every fixture finding, leaves parseable text without that finding', async () => {
    let checked = 0;
    for (const name of ['service.ts', 'concat.ts', 'leak.ts']) {
      const doc = open[name]!;
      const original = doc.text;
      const diags = await client.waitDiagnostics(doc);
      for (const d of diags) {
        const actions = await client.conn.sendRequest<CodeAction[]>('textDocument/codeAction', {
          textDocument: { uri: doc.uri },
          range: d.range,
          context: { diagnostics: [d], only: ['quickfix'] },
        });
        for (const a of actions.filter((x) => x.edit && x.diagnostics?.some((y) => y.code === d.code && y.range.start.line === d.range.start.line))) {
          const count = (ds: Diagnostic[]) => ds.filter((x) => x.code === d.code).length;
          const before = count(diags);
          await client.applyEdits(doc, editsForUri(a.edit!, doc.uri));
          expect(syntaxErrors(doc.file, doc.text), `${name}: ${a.title}`).toEqual([]);
          const after = await client.waitDiagnostics(doc);
          expect(count(after), `${name}: "${a.title}" should remove its finding`).toBe(before - 1);
          checked++;
          await client.applyEdits(doc, [{ range: { start: { line: 0, character: 0 }, end: { line: 10_000, character: 0 } }, newText: original }]);
          await client.waitDiagnostics(doc);
        }
      }
      expect(doc.text).toBe(original);
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });

  it('code actions: the fix edits the file, the finding goes away and the text still parses', async () => {
    const doc = open['concat.ts']!;
    const diags = await client.waitDiagnostics(doc);
    const before = diags.filter((d) => d.code === 'no-sql-concatenation').length;
    const d = diags.find((x) => x.code === 'no-sql-concatenation')!;
    const actions = await client.conn.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: doc.uri },
      range: d.range,
      context: { diagnostics: [d], only: ['quickfix'] },
    });
    const titles = actions.map((a) => a.title);
    expect(titles).toContain('Disable no-sql-concatenation for this line');
    // the single safe fix is the preferred one (applied by "auto fix" keybindings)
    expect(actions.find((a) => a.title === 'Use query parameters')?.isPreferred).toBe(true);
    expect(titles.some((t) => t.startsWith('Open chapter section '))).toBe(true);
    const fix = actions.find((a) => a.edit && !a.title.startsWith('Disable') && a.kind === 'quickfix');
    expect(fix, `offered: ${titles.join(' | ')}`).toBeDefined();
    expect(fix!.diagnostics?.[0]?.code).toBe('no-sql-concatenation');
    await client.applyEdits(doc, editsForUri(fix!.edit!, doc.uri));
    expect(syntaxErrors(doc.file, doc.text)).toEqual([]);
    const after = await client.waitDiagnostics(doc);
    expect(after.filter((x) => x.code === 'no-sql-concatenation').length).toBe(before - 1);
    expect(doc.text).toMatch(/\$\d/);
  });

  it('"Disable for this line" inserts a suppression comment with the same indentation', async () => {
    const doc = open['leak.ts']!;
    const d = (await client.waitDiagnostics(doc)).find((x) => x.code === 'no-unreleased-client')!;
    const actions = await client.conn.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: doc.uri },
      range: d.range,
      context: { diagnostics: [d] },
    });
    // wrapping in try/finally changes control flow: offered, marked unsafe, never preferred
    const unsafe = actions.filter((a) => a.title.endsWith(' (unsafe)'));
    expect(unsafe.length, actions.map((a) => a.title).join(' | ')).toBeGreaterThan(0);
    expect(unsafe.every((a) => !a.isPreferred && a.edit)).toBe(true);
    const disable = actions.find((a) => a.title === 'Disable no-unreleased-client for this line')!;
    const edits = editsForUri(disable.edit!, doc.uri);
    await client.applyEdits(doc, edits);
    const lines = doc.text.split('\n');
    expect(lines[d.range.start.line]).toBe('  // pglint-disable-next-line no-unreleased-client -- <reason>');
    expect(syntaxErrors(doc.file, doc.text)).toEqual([]);
    await client.waitDiagnostics(doc, (ds) => !ds.some((x) => x.code === 'no-unreleased-client'));
  });

  it('"Open chapter section" asks the client to show the course page', async () => {
    const doc = open['service.ts']!;
    const d = (await client.waitDiagnostics(doc)).find((x) => x.code === 'no-query-in-loop')!;
    const actions = await client.conn.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: doc.uri },
      range: d.range,
      context: { diagnostics: [d] },
    });
    const first = RULES['no-query-in-loop']!.meta.chapters[0]! as ChapterId;
    const open1 = actions.find((a) => a.title.startsWith(`Open chapter section ${first} `))!;
    expect(open1.title).toContain(CHAPTERS[first].title);
    await client.conn.sendRequest('workspace/executeCommand', open1.command);
    const req = await waitFor('window/showDocument', () => client.requests.find((r) => r.method === 'window/showDocument'));
    expect(req.params).toEqual({ uri: chapterUrl(first), external: true });
  });

  it('source.fixAll.pglint applies every safe fix', async () => {
    const doc = open['concat.ts']!;
    await client.waitDiagnostics(doc);
    const actions = await client.conn.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: doc.uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll.pglint'] },
    });
    const all = actions.find((a) => a.kind === 'source.fixAll.pglint');
    expect(all, JSON.stringify(actions.map((a) => a.title))).toBeDefined();
    expect(actions.every((a) => a.kind === 'source.fixAll.pglint')).toBe(true);
    await client.applyEdits(doc, editsForUri(all!.edit!, doc.uri));
    expect(syntaxErrors(doc.file, doc.text)).toEqual([]);
    await client.waitDiagnostics(doc, (ds) => !ds.some((x) => x.code === 'no-sql-concatenation'));
  });

  it('a change in repo.ts updates the N+1 finding of service.ts', async () => {
    const repo = open['repo.ts']!;
    const service = open['service.ts']!;
    await client.waitDiagnostics(service, (ds) => ds.some((x) => x.code === 'no-query-in-loop'));
    const lineNo = repo.text.split('\n').findIndex((l) => l.includes('pool.query'));
    const line = repo.text.split('\n')[lineNo]!;
    // findAuthor stops querying: the loop in service.ts is no longer an N+1.
    await client.change(repo, { start: { line: lineNo, character: 0 }, end: { line: lineNo, character: line.length } }, '  const rows = [{ id, name: "cached" }];');
    await client.waitDiagnostics(service, (ds) => !ds.some((x) => x.code === 'no-query-in-loop'));
  });

  it('a configuration change (rule off) removes its diagnostics', async () => {
    const doc = open['leak.ts']!;
    // put the leak back (the suppression comment is removed)
    const idx = doc.text.split('\n').findIndex((l) => l.includes('pglint-disable-next-line'));
    await client.change(doc, { start: { line: idx, character: 0 }, end: { line: idx + 1, character: 0 } }, '');
    await client.waitDiagnostics(doc, (ds) => ds.some((x) => x.code === 'no-unreleased-client'));
    client.settings = { rules: { 'no-unreleased-client': 'off' } };
    await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await client.waitDiagnostics(doc, (ds) => !ds.some((x) => x.code === 'no-unreleased-client'));
    client.settings = { rules: { 'no-unreleased-client': 'error' } };
    await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const back = await client.waitDiagnostics(doc, (ds) => ds.some((x) => x.code === 'no-unreleased-client'));
    expect(back.find((x) => x.code === 'no-unreleased-client')!.severity).toBe(1);
  });

  it('a burst of 20 changes publishes diagnostics for the last version only', async () => {
    const doc = open['service.ts']!;
    await client.waitDiagnostics(doc);
    const mark = client.published.length;
    const startVersion = doc.version;
    for (let i = 0; i < 20; i++) {
      // alternately add and remove a line (the last edit leaves one extra comment line at the top)
      await client.change(doc, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, `// edit ${i}\n`);
    }
    expect(doc.version).toBe(startVersion + 20);
    await client.waitDiagnostics(doc);
    // give a late stale publish the chance to show up, by waiting for an unrelated round trip
    await client.conn.sendRequest('textDocument/hover', { textDocument: { uri: doc.uri }, position: { line: 0, character: 0 } });
    const mine = client.published.slice(mark).filter((p) => p.uri === doc.uri);
    expect(mine.length).toBeGreaterThanOrEqual(1);
    expect(mine.map((p) => p.version)).toEqual(mine.map(() => doc.version));
  });

  it('an engine failure on one file is logged and the server keeps serving', async () => {
    const bad = path.join(root, 'src', 'broken.ts');
    fs.writeFileSync(bad, "import { pool } from './db';\nexport async function f( {\n  await pool.query('SELECT 1'\n");
    const doc = await client.open(bad);
    await client.waitDiagnostics(doc);
    const svc = open['service.ts']!;
    const h = await client.conn.sendRequest('textDocument/hover', { textDocument: { uri: svc.uri }, position: { line: 0, character: 0 } });
    expect(h === null || typeof h === 'object').toBe(true);
    expect(client.exited).toBeUndefined();
  });

  it('a module created where an open file\'s import found nothing (watched-file event) is followed at once', async () => {
    const importer = path.join(root, 'src', 'later-user.ts');
    fs.writeFileSync(importer, "import { pool } from './db';\nimport { load } from './later';\nexport async function all(ids: number[]) {\n  await pool.query('SELECT 1');\n  for (const id of ids) await load(id);\n}\n");
    const doc = await client.open(importer);
    expect(await client.waitDiagnostics(doc)).toEqual([]);
    const later = path.join(root, 'src', 'later.ts');
    fs.writeFileSync(later, "import { pool } from './db';\nexport const load = (id: number) => pool.query('SELECT $1::int', [id]);\n");
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(later), type: 1 }] });
    const diags = await client.waitDiagnostics(doc, (ds) => ds.length > 0, 30_000);
    expect(diags.map((d) => `${d.range.start.line}:${d.code}`)).toEqual(['4:no-query-in-loop']);
  });

  it('a batch of files changed on disk (a branch switch) re-lints an open file that imports one of them, even one of the batch', async () => {
    const a = path.join(root, 'src', 'batch-a.ts');
    const b = path.join(root, 'src', 'batch-b.ts');
    fs.writeFileSync(a, "import { pool } from './db';\nexport const load = (id: number) => pool.query('SELECT $1::int', [id]);\n");
    fs.writeFileSync(b, "import { load } from './batch-a';\nexport async function all(ids: number[]) {\n  for (const id of ids) await load(id);\n}\n");
    const doc = await client.open(b);
    await client.waitDiagnostics(doc, (ds) => ds.some((d) => d.code === 'no-query-in-loop'), 30_000);
    fs.writeFileSync(a, 'export const load = async (id: number) => ({ id });\n');
    fs.appendFileSync(b, '// reformatted\n'); // on disk only: the editor's text of b wins
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [a, b].map((f) => ({ uri: uriOf(f), type: 2 })) });
    await client.waitDiagnostics(doc, (ds) => ds.length === 0, 30_000);
  });

  it('an open file that reached no database gets its findings once a module it imports appears (watched-file event)', async () => {
    const importer = path.join(root, 'src', 'no-reach-yet.ts');
    fs.writeFileSync(importer, "import { load } from './appears-later';\nexport async function all(ids: number[]) {\n  for (const id of ids) await load(id);\n}\n");
    const doc = await client.open(importer);
    expect(await client.waitDiagnostics(doc)).toEqual([]);
    const later = path.join(root, 'src', 'appears-later.ts');
    fs.writeFileSync(later, "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const load = (id: number) => pool.query('SELECT $1::int', [id]);\n");
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(later), type: 1 }] });
    const diags = await client.waitDiagnostics(doc, (ds) => ds.length > 0, 30_000);
    expect(diags.map((d) => `${d.range.start.line}:${d.code}`)).toEqual(['2:no-query-in-loop']);
  });

  it('a tsconfig.json whose path aliases change (watched-file event) is read again: imports follow the new aliases', async () => {
    const dir = path.join(root, 'src', 'aliased');
    fs.mkdirSync(path.join(dir, 'lib'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'other'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'lib', 'repo.ts'), "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const find = (id: number) => pool.query('SELECT $1::int', [id]);\n");
    fs.writeFileSync(path.join(dir, 'other', 'repo.ts'), 'export const find = async (id: number) => id;\n');
    const config = path.join(dir, 'tsconfig.json');
    fs.writeFileSync(config, '{ "compilerOptions": { "paths": { "@lib/*": ["./other/*"] } } }\n');
    const user = path.join(dir, 'all.ts');
    fs.writeFileSync(user, "import { find } from '@lib/repo';\nexport async function all(ids: number[]) {\n  for (const id of ids) await find(id);\n}\n");
    const doc = await client.open(user);
    expect(await client.waitDiagnostics(doc)).toEqual([]);
    fs.writeFileSync(config, '{ "compilerOptions": { "paths": { "@lib/*": ["./lib/*"] } } }\n');
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(config), type: 2 }] });
    const diags = await client.waitDiagnostics(doc, (ds) => ds.length > 0, 30_000);
    expect(diags.map((d) => `${d.range.start.line}:${d.code}`)).toEqual(['2:no-query-in-loop']);
  });
});

describe('language server over stdio (pull diagnostics)', () => {
  let root: string;
  let client: LspClient;

  beforeAll(async () => {
    root = copyFixture();
    client = new LspClient();
    const init = await client.initialize(root, baseCapabilities({ pull: true }), { locale: 'fr-FR' });
    expect(init.capabilities.diagnosticProvider).toMatchObject({ interFileDependencies: true });
  });

  afterAll(async () => {
    await client?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('answers textDocument/diagnostic, reports unchanged results, and pushes nothing', async () => {
    const doc = await client.open(path.join(root, 'src', 'service.ts'));
    const report = await client.conn.sendRequest<{ kind: string; resultId?: string; items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri: doc.uri } });
    expect(report.kind).toBe('full');
    expect(actualFindings(report.items)).toEqual(expectedFindings(doc.text));
    const again = await client.conn.sendRequest<{ kind: string }>('textDocument/diagnostic', { textDocument: { uri: doc.uri }, previousResultId: report.resultId });
    expect(again.kind).toBe('unchanged');
    expect(client.published.filter((p) => p.uri === doc.uri)).toEqual([]);
    // Pulled diagnostics start the warm-up too (VS Code pulls).
    await waitFor('warm-up log', () => client.logs.some((l) => l.includes('engine warmed up')) || undefined);
  });

  it('follows the client locale (fr) for hover docs', async () => {
    const doc = client.docs.get(uriOf(path.join(root, 'src', 'service.ts')))!;
    const report = await client.conn.sendRequest<{ items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri: doc.uri } });
    const d = report.items.find((x) => x.code === 'no-query-in-loop')!;
    const text = hoverText(await client.conn.sendRequest('textDocument/hover', { textDocument: { uri: doc.uri }, position: d.range.start }));
    expect(text).toContain(RULES['no-query-in-loop']!.meta.docs.fr.summary.slice(0, 30));
  });

  it('asks for a refresh when a dependency changes, and the next pull reflects it', async () => {
    const service = client.docs.get(uriOf(path.join(root, 'src', 'service.ts')))!;
    const repo = await client.open(path.join(root, 'src', 'repo.ts'));
    await client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: repo.uri } });
    const lineNo = repo.text.split('\n').findIndex((l) => l.includes('pool.query'));
    const len = repo.text.split('\n')[lineNo]!.length;
    const before = client.requests.filter((r) => r.method === 'workspace/diagnostic/refresh').length;
    await client.change(repo, { start: { line: lineNo, character: 0 }, end: { line: lineNo, character: len } }, '  const rows = [{ id }];');
    await waitFor('diagnostic refresh', () => client.requests.filter((r) => r.method === 'workspace/diagnostic/refresh').length > before);
    const report = await client.conn.sendRequest<{ kind: string; items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri: service.uri } });
    expect(report.kind).toBe('full');
    expect(report.items.some((x) => x.code === 'no-query-in-loop')).toBe(false);
  });

  it('pglint/ruleDocs returns the markdown of a rule, and an error for an unknown one', async () => {
    const ok = await client.conn.sendRequest<{ markdown: string }>('pglint/ruleDocs', { ruleId: 'no-unreleased-client', language: 'en' });
    expect(ok.markdown).toContain('# no-unreleased-client');
    expect(ok.markdown).toContain(RULES['no-unreleased-client']!.meta.docs.en.good.trim().split('\n')[0]!);
    const bad = await client.conn.sendRequest<{ error?: string }>('pglint/ruleDocs', { ruleId: 'nope' });
    expect(bad.error).toMatch(/unknown rule/);
  });
});

describe('language server over stdio (migrations)', () => {
  let root: string;
  let client: LspClient;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pglint-lsp-mig-'));
    fs.cpSync(path.join(__dirname, 'lsp-fixture-migrations'), root, { recursive: true });
    client = new LspClient();
    await client.initialize(root, baseCapabilities());
  });

  afterAll(async () => {
    await client?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('reports code ahead of the schema, unsafe and invalid migrations (replayed in PGlite)', async () => {
    for (const [rel, lang] of [['src/users.ts', 'typescript'], ['migrations/002_email_index.sql', 'sql'], ['migrations/003_orders.sql', 'sql']] as const) {
      const doc = await client.open(path.join(root, rel), lang);
      const expected = expectedFindings(doc.text);
      const diags = await client.waitDiagnostics(doc, (d) => d.length >= expected.length, 60_000);
      expect(actualFindings(diags), rel).toEqual(expected);
      for (const d of diags) expect(d.codeDescription?.href, rel).toMatch(/\/20-drivers-connexion-applicative\/04\.[234]-/);
    }
  });

  it('"Disable for this line" in a SQL migration writes a SQL comment', async () => {
    const doc = client.docs.get(uriOf(path.join(root, 'migrations', '002_email_index.sql')))!;
    const d = (await client.waitDiagnostics(doc)).find((x) => x.code === 'no-unsafe-migration')!;
    const actions = await client.conn.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: doc.uri }, range: d.range, context: { diagnostics: [d] } });
    const disable = actions.find((a) => a.title === 'Disable no-unsafe-migration for this line')!;
    expect(editsForUri(disable.edit!, doc.uri).map((e) => e.newText)).toEqual(['-- pglint-disable-next-line no-unsafe-migration -- <reason>\n']);
  });

  let created: string[] = [];

  it('the unsafe "create a migration" fix creates a file; once on disk (watched-file event) the finding goes', async () => {
    const users = client.docs.get(uriOf(path.join(root, 'src', 'users.ts')))!;
    const d = (await client.waitDiagnostics(users)).find((x) => x.code === 'no-missing-migration')!;
    const actions = await client.conn.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: users.uri }, range: d.range, context: { diagnostics: [d] } });
    const create = actions.find((a) => a.edit?.documentChanges?.some((c) => 'kind' in c && c.kind === 'create'));
    expect(create, actions.map((a) => a.title).join(' | ')).toBeDefined();
    expect(create!.title).toMatch(/ \(unsafe\)$/);
    // apply it as an editor would: create each file with its text
    for (const c of create!.edit!.documentChanges!) {
      if ('kind' in c && c.kind === 'create') {
        const file = fileURLToPath(c.uri);
        const text = editsForUri(create!.edit!, c.uri).map((e) => e.newText).join('');
        fs.writeFileSync(file, text);
        created.push(file);
      }
    }
    expect(created.length).toBeGreaterThan(0);
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: created.map((f) => ({ uri: uriOf(f), type: 1 })) });
    await client.waitDiagnostics(users, (ds) => !ds.some((x) => x.code === 'no-missing-migration'), 60_000);
  });

  it('removing that migration (watched-file event) brings the finding back', async () => {
    const users = client.docs.get(uriOf(path.join(root, 'src', 'users.ts')))!;
    for (const f of created) fs.rmSync(f);
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: created.map((f) => ({ uri: uriOf(f), type: 3 })) });
    await client.waitDiagnostics(users, (ds) => ds.some((x) => x.code === 'no-missing-migration'), 60_000);
  });
});

describe('server entry point', () => {
  it('refuses to start without a transport, with a clear message', async () => {
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, [SERVER], { encoding: 'utf8', timeout: 10_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--stdio/);
  });
});

/**
 * Fixed-seed fuzz sample (the long run is bench/fuzz-long.mjs): mutants of every file under test-fixtures/ go
 * to the engine in-process (≈300), to the CLI (one process over a temp folder of mutants) and to the language
 * server (didOpen/didChange, hover and code actions at random positions). Contract: see engine-check.ts.
 * The seed is printed; set FUZZ_SEED to try another one, and replay a failure with
 * `node bench/fuzz-long.mjs --seed <seed> --replay <index>` (same mutant numbering).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CodeAction, Hover } from 'vscode-languageserver-protocol';
import { Project } from '../../rules/src/engine/project';
import { initSqlParser } from '../../rules/src/engine/sqlparse';
import { parse } from '../../rules/src/engine/parse';
import { LineIndex } from '../../rules/src/engine/text';
import { LspClient, SERVER, applyTextEdits, baseCapabilities, editsForUri, uriOf } from '../lsp-harness';
import { FIX_ALL_KIND } from '../../server/protocol';
import { fixtureCorpus } from './corpus';
import { checkMutant, describeFailure, HEAVY_TIME_BOUND_MS } from './engine-check';
import { MUTATION_KINDS, Rng, mutantSeed, mutate } from './mutator';

const REPO = path.resolve(__dirname, '../..');
const FIXTURES = path.join(REPO, 'test-fixtures');
const CLI = path.join(REPO, 'bin', 'pglint.js');
const SEED = Number(process.env.FUZZ_SEED ?? 6) >>> 0;
const ENGINE_MUTANTS = 300;

const corpus = fixtureCorpus(FIXTURES);
const projects = new Map<string, Project>();

beforeAll(async () => {
  // eslint-disable-next-line no-console
  console.log(`fuzz sample: seed ${SEED} (FUZZ_SEED to change), ${corpus.length} fixture files`);
  await initSqlParser();
  for (const root of new Set(corpus.map((c) => c.root))) {
    const p = new Project({ root });
    await p.prepare();
    projects.set(root, p);
  }
});

describe('engine on mutants', () => {
  it(`lints ${ENGINE_MUTANTS} mutants (seed ${SEED}): no exception, no rule error, within the time bound, fixes re-parse`, () => {
    const failures: string[] = [];
    let findings = 0;
    let fixes = 0;
    for (let i = 0; i < ENGINE_MUTANTS; i++) {
      const c = corpus[i % corpus.length]!;
      const m = mutate(c.text, mutantSeed(SEED, c.key, i), { hugeMax: 400_000 });
      const r = checkMutant(projects.get(c.root)!, c.file, m.text, m.kinds);
      findings += r.findings;
      fixes += r.fixesChecked;
      for (const p of r.problems) failures.push(describeFailure(FIXTURES, c.file, SEED, i, m.kinds, p));
    }
    expect(failures, failures.join('\n\n')).toEqual([]);
    // The sample must exercise the rules and their fixes, not only parse errors.
    expect(findings).toBeGreaterThan(50);
    expect(fixes).toBeGreaterThan(5);
  });

  it('every mutation kind, forced, on a file with findings of the three code rules', () => {
    const c = corpus.find((x) => x.key === 'express-pg/src/services/checkout-service.ts') ?? corpus.find((x) => x.file.endsWith('.ts'))!;
    const failures: string[] = [];
    for (const kind of MUTATION_KINDS) {
      for (let k = 0; k < 2; k++) {
        const seed = mutantSeed(SEED, `${c.key}#${kind}`, k);
        const m = mutate(c.text, seed, { kind, hugeMax: 400_000 });
        const r = checkMutant(projects.get(c.root)!, c.file, m.text, m.kinds);
        for (const p of r.problems) failures.push(`${kind} (mutant seed ${seed}): ${p.kind}: ${p.detail}`);
      }
    }
    expect(failures, failures.join('\n\n')).toEqual([]);
  });

  it('10,000-deep nesting of each shape is skipped with a message, not a crash', () => {
    const c = corpus.find((x) => x.key === 'demo/src/repositories/products.ts')!;
    const project = projects.get(c.root)!;
    const depth = 10_000;
    const shapes = [
      `const a = ${'('.repeat(depth)}1${')'.repeat(depth)};\n`,
      `function f(x: any) {\n${'if (x) {'.repeat(depth)}pool.query('SELECT ' + x);${'}'.repeat(depth)}\n}\n`,
      `const c = pool.query('SELECT ' ${'+ x '.repeat(depth)});\n`,
      `pool.query('SELECT 1')${'.then((r) => r)'.repeat(depth)};\n`,
      `const t = ${'`${'.repeat(depth)}x${'}`'.repeat(depth)};\n`,
    ];
    for (const shape of shapes) {
      const text = c.text + shape;
      const t0 = performance.now();
      project.setOverlay(c.file, text);
      const r = project.lintFile(c.file);
      project.setOverlay(c.file, undefined);
      expect(r.errors ?? []).toEqual([]);
      expect(r.skipped, shape.slice(0, 40)).toMatch(/nested/);
      expect(performance.now() - t0).toBeLessThan(HEAVY_TIME_BOUND_MS);
      expect(parse(c.file, text).tooDeep).toBeTruthy();
    }
    // The same file without the deep part is analysed normally (the guard is not a blanket skip).
    const plain = project.lintFile(c.file);
    expect(plain.skipped).toBeUndefined();
    expect(plain.findings.length).toBeGreaterThan(0);
  });
});

/** A temp copy of a fixture project whose source files are replaced by mutants. */
function mutantProject(name: string, perFile: number, seedOffset: number): { dir: string; count: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pglint-fuzz-${name}-`));
  fs.cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  const files = corpus.filter((c) => c.root === path.join(FIXTURES, name) && /\.(ts|js)$/.test(c.file));
  let count = 0;
  for (const c of files) {
    const rel = path.relative(c.root, c.file);
    for (let k = 0; k < perFile; k++) {
      const m = mutate(c.text, mutantSeed(SEED, c.key, seedOffset + k), { heavyEvery: 60, hugeMax: 400_000 });
      const target = k === 0 ? path.join(dir, rel) : path.join(dir, rel.replace(/\.(ts|js)$/, `.m${k}.$1`));
      fs.writeFileSync(target, m.text);
      count++;
    }
  }
  return { dir, count };
}

describe('CLI on a folder of mutants', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('one process lints every mutant: exit 0 or 1, JSON report for every file, no internal error, no rule failure', () => {
    const { dir, count } = mutantProject('express-pg', 3, 100_000);
    dirs.push(dir);
    expect(count).toBeGreaterThan(30);
    const t0 = Date.now();
    const res = spawnSync(process.execPath, [CLI, '--format', 'json', '--no-cache', '.'], { cwd: dir, encoding: 'utf8', timeout: 120_000, maxBuffer: 256 * 1024 * 1024 });
    const ms = Date.now() - t0;
    expect(res.error, String(res.error)).toBeUndefined();
    expect(res.stderr).not.toMatch(/internal error|failed on|Maximum call stack/);
    expect([0, 1], `exit ${res.status}\n${res.stderr}`).toContain(res.status);
    const report = JSON.parse(res.stdout) as { filePath: string; messages: { ruleId: string; line: number; column: number; message: string }[] }[];
    expect(Array.isArray(report)).toBe(true);
    for (const f of report) {
      expect(f.filePath.startsWith(dir + path.sep) || f.filePath.startsWith(fs.realpathSync(dir) + path.sep), f.filePath).toBe(true);
      for (const m of f.messages) {
        expect(typeof m.ruleId).toBe('string');
        expect(m.message.length).toBeGreaterThan(0);
        expect(m.line).toBeGreaterThanOrEqual(1);
        expect(m.column).toBeGreaterThanOrEqual(1);
      }
    }
    // Mutants still carry findings of the code rules, and broken ones get their parse error.
    const ruleIds = new Set(report.flatMap((f) => f.messages.map((m) => m.ruleId)));
    expect(ruleIds.has('parse-error')).toBe(true);
    expect([...ruleIds].some((r) => r.startsWith('no-'))).toBe(true);
    // Bound for the whole process: count files × the per-file bound would be far looser; in practice a few seconds.
    expect(ms).toBeLessThan(60_000);
  });
});

describe('CLI --fix on a folder of mutants', () => {
  it('every file the safe fixes rewrite has no more syntax errors than its mutant; exit 0 or 1', () => {
    const dirs = [mutantProject('express-pg', 3, 200_000).dir, mutantProject('nest-services', 3, 300_000).dir];
    const sources = (d: string): string[] => (fs.readdirSync(d, { recursive: true }) as string[])
      .filter((rel) => /\.(ts|js)$/.test(rel)).map((rel) => path.join(d, rel));
    let rewritten = 0;
    for (const dir of dirs) {
      const before = new Map(sources(dir).map((f) => [f, fs.readFileSync(f, 'utf8')]));
      const res = spawnSync(process.execPath, [CLI, '--fix', '--format', 'json', '--no-cache', '.'], { cwd: dir, encoding: 'utf8', timeout: 120_000, maxBuffer: 256 * 1024 * 1024 });
      expect(res.error, String(res.error)).toBeUndefined();
      expect(res.stderr).not.toMatch(/internal error|failed on|Maximum call stack/);
      expect([0, 1], `exit ${res.status}\n${res.stderr}`).toContain(res.status);
      for (const [file, text] of before) {
        const after = fs.readFileSync(file, 'utf8');
        if (after === text) continue;
        rewritten++;
        const was = parse(file, text).syntaxErrors.length;
        const now = parse(file, after).syntaxErrors;
        expect(now.length, `--fix broke ${path.relative(dir, file)}: ${now[0]?.message}`).toBeLessThanOrEqual(was);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(rewritten, 'some mutants were rewritten by --fix').toBeGreaterThan(0);
  });
});

describe('language server on mutants', () => {
  let client: LspClient;
  let dir: string;

  beforeAll(async () => {
    if (!fs.existsSync(SERVER)) throw new Error(`${SERVER} is missing: run npm run build first (npm test does it)`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglint-fuzz-lsp-'));
    fs.cpSync(path.join(FIXTURES, 'demo'), dir, { recursive: true });
    client = new LspClient(['--stdio'], SERVER, dir);
    await client.initialize(dir, baseCapabilities());
  });

  afterAll(async () => {
    await client?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('didOpen/didChange with mutants, hover and code actions at random positions: every request answers, the process stays up', async () => {
    const files = corpus.filter((c) => c.root === path.join(FIXTURES, 'demo') && c.file.endsWith('.ts'));
    const rng = new Rng(SEED ^ 0x5eed);
    let requests = 0;
    let fixAlls = 0;
    const withTimeout = <T>(p: Promise<T>, what: string): Promise<T> =>
      Promise.race([p, new Promise<T>((_, rej) => setTimeout(() => rej(new Error(`no answer to ${what} within 20 s (server stderr: ${client.stderr.slice(-2000)})`)), 20_000))]);
    for (const c of files) {
      const file = path.join(dir, path.relative(c.root, c.file));
      const doc = await client.open(file);
      for (let k = 0; k < 5; k++) {
        const m = mutate(c.text, mutantSeed(SEED, `lsp:${c.key}`, k), { heavyEvery: 40, hugeMax: 400_000 });
        // Whole-text change, as editors send after a paste; then requests at random places of the new text.
        await client.applyEdits(doc, [{ range: { start: { line: 0, character: 0 }, end: new LineIndex(doc.text).position(doc.text.length) }, newText: m.text }]);
        const index = new LineIndex(doc.text);
        for (let q = 0; q < 2; q++) {
          const pos = index.position(rng.int(doc.text.length + 1));
          const hover = await withTimeout(client.conn.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri: doc.uri }, position: pos }), `hover at ${JSON.stringify(pos)} in ${c.key} mutant ${k}`);
          expect(hover === null || typeof hover === 'object').toBe(true);
          const end = index.position(Math.min(doc.text.length, index.offset(pos.line, pos.character) + rng.int(200)));
          const actions = await withTimeout(
            client.conn.sendRequest<CodeAction[] | null>('textDocument/codeAction', {
              textDocument: { uri: doc.uri },
              range: { start: pos, end },
              context: { diagnostics: client.latest(doc) ?? [] },
            }),
            `codeAction in ${c.key} mutant ${k}`,
          );
          expect(actions === null || Array.isArray(actions)).toBe(true);
          requests += 2;
        }
        // Fix all (source action): the edits it offers on the mutant keep it parseable.
        await client.waitDiagnostics(doc, () => true, 20_000).catch(() => undefined);
        const all = await withTimeout(
          client.conn.sendRequest<CodeAction[] | null>('textDocument/codeAction', {
            textDocument: { uri: doc.uri },
            range: { start: { line: 0, character: 0 }, end: index.position(doc.text.length) },
            context: { diagnostics: client.latest(doc) ?? [], only: [FIX_ALL_KIND] },
          }),
          `fix-all in ${c.key} mutant ${k}`,
        );
        requests++;
        for (const action of all ?? []) {
          if (!action.edit) continue;
          fixAlls++;
          const fixed = applyTextEdits(doc.text, editsForUri(action.edit, doc.uri));
          const errs = parse(file, fixed).syntaxErrors.length;
          expect(errs, `fix-all on ${c.key} mutant ${k} (${m.kinds.join('+')}) breaks the parse`).toBeLessThanOrEqual(parse(file, doc.text).syntaxErrors.length);
        }
        expect(client.exited, `server exited: ${client.stderr.slice(-2000)}`).toBeUndefined();
      }
      await client.conn.sendNotification('textDocument/didClose', { textDocument: { uri: doc.uri } });
    }
    // The server still answers after all of it.
    const f = path.join(dir, 'src', 'db.ts');
    const doc = await client.open(f);
    const after = await withTimeout(client.conn.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri: uriOf(f) }, position: { line: 0, character: 0 } }), 'final hover');
    expect(after === null || typeof after === 'object').toBe(true);
    await client.waitDiagnostics(doc);
    expect(requests).toBeGreaterThan(30);
    expect(client.exited).toBeUndefined();
    // Every diagnostic published on the way has a sane range and a message.
    for (const p of client.published) {
      for (const d of p.diagnostics) {
        expect(d.range.start.line).toBeGreaterThanOrEqual(0);
        expect(d.range.start.character).toBeGreaterThanOrEqual(0);
        expect(d.range.end.line > d.range.start.line || (d.range.end.line === d.range.start.line && d.range.end.character >= d.range.start.character)).toBe(true);
        expect(typeof d.message === 'string' ? d.message.length : d.message.value.length).toBeGreaterThan(0);
      }
    }
    expect(client.published.length).toBeGreaterThan(0);
    const ruleFailures = client.logs.filter((l) => /\bfailed\b|Maximum call stack|unhandled/i.test(l) && !/not analysed: /.test(l));
    // eslint-disable-next-line no-console
    console.log(`language server: ${requests} requests, ${fixAlls} fix-all edits checked`);
    expect(ruleFailures, ruleFailures.join('\n')).toEqual([]);
  });
  it('deep nesting just under and far over the limit: diagnostics or a logged skip, and the next request answers', async () => {
    const base = fs.readFileSync(path.join(dir, 'src', 'db.ts'), 'utf8');
    const f = path.join(dir, 'src', 'deep.ts');
    fs.writeFileSync(f, base);
    const doc = await client.open(f);
    const rng = new Rng(SEED);
    for (const depth of [450, 499, 1200, 10_000]) {
      for (const kind of ['deepNesting', 'longChain'] as const) {
        const m = mutate(base, mutantSeed(SEED, `deep:${kind}`, depth), { kind, depth });
        await client.applyEdits(doc, [{ range: { start: { line: 0, character: 0 }, end: new LineIndex(doc.text).position(doc.text.length) }, newText: m.text }]);
        const diags = await client.waitDiagnostics(doc, () => true, 30_000);
        expect(Array.isArray(diags)).toBe(true);
        const pos = new LineIndex(doc.text).position(rng.int(doc.text.length));
        const hover = await client.conn.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri: doc.uri }, position: pos });
        expect(hover === null || typeof hover === 'object').toBe(true);
        expect(client.exited, client.stderr.slice(-2000)).toBeUndefined();
      }
    }
    expect(client.logs.some((l) => /deep\.ts: not analysed: .*nested/.test(l)), 'the skip is logged').toBe(true);
    // (A skip says why: "not analysed: nested too deeply to parse (Maximum call stack size exceeded)" is expected.)
    const failures = client.logs.filter((l) => /\bfailed\b|Maximum call stack/i.test(l) && !/not analysed: /.test(l));
    expect(failures, failures.map((l) => l.slice(0, 1500)).join('\n---\n')).toEqual([]);
  });
});



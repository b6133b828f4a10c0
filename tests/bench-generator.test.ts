// The benchmark's corpus generator (bench/generate.mjs) and CPU-profile summariser (bench/profile.mjs).
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, dirname } from 'node:path';
import { execFileSync } from 'node:child_process';
import ts from 'typescript';
import { generateCorpus, ensureCorpus, GENERATOR_VERSION, BIG_FILE, BIG_FILE_LINES } from '../bench/generate.mjs';
import { summariseProfiles } from '../bench/profile.mjs';
import { Project } from '../rules/src/engine/project';
import type { Finding } from '../rules/src/engine/types';

const generate = generateCorpus;

const N = 120;
let tmp: string;

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

function snapshot(root: string): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  for (const f of walk(root).sort()) m.set(relative(root, f), readFileSync(f));
  return m;
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'pglint-gen-test-'));
  generateCorpus({ files: N, seed: 7, out: join(tmp, 'a') });
  generateCorpus({ files: N, seed: 7, out: join(tmp, 'b') });
  generateCorpus({ files: N, seed: 8, out: join(tmp, 'c') });
});

/** Migration findings of the whole corpus through the engine's Project, as the CLI runs it. */
async function lintCorpus(root: string): Promise<Finding[]> {
  const project = new Project({ root });
  await project.prepare({ cacheDir: false });
  expect(project.migrationError()).toBeUndefined();
  const files = [...walk(join(root, 'src')).filter((f) => /\.tsx?$/.test(f)), ...project.migrationReportFiles()];
  const out: Finding[] = [];
  for (const f of files) out.push(...project.lintFile(f).findings.filter((x) => x.ruleId.endsWith('-migration')));
  return out;
}

const driftKey = (d: { table: string; column?: string }) => (d.column ? `${d.table}.${d.column}` : d.table);
function findingKey(f: Finding): string {
  const data = f.data as { name?: string; table?: string } | undefined;
  expect(['missingColumn', 'missingRelation'], f.message).toContain(f.messageId);
  return f.messageId === 'missingColumn' ? `${data?.table}.${data?.name}` : String(data?.name);
}
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('bench/generate.mjs', () => {
  it('writes byte-identical output for the same seed', () => {
    const a = snapshot(join(tmp, 'a'));
    const b = snapshot(join(tmp, 'b'));
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [k, v] of a) expect(v.equals(b.get(k)!), k).toBe(true);
    expect(a.size).toBeGreaterThan(N);
  });

  it('changes the content with the seed', () => {
    const a = snapshot(join(tmp, 'a'));
    const c = snapshot(join(tmp, 'c'));
    let differing = 0;
    for (const [k, v] of a) if (!c.get(k)?.equals(v)) differing++;
    expect(differing).toBeGreaterThan(N / 4);
  });

  it('writes exactly N TypeScript files with the planned layout', () => {
    const root = join(tmp, 'a');
    const src = walk(root).filter((f) => /\.tsx?$/.test(f)).map((f) => relative(root, f));
    expect(src).toHaveLength(N);
    const web = src.filter((f) => f.startsWith('src/web/'));
    expect(web.length / N).toBeGreaterThan(0.35);
    expect(web.length / N).toBeLessThan(0.45);
    for (const dir of ['src/repositories/', 'src/services/', 'src/routes/', 'src/jobs/', 'src/data/knex/', 'src/data/prisma/', 'src/utils/']) {
      expect(src.some((f) => f.startsWith(dir)), dir).toBe(true);
    }
    expect(src).toContain('src/db.ts');
    expect(walk(root).some((f) => f.includes('/migrations/') && f.endsWith('.sql'))).toBe(true);
    const big = readFileSync(join(root, BIG_FILE), 'utf8');
    expect(big.split('\n')).toHaveLength(BIG_FILE_LINES + 1); // trailing newline
    const sizes = src.filter((f) => f !== BIG_FILE).map((f) => readFileSync(join(root, f), 'utf8').split('\n').length);
    const inRange = sizes.filter((n) => n >= 50 && n <= 420).length;
    expect(inRange / sizes.length).toBeGreaterThan(0.6);
  });

  it('keeps the front end away from the database and puts repository calls in service loops', () => {
    const root = join(tmp, 'a');
    const files = walk(join(root, 'src')).filter((f) => /\.tsx?$/.test(f));
    const importsOf = (f: string) => [...readFileSync(f, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    for (const f of files.filter((x) => x.includes('/src/web/'))) {
      for (const spec of importsOf(f)) {
        if (spec.startsWith('.')) expect(resolve(dirname(f), spec).startsWith(join(root, 'src', 'web')), `${f} imports ${spec}`).toBe(true);
        else expect(spec).toBe('react');
      }
    }
    const services = files.filter((f) => f.includes('/src/services/') && !f.endsWith(BIG_FILE));
    const loopy = services.filter((f) => /for \(const id of ids\) \{\n\s+const row = await find\w+ById\(id\)/.test(readFileSync(f, 'utf8')));
    expect(loopy.length).toBeGreaterThan(0);
    for (const f of loopy) expect(importsOf(f).some((s) => s.startsWith('../repositories/'))).toBe(true);
    const repos = files.filter((f) => f.includes('/src/repositories/'));
    for (const f of repos) expect(readFileSync(f, 'utf8')).toMatch(/pool\.query<\w+>\('SELECT [^']+\$1/);
  });

  it('produces files that parse and type-check (imports resolve)', () => {
    const root = join(tmp, 'a');
    const files = walk(join(root, 'src')).filter((f) => /\.tsx?$/.test(f));
    // Minimal stand-ins for the third-party modules the corpus imports (pg has real types installed).
    const stubs = join(tmp, 'stubs.d.ts');
    writeFileSync(stubs, `
declare module 'express' {
  export interface Request { params: any; query: any; body: any }
  export interface Response { json(x: unknown): void }
  export type NextFunction = (err?: unknown) => void;
  export function Router(): any;
  interface E { (): any; json(): any }
  const e: E;
  export default e;
}
declare module 'react' {
  export function useState<T>(v: T): [T, (v: T) => void];
  export function useEffect(f: () => void | (() => void), d?: unknown[]): void;
  export function useMemo<T>(f: () => T, d: unknown[]): T;
  const React: any;
  export default React;
}
declare module 'knex' { const k: any; export default k; }
declare module '@prisma/client' { export class PrismaClient { [k: string]: any } }
declare namespace JSX {
  interface IntrinsicElements { [k: string]: any }
  interface Element {}
  interface IntrinsicAttributes { key?: unknown }
}
`);
    const program = ts.createProgram([...files, stubs], {
      strict: true, noEmit: true, skipLibCheck: true, esModuleInterop: true,
      jsx: ts.JsxEmit.React, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10, lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
      types: ['node'], typeRoots: [resolve('node_modules/@types')], baseUrl: resolve('node_modules'), paths: { pg: ['@types/pg'] },
      ignoreDeprecations: '6.0',
    });
    for (const f of files) {
      const sf = program.getSourceFile(f)!;
      expect(program.getSyntacticDiagnostics(sf), f).toHaveLength(0);
    }
    const diags = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
    expect(diags.slice(0, 5)).toEqual([]);
  });

  it('writes migrations matching the code, except for the deliberate drift', async () => {
    const root = join(tmp, 'a');
    const { drift } = generate({ files: N, seed: 7 });
    expect(drift).toHaveLength(1); // about 1.5 % of the entities, at least one
    const migrations = readdirSync(join(root, 'migrations'));
    expect(migrations).toHaveLength(Math.round(N * 0.04));
    expect(migrations.some((m) => /ALTER TABLE \w+ ADD COLUMN/.test(readFileSync(join(root, 'migrations', m), 'utf8')))).toBe(true);
    const findings = await lintCorpus(root);
    expect(findings.filter((f) => f.ruleId !== 'no-missing-migration').map((f) => f.message)).toEqual([]);
    expect([...new Set(findings.map(findingKey))].sort()).toEqual(drift.map(driftKey).sort());
  }, 60_000);

  it('writes each kind of drift, and only it, when asked for more drift', async () => {
    const root = join(tmp, 'd');
    const { drift } = generate({ files: N, seed: 7, out: root, driftShare: 0.35 });
    expect(new Set(drift.map((d) => d.kind))).toEqual(new Set(['new-column', 'missing-field', 'missing-table']));
    const findings = await lintCorpus(root);
    expect(findings.filter((f) => f.ruleId !== 'no-missing-migration').map((f) => f.message)).toEqual([]);
    expect([...new Set(findings.map(findingKey))].sort()).toEqual(drift.map(driftKey).sort());
  }, 60_000);

  it('keeps the drift near 1.5 % of the entities and the migrations near 4 % of N at full size', () => {
    const r = generate({ files: 5000, seed: 1 });
    const entities = r.counts.repo;
    expect(r.drift.length / entities).toBeGreaterThan(0.01);
    expect(r.drift.length / entities).toBeLessThan(0.02);
    const migrations = r.paths.filter((p) => p.startsWith('migrations/'));
    expect(migrations).toHaveLength(200);
    const sql = migrations.map((p) => r.files.get(p)!.join('\n')).join('\n');
    // Every entity table (plus audit_log and job_queue) is created, except the drifted missing tables.
    const created = sql.match(/CREATE TABLE IF NOT EXISTS/g)!.length;
    expect(created).toBe(entities + 2 - r.drift.filter((d) => d.kind === 'missing-table').length);
  });

  it('regenerates a corpus written by another generator version', () => {
    const root = join(tmp, 'e');
    const first = ensureCorpus({ files: 40, seed: 3, out: root });
    expect(first.reused).toBe(false);
    expect(ensureCorpus({ files: 40, seed: 3, out: root }).reused).toBe(true);
    const mf = join(root, '.bench-manifest.json');
    writeFileSync(mf, JSON.stringify({ ...JSON.parse(readFileSync(mf, 'utf8')), generatorVersion: GENERATOR_VERSION - 1 }));
    expect(ensureCorpus({ files: 40, seed: 3, out: root }).reused).toBe(false);
    expect(JSON.parse(readFileSync(mf, 'utf8')).generatorVersion).toBe(GENERATOR_VERSION);
  });

  it('rejects bad arguments with a message', () => {
    let msg = '';
    try {
      execFileSync(process.execPath, ['bench/generate.mjs', '--files', 'lots'], { encoding: 'utf8', stdio: 'pipe' });
    } catch (err) {
      msg = String((err as { stderr?: string }).stderr);
    }
    expect(msg).toMatch(/--files expects a non-negative integer/);
  });
});

describe('bench/profile.mjs summariser', () => {
  it('ranks a real CPU profile by self time', () => {
    const dir = mkdtempSync(join(tmp, 'prof-'));
    const script = join(dir, 'busy.js');
    writeFileSync(script, `
function hotLoop() { let x = 0; for (let i = 0; i < 4e8; i++) x = (x + i * 7) % 1000003; return x; }
function coldLoop() { let x = 0; for (let i = 0; i < 2e6; i++) x = (x + i) % 97; return x; }
console.log(hotLoop() + coldLoop());
`);
    execFileSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, script], { stdio: 'pipe' });
    const profs = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
    expect(profs).toHaveLength(1);
    const { totalMs, rows } = summariseProfiles(profs);
    expect(rows[0].name).toBe('hotLoop');
    expect(rows[0].where).toContain('busy.js:2');
    expect(rows[0].selfMs / totalMs).toBeGreaterThan(0.5);
    const self = rows.reduce((n, r) => n + r.selfMs, 0);
    expect(Math.abs(self - totalMs)).toBeLessThan(totalMs * 0.01);
    expect(statSync(dir).isDirectory()).toBe(true);
  });
});

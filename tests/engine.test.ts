/** Engine units: where values come from, what is a database call, loops, SQL text, control flow. */
import * as path from 'node:path';
import * as ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { lintText, projectOf, VIRTUAL_ROOT } from './helpers/lint';
import { dbKind } from '../rules/src/engine/values';
import { enclosingLoop } from '../rules/src/engine/loops';
import { analyseSql, staticText } from '../rules/src/engine/sqltext';
import { runBody } from '../rules/src/engine/flow';
import { LineIndex } from '../rules/src/engine/text';
import { Project, scanImports } from '../rules/src/engine/project';
import { warmUp } from '../rules/src/engine/warmup';
import { parse } from '../rules/src/engine/parse';
import type { Finding } from '../rules/src/engine/types';

function modelOf(files: Record<string, string>, file = 'a.ts') {
  return projectOf(files).model(path.join(VIRTUAL_ROOT, file))!;
}

/** The db kind of the last expression statement of file a.ts. */
function kindOfLast(code: string, others: Record<string, string> = {}): string | undefined {
  const m = modelOf({ 'a.ts': code, ...others });
  const last = m.sourceFile.statements[m.sourceFile.statements.length - 1]!;
  if (!ts.isExpressionStatement(last)) throw new Error('last statement must be an expression');
  return dbKind(m.valueOf(last.expression));
}

describe('value origins', () => {
  it.each([
    ["import { Pool } from 'pg'; const pool = new Pool(); pool;", 'pg.Pool'],
    ["import * as pg from 'pg'; const pool = new pg.Pool(); pool;", 'pg.Pool'],
    ["import pg from 'pg'; const pool = new pg.Pool(); pool;", 'pg.Pool'],
    ["const { Pool } = require('pg'); const pool = new Pool(); pool;", 'pg.Pool'],
    ["const pg = require('pg'); const client = new pg.Client(); client;", 'pg.Client'],
    ["import type { PoolClient } from 'pg'; declare const c: PoolClient; c;", 'pg.PoolClient'],
    ["import knex from 'knex'; const db = knex({}); db('users').where({ id: 1 });", 'knex.Builder'],
    ["import { PrismaClient } from '@prisma/client'; const prisma = new PrismaClient(); prisma.user;", 'prisma.Delegate'],
    ["import postgres from 'postgres'; const sql = postgres(); sql;", 'postgres.Sql'],
    ["import { Kysely } from 'kysely'; const db = new Kysely<any>({} as any); db.selectFrom('t');", 'kysely.Builder'],
  ])('%s', (code, kind) => {
    expect(kindOfLast(code)).toBe(kind);
  });

  it('follows a value exported by another module, with .js import paths', () => {
    const db = "import { Pool } from 'pg'; export const pool = new Pool();";
    expect(kindOfLast("import { pool } from './db.js'; pool;", { 'db.ts': db })).toBe('pg.Pool');
    expect(kindOfLast("import * as db from './db'; db.pool;", { 'db.ts': db })).toBe('pg.Pool');
    expect(kindOfLast("const { pool } = require('./db'); pool;", { 'db.ts': db.replace('export const pool', 'const pool') + ' module.exports = { pool };' })).toBe('pg.Pool');
  });

  it('knows constructor-injected class properties', () => {
    const code = "import { Pool } from 'pg'; class Repo { constructor(private readonly pool: Pool) {} get() { return this.pool; } } new Repo(null as any).get();";
    const m = modelOf({ 'a.ts': code });
    const cls = m.sourceFile.statements[1] as ts.ClassDeclaration;
    const method = cls.members[1] as ts.MethodDeclaration;
    const ret = (method.body!.statements[0] as ts.ReturnStatement).expression!;
    expect(dbKind(m.valueOf(ret))).toBe('pg.Pool');
  });

  it('resolves a var declared in a nested block to its hoisted declaration (files that have the word var)', () => {
    const code = "import { Pool } from 'pg'; declare const x: boolean; function f() { if (x) { var pool = new Pool(); } return pool; } f();";
    const m = modelOf({ 'a.ts': code });
    const fn = m.sourceFile.statements[2] as ts.FunctionDeclaration;
    const ret = (fn.body!.statements[1] as ts.ReturnStatement).expression!;
    expect(dbKind(m.valueOf(ret))).toBe('pg.Pool');
    const letCode = code.replace('var pool', 'let pool');
    const m2 = modelOf({ 'a.ts': letCode });
    const ret2 = ((m2.sourceFile.statements[2] as ts.FunctionDeclaration).body!.statements[1] as ts.ReturnStatement).expression!;
    expect(dbKind(m2.valueOf(ret2))).toBeUndefined(); // block-scoped: not visible after the block
  });

  it('does not guess from names', () => {
    expect(kindOfLast('declare const pool: any; pool;')).toBeUndefined();
    expect(kindOfLast('function f(db) { return db; } f(1);')).toBeUndefined();
    expect(modelOf({ 'a.ts': 'declare const db: any; async function f() { await db.query("SELECT 1"); }' }).dbCalls()).toEqual([]);
  });
});

describe('database calls', () => {
  it('classifies queries, acquisitions, releases and raw SQL', () => {
    const code = [
      "import { Pool } from 'pg';",
      "import knex from 'knex';",
      'const pool = new Pool();',
      'const k = knex({});',
      'async function f() {',
      "  await pool.query('SELECT 1');",
      '  const c = await pool.connect();',
      '  c.release();',
      "  await k('users').whereRaw('a = 1').first();",
      '}',
    ].join('\n');
    const calls = modelOf({ 'a.ts': code }).dbCalls().map((c) => `${c.kind}.${c.method}:${c.role}${c.executes ? '!' : ''}`);
    expect(calls).toEqual(['pg.Pool.query:query!', 'pg.Pool.connect:acquire', 'pg.PoolClient.release:release', 'knex.Builder.first:query!', 'knex.Builder.whereRaw:raw', 'knex.Knex.():builder']);
  });
});

describe('loops', () => {
  const loopOf = (body: string) => {
    const m = modelOf({ 'a.ts': `declare function q(x?: unknown): Promise<void>; async function f(xs: number[], r: any) { ${body} }` });
    let target: ts.Node | undefined;
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'q') target = n;
      ts.forEachChild(n, visit);
    };
    visit(m.sourceFile);
    const l = enclosingLoop(target!);
    return l ? `${l.kind}${l.sequentialReason ? ` (${l.sequentialReason})` : ''}` : 'none';
  };
  it.each([
    ['for (const x of xs) await q(x);', 'for-of'],
    ['xs.forEach((x) => q(x));', 'callback'],
    ['await Promise.all(xs.map((x) => q(x)));', 'callback'],
    ["for (const s of ['A', 'B']) await q(s);", 'for-of (constant list)'],
    ['while (r.running) await q();', 'while (sequential loop)'],
    ['while (xs.length) await q(xs.shift());', 'while'],
    ['for (let i = 0; i < 3; i++) await q();', 'for (bounded loop)'],
    ['for (let i = 0; i < xs.length; i++) await q(xs[i]);', 'for'],
    ['for (const x of await q()) r(x);', 'none'],
    ['for (const x of xs) { const g = async () => q(x); r(g); }', 'none'],
  ])('%s → %s', (body, expected) => {
    expect(loopOf(body)).toBe(expected);
  });
});

describe('function summaries', () => {
  const domains = "import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\n" +
    'export async function verify(id: string) {\n' +
    '  const d = await prisma.emailDomain.findUnique({ where: { id } });\n' +
    "  await prisma.emailDomain.update({ where: { id }, data: { status: 'checked' } });\n" +
    '  return d;\n}\n' +
    'export async function lookUp(id: string) {\n  return prisma.emailDomain.findUnique({ where: { id } });\n}\n';
  it('name the query a function runs on every call, not one its library batches when the function runs another', () => {
    const loop = (fn: string) => `import { ${fn} } from './domains';\nexport async function recheck(ids: string[]) {\n  for (const id of ids) await ${fn}(id);\n}\n`;
    const both = lintText(loop('verify'), 'recheck.ts', { 'domains.ts': domains });
    expect(both.map((f) => f.message)).toEqual([expect.stringContaining('(through `prisma.emailDomain.update`)')]);
    // A function whose only query is batched is still named through it.
    const only = lintText(loop('lookUp'), 'recheck.ts', { 'domains.ts': domains });
    expect(only.map((f) => f.message)).toEqual([expect.stringContaining('(through `prisma.emailDomain.findUnique`)')]);
  });
});

describe('no-query-in-loop advice', () => {
  const HOIST = 'run it once before the loop';
  const message = (body: string): string => {
    const code = "import { Pool } from 'pg';\nimport { PrismaClient } from '@prisma/client';\nconst pool = new Pool();\nconst prisma = new PrismaClient();\n" +
      `export async function f(items: { id: number; n: number }[], teamId: number) {\n${body}\n}\n`;
    const found = lintText(code).filter((x) => x.ruleId === 'no-query-in-loop');
    expect(found).toHaveLength(1);
    return found[0]!.message;
  };
  it('says to run a read once when it is the same on every iteration', () => {
    expect(message('  for (const item of items) {\n    const team = await prisma.team.findFirst({ where: { id: teamId } });\n    console.log(item.n, team);\n  }')).toContain(HOIST);
    expect(message("  for (const item of items) {\n    const { rows } = await pool.query('SELECT name FROM teams WHERE id = $1', [teamId]);\n    console.log(item.n, rows);\n  }")).toContain(HOIST);
  });
  it('says to merge the calls of a loop that already writes many rows per turn', () => {
    expect(message('  for (const item of items) {\n    await prisma.tag.createMany({ data: [{ itemId: item.id, teamId }] });\n  }'))
      .toContain('gather the rows of every iteration and write them with one call');
    expect(message('  for (const item of items) {\n    await prisma.tag.create({ data: { itemId: item.id, teamId } });\n  }'))
      .toContain('Write all rows with one `createMany({ data: rows })`');
  });
  it('suggests a batch when the arguments change, or when the same read may see a write of the loop', () => {
    // The element, a counter the loop moves, an array it fills, a call in the arguments: not the same each time.
    expect(message('  for (const item of items) await prisma.team.findFirst({ where: { id: item.id } });')).not.toContain(HOIST);
    expect(message("  let total = 0;\n  for (const item of items) {\n    await pool.query('SELECT id FROM t WHERE size > $1', [total]);\n    total += item.n;\n  }")).not.toContain(HOIST);
    expect(message('  const seen: number[] = [];\n  for (const item of items) {\n    await prisma.team.findMany({ where: { id: { notIn: seen } } });\n    seen.push(item.id);\n  }')).not.toContain(HOIST);
    expect(message('  for (const item of items) {\n    await prisma.team.findFirst({ where: { id: teamId, at: new Date() } });\n    console.log(item.n);\n  }')).not.toContain(HOIST);
    // A volatile function, a locking read.
    expect(message("  for (const item of items) {\n    await pool.query('SELECT nextval($1)', ['ids']);\n    console.log(item.n);\n  }")).not.toContain(HOIST);
    expect(message("  for (const item of items) {\n    await pool.query('SELECT * FROM jobs WHERE team = $1 FOR UPDATE SKIP LOCKED', [teamId]);\n    console.log(item.n);\n  }")).not.toContain(HOIST);
    // Read, modify, write: hoisting the read would change the result.
    const rmw = lintText("import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\n" +
      'export async function f(items: { n: number }[]) {\n  for (const item of items) {\n    const c = await prisma.counter.findFirst({ where: { id: 1 } });\n' +
      '    await prisma.counter.update({ where: { id: 1 }, data: { value: (c?.value ?? 0) + item.n } });\n  }\n}\n').filter((x) => x.ruleId === 'no-query-in-loop');
    expect(rmw.length).toBe(2);
    for (const x of rmw) expect(x.message).not.toContain(HOIST);
  });
});

describe('SQL text', () => {
  const sqlOf = (decls: string, expr: string) => {
    const m = modelOf({ 'a.ts': `${decls}\nconst __sql = ${expr};` });
    const st = m.sourceFile.statements[m.sourceFile.statements.length - 1] as ts.VariableStatement;
    return { m, e: st.declarationList.declarations[0]!.initializer! };
  };
  it('flattens concatenation and marks unsafe values', () => {
    const { m, e } = sqlOf('declare const name: string;', "'SELECT * FROM t WHERE a = ' + name + ' LIMIT ' + 10");
    const b = analyseSql(e, m)!;
    expect(b.concatenated).toBe(true);
    expect(b.pieces.map((p) => (p.t === 'text' ? p.value : p.safe ? '<safe>' : '<unsafe>'))).toEqual(['SELECT * FROM t WHERE a = ', '<unsafe>', ' LIMIT 10']);
  });
  it.each([
    ["const T = 'users';", '`SELECT * FROM ${T}`'],
    ["const COLS: Record<string, string> = { a: 'a', b: 'b' }; declare const k: string;", '`ORDER BY ${COLS[k]}`'],
    ["const OK = ['a', 'b']; declare const c: string;", "`ORDER BY ${OK.includes(c) ? c : 'a'}`"],
    ['declare const n: string;', '`LIMIT ${Number(n)}`'],
    ['declare const ids: number[];', "`IN (${ids.map((_, i) => '$' + (i + 1)).join(',')})`"],
  ])('%s %s is safe', (decls, expr) => {
    const { m, e } = sqlOf(decls, expr);
    expect(analyseSql(e, m)!.pieces.every((p) => p.t === 'text' || p.safe)).toBe(true);
  });
  it('reads constant text through variables', () => {
    const { m, e } = sqlOf("const BASE = 'SELECT 1';", 'BASE');
    expect(staticText(e, m)).toBe('SELECT 1');
  });
});

describe('control flow', () => {
  const exits = (body: string) => {
    const m = modelOf({ 'a.ts': `async function f(c: any, cond: boolean) { ${body} }` });
    const fn = m.sourceFile.statements[0] as ts.FunctionDeclaration;
    const releases = (n: ts.Node): boolean => /\.release\(\)/.test(n.getText(m.sourceFile)) && !ts.isBlock(n) && !ts.isTryStatement(n) && !ts.isIfStatement(n);
    return runBody(fn.body!, { effect: (n, s) => (s === 1 && releases(n) ? 2 : s) }, 1)
      .map((o) => `${o.kind}:${o.state}`).sort();
  };
  it('try/finally releases on every path', () => {
    expect(exits("try { await c.query('x'); if (cond) return; } finally { c.release(); }")).toEqual(['normal:2', 'return:2', 'throw:2']);
  });
  it('an await before the release leaks on the error path', () => {
    expect(exits("await c.query('x'); c.release();")).toEqual(['normal:2', 'throw:1']);
  });
  it('an early return leaks', () => {
    expect(exits("if (cond) return; c.release();")).toEqual(['normal:2', 'return:1']);
  });
  it('catch that rethrows after releasing', () => {
    expect(exits("try { await c.query('x'); } catch (e) { c.release(); throw e; } c.release();")).toEqual(['normal:2', 'throw:2']);
  });
});

describe('text and imports', () => {
  it('maps offsets to lines with CRLF and CR', () => {
    const li = new LineIndex('a\r\nbc\rd\ne');
    expect(li.position(3)).toEqual({ line: 1, character: 0 });
    expect(li.position(6)).toEqual({ line: 2, character: 0 });
    expect(li.offset(3, 0)).toBe(8);
  });
  it('scans import specifiers without parsing', () => {
    expect(scanImports("import a from 'pg';\nconst b = require(\"./db\");\nexport * from './x';\nconst c = await import('knex');").sort()).toEqual(['./db', './x', 'knex', 'pg']);
  });
  it('tells which files may load code at run time, through their imports, and forgets it on an edit', () => {
    const at = (f: string): string => path.join(VIRTUAL_ROOT, f);
    const files = new Map<string, string>([
      [at('runner.ts'), "import { load } from './load';\nexport const run = (f: string) => load(f);"],
      [at('load.ts'), 'export const load = (file: string) => import(file);'],
      [at('template.ts'), 'export const load = (name: string) => import(`./plugins/${name}.js`);'],
      [at('plain.ts'), "import { q } from './literal';\nexport const x = q;"],
      [at('literal.ts'), "export const q = 1;\nexport const m = () => import('./plain');\nconst r = require('./x');"],
    ]);
    const project = new Project({ root: VIRTUAL_ROOT, readFile: (p) => files.get(p) });
    expect(project.mayLoadCodeAtRunTime(at('runner.ts'))).toBe(true);
    expect(project.mayLoadCodeAtRunTime(at('template.ts'))).toBe(true);
    expect(project.mayLoadCodeAtRunTime(at('plain.ts'))).toBe(false);
    files.set(at('literal.ts'), 'export const q = 1;\nexport const m = (name: string) => require(name);');
    project.invalidate(at('literal.ts'), true);
    expect(project.mayLoadCodeAtRunTime(at('plain.ts'))).toBe(true);
  });
  it('resolves an import again once the file it names appears or disappears (resolutions are memoised)', () => {
    const files = new Map<string, string>([[path.join(VIRTUAL_ROOT, 'a.ts'), "import { q } from './db';"], [path.join(VIRTUAL_ROOT, 'sub/b.ts'), "import { q } from '../db';"]]);
    const project = new Project({ root: VIRTUAL_ROOT, readFile: (p) => files.get(p) });
    const a = path.join(VIRTUAL_ROOT, 'a.ts');
    const b = path.join(VIRTUAL_ROOT, 'sub/b.ts');
    const db = path.join(VIRTUAL_ROOT, 'db.ts');
    expect(project.depsOf(a)).toEqual([]);
    files.set(db, 'export const q = 1;');
    expect(project.depsOf(a)).toEqual([]); // nothing told the project yet
    project.invalidate(db);
    expect(project.depsOf(a)).toEqual([db]);
    expect(project.depsOf(b)).toEqual([db]); // same module, another folder's specifier
    files.delete(db);
    project.invalidate(db);
    expect(project.depsOf(b)).toEqual([]);
    project.setOverlay(db, 'export const q = 2;');
    expect(project.depsOf(a)).toEqual([db]);
  });
  it('reads no candidate under a path that is not a folder (`./styles.scss` tried as a folder holding index.ts)', () => {
    const files = new Map<string, string>([
      [path.join(VIRTUAL_ROOT, 'a.ts'), "import s from './styles.scss';\nimport { q } from './lib';"],
      [path.join(VIRTUAL_ROOT, 'styles.scss'), '.a {}'],
      [path.join(VIRTUAL_ROOT, 'lib/index.ts'), 'export const q = 1;'],
    ]);
    const listings = new Map<string, string[]>([[VIRTUAL_ROOT, ['a.ts', 'styles.scss', 'lib']], [path.join(VIRTUAL_ROOT, 'lib'), ['index.ts']]]);
    const reads: string[] = [];
    const project = new Project({
      root: VIRTUAL_ROOT,
      readFile: (p) => (reads.push(p), files.get(p)),
      // A listed folder, else null: missing or a file.
      listDir: (d) => listings.get(d) ?? null,
    });
    expect(project.depsOf(path.join(VIRTUAL_ROOT, 'a.ts'))).toEqual([path.join(VIRTUAL_ROOT, 'lib/index.ts')]);
    expect(reads.filter((p) => p.includes('styles.scss'))).toEqual([]);
    // undefined (a folder that cannot be listed) still reads each candidate: it may hold them.
    const unlistable = new Project({ root: VIRTUAL_ROOT, readFile: (p) => (reads.push(p), files.get(p)), listDir: (d) => listings.get(d) });
    reads.length = 0;
    expect(unlistable.depsOf(path.join(VIRTUAL_ROOT, 'a.ts'))).toEqual([path.join(VIRTUAL_ROOT, 'lib/index.ts')]);
    expect(reads.filter((p) => p.startsWith(path.join(VIRTUAL_ROOT, 'styles.scss', 'index')))).toHaveLength(8);
  });
  it('reads a module the configuration maps to a known library as that library (libraries), and forgets it when the mapping goes', () => {
    const files = {
      'db.ts': "import { createPool, sql } from '@acme/slonik';\nexport const pool = await createPool('postgres://');\nexport { sql };\n",
      'a.ts': "import { pool, sql } from './db';\nexport async function all(ids: number[]) { for (const id of ids) await pool.one(sql`SELECT ${id}::int`); }\n",
    };
    const project = projectOf(files);
    const a = path.join(VIRTUAL_ROOT, 'a.ts');
    const rules = () => project.lintFile(a).findings.map((x) => x.ruleId);
    expect(project.reachesDatabase(a)).toBe(false);
    expect(rules()).toEqual([]);
    project.setConfig({ ...project.config, libraries: { '@acme/slonik': 'slonik' } });
    expect(project.reachesDatabase(a)).toBe(true);
    expect(rules()).toEqual(['no-query-in-loop']);
    project.setConfig({ ...project.config, libraries: undefined });
    expect(rules()).toEqual([]);
  });
  it('invalidates many files in one pass as one call per file would (a branch switch)', () => {
    const at = (f: string) => path.join(VIRTUAL_ROOT, f);
    const files = new Map<string, string>([
      [at('repo.ts'), "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const load = (id: number) => pool.query('SELECT $1::int', [id]);\n"],
      [at('service.ts'), "import { load } from './repo';\nexport async function all(ids: number[]) { for (const id of ids) await load(id); }\n"],
      [at('other.ts'), "import 'pg';\nexport const x = 1;\n"],
    ]);
    const project = new Project({ root: VIRTUAL_ROOT, readFile: (p) => files.get(p) });
    const rules = (f: string) => project.lintFile(at(f)).findings.map((x) => x.ruleId);
    expect(rules('service.ts')).toEqual(['no-query-in-loop']);
    expect(rules('other.ts')).toEqual([]);
    files.set(at('repo.ts'), 'export const load = (id: number) => ({ id });\n');
    files.set(at('other.ts'), 'export const x = 2;\n');
    project.invalidateMany([at('repo.ts'), at('other.ts')]);
    expect(rules('service.ts')).toEqual([]); // its model went with repo.ts's
    // Dependents of several files: one of them is in the answer when it imports another.
    expect(project.dependentsOfMany([at('repo.ts'), at('service.ts')])).toEqual([at('service.ts')]);
    expect(project.dependentsOfMany([at('repo.ts')])).toEqual([at('service.ts')]);
    expect(project.dependentsOfMany([at('service.ts')])).toEqual([]);
  });
  it('drops the model of a file whose import now finds a module (and of its importers), not only the new module\'s', () => {
    const a = path.join(VIRTUAL_ROOT, 'a.ts');
    const b = path.join(VIRTUAL_ROOT, 'b.ts');
    const q = path.join(VIRTUAL_ROOT, 'q.ts');
    const files = new Map<string, string>([
      [a, "import 'pg';\nimport { load } from './q';\nexport async function all(ids: number[]) { for (const id of ids) await load(id); }\n"],
      [b, "import { all } from './a';\nexport async function each(groups: number[][]) { for (const g of groups) await all(g); }\n"],
    ]);
    const project = new Project({ root: VIRTUAL_ROOT, readFile: (p) => files.get(p) });
    const rules = (f: string) => project.lintFile(f).findings.map((x) => `${new LineIndex(files.get(f)!).position(x.start).line + 1}:${x.ruleId}`);
    expect(rules(a)).toEqual([]);
    expect(rules(b)).toEqual([]);
    files.set(q, "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const load = (id: number) => pool.query('SELECT $1::int', [id]);\n");
    project.invalidate(q);
    expect(rules(a)).toEqual(['3:no-query-in-loop']);
    expect(rules(b)).toEqual(['2:no-query-in-loop']);
  });
});

describe('lintFileAsync (the editor lints in steps)', () => {
  const code = [
    "import { Pool } from 'pg';",
    'const pool = new Pool();',
    'export async function f(ids: number[], name: string) {',
    '  for (const id of ids) await pool.query("SELECT * FROM t WHERE id = $1", [id]);',
    "  await pool.query('SELECT * FROM t WHERE name = ' + name);",
    '}',
  ].join('\n');

  it('gives the same findings as lintFile, pausing after the parse and after each rule', async () => {
    const project = projectOf({ 'a.ts': code });
    const file = path.join(VIRTUAL_ROOT, 'a.ts');
    const sync = project.lintFile(file);
    let pauses = 0;
    const stepped = await project.lintFileAsync(file, { yieldTo: async () => void pauses++ });
    expect(stepped?.findings.map((f) => f.ruleId).sort()).toEqual(sync.findings.map((f) => f.ruleId).sort());
    expect(sync.findings.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['no-query-in-loop', 'no-sql-concatenation']));
    expect(pauses).toBeGreaterThan(3);
  });

  it('stops with no result (never partial findings) once cancelled', async () => {
    const project = projectOf({ 'a.ts': code });
    const file = path.join(VIRTUAL_ROOT, 'a.ts');
    let pauses = 0;
    const r = await project.lintFileAsync(file, { yieldTo: async () => void pauses++, isCancelled: () => pauses >= 2 });
    expect(r).toBeUndefined();
    expect(pauses).toBe(2);
  });

  it('warm-up (the server runs it once, in idle steps) lints and re-lints its in-memory project with the main rules', async () => {
    let pauses = 0;
    const found = await warmUp(async () => void pauses++, 3);
    expect(found).toEqual(['no-query-in-loop', 'no-sql-concatenation', 'no-unreleased-client']);
    expect(pauses).toBeGreaterThan(4 * 4); // four lints (the first and three edits), each in several steps
  });
});

describe('parse', () => {
  it("collects calls and tagged templates in source order during its parent walk (what dbCalls reads instead of walking)", () => {
    const code = 'a(b(c()), d`x${e()}`)(f());\nclass K { m() { return g.h(i())(j`y`); } }\nconst k = () => l(m(), n());';
    const { calls, sourceFile } = parse('/x.ts', code);
    const walked: ts.Node[] = [];
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n) || ts.isTaggedTemplateExpression(n)) walked.push(n);
      ts.forEachChild(n, visit);
    };
    visit(sourceFile);
    expect(walked.length).toBe(14);
    expect(calls?.map((c) => c.getText(sourceFile))).toEqual(walked.map((c) => c.getText(sourceFile)));
    expect(calls).toEqual(walked);
    expect(parse('/x.ts', `${code} `, sourceFile).calls).toBeUndefined(); // a reparse: dbCalls walks
  });
});

describe('export scan (no parse)', () => {
  it('lists the names export statements name, and says "all" where a scan cannot list them', async () => {
    const { scanExports } = await import('../rules/src/engine/project');
    const names = scanExports([
      'export const a = 1;', 'export declare let b: number;', 'export async function c() {}', 'export function* d() {}',
      'export default class E {}', 'export abstract class F {}', 'export const enum G { X }', 'export enum H { X }',
      'export type I = string;', 'export interface J {}', 'export namespace K {}', 'export import L = M.N;',
      "export { o, p as q, type R, default as S } from './x';", 'export type { T };', 'const notExported = 1;',
      "export {\n  u, // a comment\n  v as w,\n};",
    ].join('\n'));
    expect(names).not.toBe('all');
    expect([...(names as Set<string>)].sort()).toEqual(['E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'R', 'S', 'T', 'a', 'b', 'c', 'd', 'o', 'q', 'u', 'w']);
    for (const text of ["export * from './x';", "export * as ns from './x';", 'export = Foo;', 'export const { a, b } = obj;', 'export const [a] = xs;',
      'export const a = 1, b = 2;', 'module.exports = { a };', 'exports.a = 1;']) expect(scanExports(text), text).toBe('all');
  });
});

describe('barrels', () => {
  it('finds a name through `export *` without parsing the modules that cannot export it', () => {
    const project = projectOf({
      'db/index.ts': "export * from './users';\nexport * from './orders';\nexport * from './pool';\n",
      'db/users.ts': 'export const usersTable = "users";\nexport function userName(u: { name: string }) { return u.name; }\n',
      'db/orders.ts': "export { ordersTable as orders } from './tables';\n",
      'db/tables.ts': 'export const ordersTable = "orders";\n',
      'db/pool.ts': "import { Pool } from 'pg';\nexport const pool = new Pool();\n",
      'app.ts': "import { pool } from './db';\nexport async function f(ids: number[]) {\n  for (const id of ids) await pool.query('SELECT $1::int', [id]);\n}\n",
    });
    const res = project.lintFile(path.join(VIRTUAL_ROOT, 'app.ts'));
    expect(res.findings.map((f) => f.ruleId)).toEqual(['no-query-in-loop']);
    // app.ts, the barrel and db/pool.ts: not users.ts, orders.ts or tables.ts.
    expect(project.parsed).toBe(3);
  });
});

describe('types written from values', () => {
  it('follows typeof, Awaited, ReturnType, intersections and aliases, and stops on alias cycles', () => {
    const db = "import { Pool } from 'pg';\nexport const pool = new Pool();\nexport type Db = typeof pool;\n";
    const loop = (type: string, extra = '') => `import type { Db } from './db';\nimport { pool } from './db';\n${extra}` +
      `export async function f(c: ${type}, ids: number[]) {\n  for (const id of ids) await c.query('SELECT $1::int', [id]);\n}\n`;
    for (const [type, extra] of [['Db', ''], ['typeof pool', ''], ['Db & { tag?: string }', ''], ['Local', 'type Local = Db;\n'],
      ['Awaited<ReturnType<typeof get>>', 'async function get() { return pool; }\n']]) {
      expect(lintText(loop(type, extra), 'f.ts', { 'db.ts': db }).map((x) => x.ruleId), type).toEqual(['no-query-in-loop']);
    }
    // Cycles: within a module, across modules, and a value typed by itself: unknown, no crash.
    expect(lintText(loop('A', 'type A = B;\ntype B = A;\n'), 'f.ts', { 'db.ts': db })).toEqual([]);
    const cyc = "import type { Y } from './y';\nexport type X = Y;\n";
    expect(lintText("import type { X } from './x';\nexport async function f(c: X, ids: number[]) {\n  for (const id of ids) await c.query('SELECT 1');\n}\n", 'f.ts',
      { 'x.ts': cyc, 'y.ts': "import type { X } from './x';\nexport type Y = X;\n" })).toEqual([]);
    expect(lintText("const c: typeof c = undefined as never;\nexport async function f(ids: number[]) {\n  for (const id of ids) await c.query('SELECT 1');\n}\n")).toEqual([]);
  });
});

describe('facts: what a linted file tells the files linted after it', () => {
  const files: Record<string, string> = {
    'db.ts': "import { Pool } from 'pg';\nexport const pool = new Pool();\n",
    'repo.ts': [
      "import { pool } from './db';",
      'export async function findUser(id: number) {',
      "  return pool.query('SELECT * FROM users WHERE id = $1', [id]);",
      '}',
      'export class Repo {',
      "  find(id: number) { return pool.query('SELECT * FROM teams WHERE id = $1', [id]); }",
      '}',
      '',
    ].join('\n'),
    'a.ts': [
      "import { findUser, Repo } from './repo';",
      'export async function all(ids: number[]) {',
      '  for (const id of ids) await findUser(id);',
      '  const r = new Repo();',
      '  for (const id of ids) await r.find(id);',
      '}',
      '',
    ].join('\n'),
  };
  files['b.ts'] = files['a.ts']!;
  const abs = (f: string): string => path.join(VIRTUAL_ROOT, f);
  const inLoops = (findings: Finding[]): Finding[] => findings.filter((f) => f.ruleId === 'no-query-in-loop');

  it('a file released after its lint answers later importers from the facts: no parse, the same findings', () => {
    const expected = projectOf(files).lintFile(abs('b.ts')).findings;
    expect(inLoops(expected)).toHaveLength(2);
    expect(inLoops(expected).map((f) => f.related?.[0]?.file)).toEqual([abs('repo.ts'), abs('repo.ts')]);
    const project = projectOf(files);
    for (const f of ['db.ts', 'repo.ts', 'a.ts']) {
      project.lintFile(abs(f));
      project.releaseAll();
    }
    const before = project.parsed;
    // a.ts asked what repo.ts exports, what its class's method does and where their queries are: b.ts asks the same.
    expect(project.lintFile(abs('b.ts')).findings).toEqual(expected);
    expect(project.parsed - before).toBe(1);
  });

  it('what was learnt of a file goes when it changes, and so does what its importers learnt through it', () => {
    const project = projectOf(files);
    expect(inLoops(project.lintFile(abs('a.ts')).findings)).toHaveLength(2);
    project.releaseAll();
    // findUser no longer queries; Repo.find still does.
    project.setOverlay(abs('repo.ts'), files['repo.ts']!.replace("return pool.query('SELECT * FROM users WHERE id = $1', [id]);", 'return { id };'));
    const after = inLoops(project.lintFile(abs('a.ts')).findings);
    expect(after).toHaveLength(1);
    expect(after[0]!.data?.call).toBe('r.find');
  });

  it('a detached value finds its node again in a new parse of the same text', () => {
    const project = projectOf(files);
    const repo = project.model(abs('repo.ts'))!;
    const fn = repo.exportValue('findUser');
    expect(fn?.t).toBe('fn');
    const first = (fn as { node: ts.Node }).node;
    project.releaseAll();
    const again = (fn as { node: ts.Node }).node;
    expect(again).not.toBe(first);
    expect([again.pos, again.end, again.kind]).toEqual([first.pos, first.end, first.kind]);
    expect(ts.isFunctionDeclaration(again) && again.name?.text).toBe('findUser');
  });

  it('a file asked for again and again after its release (a hub) stays parsed: the third parse is the last', () => {
    const hub = ["import { pool } from './db';", ...Array.from({ length: 10 }, (_, i) => `export const find${i} = (id: number) => pool.query('SELECT * FROM t${i} WHERE id = $1', [id]);`)].join('\n');
    const many: Record<string, string> = { 'db.ts': files['db.ts']!, 'hub.ts': hub };
    for (let i = 0; i < 10; i++) many[`use${i}.ts`] = `import { find${i} } from './hub';\nexport async function go(ids: number[]) {\n  for (const id of ids) await find${i}(id);\n}\n`;
    const project = projectOf(many);
    for (const f of ['db.ts', 'hub.ts']) {
      project.lintFile(abs(f));
      project.releaseAll();
    }
    const before = project.parsed;
    for (let i = 0; i < 10; i++) {
      expect(inLoops(project.lintFile(abs(`use${i}.ts`)).findings), `use${i}.ts`).toHaveLength(1);
      project.releaseAll();
    }
    // Each use file asks for another export: hub.ts is parsed again for use0 and use1, then kept.
    expect(project.parsed - before).toBe(10 + 2);
  });

  it('a pinned file stays parsed through releaseAll until it is released', () => {
    const project = projectOf(files);
    project.pin(abs('repo.ts'));
    project.lintFile(abs('repo.ts'));
    project.releaseAll();
    const before = project.parsed;
    expect(inLoops(project.lintFile(abs('a.ts')).findings)).toHaveLength(2);
    expect(project.parsed - before).toBe(1); // a.ts only: repo.ts answers from its live model
    project.release(abs('repo.ts'));
    project.releaseAll();
    project.lintFile(abs('b.ts'));
    project.model(abs('repo.ts'));
    expect(project.parsed - before).toBe(3); // b.ts, and repo.ts again: no longer pinned
  });
});

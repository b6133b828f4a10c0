/**
 * Fix safety proven on a real PostgreSQL (issue 6). Debian's PostgreSQL 15 (tests/helpers/pg-server.ts) runs as
 * the postgres user on a free 127.0.0.1 port with pg_stat_statements loaded. For each SAFE fix pglint offers on
 * the fixture functions below, the test lints the original with the engine, applies the fix with applyFixes,
 * compiles both versions (ts.transpileModule → CommonJS) and runs them against the server with the real `pg`
 * driver, then compares what they do.
 *
 * Without a server binary the suite skips with a message; under CI=true it fails instead.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import * as vm from 'node:vm';
import * as ts from 'typescript';
import * as pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFixes } from '../rules/src/engine/fixes';
import { parse } from '../rules/src/engine/parse';
import { initSqlParser } from '../rules/src/engine/sqlparse';
import { RULES } from '../rules/src/registry';
import type { Finding, Fix } from '../rules/src/engine/types';
import { findPgBin, startPgServer, type PgServer } from './helpers/pg-server';
import { VIRTUAL_ROOT, projectOf } from './helpers/lint';

const PG_BIN = findPgBin();
const IN_CI = process.env.CI === 'true';
const ROLE = 'fixsafety';
const PASSWORD = 'fix-safety-pw';
const DB = 'fixsafety';

if (!PG_BIN && !IN_CI) {
  // eslint-disable-next-line no-console
  console.warn('fix-safety: skipped — no PostgreSQL server binaries (apt-get install postgresql-15). Under CI=true this fails.');
}

// ── engine side ──────────────────────────────────────────────────────────────

const FILE = path.join(VIRTUAL_ROOT, 'src', 'subject.ts');

function lint(source: string): Finding[] {
  const project = projectOf({ 'src/subject.ts': source });
  const res = project.lintFile(FILE);
  if (res.errors?.length) throw new Error(res.errors.join('\n'));
  return res.findings;
}

/** The one safe fix `fixId` of rule `ruleId` on this source, applied; checks it re-parses and removes the finding. */
function applySafeFix(source: string, ruleId: string, fixId: string, safety: Fix['safety'] = 'safe'): { fixed: string; fix: Fix } {
  const findings = lint(source).filter((f) => f.ruleId === ruleId);
  expect(findings.length, `${ruleId} on the original`).toBeGreaterThan(0);
  const fix = findings.flatMap((f) => f.fixes ?? []).find((x) => x.id === fixId);
  expect(fix, `fix ${fixId} offered`).toBeDefined();
  expect(fix!.safety).toBe(safety);
  const { text: fixed, applied } = applyFixes(source, [fix!], FILE);
  expect(applied).toHaveLength(1);
  expect(parse(FILE, fixed).syntaxErrors).toEqual([]);
  expect(lint(fixed).filter((f) => f.ruleId === ruleId).length).toBeLessThan(findings.length);
  return { fixed, fix: fix! };
}

describe('the N+1 rewrite (batchLookup) names what it adds', () => {
  beforeAll(async () => {
    await initSqlParser();
  });
  const loop = (extra: string) => [
    "import { Pool } from 'pg';",
    'const pool = new Pool();',
    extra,
    'export async function customersOf(orders: { customerId: number }[]) {',
    '  const out = [];',
    '  for (const o of orders) {',
    "    const { rows } = await pool.query('SELECT * FROM customers WHERE id = $1', [o.customerId]);",
    '    out.push(rows[0]);',
    '  }',
    '  return out;',
    '}',
  ].join('\n');

  it('with names the file does not use yet: a word of the file (code or comment) is taken, a longer word is not', () => {
    const free = applySafeFix(loop('const xidRows = 1; // rowsByIdx'), 'no-query-in-loop', 'batchLookup', 'unsafe').fixed;
    expect(free).toMatch(/const \{ rows: idRows \}/);
    expect(free).toMatch(/const rowsById = new Map/);
    const taken = applySafeFix(loop('const idRows = 1; // rowsById, 2idRows2'), 'no-query-in-loop', 'batchLookup', 'unsafe').fixed;
    expect(taken).toMatch(/const \{ rows: idRows3 \}/);
    expect(taken).toMatch(/const rowsById2 = new Map/);
  });
});

// ── running the code ─────────────────────────────────────────────────────────

let server: PgServer;
let appUrl: string;
let admin: pg.Client;
const pools: pg.Pool[] = [];

/**
 * Compiles TypeScript source to CommonJS and evaluates it. `require('pg')` gets the real driver, with `Pool`
 * subclassed only to point it at the test server and to keep the instance (for pool.totalCount/idleCount and
 * for closing it). Nothing else is reachable from the module.
 */
function load<T>(source: string): { mod: T; pool: () => pg.Pool } {
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
  const created: pg.Pool[] = [];
  class TestPool extends pg.Pool {
    constructor(config?: pg.PoolConfig) {
      super({ ...config, connectionString: appUrl, max: 4 });
      // Clients leaked on purpose are cut in afterAll: their errors must not crash the test process.
      this.on('error', () => undefined);
      this.on('connect', (client) => client.on('error', () => undefined));
      created.push(this);
      pools.push(this);
    }
  }
  const fakeRequire = (id: string): unknown => {
    if (id === 'pg') return { ...pg, Pool: TestPool, default: { ...pg, Pool: TestPool } };
    throw new Error(`fixture module may only import pg, not ${id}`);
  };
  const module = { exports: {} as Record<string, unknown> };
  const fn = vm.runInThisContext(`(function (exports, require, module) {\n${js}\n})`, { filename: 'subject.js' }) as (e: unknown, r: unknown, m: unknown) => void;
  fn(module.exports, fakeRequire, module);
  return {
    mod: module.exports as T,
    pool: () => {
      expect(created.length, 'the module created its pool').toBeGreaterThan(0);
      return created[0]!;
    },
  };
}

/** How many times the test role ran statements matching `pattern`, counted by the server (pg_stat_statements). */
async function statementCalls(pattern: string): Promise<number> {
  const r = await admin.query<{ n: string }>(
    `SELECT coalesce(sum(calls), 0) AS n FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
      WHERE r.rolname = $1 AND s.query ILIKE $2`,
    [ROLE, pattern],
  );
  return Number(r.rows[0]!.n);
}

async function resetTables(): Promise<void> {
  await admin.query(`
    DROP TABLE IF EXISTS users, accounts, customers, orders CASCADE;
    CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL, name text);
    INSERT INTO users VALUES (1, 'alice@example.com', 'Alice'), (2, 'bob@example.com', 'Bob'), (3, 'o''brien@example.com', 'O''Brien');
    CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL CHECK (balance >= 0));
    INSERT INTO accounts VALUES (1, 100), (2, 50);
    CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL);
    INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, 20) g;
    GRANT ALL ON users, accounts, customers TO ${ROLE};
  `);
}

async function tableState(): Promise<{ tables: string[]; users: number }> {
  const t = await admin.query<{ relname: string }>("SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' ORDER BY relname");
  const tables = t.rows.map((r) => r.relname);
  const users = tables.includes('users') ? Number((await admin.query('SELECT count(*) AS n FROM users')).rows[0].n) : -1;
  return { tables, users };
}

const checkedOut = (pool: pg.Pool) => pool.totalCount - pool.idleCount;

// ── server ───────────────────────────────────────────────────────────────────

describe.skipIf(!PG_BIN && !IN_CI)('safe fixes on a real PostgreSQL', () => {
  beforeAll(async () => {
    if (!PG_BIN) throw new Error('CI=true and no PostgreSQL server binaries: install postgresql-15 (fix-safety must run in CI)');
    await initSqlParser();
    server = await startPgServer({ maxConnections: 30 });
    // pg_stat_statements counts the statements each version sends; it must be preloaded, hence a restart
    // (pg_ctl restart reuses the options the helper started the server with, postmaster.opts).
    const su = new pg.Client({ connectionString: server.superUrl });
    su.on('error', () => undefined);
    await su.connect();
    await su.query("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'");
    await su.end();
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    const ctl = [path.join(PG_BIN, 'pg_ctl'), '-D', path.join(server.dir, 'data'), '-m', 'fast', '-w', '-t', '60', 'restart'];
    execFileSync(isRoot ? 'runuser' : ctl[0]!, isRoot ? ['-u', 'postgres', '--', ...ctl] : ctl.slice(1), { stdio: 'ignore', timeout: 90_000 });
    const su2 = new pg.Client({ connectionString: server.superUrl });
    await su2.connect();
    await su2.query(`CREATE ROLE ${ROLE} LOGIN PASSWORD '${PASSWORD}'`);
    await su2.query(`CREATE DATABASE ${DB} OWNER ${ROLE}`);
    await su2.end();
    admin = new pg.Client({ connectionString: server.superUrl.replace(/\/postgres$/, `/${DB}`) });
    admin.on('error', () => undefined); // the server stops in afterAll
    await admin.connect();
    await admin.query('CREATE EXTENSION pg_stat_statements');
    appUrl = server.url(ROLE, PASSWORD, DB);
  }, 180_000);

  afterAll(async () => {
    // pool.end() waits for checked-out clients, and the originals leak one on purpose: cut those first.
    await admin?.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [ROLE]).catch(() => undefined);
    await Promise.race([Promise.all(pools.map((p) => p.end().catch(() => undefined))), new Promise((r) => setTimeout(r, 5000))]);
    await admin?.end().catch(() => undefined);
    server?.stop();
  });

  // ── no-sql-concatenation: parameterize ──────────────────────────────────────

  const PAYLOADS = ["' OR 1=1 --", "'; DROP TABLE users; --", "\\' OR 1=1 --", "x\\'; DROP TABLE users; --", "''' OR ''1''=''1"];
  const BENIGN = ['alice@example.com', "o'brien@example.com", 'nobody@example.com'];

  const CONCAT_SOURCES: Record<string, string> = {
    // The rule's own documentation example (bad form).
    'docs example (+ concatenation, rows[0])': RULES['no-sql-concatenation']!.meta.docs.en.bad,
    'template literal, all rows': [
      "import { Pool } from 'pg';",
      'const pool = new Pool();',
      '',
      'export async function findUser(email: string) {',
      '  const { rows } = await pool.query(`SELECT id, email FROM users WHERE email = \'${email}\' ORDER BY id`);',
      '  return rows;',
      '}',
    ].join('\n'),
    'SQL built in a local const used once at the call': [
      "import { Pool } from 'pg';",
      'const pool = new Pool();',
      '',
      'export async function findUser(email: string) {',
      "  const sql = \"SELECT id, email FROM users WHERE email = '\" + email + \"' ORDER BY id\";",
      '  const { rows } = await pool.query(sql);',
      '  return rows;',
      '}',
    ].join('\n'),
    'SQL in a variable with existing parameters': [
      "import { Pool } from 'pg';",
      'const pool = new Pool();',
      '',
      'export async function findUser(email: string) {',
      "  const { rows } = await pool.query(\"SELECT id, email FROM users WHERE id > $1 AND email = '\" + email + \"' ORDER BY id\", [0]);",
      '  return rows;',
      '}',
    ].join('\n'),
  };

  describe.each(Object.entries(CONCAT_SOURCES))('no-sql-concatenation parameterize: %s', (_name, source) => {
    type Mod = { findUser(email: string): Promise<unknown> };

    it('same rows for benign input; injection payloads are data after the fix (and do inject before it)', async () => {
      const { fixed } = applySafeFix(source, 'no-sql-concatenation', 'parameterize');
      await resetTables();
      const before = load<Mod>(source);
      const after = load<Mod>(fixed);
      for (const input of BENIGN) {
        // The original fails on a quote (syntax error) where the fix returns the row: compare only where it runs.
        const a = await after.mod.findUser(input);
        const b = await before.mod.findUser(input).catch((e: Error) => ({ error: e.message }));
        if (!(b && typeof b === 'object' && 'error' in b)) expect(a, `benign input ${input}`).toEqual(b);
        else expect(input).toContain("'");
      }
      expect(await after.mod.findUser("o'brien@example.com")).toBeTruthy();

      const start = await tableState();
      let injected = 0;
      for (const payload of PAYLOADS) {
        // Fixed: the payload is a value; no user has that email, the tables are untouched.
        const r = await after.mod.findUser(payload);
        expect(Array.isArray(r) ? r : r === undefined ? [] : [r], `fixed, payload ${payload}`).toEqual([]);
        expect(await tableState(), `fixed, payload ${payload}`).toEqual(start);
      }
      for (const payload of PAYLOADS) {
        // Original: at least one payload changes the statement (rows appear, or the table is dropped).
        await resetTables();
        const r = await before.mod.findUser(payload).catch(() => undefined);
        const rows = Array.isArray(r) ? r : r === undefined ? [] : [r];
        const state = await tableState();
        if (rows.length > 0 || state.users !== start.users || state.tables.length !== start.tables.length) injected++;
      }
      expect(injected, 'the original is injectable (else this test could not fail)').toBeGreaterThan(0);
      await resetTables();
    });
  });

  it('the original really drops the table with the stacked-statement payload; the fix does not', async () => {
    const source = CONCAT_SOURCES['template literal, all rows']!;
    const { fixed } = applySafeFix(source, 'no-sql-concatenation', 'parameterize');
    type Mod = { findUser(email: string): Promise<unknown[]> };
    await resetTables();
    await load<Mod>(fixed).mod.findUser("'; DROP TABLE users; --");
    expect((await tableState()).tables).toContain('users');
    await load<Mod>(source).mod.findUser("'; DROP TABLE users; --");
    expect((await tableState()).tables).not.toContain('users');
    await resetTables();
    const all = await load<Mod>(source).mod.findUser("' OR 1=1 --");
    expect(all).toHaveLength(3);
  });

  // ── no-unreleased-client: moveToFinally ─────────────────────────────────────

  const TRANSFER = RULES['no-unreleased-client']!.meta.docs.en.bad; // BEGIN, two UPDATEs, COMMIT, release()
  const LOAD_USER = [
    "import { Pool } from 'pg';",
    'const pool = new Pool();',
    '',
    'export async function shoutName(id: number) {',
    '  const client = await pool.connect();',
    "  const { rows } = await client.query('SELECT id, email FROM users WHERE id = $1', [id]);",
    "  if (!rows.length) throw new Error('no user ' + id);",
    "  await client.query('UPDATE users SET name = upper(name) WHERE id = $1', [id]);",
    '  client.release();',
    '}',
  ].join('\n');
  const STATEMENTS_BEFORE_TRY = [
    "import { Pool } from 'pg';",
    'const pool = new Pool();',
    '',
    'export async function ratio(id: number) {',
    '  const client = await pool.connect();',
    "  const { rows } = await client.query('SELECT 100 / $1::int AS q', [id]);",
    '  try {',
    "    const r = await client.query('SELECT $1::int * 2 AS d', [rows[0].q]);",
    '    return r.rows[0].d;',
    '  } finally {',
    '    client.release();',
    '  }',
    '}',
  ].join('\n');

  it('moveToFinally on a throwing body: the original leaks one client, the fix leaks none; same results otherwise', async () => {
    type Mod = { shoutName(id: number): Promise<void> };
    const { fixed } = applySafeFix(LOAD_USER, 'no-unreleased-client', 'moveToFinally');
    const before = load<Mod>(LOAD_USER);
    const after = load<Mod>(fixed);
    const names = async () => (await admin.query('SELECT id, name FROM users ORDER BY id')).rows;
    await resetTables();
    await before.mod.shoutName(1);
    const byOriginal = await names();
    await resetTables();
    await after.mod.shoutName(1);
    expect(await names()).toEqual(byOriginal);
    expect(byOriginal[0]).toEqual({ id: 1, name: 'ALICE' });
    expect(checkedOut(before.pool())).toBe(0);
    expect(checkedOut(after.pool())).toBe(0);
    // The body throws (no such user).
    await expect(before.mod.shoutName(42)).rejects.toThrow(/no user 42/);
    expect(checkedOut(before.pool()), 'the original leaks the client').toBe(1);
    await expect(after.mod.shoutName(42)).rejects.toThrow(/no user 42/);
    expect(checkedOut(after.pool()), 'the fix releases it').toBe(0);
    // And the pool still serves queries.
    expect((await after.pool().query('SELECT 1 AS one')).rows[0].one).toBe(1);
  });

  it('moveToFinally with statements before an existing try: a server error there no longer leaks', async () => {
    type Mod = { ratio(id: number): Promise<number> };
    await resetTables();
    const { fixed } = applySafeFix(STATEMENTS_BEFORE_TRY, 'no-unreleased-client', 'moveToFinally');
    const before = load<Mod>(STATEMENTS_BEFORE_TRY);
    const after = load<Mod>(fixed);
    expect(await after.mod.ratio(4)).toBe(await before.mod.ratio(4));
    await expect(before.mod.ratio(0)).rejects.toThrow(/division by zero/);
    expect(checkedOut(before.pool()), 'the original leaks the client').toBe(1);
    await expect(after.mod.ratio(0)).rejects.toThrow(/division by zero/);
    expect(checkedOut(after.pool()), 'the fix releases it').toBe(0);
  });

  it('moveToFinally on the docs example (a transaction): no client left checked out after a failed UPDATE', async () => {
    type Mod = { transfer(from: number, to: number, amount: number): Promise<void> };
    await resetTables();
    const { fixed } = applySafeFix(TRANSFER, 'no-unreleased-client', 'moveToFinally');
    const before = load<Mod>(TRANSFER);
    const after = load<Mod>(fixed);
    await after.mod.transfer(1, 2, 10);
    const balances = async () => (await admin.query('SELECT id, balance FROM accounts ORDER BY id')).rows;
    expect(await balances()).toEqual([{ id: 1, balance: 90 }, { id: 2, balance: 60 }]);
    // 500 > balance: the CHECK constraint fails inside the transaction.
    await expect(before.mod.transfer(1, 2, 500)).rejects.toThrow(/check constraint/);
    expect(checkedOut(before.pool()), 'the original leaks the client').toBe(1);
    await expect(after.mod.transfer(1, 2, 500)).rejects.toThrow(/check constraint/);
    expect(checkedOut(after.pool()), 'the fix releases it').toBe(0);
    expect(await balances()).toEqual([{ id: 1, balance: 90 }, { id: 2, balance: 60 }]);
  });

  // A client released while its transaction is aborted would go back to the pool broken: when the code
  // opens a transaction, the fix rolls it back in a catch before releasing (found by this test, then fixed).
  it('after the fixed transfer throws, the next query on the pool succeeds (no client left in an aborted transaction)', async () => {
    type Mod = { transfer(from: number, to: number, amount: number): Promise<void> };
    await resetTables();
    const { fixed } = applySafeFix(TRANSFER, 'no-unreleased-client', 'moveToFinally');
    const after = load<Mod>(fixed);
    await after.pool().query('SELECT 1'); // one connection, so the next query gets the released one
    await expect(after.mod.transfer(1, 2, 500)).rejects.toThrow(/check constraint/);
    expect(checkedOut(after.pool())).toBe(0);
    const next = await after.pool().query('SELECT 1 AS one').then((r) => r.rows[0].one as number, (e: Error) => e.message);
    expect(next, 'the next query on the pool after the fixed transfer failed').toBe(1);
  });

  // ── no-query-in-loop: the batched form from the rule's docs ─────────────────

  it('N+1: the docs good example returns the same customers with 1 query instead of N+1 (pg_stat_statements)', async () => {
    type Mod = { customersOf(orders: { customerId: number }[]): Promise<{ id: number; name: string }[]> };
    const docs = RULES['no-query-in-loop']!.meta.docs.en;
    expect(lint(docs.bad).map((f) => f.ruleId)).toContain('no-query-in-loop');
    expect(lint(docs.good).map((f) => f.ruleId)).not.toContain('no-query-in-loop');
    await resetTables();
    const orders = [3, 7, 3, 12, 1, 20, 7, 5].map((customerId) => ({ customerId }));
    const bad = load<Mod>(docs.bad);
    const good = load<Mod>(docs.good);
    // Connect both pools first so connection set-up statements do not count.
    await bad.pool().query('SELECT 1');
    await good.pool().query('SELECT 1');

    const calls = () => statementCalls('%customers%');
    await admin.query('SELECT pg_stat_statements_reset()');
    const badRows = await bad.mod.customersOf(orders);
    const badCalls = await calls();
    await admin.query('SELECT pg_stat_statements_reset()');
    const goodRows = await good.mod.customersOf(orders);
    const goodCalls = await calls();

    expect(goodRows).toEqual(badRows);
    expect(badRows.map((c) => c.id)).toEqual(orders.map((o) => o.customerId));
    expect(badCalls, 'the loop sends one query per order').toBe(orders.length);
    expect(goodCalls, 'the batched form sends one or two').toBeGreaterThanOrEqual(1);
    expect(goodCalls).toBeLessThanOrEqual(2);

    // pglint's own rewrite of the loop (the unsafe quick fix `batchLookup`): same customers, one query.
    const { fixed } = applySafeFix(docs.bad, 'no-query-in-loop', 'batchLookup', 'unsafe');
    const rewritten = load<Mod>(fixed);
    await rewritten.pool().query('SELECT 1');
    await admin.query('SELECT pg_stat_statements_reset()');
    const rewrittenRows = await rewritten.mod.customersOf(orders);
    const rewrittenCalls = await calls();
    expect(rewrittenRows).toEqual(badRows);
    expect(rewrittenCalls, 'the rewritten loop sends one query').toBe(1);
  });

  it('N+1 insert: the multi-row INSERT rewrite (unsafe quick fix) writes the same rows with one statement', async () => {
    type Mod = { save(items: { id: number; name: string }[]): Promise<void> };
    const source = [
      "import { Pool } from 'pg';",
      'const pool = new Pool();',
      'export async function save(items: { id: number; name: string }[]) {',
      '  for (const item of items) {',
      "    await pool.query('INSERT INTO customers (id, name) VALUES ($1, $2)', [item.id, item.name]);",
      '  }',
      '}',
    ].join('\n');
    const { fixed } = applySafeFix(source, 'no-query-in-loop', 'batchInsert', 'unsafe');
    const items = [{ id: 901, name: "O'Brien" }, { id: 902, name: 'Zoë' }, { id: 903, name: 'x; DROP TABLE customers' }];
    const contents = async () => (await admin.query('SELECT id, name FROM customers WHERE id > 900 ORDER BY id')).rows;
    const inserts = () => statementCalls('INSERT INTO customers%');
    const run = async (code: string): Promise<{ rows: unknown[]; calls: number }> => {
      await resetTables();
      const m = load<Mod>(code);
      await m.pool().query('SELECT 1');
      await admin.query('SELECT pg_stat_statements_reset()');
      await m.mod.save(items);
      const calls = await inserts();
      await m.mod.save([]); // an empty list sends nothing and does not fail
      return { rows: await contents(), calls };
    };
    const before = await run(source);
    const after = await run(fixed);
    expect(after.rows).toEqual(before.rows);
    expect(before.rows).toHaveLength(3);
    expect(before.calls).toBe(3);
    expect(after.calls).toBe(1);
  });
});

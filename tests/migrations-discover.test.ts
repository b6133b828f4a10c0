import { describe, expect, test, afterAll } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { discoverMigrations } from '../rules/src/migrations/discover';
import { buildSchema } from '../rules/src/migrations/schema-build';
import { readJsMigration } from '../rules/src/migrations/js-builders';
import { FIXTURES } from './migrations-helpers';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pglint-discover-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const names = (root: string, paths?: string[]) => discoverMigrations(root, paths).migrations.map((m) => path.basename(m.file === path.join(path.dirname(m.file), 'migration.sql') ? path.dirname(m.file) : m.file));

function write(root: string, files: Record<string, string>): string {
  for (const [f, t] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    fs.writeFileSync(path.join(root, f), t);
  }
  return root;
}

describe('discovery and ordering', () => {
  test('Flyway: numeric version order (1, 1.1, 2, 3, 4, 10), repeatables last', () => {
    expect(names(path.join(FIXTURES, 'flyway'))).toEqual(['V1__init.sql', 'V1.1__add_name.sql', 'V2__constraints.sql', 'V3__types.sql', 'V4__broken.sql', 'V10__rename.sql', 'R__views.sql']);
  });
  test('drizzle: journal order, unlisted file left out with a note', () => {
    const set = discoverMigrations(path.join(FIXTURES, 'drizzle'));
    expect(set.migrations.map((m) => path.basename(m.file))).toEqual(['0000_init.sql', '0001_status.sql']);
    expect(set.notes.map((n) => path.basename(n.file))).toEqual(['0002_unlisted.sql']);
    expect(set.migrations[0]!.statements).toHaveLength(3);
  });
  test('prisma: folder-name order', () => {
    expect(names(path.join(FIXTURES, 'prisma'))).toEqual(['20240101000000_init', '20240201000000_posts']);
  });
  test('golang-migrate: version order, down files paired', () => {
    const set = discoverMigrations(path.join(FIXTURES, 'golang-migrate'));
    expect(set.migrations.map((m) => [m.version, m.hasDown])).toEqual([['000001', true], ['000002', false], ['000003', true]]);
  });
  test('dbmate: up section only, transaction:false honoured', () => {
    const set = discoverMigrations(path.join(FIXTURES, 'dbmate'));
    expect(set.migrations.map((m) => [m.statements.length, m.transactional, m.hasDown])).toEqual([[2, true, true], [2, true, false], [1, false, true], [1, true, true]]);
  });
  test('numbered SQL files: numeric order (2 before 10)', () => {
    const root = write(path.join(tmp, 'numbered'), { 'migrations/10_b.sql': 'SELECT 1;', 'migrations/2_a.sql': 'SELECT 1;', 'migrations/001_init.sql': 'SELECT 1;' });
    expect(names(root)).toEqual(['001_init.sql', '2_a.sql', '10_b.sql']);
  });
  test('configured paths replace the defaults; a missing one is a note, not a crash', () => {
    const root = write(path.join(tmp, 'configured'), { 'sql/changes/V1__a.sql': 'CREATE TABLE a (id int);' });
    expect(names(root)).toEqual([]);
    const set = discoverMigrations(root, ['sql/changes', 'nope']);
    expect(set.migrations.map((m) => path.basename(m.file))).toEqual(['V1__a.sql']);
    expect(set.notes.map((n) => n.message)).toEqual([expect.stringMatching(/not found/)]);
  });
  test('SQL statements keep their offsets in the file (comments and dollar quotes)', () => {
    const text = "-- c\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n/* x; */ SELECT ';' ;";
    const root = write(path.join(tmp, 'offsets'), { 'db/migration/V1__f.sql': text });
    const [m] = discoverMigrations(root).migrations;
    expect(m!.statements.map((s) => text.slice(s.start, s.end))).toEqual(['CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql', "SELECT ';'"]);
  });
});

describe('JS/TS builders read statically', () => {
  test('node-pg-migrate: SQL from builder calls, string SQL positioned inside the string, unknown calls noted', () => {
    const file = path.join(FIXTURES, 'node-pg-migrate', 'migrations', '1700000000002_drop-name.js');
    const text = fs.readFileSync(file, 'utf8');
    const info = readJsMigration(file, text);
    expect(info.tool).toBe('node-pg-migrate');
    const typeChange = info.statements.find((s) => /TYPE numeric/.test(s.sql))!;
    expect(typeChange.exact).toBe(true);
    expect(text.slice(typeChange.start, typeChange.end)).toBe(typeChange.sql);
    expect(info.notes.map((n) => n.message)).toEqual([expect.stringMatching(/fancyNewHelper/)]);
    expect(info.hasDown).toBe(false);
  });
  test('knex: createTable callback becomes CREATE TABLE with columns and references', () => {
    const file = path.join(FIXTURES, 'knex', 'migrations', '20240101000000_init.js');
    const info = readJsMigration(file, fs.readFileSync(file, 'utf8'));
    expect(info.statements[1]!.sql).toBe('CREATE TABLE orders (id serial PRIMARY KEY, user_id integer REFERENCES users (id) ON DELETE CASCADE, total numeric(10, 2))');
  });
  test('workspace code is never executed: a throwing migration is read like any other', () => {
    const text = "throw new Error('boom');\nexports.up = (pgm) => { pgm.sql('CREATE TABLE t (id int)'); };\n";
    const info = readJsMigration('/x/1_a.js', text, 'node-pg-migrate');
    expect(info.statements.map((s) => s.sql)).toEqual(['CREATE TABLE t (id int)']);
  });
  test('bad input gives notes, not crashes', () => {
    expect(readJsMigration('/x/1.js', 'exports.up = (', 'knex').notes.length).toBeGreaterThanOrEqual(0);
    expect(readJsMigration('/x/1.js', 'const x = 1;', 'knex').notes.map((n) => n.message)).toEqual([expect.stringMatching(/no `up` step/)]);
  });
});

describe('schema cache', () => {
  test('second build with unchanged migrations does not start PGlite; a change rebuilds', async () => {
    const root = write(path.join(tmp, 'cache'), { 'node_modules/.keep': '', 'db/migration/V1__a.sql': 'CREATE TABLE a (id int, label text);' });
    const set = discoverMigrations(root);
    const first = await buildSchema(set, { keepDatabase: true });
    expect(first.fromCache).toBe(false);
    expect(first.pgliteStartMs).toBeGreaterThan(0);
    console.log(`PGlite first start: ${first.pgliteStartMs} ms`);
    expect(fs.readdirSync(path.join(root, 'node_modules', '.cache', 'pglint'))).toHaveLength(1);
    const t0 = Date.now();
    const second = await buildSchema(discoverMigrations(root));
    expect(second.fromCache).toBe(true);
    expect(second.pgliteStartMs).toBe(0);
    expect(Date.now() - t0).toBeLessThan(500);
    expect(second.schema).toEqual(first.schema);
    write(root, { 'db/migration/V2__b.sql': 'ALTER TABLE a ADD COLUMN extra int;' });
    const third = await buildSchema(discoverMigrations(root), { pglite: first.db });
    await first.db!.close();
    expect(third.fromCache).toBe(false);
    expect(third.schema.relations['public.a']!.columns.map((c) => c.name)).toEqual(['id', 'label', 'extra']);
  });
});

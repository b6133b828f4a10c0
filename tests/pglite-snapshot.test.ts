// The PGlite data-dir snapshot built into dist/ (scripts/build.mjs, `pretest`) must start a database that
// behaves exactly like a fresh PGlite.create(): same settings and catalog, and the same schema, errors and
// relations-before-each-migration when migrations (one of them failing) are replayed on it.
import { afterAll, describe, expect, test } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { discoverMigrations } from '../rules/src/migrations/discover';
import { SNAPSHOT_FILE, SNAPSHOT_META, buildSchema, pgliteVersion, startPglite } from '../rules/src/migrations/schema-build';
import { FIXTURES } from './migrations-helpers';

const DIST = path.join(__dirname, '..', 'dist');
const open: PGlite[] = [];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pglint-snapshot-'));
afterAll(async () => {
  for (const db of open) await db.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('PGlite snapshot', () => {
  test('the build wrote a snapshot for the installed PGlite, and startPglite() uses it', async () => {
    const meta = JSON.parse(fs.readFileSync(path.join(DIST, SNAPSHOT_META), 'utf8'));
    expect(meta.pgliteVersion).toBe(pgliteVersion());
    expect(fs.statSync(path.join(DIST, SNAPSHOT_FILE)).size).toBe(meta.bytes);
    const s = await startPglite();
    open.push(s.db);
    expect(s.fromSnapshot).toBe(true);
    const plain = await startPglite({ snapshot: false });
    open.push(plain.db);
    expect(plain.fromSnapshot).toBe(false);
    const probe = `SELECT current_database() AS db, current_user AS usr, current_setting('search_path') AS sp,
      (SELECT json_agg(json_build_array(name, setting) ORDER BY name) FROM pg_settings) AS settings,
      (SELECT json_agg(nspname ORDER BY nspname) FROM pg_namespace) AS namespaces,
      (SELECT count(*) FROM pg_class) AS classes, (SELECT count(*) FROM pg_proc) AS procs`;
    const a = (await s.db.query(probe)).rows[0];
    const b = (await plain.db.query(probe)).rows[0];
    expect(a).toEqual(b);
  }, 60_000);

  // flyway has a migration whose first statement fails (ALTER TABLE on a missing table); the others cover
  // builder-generated SQL (node-pg-migrate) and plain SQL files with up/down markers (dbmate).
  for (const layout of ['flyway', 'node-pg-migrate', 'dbmate']) {
    test(`${layout}: same schema, errors and relations from the snapshot and from initdb`, async () => {
      const set = discoverMigrations(path.join(FIXTURES, layout));
      expect(set.migrations.length).toBeGreaterThan(0);
      const fromSnapshot = await buildSchema(set, { cacheDir: false, simulate: false });
      const fromInitdb = await buildSchema(set, { cacheDir: false, snapshot: false, simulate: false });
      expect(fromSnapshot.schema).toEqual(fromInitdb.schema);
      expect(fromSnapshot.errors).toEqual(fromInitdb.errors);
      expect(fromSnapshot.relationsBefore).toEqual(fromInitdb.relationsBefore);
      expect(Object.keys(fromSnapshot.schema.relations).length).toBeGreaterThan(0);
      if (layout === 'flyway') {
        expect(fromSnapshot.errors.length).toBeGreaterThan(0);
        expect(fromSnapshot.errors.map((e) => path.basename(e.file))).toContain('V4__broken.sql');
      }
    }, 60_000);
  }

  test('an unusable snapshot (corrupt, or from another PGlite version) falls back to initdb', async () => {
    const corrupt = path.join(tmp, 'corrupt');
    const other = path.join(tmp, 'other');
    fs.mkdirSync(corrupt);
    fs.mkdirSync(other);
    const junk = Buffer.from('not a gzip file');
    fs.writeFileSync(path.join(corrupt, SNAPSHOT_FILE), junk);
    fs.writeFileSync(path.join(corrupt, SNAPSHOT_META), JSON.stringify({ pgliteVersion: pgliteVersion(), bytes: junk.length }));
    fs.copyFileSync(path.join(DIST, SNAPSHOT_FILE), path.join(other, SNAPSHOT_FILE));
    const bytes = fs.statSync(path.join(other, SNAPSHOT_FILE)).size;
    fs.writeFileSync(path.join(other, SNAPSHOT_META), JSON.stringify({ pgliteVersion: '0.0.0-other', bytes }));
    for (const dir of [corrupt, other, path.join(tmp, 'missing')]) {
      const s = await startPglite({ snapshotDirs: [dir] });
      open.push(s.db);
      expect(s.fromSnapshot, dir).toBe(false);
      expect((await s.db.query<{ n: number }>('SELECT 1 + 1 AS n')).rows[0]!.n).toBe(2);
    }
    // and the real one, found in the second folder, is used
    const s = await startPglite({ snapshotDirs: [corrupt, DIST] });
    open.push(s.db);
    expect(s.fromSnapshot).toBe(true);
  }, 90_000);
});

describe('relations before each migration', () => {
  test("asked in full or only for the newer relations, they are the catalog's relations before each migration", async () => {
    const { applyMigrations } = await import('../rules/src/migrations/schema-build');
    const mig = (name: string, ...sql: string[]) => ({
      file: `/m/${name}.sql`, tool: 'sql' as const, version: name, name, statements: sql.map((s) => ({ sql: s, start: 0, end: s.length, exact: true })),
      hasDown: false, transactional: true, notes: [], text: sql.join(';\n'),
    });
    const migrations = [
      mig('1', 'CREATE TABLE a (id int)', 'CREATE TABLE b (id int)'),
      mig('2', 'CREATE TABLE c (id int)', 'CREATE INDEX c_id ON c (id)', 'ALTER TABLE a ADD COLUMN x int'),
      mig('3', 'CREATE VIEW v AS SELECT 1 AS one'),
      mig('4', 'ALTER TABLE b RENAME TO b2', 'DROP TABLE a'),
      mig('5', 'CREATE SCHEMA s', 'CREATE TABLE s.t (id int)'),
      mig('6', 'ALTER TABLE missing ADD COLUMN y int', 'CREATE TABLE d (id int)'),
      mig('7', 'CREATE TABLE e (id int)'),
      mig('8', 'SELECT 1'),
    ];
    const { db } = await startPglite();
    open.push(db);
    const { relationsBefore, errors } = await applyMigrations(db, migrations);
    expect(errors).toHaveLength(1); // migration 6's first statement
    expect(relationsBefore['/m/1.sql']).toEqual([]);
    expect(relationsBefore['/m/2.sql']).toEqual(['public.a', 'public.b']);
    expect(relationsBefore['/m/3.sql']).toEqual(['public.a', 'public.b', 'public.c']);
    expect(relationsBefore['/m/4.sql']).toEqual(['public.a', 'public.b', 'public.c', 'public.v']);
    expect(relationsBefore['/m/5.sql']).toEqual(['public.b2', 'public.c', 'public.v']);
    expect(relationsBefore['/m/6.sql']).toEqual(['public.b2', 'public.c', 'public.v', 's.t']);
    expect(relationsBefore['/m/7.sql']).toEqual(['public.b2', 'public.c', 'public.d', 'public.v', 's.t']);
    expect(relationsBefore['/m/8.sql']).toEqual(['public.b2', 'public.c', 'public.d', 'public.e', 'public.v', 's.t']);
  }, 60_000);
});

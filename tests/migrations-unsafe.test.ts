import { describe, expect, test, beforeAll, afterAll } from 'vitest';
import * as path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { discoverMigrations } from '../rules/src/migrations/discover';
import { buildSchema, startPglite } from '../rules/src/migrations/schema-build';
import { lintMigrations } from '../rules/src/migrations/lint';
import { FIXTURES, LAYOUTS, expectedMarkers, findingLines } from './migrations-helpers';

let db: PGlite;
beforeAll(async () => {
  db = (await startPglite()).db;
});
afterAll(async () => {
  await db?.close();
});

describe('no-unsafe-migration and no-invalid-migration on fixture layouts', () => {
  for (const layout of LAYOUTS) {
    test(layout, async () => {
      const root = path.join(FIXTURES, layout);
      const set = discoverMigrations(root);
      expect(set.migrations.length).toBeGreaterThan(0);
      const build = await buildSchema(set, { pglite: db, cacheDir: false });
      const findings = await lintMigrations(set, build);
      const isMigration = (f: string) => set.migrations.some((m) => m.file === f);
      for (const rule of ['no-unsafe-migration', 'no-invalid-migration']) {
        const got = findingLines(root, findings.filter((f) => f.ruleId === rule));
        expect(got, rule).toEqual(expectedMarkers(root, rule, isMigration));
      }
    });
  }
});

describe('details', () => {
  test('a failing statement is reported at the name Postgres complains about, and the replay goes on', async () => {
    const set = discoverMigrations(path.join(FIXTURES, 'flyway'));
    const build = await buildSchema(set, { pglite: db, cacheDir: false });
    expect(build.errors).toHaveLength(1);
    const e = build.errors[0]!;
    const text = set.migrations.find((m) => m.file === e.file)!.text;
    expect(text.slice(e.start, e.end)).toBe('userz');
    expect(e.message).toBe('relation "userz" does not exist');
    expect(build.schema.relations['public.audit_log']).toBeDefined(); // the next statement ran
  });

  test('usages hook adds related locations to DROP/RENAME findings; French messages', async () => {
    const set = discoverMigrations(path.join(FIXTURES, 'golang-migrate'));
    const build = await buildSchema(set, { pglite: db, cacheDir: false });
    const calls: string[] = [];
    const findings = await lintMigrations(set, build, {
      language: 'fr',
      usages: (table, column) => {
        calls.push(`${table}.${column}`);
        return [{ file: '/app/src/users.ts', start: 10, end: 21 }];
      },
    });
    const drop = findings.find((f) => f.messageId === 'dropColumn')!;
    expect(calls).toEqual(['users.legacy_code']);
    expect(drop.related).toEqual([{ file: '/app/src/users.ts', start: 10, end: 21, message: '"users"."legacy_code" is used here' }]);
    expect(drop.message).toMatch(/^Supprimer la colonne « users ».« legacy_code »/);
    expect(findings.find((f) => f.messageId === 'concurrentlyInTransaction')!.severity).toBe('error');
  });

  test('builder findings land inside the string for SQL passed as a string', async () => {
    const set = discoverMigrations(path.join(FIXTURES, 'node-pg-migrate'));
    const build = await buildSchema(set, { pglite: db, cacheDir: false });
    const f = (await lintMigrations(set, build)).find((x) => x.messageId === 'alterColumnType')!;
    const text = set.migrations.find((m) => m.file === f.file)!.text;
    expect(text.slice(f.start, f.end)).toBe('ALTER TABLE orders ALTER COLUMN total TYPE numeric(14,2)');
  });

  test('rules can be switched off', async () => {
    const set = discoverMigrations(path.join(FIXTURES, 'flyway'));
    const build = await buildSchema(set, { pglite: db, cacheDir: false });
    const f = await lintMigrations(set, build, { severity: { 'no-unsafe-migration': 'off' } });
    expect(f.map((x) => x.ruleId)).toEqual(['no-invalid-migration']);
  });
});

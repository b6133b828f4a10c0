import { describe, expect, test, beforeAll, afterAll } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { discoverMigrations } from '../rules/src/migrations/discover';
import { buildSchema, startPglite } from '../rules/src/migrations/schema-build';
import { checkModels, modelColumns, type ModelFile } from '../rules/src/migrations/models';
import { planMigration } from '../rules/src/migrations/plan';
import { checkSql } from '../rules/src/migrations/check-sql';
import { lintMigrations } from '../rules/src/migrations/lint';
import { FIXTURES, LAYOUTS, expectedMarkers, findingLines } from './migrations-helpers';

let db: PGlite;
let tmp: string;
beforeAll(async () => {
  db = (await startPglite()).db;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pglint-plan-'));
});
afterAll(async () => {
  await db?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function modelFiles(root: string): ModelFile[] {
  const out: ModelFile[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (!['migrations', 'migration', 'drizzle', 'node_modules'].includes(e.name)) walk(p);
      } else if (/\.(ts|js|prisma)$/.test(e.name)) out.push({ file: p, text: fs.readFileSync(p, 'utf8') });
    }
  };
  walk(root);
  return out;
}

function copyFixture(layout: string, label: string): string {
  const dest = path.join(tmp, `${layout}-${label}`);
  fs.cpSync(path.join(FIXTURES, layout), dest, { recursive: true });
  return dest;
}

const NOW = new Date(Date.UTC(2030, 0, 2, 3, 4, 5));

describe('models against the migrated schema', () => {
  for (const layout of ['prisma', 'drizzle', 'typeorm']) {
    test(`${layout}: findings on model fields, and the planned migration makes them disappear`, async () => {
      const root = copyFixture(layout, 'models');
      const set = discoverMigrations(root);
      const build = await buildSchema(set, { pglite: db, cacheDir: false });
      const files = modelFiles(root);
      const problems = checkModels(files, build.schema);
      expect(findingLines(root, problems)).toEqual(expectedMarkers(root, 'no-missing-migration'));
      expect(problems.length).toBeGreaterThan(0);

      const tableColumns: Record<string, { name: string; type?: string }[]> = {};
      for (const p of problems) if (!p.missing.column) tableColumns[p.missing.table] = modelColumns(files, p.missing.table);
      const plan = planMigration(set, problems.map((p) => p.missing), { schema: build.schema, now: NOW, tableColumns });
      for (const f of plan.files) {
        fs.mkdirSync(path.dirname(f.file), { recursive: true });
        fs.writeFileSync(f.file, f.text);
      }
      const set2 = discoverMigrations(root);
      expect(set2.migrations.map((m) => m.file)).toContain(plan.file);
      const build2 = await buildSchema(set2, { pglite: db, cacheDir: false });
      expect(build2.errors).toEqual(build.errors);
      expect(checkModels(modelFiles(root), build2.schema)).toEqual([]);
      // The new migration is itself safe.
      const unsafe = (await lintMigrations(set2, build2)).filter((f) => f.file === plan.file);
      expect(unsafe).toEqual([]);
    });
  }
});

describe('planMigration in each layout’s own format', () => {
  const expectedName: Record<string, RegExp> = {
    flyway: /db\/migration\/V11__add_nickname_to_users\.sql$/,
    dbmate: /db\/migrations\/20300102030405_add_nickname_to_users\.sql$/,
    'golang-migrate': /migrations\/000004_add_nickname_to_users\.up\.sql$/,
    prisma: /prisma\/migrations\/20300102030405_add_nickname_to_user\/migration\.sql$/,
    drizzle: /drizzle\/0002_add_nickname_to_users\.sql$/,
    'node-pg-migrate': /migrations\/1893553445000_add-nickname-to-users\.js$/,
    knex: /migrations\/20300102030405_add_nickname_to_users\.js$/,
    typeorm: /src\/migrations\/1893553445000-AddNicknameToUser\.ts$/,
  };
  for (const layout of LAYOUTS) {
    test(layout, async () => {
      const root = copyFixture(layout, 'plan');
      const set = discoverMigrations(root);
      const build = await buildSchema(set, { pglite: db, cacheDir: false });
      const table = build.schema.relations['public.users'] ? 'users' : build.schema.relations['public.User'] ? 'User' : 'user';
      const sql = `SELECT nickname FROM ${table === 'users' ? 'users' : `"${table}"`} WHERE id = $1`;
      const before = await checkSql(sql, build.schema, undefined);
      expect(before.map((p) => p.name)).toEqual(['nickname']);
      const plan = planMigration(set, [{ table, column: 'nickname' }], { schema: build.schema, now: NOW });
      expect(path.relative(root, plan.file).replace(/\\/g, '/')).toMatch(expectedName[layout]!);
      for (const f of plan.files) {
        fs.mkdirSync(path.dirname(f.file), { recursive: true });
        fs.writeFileSync(f.file, f.text);
      }
      const set2 = discoverMigrations(root);
      const build2 = await buildSchema(set2, { pglite: db, cacheDir: false, keepDatabase: true });
      expect(build2.errors).toEqual(build.errors);
      expect(await checkSql(sql, build2.schema, build2.db)).toEqual([]);
      const findings = (await lintMigrations(set2, build2)).filter((f) => plan.files.some((p) => p.file === f.file));
      expect(findings).toEqual([]);
    });
  }
});

test('no migrations folder: a clear error, not a crash', () => {
  const set = discoverMigrations(path.join(tmp, 'nothing-here'));
  expect(() => planMigration(set, [{ table: 't' }])).toThrow(/no migrations found/);
});

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

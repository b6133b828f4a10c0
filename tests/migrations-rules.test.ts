import { describe, expect, test, afterAll } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { CHAPTERS } from '../rules/src/chapters';
import noUnsafe from '../rules/src/rules/no-unsafe-migration';
import noMissing from '../rules/src/rules/no-missing-migration';
import noInvalid from '../rules/src/rules/no-invalid-migration';
import { discoverMigrations, buildSchema, ensureParser, literalSql, codeSqlFindings, planMigration, checkSql } from '../rules/src/migrations';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pglint-rules-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('rule metadata', () => {
  for (const rule of [noUnsafe, noMissing, noInvalid]) {
    test(rule.meta.id, () => {
      for (const c of rule.meta.chapters) expect(CHAPTERS).toHaveProperty(c);
      expect(rule.meta.chapters.some((c) => c.startsWith('20.4.'))).toBe(true);
      for (const lang of ['en', 'fr'] as const) {
        expect(rule.meta.description[lang].length).toBeGreaterThan(20);
        const d = rule.meta.docs[lang];
        for (const k of ['summary', 'why', 'bad', 'good', 'fix'] as const) expect(d[k].length, `${lang}.${k}`).toBeGreaterThan(20);
        for (const [id, m] of Object.entries(rule.meta.messages)) {
          // Both languages use the same placeholders.
          const ph = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((x) => x[1]).sort();
          expect(ph((m as Record<string, string>).fr), id).toEqual(ph((m as Record<string, string>).en));
        }
      }
    });
  }
});

describe('project with Flyway, node-pg-migrate and Prisma folders', () => {
  test('a dropped and a never-created column are reported inside the string; the planned migration clears them', async () => {
    const root = path.join(tmp, 'mixed');
    const files: Record<string, string> = {
      'db/migration/V1__users.sql': 'CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL, legacy text);\n',
      'migrations/1700000000000_drop-legacy.js': "exports.up = (pgm) => { pgm.dropColumns('users', ['legacy']); };\nexports.down = (pgm) => { pgm.addColumns('users', { legacy: { type: 'text' } }); };\n",
      'prisma/migrations/20240101000000_posts/migration.sql': 'CREATE TABLE "Post" ("id" SERIAL PRIMARY KEY, "title" TEXT NOT NULL);\n',
      'src/app.ts': "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const find = (id: number) => pool.query('SELECT id, legacy, nickname FROM users WHERE id = $1', [id]);\nexport const posts = () => pool.query('SELECT \"title\" FROM \"Post\"');\n",
    };
    for (const [f, t] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      fs.writeFileSync(path.join(root, f), t);
    }
    await ensureParser();
    const set = discoverMigrations(root);
    expect(set.groups.map((g) => g.tool)).toEqual(['flyway', 'node-pg-migrate', 'prisma']);
    const build = await buildSchema(set, { cacheDir: false, keepDatabase: true });
    expect(build.errors).toEqual([]);

    const appFile = path.join(root, 'src/app.ts');
    const findingsFor = (schema: typeof build.schema) => {
      const text = fs.readFileSync(appFile, 'utf8');
      const sf = ts.createSourceFile(appFile, text, ts.ScriptTarget.Latest, true);
      const sites: NonNullable<ReturnType<typeof literalSql>>[] = [];
      const visit = (n: ts.Node): void => {
        if (ts.isCallExpression(n) && n.expression.getText(sf) === 'pool.query') {
          const s = literalSql(n.arguments[0]!, sf);
          if (s) sites.push(s);
        }
        ts.forEachChild(n, visit);
      };
      visit(sf);
      return codeSqlFindings(appFile, sites, schema).map((f) => ({ text: text.slice(f.start, f.end), message: f.message }));
    };
    expect(findingsFor(build.schema)).toEqual([
      { text: 'legacy', message: 'Column "legacy" does not exist in "users" after the migrations.' },
      { text: 'nickname', message: 'Column "nickname" does not exist in "users" after the migrations.' },
    ]);
    // Postgres agrees (first error of the statement).
    const pg = await checkSql('SELECT id, legacy, nickname FROM users WHERE id = $1', build.schema, build.db);
    expect(pg[0]).toMatchObject({ source: 'postgres', name: 'legacy', message: 'column "legacy" does not exist' });
    await build.db!.close();

    const plan = planMigration(set, [{ table: 'users', column: 'nickname' }], { schema: build.schema, dir: path.join(root, 'db/migration') });
    expect(path.basename(plan.file)).toBe('V2__add_nickname_to_users.sql');
    for (const f of plan.files) fs.writeFileSync(f.file, f.text);
    const build2 = await buildSchema(discoverMigrations(root), { cacheDir: false });
    expect(findingsFor(build2.schema).map((f) => f.text)).toEqual(['legacy']);
  });
});

describe('TypeORM naming strategy, read from the whole project', () => {
  // An entity's `createdAt` is the column created_at only under SnakeNamingStrategy, which the project sets in a
  // file of its own (its data source): the models check looks for it across the project's files.
  const files: Record<string, string> = {
    'src/migrations/1700000000000-Init.ts': [
      "import { MigrationInterface, QueryRunner } from 'typeorm';",
      'export class Init1700000000000 implements MigrationInterface {',
      '  public async up(q: QueryRunner): Promise<void> {',
      '    await q.query(`CREATE TABLE "account" ("id" SERIAL NOT NULL, "created_at" TIMESTAMP NOT NULL, CONSTRAINT "PK_account" PRIMARY KEY ("id"))`);',
      '  }',
      '  public async down(q: QueryRunner): Promise<void> {',
      '    await q.query(`DROP TABLE "account"`);',
      '  }',
      '}',
    ].join('\n'),
    'src/entity/Account.ts': [
      "import { Entity, PrimaryGeneratedColumn, Column } from 'typeorm';",
      "@Entity('account')",
      'export class Account {',
      '  @PrimaryGeneratedColumn()',
      '  id!: number;',
      '  @Column()',
      '  createdAt!: Date;',
      '}',
    ].join('\n'),
    'src/data-source.ts': [
      "import { DataSource } from 'typeorm';",
      "import { SnakeNamingStrategy } from 'typeorm-naming-strategies';",
      "export const db = new DataSource({ type: 'postgres', namingStrategy: new SnakeNamingStrategy() });",
    ].join('\n'),
  };
  const root = path.join(tmp, 'typeorm-snake');
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  const entity = path.join(root, 'src/entity/Account.ts');
  const missing = async (options: { projectFiles?: () => readonly string[] | undefined }) => {
    const { Project } = await import('../rules/src/engine/project');
    const project = new Project({ root, ...options });
    await project.prepare({ cacheDir: false });
    return project.lintFile(entity).findings.filter((f) => f.ruleId === 'no-missing-migration').length;
  };

  test('found by a walk of the project: createdAt is created_at', async () => {
    expect(await missing({})).toBe(0);
  });

  test('the file list the caller gives is the one read (the CLI passes the files it discovered)', async () => {
    expect(await missing({ projectFiles: () => Object.keys(files).map((r) => path.join(root, r)) })).toBe(0);
    // Without the data source in the list, the default naming: createdAt is missing from the table.
    expect(await missing({ projectFiles: () => [entity, path.join(root, 'src/migrations/1700000000000-Init.ts')] })).toBe(1);
  });
});

/**
 * Migration rules through the engine's Project, the way the CLI and the language server run them:
 * every `expect:` marker of the migration fixtures is reported and nothing else is; the "Create migration"
 * fix, applied, makes the finding go away; the rules' documentation examples behave as documented.
 */
import { describe, expect, test, afterAll } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Project } from '../rules/src/engine/project';
import { discoverFiles } from '../rules/src/engine/discover';
import { LineIndex } from '../rules/src/engine/text';
import type { Finding } from '../rules/src/engine/types';
import { readMarkers } from './helpers/fixtures';
import noUnsafe from '../rules/src/rules/no-unsafe-migration';
import noMissing from '../rules/src/rules/no-missing-migration';
import noInvalid from '../rules/src/rules/no-invalid-migration';

const FIXTURES = path.join(__dirname, '..', 'test-fixtures');
const MIGRATION_RULES = ['no-unsafe-migration', 'no-missing-migration', 'no-invalid-migration'];
const ROOTS = [
  ...fs.readdirSync(path.join(FIXTURES, 'migrations')).map((d) => path.join(FIXTURES, 'migrations', d)).filter((d) => fs.statSync(d).isDirectory()),
  path.join(FIXTURES, 'multi-migrations'),
];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pglint-migfix-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Source, SQL and Prisma schema files of a fixture project. */
function projectFiles(root: string): string[] {
  const { files } = discoverFiles(root, [root], []);
  const prisma: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.prisma')) prisma.push(p);
    }
  };
  walk(root);
  return [...files, ...prisma].sort();
}

async function lintProject(root: string): Promise<{ project: Project; findings: Finding[]; files: string[] }> {
  const project = new Project({ root });
  await project.prepare({ cacheDir: false });
  expect(project.migrationError()).toBeUndefined();
  const files = projectFiles(root);
  const findings: Finding[] = [];
  for (const f of files) {
    const res = project.lintFile(f);
    expect(res.errors ?? []).toEqual([]);
    findings.push(...res.findings.filter((x) => MIGRATION_RULES.includes(x.ruleId)));
  }
  return { project, findings, files };
}

function lineKeys(root: string, findings: Finding[]): string[] {
  const idx = new Map<string, LineIndex>();
  return [
    ...new Set(
      findings.map((f) => {
        let li = idx.get(f.file);
        if (!li) idx.set(f.file, (li = new LineIndex(fs.readFileSync(f.file, 'utf8'))));
        return `${path.relative(root, f.file)}:${li.position(f.start).line + 1} ${f.ruleId}`;
      }),
    ),
  ].sort();
}

function expectedKeys(root: string, files: string[]): string[] {
  const out: string[] = [];
  for (const f of files) {
    const rel = path.relative(root, f);
    for (const m of readMarkers(rel, fs.readFileSync(f, 'utf8'))) for (const id of m.expect) if (MIGRATION_RULES.includes(id)) out.push(`${rel}:${m.line} ${id}`);
  }
  return [...new Set(out)].sort();
}

describe('migration fixtures through Project', () => {
  for (const root of ROOTS) {
    test(path.relative(FIXTURES, root), async () => {
      const { findings, files } = await lintProject(root);
      const expected = expectedKeys(root, files);
      expect(expected.length, 'fixture has markers').toBeGreaterThan(0);
      expect(lineKeys(root, findings)).toEqual(expected);
    }, 120_000);
  }
});

function copyDir(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true });
}

describe('multi-migrations project (Flyway + node-pg-migrate + Prisma): done-when', () => {
  test('dropped and never-created columns are reported inside the string; the quick fix migration clears them', async () => {
    const root = path.join(tmp, 'multi');
    copyDir(path.join(FIXTURES, 'multi-migrations'), root);
    const usersFile = path.join(root, 'src', 'users.ts');
    const text = fs.readFileSync(usersFile, 'utf8');

    const first = await lintProject(root);
    const inUsers = first.findings.filter((f) => f.file === usersFile && f.ruleId === 'no-missing-migration');
    const byName = (name: string) => inUsers.find((f) => text.slice(f.start, f.end) === name);

    // Dropped by the node-pg-migrate migration: reported on the name, inside the string literal.
    const dropped = byName('legacy_code')!;
    expect(dropped, 'legacy_code finding').toBeDefined();
    expect(dropped.message).toBe('Column "legacy_code" does not exist in "users" after the migrations.');
    const literal = "'SELECT id, email, legacy_code FROM users WHERE id = $1'";
    const litStart = text.indexOf(literal);
    expect(dropped.start).toBe(litStart + literal.indexOf('legacy_code'));
    // Never created, in a const variable: reported in the variable's string.
    const never = byName('nickname')!;
    expect(never).toBeDefined();
    expect(text.slice(0, never.start)).toContain('const FIND_BY_EMAIL = \'SELECT id, email, ');
    // Through the project's query() wrapper.
    expect(byName('refunded')).toBeDefined();
    // Relation typo with "did you mean".
    expect(byName('userz')?.message).toBe('No migration creates "userz" (did you mean "users"?).');

    // The fix: a new migration in the project's own format, written to disk, then everything re-run.
    for (const f of [dropped, never]) {
      const fix = f.fixes?.find((x) => x.id === 'createMigration');
      expect(fix, `fix on ${text.slice(f.start, f.end)}`).toBeDefined();
      expect(fix!.safety).toBe('unsafe');
      expect(fix!.edits).toEqual([]);
      expect(fix!.createFiles!.length).toBeGreaterThan(0);
      for (const c of fix!.createFiles!) {
        expect(fs.existsSync(c.file)).toBe(false);
        expect(c.file.startsWith(root)).toBe(true);
        fs.mkdirSync(path.dirname(c.file), { recursive: true });
        fs.writeFileSync(c.file, c.text);
      }
    }
    const written = fs.readdirSync(path.join(root, 'migrations')).filter((f) => !f.startsWith('1700000000000'));
    expect(written.length, 'node-pg-migrate file(s) written next to the migration that last touched users').toBeGreaterThan(0);

    const second = await lintProject(root);
    const after = second.findings.filter((f) => f.file === usersFile && f.ruleId === 'no-missing-migration').map((f) => text.slice(f.start, f.end));
    expect(after).not.toContain('legacy_code');
    expect(after).not.toContain('nickname');
    expect(after).toContain('refunded');
    // The new migrations are safe themselves and apply cleanly.
    const newFiles = second.findings.filter((f) => written.some((w) => f.file.endsWith(w)));
    expect(newFiles).toEqual([]);
  }, 180_000);

  test('Prisma model field without migration: fix writes a Prisma migration folder that clears it', async () => {
    const root = path.join(tmp, 'multi-prisma');
    copyDir(path.join(FIXTURES, 'multi-migrations'), root);
    const schemaFile = path.join(root, 'prisma', 'schema.prisma');
    const first = await lintProject(root);
    const f = first.findings.find((x) => x.file === schemaFile)!;
    expect(f).toBeDefined();
    expect(fs.readFileSync(schemaFile, 'utf8').slice(f.start, f.end)).toBe('published');
    const fix = f.fixes![0]!;
    expect(fix.createFiles![0]!.file).toMatch(/prisma[\\/]migrations[\\/]\d{14}_add_published_to_posts[\\/]migration\.sql$/);
    for (const c of fix.createFiles!) {
      fs.mkdirSync(path.dirname(c.file), { recursive: true });
      fs.writeFileSync(c.file, c.text);
    }
    const second = await lintProject(root);
    expect(second.findings.filter((x) => x.file === schemaFile)).toEqual([]);
  }, 180_000);
});

/** Splits a documentation example on its `-- V<n>__name.sql` header lines into migration files. */
function exampleFiles(sql: string): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  for (const line of sql.split('\n')) {
    const h = /^--\s*(V\d+__[\w-]+\.sql)/.exec(line);
    if (h) out.push({ name: h[1]!, text: '' });
    else if (!out.length) out.push({ name: 'V2__example.sql', text: '' });
    out[out.length - 1]!.text += line + '\n';
  }
  return out;
}

const BASE_MIGRATION = 'CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL);\nCREATE TABLE orders (id serial PRIMARY KEY, user_id integer NOT NULL, total numeric(12, 2));\n';

describe('documentation examples of the migration rules', () => {
  for (const rule of [noUnsafe, noInvalid]) {
    for (const lang of ['en', 'fr'] as const) {
      test(`${rule.meta.id} (${lang}): bad is reported, good is not, as migrations of a Flyway project`, async () => {
        for (const kind of ['bad', 'good'] as const) {
          const root = fs.mkdtempSync(path.join(tmp, `docs-${rule.meta.id}-`));
          const dir = path.join(root, 'db', 'migration');
          fs.mkdirSync(dir, { recursive: true });
          fs.writeFileSync(path.join(dir, 'V1__base.sql'), BASE_MIGRATION);
          const files = exampleFiles(rule.meta.docs[lang][kind]);
          for (const f of files) fs.writeFileSync(path.join(dir, f.name), f.text);
          const project = new Project({ root });
          await project.prepare({ cacheDir: false });
          const ids = files.flatMap((f) => project.lintFile(path.join(dir, f.name)).findings.map((x) => x.ruleId));
          if (kind === 'bad') expect(ids, `${kind} example`).toContain(rule.meta.id);
          else expect(ids.filter((x) => MIGRATION_RULES.includes(x)), `${kind} example`).toEqual([]);
        }
      }, 120_000);
    }
  }
  for (const lang of ['en', 'fr'] as const) {
    test(`no-missing-migration (${lang}): bad is reported, good is not, with the migration its comment names`, async () => {
      for (const kind of ['bad', 'good'] as const) {
        const code = noMissing.meta.docs[lang][kind];
        const ddl = /\/\/\s*migrations:\s*(.+)$/m.exec(code)?.[1];
        expect(ddl, 'example names its migration').toBeDefined();
        const root = fs.mkdtempSync(path.join(tmp, 'docs-missing-'));
        fs.mkdirSync(path.join(root, 'db', 'migration'), { recursive: true });
        fs.writeFileSync(path.join(root, 'db', 'migration', 'V1__init.sql'), `${ddl}\n`);
        const file = path.join(root, 'src', 'example.ts');
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, code);
        const project = new Project({ root });
        await project.prepare({ cacheDir: false });
        const ids = project.lintFile(file).findings.map((x) => x.ruleId);
        if (kind === 'bad') expect(ids).toContain('no-missing-migration');
        else expect(ids).not.toContain('no-missing-migration');
      }
    }, 120_000);
  }
});

/**
 * Docs are tests: every rule's bad example must be reported by that rule, every good example must not;
 * both languages are complete; the fixes a rule emits are declared; docs/rules/<id>.md is up to date.
 * `UPDATE_DOCS=1 npx vitest run tests/docs.test.ts` (or `npm run docs`) regenerates the pages.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../rules/src/registry';
import { CHAPTERS, DEFAULT_DOCS_BASE_URL } from '../rules/src/chapters';
import { rulePage } from '../rules/src/docs';
import { initSqlParser } from '../rules/src/engine/sqlparse';
import { lintText } from './helpers/lint';

// The migration rules' examples need a migrations folder: tests/migrations-*.test.ts lints them.
const CODE_RULES = Object.values(RULES).filter((r) => !r.meta.id.endsWith('-migration'));

beforeAll(async () => {
  await initSqlParser();
});

describe.each(Object.values(RULES).map((r) => [r.meta.id, r] as const))('rule %s', (id, rule) => {
  it('has complete metadata and docs in English and French', () => {
    const m = rule.meta;
    expect(m.id).toBe(id);
    expect(m.chapters.length).toBeGreaterThan(0);
    for (const c of m.chapters) expect(CHAPTERS).toHaveProperty(c);
    for (const lang of ['en', 'fr'] as const) {
      expect(m.description[lang].length, `${lang} description`).toBeGreaterThan(10);
      for (const field of ['summary', 'why', 'bad', 'good', 'fix'] as const) expect(m.docs[lang][field].trim().length, `${lang} ${field}`).toBeGreaterThan(10);
      for (const [mid, msg] of Object.entries(m.messages)) expect((msg as Record<string, string>)[lang]?.length, `${mid} ${lang}`).toBeGreaterThan(10);
    }
  });

  it('has an up-to-date generated page in docs/rules/', () => {
    const file = path.resolve(__dirname, '../docs/rules', `${id}.md`);
    const page = rulePage(rule, DEFAULT_DOCS_BASE_URL);
    if (process.env.UPDATE_DOCS) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, page);
    }
    expect(fs.existsSync(file), `${file} missing: run npm run docs`).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).toBe(page);
  });
});

describe.each(CODE_RULES.map((r) => [r.meta.id, r] as const))('examples of %s', (id, rule) => {
  for (const lang of ['en', 'fr'] as const) {
    it(`${lang}: the bad example is reported, with declared fixes only`, () => {
      const findings = lintText(rule.meta.docs[lang].bad).filter((f) => f.ruleId === id);
      expect(findings.length).toBeGreaterThanOrEqual(1);
      for (const f of findings) for (const fix of f.fixes ?? []) expect(rule.meta.fixes[fix.id], `fix ${fix.id}`).toBe(fix.safety);
    });
    it(`${lang}: the good example is clean`, () => {
      expect(lintText(rule.meta.docs[lang].good).filter((f) => f.ruleId === id)).toEqual([]);
    });
  }
});

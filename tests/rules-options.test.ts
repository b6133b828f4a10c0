/** Rule options change what is reported, and only that. */
import { beforeAll, describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { initSqlParser } from '../rules/src/engine/sqlparse';
import { projectOf, VIRTUAL_ROOT } from './helpers/lint';
import { defaultConfig } from '../rules/src/engine/project';

const LOOP = [
  "import { Pool } from 'pg';",
  'const pool = new Pool();',
  'export async function seed(ids: number[]) {',
  '  for (const id of ids) {',
  "    await pool.query('INSERT INTO users (id) VALUES ($1)', [id]);",
  '  }',
  '}',
].join('\n');

beforeAll(async () => {
  await initSqlParser();
});

describe('no-query-in-loop checkTestFiles', () => {
  it('skips test files by default and reports them when asked', () => {
    const files = { 'src/seed.ts': LOOP, 'src/seed.test.ts': LOOP, 'src/__tests__/seed.ts': LOOP };
    const lint = (p: ReturnType<typeof projectOf>, f: string) => p.lintFile(path.join(VIRTUAL_ROOT, f)).findings.filter((x) => x.ruleId === 'no-query-in-loop').length;
    const byDefault = projectOf(files);
    expect(lint(byDefault, 'src/seed.ts')).toBe(1);
    expect(lint(byDefault, 'src/seed.test.ts')).toBe(0);
    expect(lint(byDefault, 'src/__tests__/seed.ts')).toBe(0);
    const config = defaultConfig();
    config.rules['no-query-in-loop'] = { severity: 'warn', options: { checkTestFiles: true } };
    const checking = projectOf(files, config);
    expect(lint(checking, 'src/seed.test.ts')).toBe(1);
    expect(lint(checking, 'src/__tests__/seed.ts')).toBe(1);
  });
});

describe('no-unreleased-client releaseFunctions / acquireFunctions', () => {
  it('counts a configured release helper as a release', () => {
    const code = [
      "import { Pool, PoolClient } from 'pg';",
      'const pool = new Pool();',
      '/** A project helper that gives the client back through some wrapper pglint cannot see. */',
      'function giveBack(c: PoolClient): void { void c.processID; }',
      'export async function f() {',
      '  const client = await pool.connect();',
      '  try {',
      "    await client.query('SELECT 1');",
      '  } finally {',
      '    giveBack(client);',
      '  }',
      '}',
    ].join('\n');
    const lint = (options: Record<string, unknown>) => {
      const config = defaultConfig();
      config.rules['no-unreleased-client'] = { severity: 'error', options };
      return projectOf({ 'a.ts': code }, config).lintFile(path.join(VIRTUAL_ROOT, 'a.ts')).findings.filter((x) => x.ruleId === 'no-unreleased-client').length;
    };
    // giveBack only uses the client as far as pglint can see: without configuration the client leaks…
    expect(lint({})).toBe(1);
    // …and with `releaseFunctions` it is a release.
    expect(lint({ releaseFunctions: ['giveBack'] })).toBe(0);
    // A configured acquire helper is checked like pool.connect().
    const acquire = [
      "import { Pool } from 'pg';",
      'declare function getClient(): Promise<any>;',
      'export async function g() {',
      '  const c = await getClient();',
      "  await c.query('SELECT 1');",
      '}',
    ].join('\n');
    const config = defaultConfig();
    config.rules['no-unreleased-client'] = { severity: 'error', options: { acquireFunctions: ['getClient'] } };
    expect(projectOf({ 'b.ts': acquire }, config).lintFile(path.join(VIRTUAL_ROOT, 'b.ts')).findings.filter((x) => x.ruleId === 'no-unreleased-client')).toHaveLength(1);
    expect(projectOf({ 'b.ts': acquire }).lintFile(path.join(VIRTUAL_ROOT, 'b.ts')).findings.filter((x) => x.ruleId === 'no-unreleased-client')).toHaveLength(0);
  });
});

/**
 * Every fixture project under test-fixtures/ is linted; the findings must be exactly the lines marked
 * `// expect: <rule-id>` — no more, no less. `// ok:` lines are deliberate near misses.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runFixtureProject } from './helpers/fixtures';
import { initSqlParser } from '../rules/src/engine/sqlparse';

const CODE_RULES = ['no-query-in-loop', 'no-unreleased-client', 'no-sql-concatenation'] as const;
const ROOT = path.resolve(__dirname, '../test-fixtures');
const projects = fs.readdirSync(ROOT).filter((d) => fs.statSync(path.join(ROOT, d)).isDirectory() && !d.includes('migrations'));

beforeAll(async () => {
  await initSqlParser();
});

describe.each(projects)('fixture project %s', (name) => {
  it('reports exactly the marked lines', () => {
    const run = runFixtureProject(path.join(ROOT, name), CODE_RULES);
    const missing = [...run.expected].filter((k) => !run.found.has(k)).sort();
    const unexpected = [...run.found].filter((k) => !run.expected.has(k)).sort();
    expect({ missing, unexpected }).toEqual({ missing: [], unexpected: [] });
  });
});

describe('fixture coverage', () => {
  it('has at least 40 positive and 40 negative sites per rule', () => {
    const counts: Record<string, { expect: number; ok: number }> = {};
    for (const name of projects) {
      const run = runFixtureProject(path.join(ROOT, name), CODE_RULES);
      for (const id of CODE_RULES) {
        counts[id] ??= { expect: 0, ok: 0 };
        counts[id]!.expect += [...run.expected].filter((k) => k.endsWith(` ${id}`)).length;
        counts[id]!.ok += run.okSites.filter((m) => m.ok.includes(id)).length;
      }
    }
    for (const id of CODE_RULES) {
      expect(counts[id]!.expect, `${id} positives`).toBeGreaterThanOrEqual(40);
      expect(counts[id]!.ok, `${id} negatives`).toBeGreaterThanOrEqual(40);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { applySuppressions, parseDirectives, scanCodeComments } from '../rules/src/engine/suppress';
import type { Finding } from '../rules/src/engine/types';

/** A finding on the first occurrence of `needle` in `text` (which must exist). */
function findingAt(text: string, needle: string, ruleId: string): Finding {
  const start = text.indexOf(needle);
  if (start < 0) throw new Error(`not found: ${needle}`);
  return { ruleId, messageId: 'm', message: `${ruleId} here`, severity: 'warn', file: '/p/a.ts', start, end: start + needle.length };
}

const opts = { reportUnused: true, file: '/p/a.ts' };

describe('applySuppressions', () => {
  it('disable-next-line hides the listed rule on the next line only, with a reason after --', () => {
    const text = [
      'for (const id of ids) {',
      '  // pglint-disable-next-line no-query-in-loop -- bounded to 3 ids',
      '  await pool.query("SELECT 1", [id]);',
      '  await pool.query("SELECT 2", [id]);',
      '}',
    ].join('\n');
    const a = findingAt(text, 'pool.query("SELECT 1"', 'no-query-in-loop');
    const b = findingAt(text, 'pool.query("SELECT 2"', 'no-query-in-loop');
    const r = applySuppressions(text, [a, b], opts);
    expect(r.findings).toEqual([b]);
    expect(r.unused).toEqual([]);
    expect(parseDirectives(text, '/p/a.ts')[0]).toMatchObject({ kind: 'disable-next-line', rules: ['no-query-in-loop'], reason: 'bounded to 3 ids' });
  });

  it('does not hide another rule than the listed ones, and accepts several rules', () => {
    const text = 'x();\n// pglint-disable-next-line no-sql-concatenation, no-unreleased-client\npool.query("a" + b);\n';
    const concat = findingAt(text, 'pool.query', 'no-sql-concatenation');
    const loop = findingAt(text, 'pool.query', 'no-query-in-loop');
    const r = applySuppressions(text, [concat, loop], opts);
    expect(r.findings).toEqual([loop]);
    expect(r.unused).toHaveLength(1);
    expect(r.unused[0]).toMatchObject({ ruleId: 'unused-disable-directive', severity: 'warn', data: { rule: 'no-unreleased-client' } });
  });

  it('disable-line applies to its own line, in a line or a block comment', () => {
    const text = 'pool.query(q1); // pglint-disable-line no-sql-concatenation\npool.query(q2); /* pglint-disable-line no-sql-concatenation */\npool.query(q3);\n';
    const f1 = findingAt(text, 'q1', 'no-sql-concatenation');
    const f2 = findingAt(text, 'q2', 'no-sql-concatenation');
    const f3 = findingAt(text, 'q3', 'no-sql-concatenation');
    expect(applySuppressions(text, [f1, f2, f3], opts).findings).toEqual([f3]);
  });

  it('file-level disable without a list hides every rule after it; enable ends it', () => {
    const text = 'a(q0);\n/* pglint-disable */\na(q1);\nb(q2);\n/* pglint-enable */\na(q3);\n';
    const fs = ['q0', 'q1', 'q2', 'q3'].map((n, i) => findingAt(text, n, i % 2 ? 'no-query-in-loop' : 'no-sql-concatenation'));
    const r = applySuppressions(text, fs, opts);
    expect(r.findings.map((f) => text.slice(f.start, f.end))).toEqual(['q0', 'q3']);
    expect(r.unused).toEqual([]);
  });

  it('file-level disable of one rule at the top of the file', () => {
    const text = '/* pglint-disable no-query-in-loop */\nimport { Pool } from "pg";\nloop(q1);\nconcat(q2);\n';
    const a = findingAt(text, 'q1', 'no-query-in-loop');
    const b = findingAt(text, 'q2', 'no-sql-concatenation');
    expect(applySuppressions(text, [a, b], opts).findings).toEqual([b]);
  });

  it('ignores directive-looking text inside strings, templates and regular expressions', () => {
    const text = [
      'const s = "// pglint-disable-next-line no-query-in-loop";',
      'const t = `${a} // pglint-disable-next-line no-query-in-loop ${b}`;',
      'const r = /\\/\\/ pglint-disable-next-line no-query-in-loop/;',
      'pool.query(q);',
    ].join('\n');
    expect(scanCodeComments(text)).toEqual([]);
    const f = findingAt(text, 'pool.query', 'no-query-in-loop');
    expect(applySuppressions(text, [f], opts).findings).toEqual([f]);
  });

  it('finds a directive after a template literal with nested substitutions', () => {
    const text = 'const q = `a ${`b ${c}`} d`;\n// pglint-disable-next-line no-sql-concatenation\npool.query(q);\n';
    const f = findingAt(text, 'pool.query', 'no-sql-concatenation');
    expect(applySuppressions(text, [f], opts).findings).toEqual([]);
  });

  it('reports an unused directive at the comment with a safe fix removing its line', () => {
    const text = 'const a = 1;\n// pglint-disable-next-line no-query-in-loop\nconst b = 2;\n';
    const r = applySuppressions(text, [], opts);
    expect(r.unused).toHaveLength(1);
    const u = r.unused[0]!;
    expect(text.slice(u.start, u.end)).toBe('// pglint-disable-next-line no-query-in-loop');
    expect(u.message).toContain("no-query-in-loop");
    const fix = u.fixes![0]!;
    expect(fix.safety).toBe('safe');
    const e = fix.edits[0]!;
    expect(text.slice(0, e.start) + e.text + text.slice(e.end)).toBe('const a = 1;\nconst b = 2;\n');
  });

  it('does not report unused directives unless asked', () => {
    const text = '// pglint-disable-next-line no-query-in-loop\nconst b = 2;\n';
    expect(applySuppressions(text, [], { reportUnused: false, file: '/p/a.ts' }).unused).toEqual([]);
  });

  it('never hides a parse error', () => {
    const text = '/* pglint-disable */\nconst = ;\n';
    const f = findingAt(text, 'const = ;', 'parse-error');
    expect(applySuppressions(text, [f], opts).findings).toEqual([f]);
  });

  it('reads -- and /* */ comments in SQL files, not quoted text', () => {
    const text = "SELECT '-- pglint-disable-next-line x';\n-- pglint-disable-next-line some-sql-rule\nDROP TABLE t;\nSELECT $$ /* pglint-disable */ $$;\n";
    const ds = parseDirectives(text, '/p/m.sql');
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ kind: 'disable-next-line', rules: ['some-sql-rule'], line: 2 });
    const f: Finding = { ...findingAt(text, 'DROP TABLE', 'some-sql-rule'), file: '/p/m.sql' };
    expect(applySuppressions(text, [f], { reportUnused: true, file: '/p/m.sql' }).findings).toEqual([]);
  });
});

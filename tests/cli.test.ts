/**
 * The `pglint` command end to end: spawns the built CLI (bin/pglint.js → dist/cli.js) on small projects written to
 * temporary folders, with the real engine and rules. `npm test` builds first (pretest); run `npm run build` before
 * `npx vitest run tests/cli.test.ts` after changing sources.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { chapterUrl } from '../rules/src/chapters';
import { RULES } from '../rules/src/registry';
import { escapeData, escapeProperty } from '../cli/formatters/github';
import { format } from '../cli/formatters';
import { withFindings, type FileReport } from '../cli/report';
import type { Finding } from '../rules/src/engine/types';
import { BIN, REPO, useBuiltCli, writeFiles } from './helpers/cli';

const tempDir = useBuiltCli();

/** Writes a project; every project gets a package.json (it pins the root) unless one is given. */
function project(files: Record<string, string>): string {
  return writeFiles(tempDir('pglint-cli-'), { 'package.json': '{"name":"fixture","private":true}\n', ...files });
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function pglint(cwd: string, args: string[], env: Record<string, string | undefined> = {}): Run {
  const childEnv: Record<string, string | undefined> = { ...process.env, FORCE_COLOR: undefined, NO_COLOR: undefined, PGLINT_DEBUG: undefined, ...env };
  for (const k of Object.keys(childEnv)) if (childEnv[k] === undefined) delete childEnv[k];
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env: childEnv as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface JsonMessage {
  ruleId: string;
  severity: 1 | 2;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  related: unknown[];
  fixes: { id: string; safety: string }[];
}
interface JsonResult {
  filePath: string;
  messages: JsonMessage[];
  errorCount: number;
  warningCount: number;
}

function jsonRun(cwd: string, args: string[] = []): { run: Run; results: JsonResult[]; found: string[] } {
  const run = pglint(cwd, ['--format', 'json', ...args]);
  expect(run.stderr).not.toContain('internal error');
  const results = JSON.parse(run.stdout) as JsonResult[];
  const found = results
    .flatMap((r) => r.messages.map((m) => `${path.relative(cwd, r.filePath)}:${m.line}:${m.ruleId}`))
    .sort();
  return { run, results, found };
}

// Line 5: query in a loop. Line 7: SQL built by concatenation.
const LOOP_AND_CONCAT = `import { Pool } from 'pg';
const pool = new Pool();
export async function f(ids: number[], x: string) {
  for (const id of ids) {
    await pool.query('SELECT 1 WHERE id = $1', [id]);
  }
  await pool.query('SELECT * FROM t WHERE a = ' + x);
}
`;
const CLEAN = `import { Pool } from 'pg';
const pool = new Pool();
export async function g(ids: number[]) {
  return pool.query('SELECT * FROM t WHERE id = ANY($1)', [ids]);
}
`;
/** Fixed severities so the tests do not depend on each rule's default. */
const SEVERITIES = JSON.stringify({ rules: { 'no-query-in-loop': 'warn', 'no-sql-concatenation': 'error' } });

describe('formats', () => {
  it('stylish: file header, line:col severity message rule-id, summary; colors only when asked', () => {
    const dir = project({ 'pglint.config.json': SEVERITIES, 'src/a.ts': LOOP_AND_CONCAT, 'src/clean.ts': CLEAN });
    const r = pglint(dir, []);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('src/a.ts\n');
    expect(r.stdout).not.toContain('clean.ts');
    expect(r.stdout).toMatch(/^ {2}5:\d+ +warning +.+ +no-query-in-loop$/m);
    expect(r.stdout).toMatch(/^ {2}7:\d+ +error +.+ +no-sql-concatenation$/m);
    expect(r.stdout).toContain('✖ 2 problems (1 error, 1 warning)');
    expect(r.stdout).not.toContain('\u001b[');
    expect(pglint(dir, [], { FORCE_COLOR: '1' }).stdout).toContain('\u001b[31m');
    expect(pglint(dir, ['--no-color'], { FORCE_COLOR: '1' }).stdout).not.toContain('\u001b[');
    expect(pglint(dir, [], { FORCE_COLOR: '1', NO_COLOR: '1' }).stdout).not.toContain('\u001b[');
  });

  it('json: one entry per file with 1-based positions, severities 1 and 2, counts', () => {
    const dir = project({ 'pglint.config.json': SEVERITIES, 'src/a.ts': LOOP_AND_CONCAT, 'src/clean.ts': CLEAN });
    const { run, results, found } = jsonRun(dir);
    expect(run.code).toBe(1);
    expect(found).toEqual(['src/a.ts:5:no-query-in-loop', 'src/a.ts:7:no-sql-concatenation']);
    const a = results.find((r) => r.filePath === path.join(dir, 'src', 'a.ts'))!;
    expect(a.errorCount).toBe(1);
    expect(a.warningCount).toBe(1);
    const loop = a.messages.find((m) => m.ruleId === 'no-query-in-loop')!;
    expect(loop.severity).toBe(1);
    const line5 = LOOP_AND_CONCAT.split('\n')[4]!;
    expect(loop.column).toBeGreaterThan(line5.indexOf('await'));
    expect(loop.column).toBeLessThanOrEqual(line5.indexOf('pool') + 1);
    expect(loop.endLine).toBe(5);
    expect(loop.message.length).toBeGreaterThan(10);
    expect(a.messages.find((m) => m.ruleId === 'no-sql-concatenation')!.severity).toBe(2);
    const clean = results.find((r) => r.filePath.endsWith('clean.ts'))!;
    expect(clean.messages).toEqual([]);
  });

  it('sarif: valid against the SARIF 2.1.0 schema, with rule metadata, regions and relative URIs', () => {
    const dir = project({ 'pglint.config.json': SEVERITIES, 'src/a.ts': LOOP_AND_CONCAT });
    const r = pglint(dir, ['--format', 'sarif']);
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout);
    const validate = sarifValidator();
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // The schema is really in force: a region with line 0 or an unknown level is rejected.
    const broken = JSON.parse(r.stdout);
    broken.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    expect(validate(broken)).toBe(false);
    const badLevel = JSON.parse(r.stdout);
    badLevel.runs[0].results[0].level = 'fatal';
    expect(validate(badLevel)).toBe(false);

    const run = log.runs[0];
    expect(run.tool.driver.name).toBe('pglint');
    expect(run.tool.driver.version).toMatch(/^\d+\.\d+\.\d+/);
    const ids = run.tool.driver.rules.map((x: { id: string }) => x.id);
    for (const id of Object.keys(RULES)) expect(ids).toContain(id);
    const ruleLoop = run.tool.driver.rules.find((x: { id: string }) => x.id === 'no-query-in-loop');
    expect(ruleLoop.helpUri).toBe(chapterUrl(RULES['no-query-in-loop']!.meta.chapters[0]!));
    expect(ruleLoop.shortDescription.text).toBe(RULES['no-query-in-loop']!.meta.description.en);
    expect(ruleLoop.help.markdown).toContain(RULES['no-query-in-loop']!.meta.docs.en.summary);
    expect(ruleLoop.name).toBe('NoQueryInLoop');
    expect(run.originalUriBaseIds['%SRCROOT%'].uri).toBe(`file://${dir}/`);

    expect(run.results).toHaveLength(2);
    for (const res of run.results) {
      expect(run.tool.driver.rules[res.ruleIndex].id).toBe(res.ruleId);
      expect(res.locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'src/a.ts', uriBaseId: '%SRCROOT%' });
      expect(res.partialFingerprints.primaryLocationLineHash).toMatch(/^[0-9a-f]{16}:1$/);
    }
    const concat = run.results.find((x: { ruleId: string }) => x.ruleId === 'no-sql-concatenation');
    expect(concat.level).toBe('error');
    expect(concat.locations[0].physicalLocation.region.startLine).toBe(7);
    const loop = run.results.find((x: { ruleId: string }) => x.ruleId === 'no-query-in-loop');
    expect(loop.level).toBe('warning');
    expect(loop.locations[0].physicalLocation.region.startLine).toBe(5);
  });

  it('sarif: related locations of a cross-file N+1 are valid and point at the other file', () => {
    const dir = project({
      'src/db.ts': `import { Pool } from 'pg';\nexport const pool = new Pool();\n`,
      'src/repo.ts': `import { pool } from './db';\nexport async function findUser(id: number) {\n  return pool.query('SELECT * FROM users WHERE id = $1', [id]);\n}\n`,
      'src/service.ts': `import { findUser } from './repo';\nexport async function all(ids: number[]) {\n  for (const id of ids) {\n    await findUser(id);\n  }\n}\n`,
    });
    const r = pglint(dir, ['--format', 'sarif']);
    const log = JSON.parse(r.stdout);
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const res = log.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'no-query-in-loop');
    expect(res.locations[0].physicalLocation.artifactLocation.uri).toBe('src/service.ts');
    expect(res.locations[0].physicalLocation.region.startLine).toBe(4);
    const related = res.relatedLocations.map((l: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }) => `${l.physicalLocation.artifactLocation.uri}:${l.physicalLocation.region.startLine}`);
    expect(related).toContain('src/repo.ts:3');
  });

  it('github: one workflow command per finding, with escaped properties', () => {
    const dir = project({ 'pglint.config.json': SEVERITIES, 'src/we,ird:name.ts': LOOP_AND_CONCAT });
    const r = pglint(dir, ['--format', 'github']);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^::warning file=src\/we%2Cird%3Aname\.ts,line=5,col=\d+,endLine=5,endColumn=\d+,title=pglint\(no-query-in-loop\)::\S/);
    expect(lines[1]).toMatch(/^::error file=src\/we%2Cird%3Aname\.ts,line=7,col=\d+,endLine=7,endColumn=\d+,title=pglint\(no-sql-concatenation\)::\S/);
    expect(escapeData('100% done\r\nnext')).toBe('100%25 done%0D%0Anext');
    expect(escapeProperty('a:b,c%\n')).toBe('a%3Ab%2Cc%25%0A');
  });

  it('linting a project from outside it uses that project\'s root and config', () => {
    const other = project({ 'pglint.config.json': JSON.stringify({ rules: { 'no-query-in-loop': 'off', 'no-sql-concatenation': 'error' } }), 'src/a.ts': LOOP_AND_CONCAT });
    const here = project({});
    const r = pglint(here, [other, '--format', 'sarif', '--output', 'out.sarif']);
    expect(r.code).toBe(1);
    const log = JSON.parse(fs.readFileSync(path.join(here, 'out.sarif'), 'utf8'));
    expect(log.runs[0].results.map((x: { ruleId: string }) => x.ruleId)).toEqual(['no-sql-concatenation']);
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('src/a.ts');
    expect(log.runs[0].originalUriBaseIds['%SRCROOT%'].uri).toBe(`file://${other}/`);
  });

  it('--output writes the report to a file and nothing to stdout', () => {
    const dir = project({ 'pglint.config.json': SEVERITIES, 'src/a.ts': LOOP_AND_CONCAT });
    const r = pglint(dir, ['--format', 'sarif', '--output', 'reports/out.sarif']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const log = JSON.parse(fs.readFileSync(path.join(dir, 'reports', 'out.sarif'), 'utf8'));
    expect(log.runs[0].results).toHaveLength(2);
  });
});

describe('standard output', () => {
  /** 3,000 files: a JSON report of ≈ 0.6 MB, far larger than a pipe's buffer (the CLI is still writing when a reader goes). */
  const manyFiles = (): Record<string, string> => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 3000; i++) files[`src/file-with-a-rather-long-name-${i}.ts`] = `export const value${i} = ${i};\n`;
    return files;
  };

  it('a reader that stops early (`pglint | head`): the run ends quietly, exit 0, nothing on stderr', async () => {
    const root = project(manyFiles());
    const child = spawn(process.execPath, [BIN, '--format', 'json', '--no-cache', '.'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const first = await new Promise<Buffer>((resolve) => child.stdout.once('data', resolve));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(first.toString()).toMatch(/^\[\{"filePath"/);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('the whole report when the reader reads it all, however large', () => {
    const { results } = jsonRun(project(manyFiles()), ['--no-cache']);
    expect(results.filter((r) => r.filePath.includes('file-with-a-rather-long-name-'))).toHaveLength(3000);
  });
});

describe('exit codes and filters', () => {
  it('0 for a clean project, 0 with warnings only, 1 with an error', () => {
    expect(pglint(project({ 'src/clean.ts': CLEAN }), []).code).toBe(0);
    const warnOnly = project({ 'pglint.config.json': SEVERITIES, 'src/a.ts': LOOP_AND_CONCAT.replace(" + x", '') });
    const r = jsonRun(warnOnly);
    expect(r.found).toEqual(['src/a.ts:5:no-query-in-loop']);
    expect(r.run.code).toBe(0);
  });

  it('--max-warnings', () => {
    const dir = project({ 'pglint.config.json': SEVERITIES, 'src/a.ts': LOOP_AND_CONCAT.replace(" + x", '') });
    expect(pglint(dir, ['--max-warnings', '1']).code).toBe(0);
    const r = pglint(dir, ['--max-warnings', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('too many warnings (maximum: 0)');
    expect(pglint(dir, ['--max-warnings', 'lots']).code).toBe(2);
  });

  it('--quiet reports errors only', () => {
    const dir = project({ 'pglint.config.json': SEVERITIES, 'src/a.ts': LOOP_AND_CONCAT });
    expect(jsonRun(dir, ['--quiet']).found).toEqual(['src/a.ts:7:no-sql-concatenation']);
  });

  it('--rule overrides the configured severity', () => {
    const dir = project({ 'pglint.config.json': SEVERITIES, 'src/a.ts': LOOP_AND_CONCAT });
    const off = jsonRun(dir, ['--rule', 'no-sql-concatenation=off']);
    expect(off.found).toEqual(['src/a.ts:5:no-query-in-loop']);
    expect(off.run.code).toBe(0);
    const both = jsonRun(dir, ['--rule', 'no-sql-concatenation=off', '--rule', 'no-query-in-loop=error']);
    expect(both.results[0]!.messages.map((m) => m.severity)).toEqual([2]);
    expect(both.run.code).toBe(1);
    const bad = pglint(dir, ['--rule', 'no-query-in-lop=off']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('did you mean "no-query-in-loop"');
  });

  it('2 for usage errors: unknown flag, unknown format, missing path', () => {
    const dir = project({ 'src/clean.ts': CLEAN });
    const unknown = pglint(dir, ['--frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--frobnicate'");
    expect(pglint(dir, ['--format', 'xml']).code).toBe(2);
    const missing = pglint(dir, ['nowhere']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('No such file or folder: nowhere');
  });

  it('--version and --help exit 0', () => {
    const dir = project({});
    const v = pglint(dir, ['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).version);
    const h = pglint(dir, ['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('--max-warnings');
    // Cache flags are accepted (the cache itself comes later).
    expect(pglint(dir, ['--no-cache', '--cache-location', '.pglint-cache']).code).toBe(0);
  });

  it('a file that does not parse gives one parse-error finding and the run goes on', () => {
    const dir = project({
      'pglint.config.json': SEVERITIES,
      'src/broken.ts': `import { Pool } from 'pg';\nconst pool = new Pool();\nexport function (( {\n`,
      'src/a.ts': LOOP_AND_CONCAT,
    });
    const { run, found } = jsonRun(dir);
    expect(run.code).toBe(1);
    expect(found.filter((f) => f.startsWith('src/broken.ts'))).toHaveLength(1);
    expect(found.find((f) => f.startsWith('src/broken.ts'))).toMatch(/:parse-error$/);
    expect(found).toContain('src/a.ts:7:no-sql-concatenation');
  });

  it('honours .gitignore and config ignores; an explicitly named ignored file is a warning', () => {
    const dir = project({
      '.gitignore': 'generated/\n',
      'pglint.config.json': JSON.stringify({ ignores: ['legacy/**'] }),
      'generated/a.ts': LOOP_AND_CONCAT,
      'legacy/b.ts': LOOP_AND_CONCAT,
      'node_modules/x/c.ts': LOOP_AND_CONCAT,
      'src/clean.ts': CLEAN,
    });
    const r = jsonRun(dir);
    expect(r.found).toEqual([]);
    expect(r.results.map((x) => path.relative(dir, x.filePath))).toEqual(['src/clean.ts']);
    const explicit = pglint(dir, ['generated/a.ts']);
    expect(explicit.code).toBe(0);
    expect(explicit.stderr).toContain('File ignored because of a matching ignore pattern: generated/a.ts');
  });
});

describe('configuration errors exit 2 with a clear message and no stack', () => {
  const cases: [string, string, RegExp][] = [
    ['malformed JSON', '{\n  "rules": {\n    "no-query-in-loop": "warn",\n  }\n}\n', /pglint\.config\.json:4:3: malformed JSON/],
    ['unknown key', '{"rulez": {}}', /pglint\.config\.json: rulez: unknown key \(did you mean "rules"\?\)/],
    ['unknown rule', '{"rules": {"no-sql-concatenations": "error"}}', /rules\.no-sql-concatenations: unknown rule "no-sql-concatenations" \(did you mean "no-sql-concatenation"\?\)/],
    ['bad severity', '{"rules": {"no-query-in-loop": "fatal"}}', /rules\.no-query-in-loop: invalid severity "fatal"/],
  ];
  for (const [name, text, expected] of cases) {
    it(name, () => {
      const dir = project({ 'pglint.config.json': text, 'src/a.ts': LOOP_AND_CONCAT });
      const r = pglint(dir, []);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(expected);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(r.stdout).toBe('');
    });
  }

  it('reads the pglint key of package.json', () => {
    const dir = project({
      'package.json': JSON.stringify({ name: 'x', pglint: { rules: { 'no-sql-concatenation': 'off', 'no-query-in-loop': 'warn' } } }),
      'src/a.ts': LOOP_AND_CONCAT,
    });
    expect(jsonRun(dir).found).toEqual(['src/a.ts:5:no-query-in-loop']);
    const bad = project({ 'package.json': JSON.stringify({ name: 'x', pglint: { rule: {} } }), 'src/a.ts': CLEAN });
    const r = pglint(bad, []);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('package.json: pglint.rule: unknown key');
  });

  it('--config names another file; a missing one is exit 2', () => {
    const dir = project({ 'ci/pglint.json': '{"rules": {"no-query-in-loop": "off", "no-sql-concatenation": "error"}}', 'src/a.ts': LOOP_AND_CONCAT });
    expect(jsonRun(dir, ['--config', 'ci/pglint.json']).found).toEqual(['src/a.ts:7:no-sql-concatenation']);
    const r = pglint(dir, ['--config', 'ci/none.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Config file not found');
  });
});

describe('suppressions', () => {
  const SUPPRESSED = `import { Pool } from 'pg';
const pool = new Pool();
export async function f(ids: number[], x: string) {
  for (const id of ids) {
    // pglint-disable-next-line no-query-in-loop -- at most three ids, checked by the caller
    await pool.query('SELECT 1 WHERE id = $1', [id]);
  }
  await pool.query('SELECT * FROM t WHERE a = ' + x); // pglint-disable-line no-sql-concatenation
  // pglint-disable-next-line no-unreleased-client
  const n = 1;
  return n;
}
`;
  it('inline directives hide findings; --report-unused-disable reports the unused one', () => {
    const dir = project({ 'pglint.config.json': SEVERITIES, 'src/a.ts': SUPPRESSED });
    const quiet = jsonRun(dir);
    expect(quiet.found).toEqual([]);
    expect(quiet.run.code).toBe(0);
    const unused = jsonRun(dir, ['--report-unused-disable']);
    expect(unused.found).toEqual(['src/a.ts:9:unused-disable-directive']);
  });

  it('file-level disable', () => {
    const dir = project({ 'pglint.config.json': SEVERITIES, 'src/a.ts': `/* pglint-disable no-sql-concatenation */\n${LOOP_AND_CONCAT}` });
    expect(jsonRun(dir).found).toEqual(['src/a.ts:6:no-query-in-loop']);
  });

  it('--fix applies the safe fix that removes an unused directive, then lints again', () => {
    const dir = project({ 'pglint.config.json': SEVERITIES, 'src/a.ts': SUPPRESSED });
    const r = jsonRun(dir, ['--report-unused-disable', '--fix']);
    expect(r.found).toEqual([]);
    const after = fs.readFileSync(path.join(dir, 'src', 'a.ts'), 'utf8');
    expect(after).not.toContain('no-unreleased-client');
    expect(after).toContain('  const n = 1;\n');
    expect(after.split('\n')).toHaveLength(SUPPRESSED.split('\n').length - 1);
  });
});

describe('--fix', () => {
  it('applies safe fixes the rules attach, writes the file and reports what is left', () => {
    const dir = project({ 'pglint.config.json': SEVERITIES, 'src/a.ts': LOOP_AND_CONCAT });
    const before = jsonRun(dir);
    const concat = before.results[0]!.messages.find((m) => m.ruleId === 'no-sql-concatenation')!;
    const safe = concat.fixes.filter((f) => f.safety === 'safe');
    const r = jsonRun(dir, ['--fix']);
    const after = fs.readFileSync(path.join(dir, 'src', 'a.ts'), 'utf8');
    if (safe.length === 0) {
      // Nothing safe to apply: the file is untouched.
      expect(after).toBe(LOOP_AND_CONCAT);
      return;
    }
    expect(after).not.toBe(LOOP_AND_CONCAT);
    expect(after).not.toContain("' + x");
    expect(r.found).toEqual(['src/a.ts:5:no-query-in-loop']);
    expect(r.run.code).toBe(0);
  });

  it('--unsafe-fixes without --fix is a usage error', () => {
    expect(pglint(project({}), ['--unsafe-fixes']).code).toBe(2);
  });
});

describe('baseline', () => {
  it('records findings, survives line shifts, and still reports new findings', () => {
    const dir = project({ 'pglint.config.json': SEVERITIES, 'src/a.ts': LOOP_AND_CONCAT });
    const w = pglint(dir, ['--write-baseline', 'pglint-baseline.json']);
    expect(w.code).toBe(0);
    expect(w.stderr).toContain('wrote 2 findings');
    const baseline = JSON.parse(fs.readFileSync(path.join(dir, 'pglint-baseline.json'), 'utf8'));
    expect(baseline.version).toBe(1);
    expect(Object.keys(baseline.files)).toEqual(['src/a.ts']);

    const same = jsonRun(dir, ['--baseline', 'pglint-baseline.json']);
    expect(same.found).toEqual([]);
    expect(same.run.code).toBe(0);

    // Shift every line down and add a new concatenation at the end.
    const shifted = `// a header comment\n// another one\n\n${LOOP_AND_CONCAT}export async function h(y: string) {\n  await pool.query('DELETE FROM t WHERE b = ' + y);\n}\n`;
    fs.writeFileSync(path.join(dir, 'src', 'a.ts'), shifted);
    const after = jsonRun(dir, ['--baseline', 'pglint-baseline.json']);
    expect(after.found).toEqual(['src/a.ts:13:no-sql-concatenation']);
    expect(after.run.code).toBe(1);
    // Without the baseline, all three are there, at their new lines.
    expect(jsonRun(dir).found).toEqual(['src/a.ts:10:no-sql-concatenation', 'src/a.ts:13:no-sql-concatenation', 'src/a.ts:8:no-query-in-loop']);
  });

  it('a missing or malformed baseline is exit 2', () => {
    const dir = project({ 'src/a.ts': CLEAN, 'bad.json': '{"files": 1}' });
    expect(pglint(dir, ['--baseline', 'none.json']).code).toBe(2);
    const r = pglint(dir, ['--baseline', 'bad.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not a pglint baseline');
  });
});

describe('--explain', () => {
  it('prints the docs of a rule in English or French, with chapter links', () => {
    const dir = project({});
    const meta = RULES['no-unreleased-client']!.meta;
    const en = pglint(dir, ['--explain', 'no-unreleased-client']);
    expect(en.code).toBe(0);
    expect(en.stdout).toContain(meta.docs.en.summary.trim().split('\n')[0]!);
    expect(en.stdout).toContain(meta.docs.en.bad.trim().split('\n')[0]!);
    expect(en.stdout).toContain(chapterUrl(meta.chapters[0]!));
    const fr = pglint(dir, ['--explain', 'no-unreleased-client', '--lang', 'fr']);
    expect(fr.stdout).toContain(meta.docs.fr.summary.trim().split('\n')[0]!);
    const bad = pglint(dir, ['--explain', 'no-unreleased-clients']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('did you mean "no-unreleased-client"');
  });
});

// ---------------------------------------------------------------------------------------------------------------

/**
 * The official SARIF 2.1.0 schema (rtm.5, OASIS/Microsoft) as shipped in the npm package @microsoft/jest-sarif.
 * It is a draft-04 schema; ajv 8 reads it once `id` becomes `$id` and the meta-schema is draft-07 (no draft-04-only
 * keyword is used). Formats are checked with small validators (no network, no ajv-formats).
 */
function sarifValidator() {
  const file = path.join(REPO, 'node_modules', '@microsoft', 'jest-sarif', 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');
  const schema = JSON.parse(fs.readFileSync(file, 'utf8'));
  schema.$id = schema.id;
  delete schema.id;
  schema.$schema = 'http://json-schema.org/draft-07/schema#';
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  ajv.addFormat('uri', (s: string) => {
    try {
      new URL(s);
      return true;
    } catch {
      return false;
    }
  });
  ajv.addFormat('uri-reference', (s: string) => !/\s/.test(s));
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  return ajv.compile(schema);
}

describe('report texts', () => {
  /** Reports whose text getter counts its reads (a cached result's getter reads the file from disk). */
  function lazyReports(): { reports: FileReport[]; reads: string[] } {
    const reads: string[] = [];
    const text = 'const a = 1;\nconst b = 2;\n';
    const finding: Finding = { ruleId: 'no-sql-concatenation', messageId: 'concatenated', message: 'm', severity: 'warn', file: '/p/with.ts', start: 13, end: 18 };
    const reports: FileReport[] = ['/p/with.ts', '/p/clean-1.ts', '/p/clean-2.ts'].map((file) => ({
      file,
      findings: file === '/p/with.ts' ? [finding] : [],
      get text() {
        reads.push(file);
        return text;
      },
    }));
    return { reports, reads };
  }

  it('every formatter reads the text of a file with findings only', () => {
    for (const name of ['stylish', 'json', 'sarif', 'github'] as const) {
      const { reports, reads } = lazyReports();
      const out = format(name, { root: '/p', cwd: '/p', files: reports, rules: RULES, docsBaseUrl: 'https://example.org/', language: 'en', version: '0' }, { color: false });
      expect(out, name).toContain('with.ts');
      expect([...new Set(reads)], name).toEqual(['/p/with.ts']);
    }
  });

  it('replacing the findings of a report keeps its text unread', () => {
    const { reports, reads } = lazyReports();
    const quiet = reports.map((r) => withFindings(r, r.findings.filter((f) => f.severity === 'error')));
    expect(quiet.map((r) => r.findings.length)).toEqual([0, 0, 0]);
    expect(reads).toEqual([]);
    expect(quiet[0]!.text).toBe('const a = 1;\nconst b = 2;\n');
    expect(reads).toEqual(['/p/with.ts']);
  });
});

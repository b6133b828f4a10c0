/**
 * The CLI loads dist/engine.js with the V8 code cache the build wrote (cli/engine-loader.ts): accepted by the Node
 * that built it, a full run with migrations (PGlite) works through it, and a cache this Node rejects (the engine
 * is then compiled as usual) or a missing one gives the same output.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, useBuiltCli, writeFiles } from './helpers/cli';

const tempDir = useBuiltCli();

const PROJECT = {
  'package.json': '{"name":"app","dependencies":{"pg":"8"}}\n',
  'src/db.ts': "import { Pool } from 'pg';\nexport const pool = new Pool();\n",
  'src/users.ts': "import { pool } from './db';\nexport const byEmail = (e: string) => pool.query('SELECT id FROM users WHERE email = ' + e);\n" +
    "export const names = () => pool.query('SELECT nickname FROM users');\n",
  'migrations/001_users.sql': 'CREATE TABLE users (id int PRIMARY KEY, email text);\n',
  'migrations/002_bad.sql': 'ALTER TABLE userz ADD COLUMN x int;\n',
};

function run(cli: string, dir: string, args = ['--no-cache']): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [cli, ...args, '--format', 'json', '.'], {
    cwd: dir, encoding: 'utf8', env: { ...process.env, PGLINT_DEBUG: '1' },
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

function ruleIds(stdout: string): string[] {
  return (JSON.parse(stdout) as { relativePath: string; messages: { ruleId: string; line: number }[] }[])
    .flatMap((f) => f.messages.map((m) => `${f.relativePath}:${m.line}:${m.ruleId}`)).sort();
}

describe('engine code cache', () => {
  it('is accepted by this Node, and a run with migrations goes through it (PGlite is required, not imported)', () => {
    if (process.env.PGLINT_BIN) return; // another build: its own cache
    expect(fs.existsSync(path.join(REPO, 'dist', 'engine.js.v8cache')), 'the build writes dist/engine.js.v8cache').toBe(true);
    const dir = writeFiles(tempDir('pglint-cc-'), PROJECT);
    const r = run(path.join(REPO, 'dist', 'cli.js'), dir);
    expect(r.stderr).toMatch(/engine loaded in \d+ ms \(code cache: used\)/);
    expect(r.stderr).not.toMatch(/could not be analysed|internal error/);
    expect(ruleIds(r.stdout)).toEqual([
      'migrations/002_bad.sql:1:no-invalid-migration',
      'src/users.ts:2:no-sql-concatenation',
      'src/users.ts:3:no-missing-migration',
    ]);
  });

  it('a cache this Node rejects still loads the engine (compiled as usual), a missing one is a plain require: same findings', () => {
    if (process.env.PGLINT_BIN) return;
    const dir = writeFiles(tempDir('pglint-cc-'), PROJECT);
    const reference = ruleIds(run(path.join(REPO, 'dist', 'cli.js'), dir).stdout);
    // A copy of the bundles inside the repository (so node_modules resolves), with a corrupt cache, then none.
    const dist = fs.mkdtempSync(path.join(REPO, 'dist-cc-test-'));
    try {
      for (const f of ['cli.js', 'worker.js', 'engine.js', 'rules-meta.json', 'pglite-base.tar.gz', 'pglite-base.json']) {
        if (fs.existsSync(path.join(REPO, 'dist', f))) fs.copyFileSync(path.join(REPO, 'dist', f), path.join(dist, f));
      }
      fs.writeFileSync(path.join(dist, 'engine.js.v8cache'), Buffer.alloc(4096, 7));
      const rejected = run(path.join(dist, 'cli.js'), dir);
      expect(rejected.stderr).toMatch(/code cache: rejected/);
      expect(ruleIds(rejected.stdout)).toEqual(reference);
      fs.rmSync(path.join(dist, 'engine.js.v8cache'));
      const missing = run(path.join(dist, 'cli.js'), dir);
      expect(missing.stderr).toMatch(/code cache: missing/);
      expect(ruleIds(missing.stdout)).toEqual(reference);
    } finally {
      fs.rmSync(dist, { recursive: true, force: true });
    }
  });

  it('bin/pglint.js compiles dist/cli.js with its own code cache (made by the build after a replay); a rejected or missing one changes nothing', () => {
    if (process.env.PGLINT_BIN) return;
    expect(fs.existsSync(path.join(REPO, 'dist', 'cli.js.v8cache')), 'the build writes dist/cli.js.v8cache').toBe(true);
    const dir = writeFiles(tempDir('pglint-cc-'), PROJECT);
    const used = run(path.join(REPO, 'bin', 'pglint.js'), dir);
    expect(used.stderr).toMatch(/; cli code cache: used\)/);
    const reference = ruleIds(used.stdout);
    expect(reference).toContain('src/users.ts:2:no-sql-concatenation');
    // A copy of bin/ and dist/ inside the repository (so node_modules resolves).
    const copy = fs.mkdtempSync(path.join(REPO, 'dist-cc-test-'));
    try {
      fs.mkdirSync(path.join(copy, 'bin'));
      fs.mkdirSync(path.join(copy, 'dist'));
      fs.copyFileSync(path.join(REPO, 'bin', 'pglint.js'), path.join(copy, 'bin', 'pglint.js'));
      for (const f of ['cli.js', 'worker.js', 'engine.js', 'engine.js.v8cache', 'rules-meta.json', 'pglite-base.tar.gz', 'pglite-base.json']) {
        if (fs.existsSync(path.join(REPO, 'dist', f))) fs.copyFileSync(path.join(REPO, 'dist', f), path.join(copy, 'dist', f));
      }
      fs.writeFileSync(path.join(copy, 'dist', 'cli.js.v8cache'), Buffer.alloc(4096, 7));
      const rejected = run(path.join(copy, 'bin', 'pglint.js'), dir);
      expect(rejected.stderr).toMatch(/; cli code cache: rejected\)/);
      expect(ruleIds(rejected.stdout)).toEqual(reference);
      fs.rmSync(path.join(copy, 'dist', 'cli.js.v8cache'));
      const missing = run(path.join(copy, 'bin', 'pglint.js'), dir);
      expect(missing.stderr).toMatch(/; cli code cache: missing\)/);
      expect(ruleIds(missing.stdout)).toEqual(reference);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});

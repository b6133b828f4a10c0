/**
 * Replay of a whole run (cli/replay.ts): when nothing the last run of the same command read has changed, its
 * output is printed again as it was. Every kind of change must end the replay: an edit (even one that keeps the
 * size), a file added or removed in any folder, a .gitignore, the configuration, a migration, other arguments;
 * and a file changed just before the run is not trusted (racy stamp: nothing is recorded).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RACY_MS, stampReader } from '../cli/replay';
import { fnv1a64 } from '../rules/src/engine/hash';
import { BIN, useBuiltCli, writeFiles } from './helpers/cli';

const tmp = useBuiltCli();

const FILES: Record<string, string> = {
  'package.json': '{"name":"replay-fixture","private":true}\n',
  'src/db.ts': "import { Pool } from 'pg';\nexport const pool = new Pool();\n",
  'src/users/repo.ts': "import { pool } from '../db';\nexport const byName = (n: string) => pool.query('SELECT id FROM users WHERE name = ' + n);\n",
  'src/users/ok.ts': "import { pool } from '../db';\nexport const byId = (id: number) => pool.query('SELECT id FROM users WHERE id = $1', [id]);\n",
  'migrations/001_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);\n',
};

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  replayed: boolean;
}

/** A recording run (the replay is written when it can be), or with `check` a run that only says if it replayed. */
function pglint(cwd: string, args: string[] = [], check = false): Run {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['FORCE_COLOR', 'NO_COLOR', 'PGLINT_DEBUG', 'PGLINT_WORKERS', 'PGLINT_DEBUG_CACHE']) delete env[k];
  if (check) env.PGLINT_DEBUG_CACHE = '1';
  const r = spawnSync(process.execPath, [BIN, '.', '--format', 'json', ...args], { cwd, env, encoding: 'utf8', timeout: 120_000 });
  expect(r.stderr).not.toContain('internal error');
  return {
    code: r.status,
    stdout: r.stdout,
    stderr: r.stderr.replace(/^cache: .*\n/gm, ''),
    replayed: /cache: replayed the output of the previous run/.test(r.stderr),
  };
}

function ids(stdout: string): string[] {
  return (JSON.parse(stdout) as { relativePath: string; messages: { line: number; ruleId: string }[] }[])
    .flatMap((f) => f.messages.map((m) => `${f.relativePath}:${m.line}:${m.ruleId}`)).sort();
}

/** Waits until every change made so far is older than the racy window, so a run may record its output. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, RACY_MS + 150));

/** Records a run of the current state, then checks that the same command replays it exactly. */
async function recordAndReplay(dir: string, args: string[] = []): Promise<Run> {
  await settle();
  const first = pglint(dir, args);
  const again = pglint(dir, args, true);
  expect(again.replayed, 'nothing changed: the output is replayed').toBe(true);
  expect(again.stdout).toBe(first.stdout);
  expect(again.stderr).toBe(first.stderr);
  expect(again.code).toBe(first.code);
  return first;
}

describe('replay of a whole run', () => {
  it('replays only while nothing it read has changed', async () => {
    const dir = writeFiles(tmp('pglint-replay-'), FILES);
    const base = await recordAndReplay(dir);
    expect(ids(base.stdout)).toEqual(['src/users/repo.ts:2:no-sql-concatenation']);
    expect(base.code).toBe(0); // a warning

    // An edit that keeps the size: '+ n' becomes '+ m' (and the parameter with it).
    const repo = path.join(dir, 'src/users/repo.ts');
    fs.writeFileSync(repo, fs.readFileSync(repo, 'utf8').replace('(n: string)', '(m: string)').replace("' + n", "' + m"));
    let r = pglint(dir, [], true);
    expect(r.replayed).toBe(false);
    expect(ids(r.stdout)).toEqual(['src/users/repo.ts:2:no-sql-concatenation']);

    // A file added in a sub-folder.
    await recordAndReplay(dir);
    writeFiles(dir, { 'src/users/more.ts': "import { pool } from '../db';\nexport const q = (t: string) => pool.query(`SELECT * FROM users WHERE name = '${t}'`);\n" });
    r = pglint(dir, [], true);
    expect(r.replayed).toBe(false);
    expect(ids(r.stdout)).toContain('src/users/more.ts:2:no-sql-concatenation');

    // A .gitignore that hides it.
    await recordAndReplay(dir);
    writeFiles(dir, { 'src/.gitignore': 'users/more.ts\n' });
    r = pglint(dir, [], true);
    expect(r.replayed).toBe(false);
    expect(ids(r.stdout)).not.toContain('src/users/more.ts:2:no-sql-concatenation');

    // A file removed.
    await recordAndReplay(dir);
    fs.rmSync(repo);
    r = pglint(dir, [], true);
    expect(r.replayed).toBe(false);
    expect(ids(r.stdout)).toEqual([]);

    // A migration that drops a column the code reads.
    await recordAndReplay(dir);
    writeFiles(dir, { 'migrations/002_drop.sql': 'ALTER TABLE users DROP COLUMN name;\n' });
    r = pglint(dir, [], true);
    expect(r.replayed).toBe(false);
    expect(r.stdout).not.toBe(base.stdout);

    // The configuration (a rule turned off).
    await recordAndReplay(dir);
    writeFiles(dir, { 'pglint.config.json': '{"rules":{"no-sql-concatenation":"off"}}\n' });
    r = pglint(dir, [], true);
    expect(r.replayed).toBe(false);

    // Other arguments are another command, recorded separately; the exit code is replayed with the output.
    writeFiles(dir, { 'pglint.config.json': '{}\n' });
    await recordAndReplay(dir);
    r = pglint(dir, ['--max-warnings', '0'], true);
    expect(r.replayed).toBe(false);
    const strict = await recordAndReplay(dir, ['--max-warnings', '0']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/too many warnings/);
  }, 120_000);

  it('does not record a run whose inputs changed just before it (racy), nor replay an older record then', async () => {
    const dir = writeFiles(tmp('pglint-replay-'), FILES);
    await recordAndReplay(dir);
    const repo = path.join(dir, 'src/users/repo.ts');
    // Changed, then linted at once: the run cannot trust the new stamp, and forgets the old record.
    fs.appendFileSync(repo, '\n');
    const recent = pglint(dir);
    expect(ids(recent.stdout)).toEqual(['src/users/repo.ts:2:no-sql-concatenation']);
    expect(pglint(dir, [], true).replayed).toBe(false);
    // Once the change is older than the racy window, a run records again.
    await recordAndReplay(dir);
  }, 60_000);

  it('sees an imported module appear where nothing was: in a folder that did not exist, outside the project, or where a file stood', async () => {
    // Missing import candidates are not stamped one by one but through their nearest existing ancestor.
    const top = tmp('pglint-replay-');
    const dir = writeFiles(path.join(top, 'app'), {
      'package.json': '{"name":"replay-outside","private":true}\n',
      'src/a.ts': "import { load } from '../../lib/deep/q';\nexport async function all(ids: number[]) { for (const id of ids) await load(id); }\n",
      'src/b.ts': "import { load } from './data.json/q';\nexport async function all(ids: number[]) { for (const id of ids) await load(id); }\n",
      'src/data.json': '{}\n',
      'src/c.ts': "import { load } from '../../lib/deep/r';\nexport async function all(ids: number[]) { for (const id of ids) await load(id); }\n",
    });
    const q = "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const load = (id: number) => pool.query('SELECT $1::int', [id]);\n";
    expect(ids((await recordAndReplay(dir)).stdout)).toEqual([]);
    writeFiles(top, { 'lib/deep/q.ts': q }); // outside the linted folder, two folders deep
    let r = pglint(dir, [], true);
    expect(r.replayed).toBe(false);
    expect(ids(r.stdout)).toEqual(['src/a.ts:2:no-query-in-loop']);
    await recordAndReplay(dir);
    fs.rmSync(path.join(dir, 'src/data.json'));
    writeFiles(dir, { 'src/data.json/q.ts': q }); // the file becomes a folder
    r = pglint(dir, [], true);
    expect(r.replayed).toBe(false);
    expect(ids(r.stdout)).toEqual(['src/a.ts:2:no-query-in-loop', 'src/b.ts:2:no-query-in-loop']);
    await recordAndReplay(dir);
    writeFiles(top, { 'lib/deep/r.ts': q }); // beside q.ts: a folder that exists, outside the linted folder
    r = pglint(dir, [], true);
    expect(r.replayed).toBe(false);
    expect(ids(r.stdout)).toEqual(['src/a.ts:2:no-query-in-loop', 'src/b.ts:2:no-query-in-loop', 'src/c.ts:2:no-query-in-loop']);
  }, 60_000);

  it('does not stamp a non-source file that resolution only tried as a folder, and still sees it become one', async () => {
    // `./styles.scss` is tried as a folder holding index.ts: its folder's listing covers it, its content does not
    // matter.
    const dir = writeFiles(tmp('pglint-replay-'), {
      'package.json': '{"name":"replay-styles","private":true}\n',
      'src/a.ts': "import { load } from './styles.scss';\nexport async function all(ids: number[]) { for (const id of ids) await load(id); }\n",
      'src/styles.scss': '.a { color: red; }\n',
    });
    expect(ids((await recordAndReplay(dir)).stdout)).toEqual([]);
    fs.writeFileSync(path.join(dir, 'src/styles.scss'), '.a { color: blue; }\n');
    expect(pglint(dir, [], true).replayed, 'the content of a file nothing reads is not an input').toBe(true);
    fs.rmSync(path.join(dir, 'src/styles.scss'));
    writeFiles(dir, { 'src/styles.scss/index.ts': "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const load = (id: number) => pool.query('SELECT $1::int', [id]);\n" });
    const r = pglint(dir, [], true);
    expect(r.replayed).toBe(false);
    expect(ids(r.stdout)).toEqual(['src/a.ts:2:no-query-in-loop']);
  }, 60_000);

  it('ends when a tsconfig.json that path aliases come from, or the base it extends, changes', async () => {
    const dir = writeFiles(tmp('pglint-replay-'), {
      'package.json': '{"name":"replay-aliases","private":true}\n',
      'tsconfig.base.json': '{ "compilerOptions": { "paths": { "@lib/*": ["./other/*"] } } }\n',
      'lib/repo.ts': "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const find = (id: number) => pool.query('SELECT $1::int', [id]);\n",
      'other/repo.ts': 'export const find = async (id: number) => id;\n',
      'app/tsconfig.json': '{ "extends": "../tsconfig.base.json" }\n',
      'app/all.ts': "import { find } from '@lib/repo';\nexport async function all(ids: number[]) {\n  for (const id of ids) await find(id);\n}\n",
    });
    expect(ids((await recordAndReplay(dir)).stdout)).toEqual([]);
    fs.writeFileSync(path.join(dir, 'tsconfig.base.json'), '{ "compilerOptions": { "paths": { "@lib/*": ["./lib/*"] } } }\n');
    const r = pglint(dir, [], true);
    expect(r.replayed).toBe(false);
    expect(ids(r.stdout)).toEqual(['app/all.ts:3:no-query-in-loop']);
  }, 60_000);

  it('refuses a damaged record (cut short, or not a record at all) and runs instead', async () => {
    const dir = writeFiles(tmp('pglint-replay-'), FILES);
    const cache = tmp('pglint-replay-cache-'); // outside the project: writing into it must not change a folder it lints
    const base = await recordAndReplay(dir, ['--cache-location', cache]);
    const record = path.join(cache, fs.readdirSync(cache).find((f) => f.startsWith('replay-'))!);
    for (const damage of [(b: Buffer) => b.subarray(0, b.length - 1), (b: Buffer) => Buffer.concat([b, Buffer.from('x')]), () => Buffer.from('not a record')]) {
      fs.writeFileSync(record, damage(fs.readFileSync(record)));
      const r = pglint(dir, ['--cache-location', cache], true);
      expect(r.replayed).toBe(false);
      expect(r.stdout).toBe(base.stdout);
      expect(r.code).toBe(base.code);
      // The run wrote a sound record again (this one records nothing: PGLINT_DEBUG_CACHE), which the next run replays.
      pglint(dir, ['--cache-location', cache]);
      expect(pglint(dir, ['--cache-location', cache], true).replayed).toBe(true);
    }
  }, 60_000);

  it('stamps paths through Node\'s stat binding exactly as fs.statSync would, and replays where that binding may not be used', async () => {
    const dir = writeFiles(tmp('pglint-replay-'), FILES);
    fs.symlinkSync(path.join(dir, 'src/db.ts'), path.join(dir, 'src/link.ts'));
    const reader = stampReader(path.join(dir, 'package.json'));
    expect(reader.internal).toBe(true); // this Node's binding passed the check: the test below compares it
    const paths = ['package.json', 'src', 'src/db.ts', 'src/link.ts', 'src/missing.ts', 'src/db.ts/index.ts', 'migrations/001_users.sql'];
    for (const rel of paths) {
      const p = path.join(dir, rel);
      let st: fs.Stats | undefined;
      try {
        st = fs.statSync(p, { throwIfNoEntry: false });
      } catch {
        st = undefined; // under a file: ENOTDIR
      }
      const got = reader.read(p);
      expect(got && [...Array.from(got)], rel).toEqual(st && [st.size, st.mtimeMs, st.ctimeMs, st.ino]);
    }
    // Where process.binding would print a deprecation warning, the replay does without it.
    const cache = tmp('pglint-replay-cache-');
    const base = await recordAndReplay(dir, ['--cache-location', cache]);
    const env: NodeJS.ProcessEnv = { ...process.env, PGLINT_DEBUG_CACHE: '1', NODE_OPTIONS: '--pending-deprecation' };
    delete env.PGLINT_DEBUG;
    const r = spawnSync(process.execPath, [BIN, '.', '--format', 'json', '--cache-location', cache], { cwd: dir, env, encoding: 'utf8' });
    expect(r.stderr).toBe('cache: replayed the output of the previous run\n');
    expect(r.stdout).toBe(base.stdout);
  }, 60_000);

  it('names records by the 64-bit FNV-1a of their key', () => {
    // The published test vectors (ASCII: one code unit per byte).
    expect(fnv1a64('')).toBe('cbf29ce484222325');
    expect(fnv1a64('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64('foobar')).toBe('85944171f73967e8');
  });

  it('is not used for --output, --no-cache, the content cache strategy, --fix or a sub-folder', async () => {
    const dir = writeFiles(tmp('pglint-replay-'), FILES);
    const cache = path.join(dir, 'cache');
    await settle();
    for (let i = 0; i < 2; i++) {
      const sub = spawnSync(process.execPath, [BIN, 'src', '--format', 'json', '--cache-location', cache], { cwd: dir, encoding: 'utf8' });
      expect(sub.status).toBe(0);
      expect(ids(sub.stdout)).toEqual(['src/users/repo.ts:2:no-sql-concatenation']);
    }
    for (const args of [['--no-cache'], ['--cache-strategy', 'content'], ['--output', 'report.json'], ['--fix'] /* last: it rewrites the file */]) {
      pglint(dir, [...args, '--cache-location', cache]);
      expect(pglint(dir, [...args, '--cache-location', cache], true).replayed, args.join(' ')).toBe(false);
    }
    // The cache folder holds results, but no replay record.
    const names = fs.readdirSync(cache);
    expect(names.some((f) => f.startsWith('results-'))).toBe(true);
    expect(names.filter((f) => f.startsWith('replay-'))).toEqual([]);
  }, 60_000);
});

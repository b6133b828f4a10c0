/**
 * Bad input gives a clear message, never a crash (issue 6). Real CLI processes (`node bin/pglint.js`) on temp
 * projects, and the engine's Project where the CLI cannot show the case deterministically.
 *
 * Honest limits, as these tests run as root in CI containers:
 *  - chmod 000 does not stop root from reading. The "unreadable" cases use what even root cannot read: a FIFO
 *    (reading it would block forever), a dangling symlink, a folder named like a source file, and a reader that
 *    fails with EACCES (the engine's readFile hook, the same code path a permission error takes). When the tests
 *    run as a normal user, the real chmod 000 cases run too.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Project, MAX_FILE_BYTES } from '../rules/src/engine/project';
import { initSqlParser } from '../rules/src/engine/sqlparse';
import { checkLiveDatabase } from '../rules/src/migrations/live';
import { LspClient, SERVER, baseCapabilities, waitFor } from './lsp-harness';
import { findPgBin, startPgServer } from './helpers/pg-server';

const REPO = path.resolve(__dirname, '..');
const CLI = path.join(REPO, 'bin', 'pglint.js');
const IS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;

interface JsonFile {
  filePath: string;
  relativePath: string;
  messages: { ruleId: string; line: number; message: string; severity: number }[];
}

const temps: string[] = [];
function tempProject(files: Record<string, string | Buffer>, opts: { packageJson?: boolean } = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglint-bad-'));
  temps.push(dir);
  if (opts.packageJson !== false) fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'bad-input', dependencies: { pg: '8' } }));
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

function cli(cwd: string, args: string[] = ['--format', 'json', '.']): { status: number | null; stdout: string; stderr: string; report?: JsonFile[] } {
  const r = spawnSync(process.execPath, [CLI, '--no-cache', ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  let report: JsonFile[] | undefined;
  try {
    report = JSON.parse(r.stdout) as JsonFile[];
  } catch {
    report = undefined;
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, report };
}

const ids = (report: JsonFile[] | undefined, rel: string): string[] =>
  (report ?? []).find((f) => f.relativePath === rel || f.filePath.endsWith(`${path.sep}${rel}`))?.messages.map((m) => `${m.line}:${m.ruleId}`) ?? [];

const DB_TS = [
  "import { Pool } from 'pg';",
  'export const pool = new Pool();',
  'export async function find(email: string) {',
  "  return pool.query(\"SELECT * FROM users WHERE email = '\" + email + \"'\");",
  '}',
  '',
].join('\n');

beforeAll(async () => {
  await initSqlParser();
});

afterAll(() => {
  for (const d of temps) {
    try {
      fs.chmodSync(d, 0o755);
    } catch {
      // gone
    }
    fs.rmSync(d, { recursive: true, force: true });
  }
});

describe('files that do not parse', () => {
  it('one parse-error finding for the broken file; the rest of the project is still analysed', () => {
    const dir = tempProject({
      'src/db.ts': DB_TS,
      'src/broken.ts': "import { pool } from './db';\nexport async function f( {\n  return pool.query('SELECT 1'\n",
    });
    const r = cli(dir);
    expect(r.status).toBe(1);
    expect(ids(r.report, 'src/broken.ts')).toEqual(['3:parse-error']);
    expect(r.report!.find((f) => f.relativePath === 'src/broken.ts')!.messages[0]!.message).toMatch(/^Parsing error: /);
    expect(ids(r.report, 'src/db.ts')).toEqual(['4:no-sql-concatenation']);
    expect(r.stderr).not.toMatch(/internal error/);
  });
});

describe('files pglint does not analyse', () => {
  it('a file over the size limit is skipped with a message (engine) and does not stop the CLI', () => {
    const big = "import { pool } from './db';\n// " + 'x'.repeat(MAX_FILE_BYTES + 10) + '\n';
    const dir = tempProject({ 'src/db.ts': DB_TS, 'src/big.ts': big });
    const project = new Project({ root: dir });
    const res = project.lintFile(path.join(dir, 'src/big.ts'));
    expect(res.skipped).toMatch(/larger than 2 MiB/);
    expect(res.findings).toEqual([]);
    const r = cli(dir);
    expect(r.status).toBe(0);
    expect(ids(r.report, 'src/db.ts')).toEqual(['4:no-sql-concatenation']);
    expect(r.stderr).not.toMatch(/internal error/);
  });

  it('CLI prints why a file was skipped (too large, binary)', () => {
    const dir = tempProject({ 'src/db.ts': DB_TS, 'src/big.ts': '//' + 'x'.repeat(MAX_FILE_BYTES + 10), 'src/bin.ts': Buffer.from([0x69, 0, 1, 2, 0xff]) });
    const r = cli(dir);
    expect(r.stderr).toMatch(/big\.ts.*larger than 2 MiB/);
    expect(r.stderr).toMatch(/bin\.ts.*binary/);
  });

  it('a binary file is skipped (engine message), a non-UTF-8 file is analysed, neither crashes the CLI', () => {
    const binary = Buffer.from([0x69, 0x6d, 0x70, 0x00, 0x01, 0x02, 0xff, 0xfe, 0x00, 0x0a]);
    const latin1 = Buffer.concat([
      Buffer.from("import { pool } from './db';\n// caf"),
      Buffer.from([0xe9, 0xff, 0xc3]), // not UTF-8: decoded as U+FFFD
      Buffer.from("\nexport const q = (n: string) => pool.query('SELECT 1 WHERE x = ' + n);\n"),
    ]);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("import { pool } from './db';\n", 'utf16le')]);
    const dir = tempProject({ 'src/db.ts': DB_TS, 'src/bin.ts': binary, 'src/latin1.ts': latin1, 'src/utf16.ts': utf16 });
    const project = new Project({ root: dir });
    expect(project.lintFile(path.join(dir, 'src/bin.ts')).skipped).toBe('binary file');
    // UTF-16 text read as UTF-8 is full of NULs: skipped as binary, not misreported.
    expect(project.lintFile(path.join(dir, 'src/utf16.ts')).skipped).toBe('binary file');
    const l1 = project.lintFile(path.join(dir, 'src/latin1.ts'));
    expect(l1.errors ?? []).toEqual([]);
    expect(l1.findings.map((f) => f.ruleId)).toEqual(['no-sql-concatenation']);
    const r = cli(dir);
    expect(r.status).toBe(0);
    expect(ids(r.report, 'src/latin1.ts')).toEqual(['3:no-sql-concatenation']);
    expect(ids(r.report, 'src/db.ts')).toEqual(['4:no-sql-concatenation']);
    expect(r.report!.some((f) => f.relativePath === 'src/bin.ts' && f.messages.length)).toBe(false);
  });
});

describe('language server on files it does not analyse', () => {
  it('a document over the size limit and a binary one: logged with the reason, no diagnostics, the server keeps answering', async () => {
    if (!fs.existsSync(SERVER)) throw new Error(`${SERVER} is missing: run npm run build first (npm test does it)`);
    const dir = tempProject({ 'src/db.ts': DB_TS, 'src/big.ts': "import { pool } from './db';\n", 'src/bin.ts': "import { pool } from './db';\n" });
    const client = new LspClient(['--stdio'], SERVER, dir);
    try {
      await client.initialize(dir, baseCapabilities());
      const big = await client.open(path.join(dir, 'src/big.ts'));
      await client.applyEdits(big, [{ range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }, newText: "import { pool } from './db';\npool.query('SELECT ' + x);\n// " + 'x'.repeat(MAX_FILE_BYTES) + '\n' }]);
      const bin = await client.open(path.join(dir, 'src/bin.ts'));
      await client.applyEdits(bin, [{ range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }, newText: "import { pool } from './db';\u0000\npool.query('SELECT ' + x);\n" }]);
      expect(await client.waitDiagnostics(big)).toEqual([]);
      expect(await client.waitDiagnostics(bin)).toEqual([]);
      await waitFor('skip messages in the server log', () => client.logs.some((l) => /big\.ts: larger than 2 MiB/.test(l)) && client.logs.some((l) => /bin\.ts: binary file/.test(l)));
      const db = await client.open(path.join(dir, 'src/db.ts'));
      const diags = await client.waitDiagnostics(db, (d) => d.length > 0);
      expect(diags.map((d) => String(d.code))).toEqual(['no-sql-concatenation']);
      expect(client.exited).toBeUndefined();
    } finally {
      await client.close();
    }
  });
});

describe('file system traps', () => {
  it('a symlink loop, a dangling symlink, a FIFO and a folder named like a source file: the run ends and lints the rest', () => {
    const dir = tempProject({ 'src/db.ts': DB_TS });
    fs.symlinkSync('..', path.join(dir, 'src', 'loop')); // src/loop -> project root -> src -> loop …
    fs.symlinkSync('a', path.join(dir, 'src', 'b'));
    fs.symlinkSync('b', path.join(dir, 'src', 'a')); // a <-> b: ELOOP
    fs.symlinkSync('nowhere.ts', path.join(dir, 'src', 'dangling.ts'));
    const fifo = spawnSync('mkfifo', [path.join(dir, 'src', 'fifo.ts')]);
    expect(fifo.status, 'mkfifo').toBe(0);
    fs.mkdirSync(path.join(dir, 'src', 'folder.ts'));
    const t0 = Date.now();
    const r = cli(dir);
    expect(Date.now() - t0).toBeLessThan(30_000); // reading the FIFO would block forever
    expect(r.status).toBe(0);
    expect(r.report!.map((f) => f.relativePath)).toEqual(['src/db.ts']);
    expect(r.stderr).not.toMatch(/internal error|ELOOP/);
    // Named explicitly, the dangling link is a clear usage error, not a crash.
    const d = cli(dir, ['src/dangling.ts']);
    expect(d.status).toBe(2);
    expect(d.stderr).toMatch(/No such file or folder: src\/dangling\.ts/);
  });

  it('an unreadable file (read fails with EACCES) is skipped with the reason; the other files are linted', () => {
    const dir = tempProject({ 'src/db.ts': DB_TS, 'src/secret.ts': "import { pool } from './db';\npool.query('SELECT ' + x);\n" });
    const secret = path.join(dir, 'src', 'secret.ts');
    // The engine's reader hook with the real disk behind it, failing for one file exactly as fs does without permission.
    const project = new Project({
      root: dir,
      readFile: (p) => {
        if (p === secret) throw Object.assign(new Error(`EACCES: permission denied, open '${p}'`), { code: 'EACCES' });
        try {
          return fs.readFileSync(p, 'utf8');
        } catch {
          return undefined;
        }
      },
    });
    const res = project.lintFile(secret);
    expect(res.skipped).toMatch(/^cannot read: EACCES: permission denied/);
    expect(project.lintFile(path.join(dir, 'src/db.ts')).findings.map((f) => f.ruleId)).toEqual(['no-sql-concatenation']);
  });

  it.skipIf(IS_ROOT)('chmod 000 file and folder (non-root only: root reads them anyway)', () => {
    const dir = tempProject({ 'src/db.ts': DB_TS, 'src/secret.ts': "import { pool } from './db';\npool.query('SELECT ' + x);\n", 'locked/x.ts': DB_TS });
    fs.chmodSync(path.join(dir, 'src', 'secret.ts'), 0o000);
    fs.chmodSync(path.join(dir, 'locked'), 0o000);
    try {
      const r = cli(dir);
      expect(r.stderr).not.toMatch(/internal error/);
      expect(r.stderr).toMatch(/Cannot read folder locked/);
      expect(ids(r.report, 'src/db.ts')).toEqual(['4:no-sql-concatenation']);
    } finally {
      fs.chmodSync(path.join(dir, 'src', 'secret.ts'), 0o644);
      fs.chmodSync(path.join(dir, 'locked'), 0o755);
    }
  });
});

describe('configuration', () => {
  it('an unknown key: exit 2, the message names the key and suggests the right one', () => {
    const dir = tempProject({ 'src/db.ts': DB_TS, 'pglint.config.json': JSON.stringify({ rulez: {} }) });
    const r = cli(dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/pglint\.config\.json: rulez: unknown key \(did you mean "rules"\?\)/);
    expect(r.stdout).toBe('');
  });

  it('an invalid value and malformed JSON: exit 2 with the key or the position', () => {
    const dir = tempProject({ 'src/db.ts': DB_TS, 'pglint.config.json': JSON.stringify({ rules: { 'no-sql-concatenation': 'loud' } }) });
    const r = cli(dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/rules\.no-sql-concatenation: invalid severity "loud"/);
    fs.writeFileSync(path.join(dir, 'pglint.config.json'), '{"rules":');
    const m = cli(dir);
    expect(m.status).toBe(2);
    expect(m.stderr).toMatch(/pglint\.config\.json:\d+:\d+: malformed JSON/);
    fs.writeFileSync(path.join(dir, 'pglint.config.json'), JSON.stringify({ rules: { 'no-sql-concatenaton': 'warn' } }));
    const u = cli(dir);
    expect(u.status).toBe(2);
    expect(u.stderr).toMatch(/no-sql-concatenaton/);
    expect(u.stderr).toMatch(/no-sql-concatenation/); // the suggestion
  });
});

describe('migrations', () => {
  it('a statement that fails is reported at that statement; later statements and the code are still analysed', () => {
    const dir = tempProject({
      'src/db.ts': DB_TS,
      'src/posts.ts': [
        "import { pool } from './db';",
        "export const a = () => pool.query('SELECT id, user_id FROM posts');",
        "export const b = () => pool.query('SELECT id FROM nosuch2');",
        '',
      ].join('\n'),
      'migrations/001_init.sql': [
        'CREATE TABLE users (id int PRIMARY KEY, email text);',
        'ALTER TABLE nosuch ADD COLUMN x int;',
        'CREATE TABLE posts (id int, user_id int REFERENCES users(id));',
        '',
      ].join('\n'),
    });
    const r = cli(dir);
    expect(r.status).toBe(1);
    const mig = r.report!.find((f) => f.relativePath === 'migrations/001_init.sql')!;
    expect(mig.messages.map((m) => `${m.line}:${m.ruleId}`)).toEqual(['2:no-invalid-migration']);
    expect(mig.messages[0]!.message).toMatch(/relation "nosuch" does not exist/);
    // posts (created after the failing statement) exists for the code rules; nosuch2 does not.
    expect(ids(r.report, 'src/posts.ts')).toEqual(['3:no-missing-migration']);
    expect(ids(r.report, 'src/db.ts')).toEqual(['4:no-sql-concatenation']);
  });
});

describe('live database', () => {
  const PASSWORD_IN_URL = 'S3cretPassw0rd';
  const noPassword = (texts: string[]) => {
    for (const t of texts) {
      expect(t).not.toContain(PASSWORD_IN_URL);
      expect(t).not.toContain(encodeURIComponent(PASSWORD_IN_URL));
    }
  };

  it('unreachable server (engine, rules/src/migrations/live.ts): one warning, no finding, password not printed; linting goes on', async () => {
    const dir = tempProject({ 'src/db.ts': DB_TS });
    const project = new Project({ root: dir });
    await project.prepare({ cacheDir: false });
    const t0 = Date.now();
    const r = await checkLiveDatabase(project, `postgres://app:${PASSWORD_IN_URL}@127.0.0.1:1/app`, { timeoutMs: 3000 });
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(r.warnings).toHaveLength(1);
    expect(r.findings).toEqual([]);
    noPassword(r.warnings);
    expect(project.lintFile(path.join(dir, 'src/db.ts')).findings.map((f) => f.ruleId)).toEqual(['no-sql-concatenation']);
  });

  const PG = findPgBin();
  it.skipIf(!PG && process.env.CI !== 'true')(`wrong password (engine, real PostgreSQL): one warning, password not printed${PG ? '' : ' — SKIPPED: no PostgreSQL server binaries'}`, async () => {
    if (!PG) throw new Error('CI=true and no PostgreSQL server binaries');
    const server = await startPgServer({ maxConnections: 10 });
    try {
      const dir = tempProject({ 'src/db.ts': DB_TS });
      const project = new Project({ root: dir });
      await project.prepare({ cacheDir: false });
      const url = `postgres://postgres:${PASSWORD_IN_URL}@127.0.0.1:${server.port}/postgres`; // not the superuser's password
      const r = await checkLiveDatabase(project, url, { timeoutMs: 5000 });
      expect(r.warnings).toHaveLength(1);
      expect(r.warnings[0]).toMatch(/password|authentication/i);
      expect(r.findings).toEqual([]);
      noPassword(r.warnings);
      // The right password connects (so the warning above is about the password, not the server).
      const ok = await checkLiveDatabase(project, server.superUrl, { timeoutMs: 5000 });
      expect(ok.warnings.filter((w) => /authentication|cannot connect|unreachable/i.test(w))).toEqual([]);
    } finally {
      server.stop();
    }
  });

  // The CLI wiring of the live checks (`database.url` / `--database-url`) is another helper's work in progress:
  // this runs once `pglint --help` documents the option.
  const cliHasLive = /--database-url/.test(spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' }).stdout ?? '');
  it.skipIf(!cliHasLive)(`CLI with an unreachable database: one warning, the run continues, exit not 2, password not printed${cliHasLive ? '' : ' — SKIPPED: the CLI does not wire the live checks yet (no --database-url in --help)'}`, () => {
    const dir = tempProject({
      'src/db.ts': DB_TS,
      'pglint.config.json': JSON.stringify({ database: { url: `postgres://app:${PASSWORD_IN_URL}@127.0.0.1:1/app` } }),
    });
    const r = cli(dir);
    expect([0, 1]).toContain(r.status);
    noPassword([r.stderr, r.stdout]);
    const dbWarnings = r.stderr.split('\n').filter((l) => /warning/i.test(l) && /database|connect/i.test(l));
    expect(dbWarnings).toHaveLength(1);
    expect(ids(r.report, 'src/db.ts')).toEqual(['4:no-sql-concatenation']);
  });
});

describe('workspace shape', () => {
  it('a folder with no package.json is linted like any other', () => {
    const dir = tempProject({ 'src/db.ts': DB_TS }, { packageJson: false });
    expect(fs.existsSync(path.join(dir, 'package.json'))).toBe(false);
    const r = cli(dir);
    expect(r.status).toBe(0);
    expect(ids(r.report, 'src/db.ts')).toEqual(['4:no-sql-concatenation']);
    // One file named: with no package.json the project root is the file's folder (paths are shown from there).
    const one = cli(dir, ['--format', 'json', 'src/db.ts']);
    expect(one.status).toBe(0);
    expect(one.report!.map((f) => f.relativePath)).toEqual(['db.ts']);
    expect(ids(one.report, 'src/db.ts')).toEqual(['4:no-sql-concatenation']);
  });
});

describe('a file deleted while it is analysed', () => {
  it('engine: a file deleted from disk during the run is "file not found"; the file importing it is still linted', () => {
    const dir = tempProject({
      'src/db.ts': DB_TS,
      'src/repo.ts': "import { find } from './db';\nimport { helper } from './gone';\nexport async function all(ids: string[]) {\n  for (const id of ids) await find(id);\n}\n",
      'src/gone.ts': "export const helper = 1;\n",
    });
    const gone = path.join(dir, 'src', 'gone.ts');
    const repo = path.join(dir, 'src', 'repo.ts');
    // Real disk reads; the first read of repo.ts deletes gone.ts, as a `git checkout` running beside the linter would.
    const project = new Project({
      root: dir,
      readFile: (p) => {
        if (p === repo && fs.existsSync(gone)) fs.unlinkSync(gone);
        try {
          return fs.readFileSync(p, 'utf8');
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
          throw e;
        }
      },
    });
    const res = project.lintFile(repo);
    expect(fs.existsSync(gone)).toBe(false);
    expect(res.errors ?? []).toEqual([]);
    expect(res.findings.map((f) => f.ruleId)).toEqual(['no-query-in-loop']);
    expect(project.lintFile(gone)).toMatchObject({ skipped: 'file not found', findings: [] });
    // Deleted then re-created with other content: invalidate() picks up the new text.
    fs.writeFileSync(gone, "import { pool } from './db';\nexport const q = (x: string) => pool.query('SELECT ' + x);\n");
    project.invalidate(gone);
    expect(project.lintFile(gone).findings.map((f) => f.ruleId)).toEqual(['no-sql-concatenation']);
  });

  it('CLI: files removed between discovery and lint (during the migration build) end the run normally', async () => {
    const files: Record<string, string> = {
      'src/db.ts': DB_TS,
      // The view keeps the schema build in PGlite (rules/src/migrations/simulate.ts models no view).
      'migrations/001_init.sql': 'CREATE TABLE users (id int PRIMARY KEY, email text);\nCREATE VIEW user_emails AS SELECT email FROM users;\n',
    };
    for (let i = 0; i < 40; i++) files[`src/gen/f${i}.ts`] = `import { pool } from '../db';\nexport const q${i} = (x: string) => pool.query('SELECT ' + x);\n`;
    const dir = tempProject(files);
    // --no-cache: the migration schema is built in PGlite (a second or more) after discovery and before linting,
    // which leaves a window to delete files the CLI has already listed.
    // The files are deleted as soon as the CLI says it builds the schema (PGLINT_DEBUG): discovery is over and the
    // files were read to follow imports; the lint (and the report) are to come.
    const child = spawn(process.execPath, [CLI, '--no-cache', '--format', 'json', '.'], { cwd: dir, env: { ...process.env, PGLINT_DEBUG: '1' } });
    const closed = new Promise<number | null>((r) => child.on('close', r));
    let stdout = '';
    let stderr = '';
    let schemaStarted: () => void = () => {};
    const started = new Promise<void>((r) => (schemaStarted = r));
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/building the migrations schema/.test(stderr)) schemaStarted();
    });
    await Promise.race([started, closed]);
    const stillRunning = child.exitCode === null;
    for (let i = 0; i < 40; i += 2) fs.rmSync(path.join(dir, `src/gen/f${i}.ts`));
    const code = await closed;
    expect(stderr).not.toMatch(/internal error/);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as JsonFile[];
    // The files that remain are all linted; the deleted ones produce no finding and no crash.
    for (let i = 1; i < 40; i += 2) expect(ids(report, `src/gen/f${i}.ts`)).toEqual(['2:no-sql-concatenation']);
    // A deleted file is either reported from the text read before it went (the project may read sources while it
    // prepares) or not at all: never a crash, never a half-read result.
    for (let i = 0; i < 40; i += 2) expect([[], ['2:no-sql-concatenation']]).toContainEqual(ids(report, `src/gen/f${i}.ts`));
    // Record whether the deletion really fell between discovery and lint.
    expect(stillRunning, 'the CLI had finished before the files were deleted: the window was missed').toBe(true);
  });
});

/**
 * Live database checks against a REAL PostgreSQL server started by the test itself (tests/helpers/pg-server.ts).
 * Under CI=true a missing server is a failure; elsewhere the tests are skipped with a message.
 */
import { describe, expect, test, beforeAll, afterAll } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { Project } from '../rules/src/engine/project';
import { checkLiveDatabase, redactUrl, LIVE_RULE_ID } from '../rules/src/migrations/live';
import { findPgBin, freePort, startPgServer, type PgServer } from './helpers/pg-server';

const bin = findPgBin();
const ROLE = 'pglint_app';
const PASSWORD = 'Sup3r-s3cret-pw';

if (!bin) {
  if (process.env.CI === 'true') {
    test('PostgreSQL server is installed (required under CI)', () => {
      throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: install postgresql-15');
    });
  } else {
    test.skip('live database tests skipped: PostgreSQL server binaries not found (apt-get install postgresql-15)', () => {});
  }
}

describe.skipIf(!bin)('live database (real PostgreSQL server)', () => {
  let server: PgServer;
  let root: string;
  let project: Project;
  let url: string;

  const files: Record<string, string> = {
    'db/migration/V1__users.sql': 'CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL);\n',
    'db/migration/V2__phone.sql': 'ALTER TABLE users ADD COLUMN phone text;\n',
    'migrations/1700000000000_orders.js': "exports.up = (pgm) => { pgm.createTable('orders', { id: 'id', user_id: { type: 'integer' } }); };\nexports.down = (pgm) => { pgm.dropTable('orders'); };\n",
    'src/db.ts': "import { Pool } from 'pg';\nexport const pool = new Pool({ max: 12 });\nexport const reporting = new Pool({ max: Number(process.env.REPORT_POOL ?? 8) });\n",
    'src/users.ts':
      "import { pool } from './db';\n" +
      "export const find = (id: number) => pool.query('SELECT id, email, phone FROM users WHERE id = $1', [id]);\n" +
      "export const orders = (id: number) => pool.query('SELECT id FROM orders WHERE user_id = $1', [id]);\n" +
      "export const add = (email: string) => pool.query('INSERT INTO users (email) VALUES ($1)', [email]);\n",
  };

  async function superQuery(sql: string, db = 'postgres'): Promise<void> {
    const c = new Client({ connectionString: server.superUrl.replace(/\/postgres$/, `/${db}`) });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  }

  async function snapshot(): Promise<{ rels: string; rows: string; history: number; writes: number }> {
    const c = new Client({ connectionString: server.superUrl.replace(/\/postgres$/, '/pglint_app') });
    await c.connect();
    try {
      await new Promise((r) => setTimeout(r, 1200)); // let backends that ended flush their statistics
      const rels = await c.query("SELECT string_agg(relname || ':' || relkind::text, ',' ORDER BY relname) AS s FROM pg_class WHERE relnamespace = 'public'::regnamespace");
      const rows = await c.query("SELECT coalesce(string_agg(id || '/' || email, ',' ORDER BY id), '') AS s FROM users");
      const history = await c.query('SELECT count(*)::int AS n FROM flyway_schema_history');
      const w = await c.query("SELECT (tup_inserted + tup_updated + tup_deleted)::bigint AS n FROM pg_stat_database WHERE datname = 'pglint_app'");
      return { rels: rels.rows[0].s, rows: rows.rows[0].s, history: history.rows[0].n, writes: Number(w.rows[0].n) };
    } finally {
      await c.end();
    }
  }

  beforeAll(async () => {
    server = await startPgServer({ maxConnections: 20 });
    await superQuery(`CREATE ROLE ${ROLE} LOGIN PASSWORD '${PASSWORD}'`);
    await superQuery(`CREATE DATABASE pglint_app OWNER ${ROLE}`);
    url = server.url(ROLE, PASSWORD, 'pglint_app');
    // The database as the team's tools left it: V1 applied by Flyway, V2 not; the node-pg-migrate one applied.
    const c = new Client({ connectionString: url });
    await c.connect();
    await c.query("CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL); INSERT INTO users (email) VALUES ('a@example.com');");
    await c.query('CREATE TABLE orders (id serial PRIMARY KEY, user_id integer);');
    await c.query(
      'CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY, version varchar(50), description varchar(200), type varchar(20), script varchar(1000), checksum int, installed_by varchar(100), installed_on timestamp DEFAULT now(), execution_time int, success boolean);' +
        "INSERT INTO flyway_schema_history VALUES (1, '1', 'users', 'SQL', 'V1__users.sql', 0, 'me', now(), 1, true);",
    );
    await c.query("CREATE TABLE pgmigrations (id serial PRIMARY KEY, name varchar(255) NOT NULL, run_on timestamp NOT NULL DEFAULT now()); INSERT INTO pgmigrations (name) VALUES ('1700000000000_orders');");
    await c.end();

    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pglint-live-'));
    for (const [f, t] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      fs.writeFileSync(path.join(root, f), t);
    }
    project = new Project({ root });
    await project.prepare({ cacheDir: false });
    expect(project.migrationError()).toBeUndefined();
  }, 180_000);

  afterAll(() => {
    server?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  test('reports the unapplied migration, the query the live schema rejects and the pool sizes; writes nothing', async () => {
    const before = await snapshot();
    const { findings, warnings } = await checkLiveDatabase(project, url);
    const after = await snapshot();
    expect(warnings).toEqual([]);

    const notApplied = findings.filter((f) => f.messageId === 'notApplied');
    expect(notApplied.map((f) => path.relative(root, f.file))).toEqual(['db/migration/V2__phone.sql']);
    expect(notApplied[0]!.ruleId).toBe('no-missing-migration');

    const usersFile = path.join(root, 'src/users.ts');
    const text = fs.readFileSync(usersFile, 'utf8');
    const live = findings.filter((f) => f.messageId === 'liveSchema');
    expect(live.map((f) => [path.relative(root, f.file), text.slice(f.start, f.end)])).toEqual([['src/users.ts', 'phone']]);
    expect(live[0]!.message).toContain('column "phone" does not exist');

    const pools = findings.filter((f) => f.ruleId === LIVE_RULE_ID);
    expect(pools).toHaveLength(1);
    expect(pools[0]!.data).toMatchObject({ total: '20', available: '17', max: '20', reserved: '3' });
    expect(pools[0]!.related).toHaveLength(1);

    for (const f of findings) expect(f.message).not.toContain(PASSWORD);
    expect(after).toEqual(before);
  }, 60_000);

  test('the INSERT of the code is prepared, never executed', async () => {
    const before = await snapshot();
    await checkLiveDatabase(project, url);
    const after = await snapshot();
    expect(after.rows).toBe(before.rows);
    expect(after.writes).toBe(before.writes);
  }, 60_000);

  test('wrong password: one warning, without the password, and no findings', async () => {
    const wrong = 'Wr0ng-p4ssw0rd-xyz';
    const badUrl = server.url(ROLE, wrong, 'pglint_app');
    const { findings, warnings } = await checkLiveDatabase(project, badUrl);
    expect(findings).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/cannot connect/);
    expect(warnings[0]).toMatch(/password authentication failed/);
    expect(warnings[0]).not.toContain(wrong);
    expect(warnings[0]).toContain(redactUrl(badUrl));
  }, 60_000);

  test('unreachable server: one warning and the run goes on', async () => {
    const port = await freePort();
    const deadUrl = `postgres://${ROLE}:${PASSWORD}@127.0.0.1:${port}/pglint_app`;
    const t0 = Date.now();
    const { findings, warnings } = await checkLiveDatabase(project, deadUrl, { timeoutMs: 3000 });
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(findings).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/ECONNREFUSED|connect/);
    expect(warnings[0]).not.toContain(PASSWORD);
  }, 60_000);
});

describe('redactUrl', () => {
  test('hides the password in URLs and parameters', () => {
    expect(redactUrl('postgres://u:p%40ss@h:5432/db')).toBe('postgres://u:***@h:5432/db');
    expect(redactUrl('postgres://h/db?user=u&password=secret')).not.toContain('secret');
    expect(redactUrl('postgres://u@h/db')).toBe('postgres://u@h/db');
  });
});

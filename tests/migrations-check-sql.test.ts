import { describe, expect, test, beforeAll, afterAll } from 'vitest';
import * as path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { discoverMigrations } from '../rules/src/migrations/discover';
import { buildSchema } from '../rules/src/migrations/schema-build';
import { checkSql, checkSqlAgainstSchema } from '../rules/src/migrations/check-sql';
import { ensureParser } from '../rules/src/migrations/unsafe';
import type { Problem, Schema } from '../rules/src/migrations/types';
import { FIXTURES } from './migrations-helpers';

let db: PGlite;
let schema: Schema;
beforeAll(async () => {
  await ensureParser();
  const set = discoverMigrations(path.join(FIXTURES, 'flyway'));
  const build = await buildSchema(set, { cacheDir: false, keepDatabase: true });
  db = build.db!;
  schema = build.schema;
});
afterAll(async () => {
  await db?.close();
});

/** Problems as "text-at-offsets kind suggestion". */
const show = (sql: string, ps: Problem[]) => ps.map((p) => `${sql.slice(p.start, p.end)} ${p.kind}${p.suggestion ? ` ->${p.suggestion}` : ''}`);

const cases: [string, string[]][] = [
  ['SELECT id, email FROM users WHERE id = $1', []],
  ['SELECT id, emial FROM users WHERE id = $1', ['emial missing-column ->email']],
  ['SELECT * FROM userz', ['userz missing-relation ->users']],
  // Subqueries in FROM (plain, LATERAL, in UPDATE ... FROM) expose their output columns.
  ['SELECT r.n, r.user_id FROM (SELECT user_id, count(*) AS n FROM orders GROUP BY 1) r', []],
  ['SELECT o.id FROM users u CROSS JOIN LATERAL (SELECT * FROM orders WHERE user_id = u.id LIMIT 1) o', []],
  ['UPDATE users u SET email = r.n::text FROM (SELECT user_id, count(*) AS n FROM orders GROUP BY 1) r WHERE r.user_id = u.id', []],
  ['SELECT r.nope FROM (SELECT user_id FROM orders) r', ['nope missing-column']],
  ['SELECT u.name FROM users u', ['name missing-column']], // renamed to full_name by V10
  ['SELECT u.full_name, o.total FROM users u JOIN orders o ON o.user_id = u.id WHERE o.status = $1', []],
  ['SELECT x.email FROM users u', ['x missing-from-entry ->u']],
  ['WITH recent AS (SELECT user_id, total AS amount FROM orders) SELECT r.amount, r.user_id FROM recent r', []],
  ['WITH recent AS (SELECT user_id FROM orders) SELECT r.amount FROM recent r', ['amount missing-column']],
  ['SELECT relname FROM pg_catalog.pg_class UNION ALL SELECT table_name::name FROM information_schema.tables', []],
  ['SELECT count(*) AS n FROM orders GROUP BY status ORDER BY n DESC', []],
  ['INSERT INTO orders (user_id, totl) VALUES ($1, $2) RETURNING id', ['totl missing-column ->total']],
  ['UPDATE users SET emali = $1 WHERE id = $2', ['emali missing-column ->email']],
  ['DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE mesage IS NULL)', ['mesage missing-column ->message']],
  ['SELECT * FROM generate_series(1, 3) g(n) WHERE g.n > 1', []],
  ['SELECT id FROM users WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = users.id)', []],
  ['CREATE TEMP TABLE tmp_ids (id int); SELECT t.id FROM tmp_ids t JOIN users u ON u.id = t.id', []],
  ['SELECT email FROM user_emails', []],
  ['SELECT nickname FROM users', ['nickname missing-column']], // V4 failed before it could add it
];

describe('checkSqlAgainstSchema (AST)', () => {
  for (const [sql, want] of cases) test(sql, () => expect(show(sql, checkSqlAgainstSchema(sql, schema))).toEqual(want));
  test('offsets are UTF-16 offsets when the SQL holds non-ASCII text', () => {
    const sql = "SELECT 'élan ☃', emial FROM users";
    const [p] = checkSqlAgainstSchema(sql, schema);
    expect(sql.slice(p!.start, p!.end)).toBe('emial');
  });
  test('SQL that does not parse gives no problem (not this check’s business)', () => {
    expect(checkSqlAgainstSchema('SELEC nope', schema)).toEqual([]);
  });
});

describe('checkSql (Postgres describes the statement in PGlite)', () => {
  for (const [sql, want] of cases) test(sql, async () => expect(show(sql, await checkSql(sql, schema, db))).toEqual(want));
  test('message and position come from Postgres', async () => {
    const sql = 'SELECT emial FROM users WHERE id = $1';
    const [p] = await checkSql(sql, schema, db);
    expect(p).toMatchObject({ source: 'postgres', message: 'column "emial" does not exist', start: 7, end: 12, suggestion: 'email' });
  });
  test('nothing is left behind in the database (rolled back)', async () => {
    await checkSql('CREATE TEMP TABLE scratch (id int); SELECT id FROM scratch', schema, db);
    const r = await db.query(`SELECT count(*)::int AS n FROM pg_class WHERE relname = 'scratch'`);
    expect(r.rows[0]).toEqual({ n: 0 });
  });
  test('temp tables created elsewhere in the code can be declared', async () => {
    expect(await checkSql('SELECT a FROM session_tmp', schema, db, { tempTables: { session_tmp: ['a'] } })).toEqual([]);
  });
});

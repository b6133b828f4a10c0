import { pool, query } from './db';

const FIND_BY_EMAIL = 'SELECT id, email, nickname FROM users WHERE email = $1'; // expect: no-missing-migration

export async function findUser(id: number) {
  const { rows } = await pool.query('SELECT id, email, legacy_code FROM users WHERE id = $1', [id]); // expect: no-missing-migration
  return rows[0];
}

export async function findByEmail(email: string) {
  return (await pool.query(FIND_BY_EMAIL, [email])).rows[0];
}

export async function recentOrders(userId: number) {
  return query('SELECT o.id, o.total, o.shipped_at, o.refunded FROM orders o WHERE o.user_id = $1', [userId]); // expect: no-missing-migration
}

export async function countUsers() {
  const sql = `
    SELECT count(*) AS n
    FROM userz`; // expect: no-missing-migration
  return pool.query(sql);
}

export async function cleanOnes(userId: number) {
  // Aliases, CTEs, functions, system catalogs, information_schema: nothing to report.
  await pool.query(
    `WITH recent AS (SELECT o.user_id, max(o.total) AS top FROM orders o GROUP BY o.user_id)
     SELECT u.email, r.top, now() AS at, lower(u.email) AS mail FROM users u JOIN recent r ON r.user_id = u.id WHERE u.id = $1 ORDER BY mail`,
    [userId],
  );
  await pool.query('SELECT relname FROM pg_catalog.pg_class WHERE relname = $1', ['users']);
  await pool.query('SELECT column_name FROM information_schema.columns WHERE table_name = $1', ['users']);
  await pool.query('SELECT user_id, total FROM order_totals');
  await pool.query('SELECT * FROM generate_series(1, 3) AS g(n)');
  // A temporary table created by the same code.
  await pool.query('CREATE TEMP TABLE import_rows (email text, score int)');
  await pool.query('INSERT INTO users (email) SELECT email FROM import_rows WHERE score > 3');
}

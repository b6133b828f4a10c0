import { pool } from './db';

export async function countUsers(): Promise<number> {
  const client = await pool.connect(); // expect: no-unreleased-client
  const { rows } = await client.query('SELECT count(*) AS n FROM users');
  return Number(rows[0].n);
}

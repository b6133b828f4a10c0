import { pool } from './db';

export async function findUser(id: number) {
  const { rows } = await pool.query('SELECT id, emial FROM users WHERE id = $1', [id]); // expect: no-missing-migration
  return rows[0];
}

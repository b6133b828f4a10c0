import { pool } from './db';

export async function findAuthor(id: number) {
  const { rows } = await pool.query('SELECT id, name FROM authors WHERE id = $1', [id]);
  return rows[0];
}

import { Pool } from 'pg';

export const pool = new Pool({ max: 10 });

/** Project wrapper: the SQL text goes straight to pool.query. */
export async function query(text: string, params: unknown[] = []) {
  const { rows } = await pool.query(text, params);
  return rows;
}

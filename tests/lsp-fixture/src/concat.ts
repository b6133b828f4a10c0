import { pool } from './db';

export async function findUser(name: string) {
  const { rows } = await pool.query("SELECT id FROM users WHERE name = '" + name + "'"); // expect: no-sql-concatenation
  return rows;
}

export async function findByEmail(email: string, active: boolean) {
  return pool.query(`SELECT id FROM users WHERE email = '${email}' AND active = $1`, [active]); // expect: no-sql-concatenation
}

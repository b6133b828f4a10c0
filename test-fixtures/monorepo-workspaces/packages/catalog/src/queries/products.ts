import { pool } from '@shop/db';

export async function productById(id: number) {
  return pool.query('SELECT id, name, price FROM products WHERE id = $1', [id]);
}

export async function productsByIds(ids: number[]) {
  return pool.query('SELECT id, name, price FROM products WHERE id = ANY($1)', [ids]);
}

import { ordersPool } from '#src/db';

export async function orderById(id: number) {
  const { rows } = await ordersPool.query('SELECT id, customer_id, total FROM orders WHERE id = $1', [id]);
  return rows[0];
}

export async function ordersByIds(ids: number[]) {
  const { rows } = await ordersPool.query('SELECT id, customer_id, total FROM orders WHERE id = ANY($1)', [ids]);
  return rows;
}

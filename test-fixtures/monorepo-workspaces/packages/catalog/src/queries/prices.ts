import { pool } from '@shop/db';

export async function priceOf(productId: number): Promise<number> {
  const { rows } = await pool.query('SELECT price FROM prices WHERE product_id = $1', [productId]);
  return rows[0]?.price ?? 0;
}

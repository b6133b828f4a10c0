// Imports by workspace package name: the package's exports map, a subpath pattern, and a manifest naming dist/.
import { productById, productsByIds } from '@shop/catalog';
import { priceOf } from '@shop/catalog/queries/prices';
import { pool } from '@shop/db';

export async function cartTotal(ids: number[]): Promise<number> {
  let total = 0;
  for (const id of ids) {
    const { rows } = await productById(id); // expect: no-query-in-loop
    total += rows[0]?.price ?? 0;
  }
  return total;
}

export async function cartTotalBatched(ids: number[]): Promise<number> {
  const { rows } = await productsByIds(ids); // ok: no-query-in-loop -- one query for the whole cart
  return rows.reduce((sum: number, r: { price: number }) => sum + r.price, 0);
}

export async function priceList(ids: number[]): Promise<number[]> {
  return Promise.all(ids.map((id) => priceOf(id))); // expect: no-query-in-loop
}

export async function audit(ids: number[]): Promise<void> {
  for (const id of ids) {
    await pool.query('INSERT INTO audit_log (product_id) VALUES ($1)', [id]); // expect: no-query-in-loop
  }
}

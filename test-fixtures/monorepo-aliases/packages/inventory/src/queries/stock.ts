import { Pool } from 'pg';

const pool = new Pool();

export async function stockOf(sku: string) {
  const { rows } = await pool.query('SELECT quantity FROM stock WHERE sku = $1', [sku]);
  return rows[0]?.quantity ?? 0;
}

export async function stockInWarehouse(warehouse: string) {
  const { rows } = await pool.query('SELECT sku, quantity FROM stock WHERE warehouse = ' + warehouse); // expect: no-sql-concatenation
  return rows;
}

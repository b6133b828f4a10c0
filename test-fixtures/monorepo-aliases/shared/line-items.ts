import { pool } from './db';

export async function lineItemsOf(invoiceId: number) {
  const { rows } = await pool.query('SELECT sku, quantity, unit_price FROM invoice_lines WHERE invoice_id = $1', [invoiceId]);
  return rows;
}

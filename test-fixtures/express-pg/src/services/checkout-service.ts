import type { PoolClient } from 'pg';
import { pool } from '../db';

export interface CartLine {
  sku: string;
  quantity: number;
  priceCents: number;
}

async function insertAuditRow(client: PoolClient, action: string, orderId: number): Promise<void> {
  await client.query('INSERT INTO audit_log (action, order_id) VALUES ($1, $2)', [action, orderId]);
}

export async function placeOrder(customerId: number, lines: CartLine[]): Promise<number> {
  const client = await pool.connect(); // expect: no-unreleased-client
  // BEGIN can fail before the try below is entered: the client then never goes back to the pool.
  await client.query('BEGIN');
  try {
    const total = lines.reduce((sum, l) => sum + l.quantity * l.priceCents, 0);
    const { rows } = await client.query<{ id: number }>(
      'INSERT INTO orders (customer_id, status, total_cents) VALUES ($1, $2, $3) RETURNING id',
      [customerId, 'pending', total],
    );
    const orderId = rows[0].id;
    await client.query( // ok: no-query-in-loop -- one multi-row insert with unnest, built after the per-line maps
      'INSERT INTO order_items (order_id, sku, quantity, price_cents) SELECT $1, * FROM unnest($2::text[], $3::int[], $4::int[])',
      [orderId, lines.map((l) => l.sku), lines.map((l) => l.quantity), lines.map((l) => l.priceCents)],
    );
    await client.query('COMMIT');
    return orderId;
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

export async function cancelOrder(orderId: number): Promise<void> {
  const client = await pool.connect(); // expect: no-unreleased-client
  try {
    await client.query('BEGIN');
    await client.query("UPDATE orders SET status = 'cancelled' WHERE id = $1", [orderId]);
    await client.query('UPDATE stock s SET reserved = s.reserved - i.quantity FROM order_items i WHERE i.order_id = $1 AND i.sku = s.sku', [orderId]);
    await client.query('COMMIT');
    client.release();
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
}

export async function refundOrder(orderId: number): Promise<number | null> {
  const client = await pool.connect(); // expect: no-unreleased-client
  const { rows } = await client.query<{ total_cents: number }>('SELECT total_cents FROM orders WHERE id = $1 FOR UPDATE', [orderId]);
  if (rows.length === 0) {
    return null;
  }
  await client.query("UPDATE orders SET status = 'refunded' WHERE id = $1", [orderId]);
  client.release();
  return rows[0].total_cents;
}

export async function reserveStock(sku: string, quantity: number): Promise<boolean> {
  const client = await pool.connect(); // expect: no-unreleased-client
  try {
    const result = await client.query('UPDATE stock SET reserved = reserved + $2 WHERE sku = $1 AND available - reserved >= $2', [sku, quantity]);
    return result.rowCount === 1;
  } catch (err) {
    client.release();
    throw err;
  }
}

export async function generateInvoice(orderId: number): Promise<void> {
  const client = await pool.connect(); // expect: no-unreleased-client
  await insertAuditRow(client, 'invoice', orderId);
  await client.query('INSERT INTO invoices (order_id) VALUES ($1) ON CONFLICT DO NOTHING', [orderId]);
  client.release();
}

export async function shipOrder(orderId: number, carrier: string): Promise<void> {
  const client = await pool.connect(); // ok: no-unreleased-client -- released in finally
  try {
    await client.query('BEGIN');
    await client.query("UPDATE orders SET status = 'shipped', carrier = $2 WHERE id = $1", [orderId, carrier]);
    await insertAuditRow(client, 'ship', orderId);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

export async function markPaid(orderId: number, paymentRef: string): Promise<void> {
  const client = await pool.connect(); // ok: no-unreleased-client -- released in the catch and after the try
  try {
    await client.query("UPDATE orders SET status = 'paid', payment_ref = $2 WHERE id = $1", [orderId, paymentRef]);
    await insertAuditRow(client, 'paid', orderId);
  } catch (err) {
    client.release(err instanceof Error ? err : true);
    throw err;
  }
  client.release();
}

export async function applyCoupon(orderId: number, code: string): Promise<boolean> {
  const client = await pool.connect(); // expect: no-unreleased-client
  const { rowCount } = await client.query('UPDATE coupons SET used_by = $1 WHERE code = $2 AND used_by IS NULL', [orderId, code]);
  if (rowCount === 1) {
    await client.query('UPDATE orders SET discount_code = $2 WHERE id = $1', [orderId, code]);
    client.release();
    return true;
  }
  return false;
}

import format from 'pg-format';
import { pool } from '../db';

export interface Order {
  id: number;
  customerId: number;
  status: 'pending' | 'paid' | 'shipped' | 'cancelled';
  totalCents: number;
}

export interface OrderItem {
  orderId: number;
  sku: string;
  quantity: number;
}

export interface OrderFilter {
  status?: string;
  customerId?: number;
  placedAfter?: Date;
  sort?: string;
  direction?: string;
}

const SORTABLE: Record<string, string> = {
  placed: 'o.placed_at',
  total: 'o.total_cents',
  status: 'o.status',
};

export async function findOrdersByCustomer(customerId: number): Promise<Order[]> {
  const { rows } = await pool.query<Order>(
    'SELECT id, customer_id AS "customerId", status, total_cents AS "totalCents" FROM orders WHERE customer_id = $1',
    [customerId],
  );
  return rows;
}

export async function findOrdersByCustomers(customerIds: number[]): Promise<Order[]> {
  const { rows } = await pool.query<Order>(
    'SELECT id, customer_id AS "customerId", status, total_cents AS "totalCents" FROM orders WHERE customer_id = ANY($1)',
    [customerIds],
  );
  return rows;
}

export async function findItems(orderId: number): Promise<OrderItem[]> {
  const { rows } = await pool.query<OrderItem>('SELECT order_id AS "orderId", sku, quantity FROM order_items WHERE order_id = $1', [orderId]);
  return rows;
}

export async function listOrders(filter: OrderFilter): Promise<Order[]> {
  const conditions: string[] = [];
  const values: unknown[] = [];
  if (filter.status) {
    values.push(filter.status);
    conditions.push(`o.status = $${values.length}`);
  }
  if (filter.customerId !== undefined) {
    values.push(filter.customerId);
    conditions.push(`o.customer_id = $${values.length}`);
  }
  if (filter.placedAfter) {
    values.push(filter.placedAfter);
    conditions.push(`o.placed_at >= $${values.length}`);
  }
  const where = conditions.length > 0 ? 'WHERE ' + conditions.join(' AND ') : '';
  const orderBy = SORTABLE[filter.sort ?? ''] ?? 'o.placed_at';
  const direction = filter.direction === 'asc' ? 'ASC' : 'DESC';
  const { rows } = await pool.query<Order>(
    `SELECT o.id, o.customer_id AS "customerId", o.status, o.total_cents AS "totalCents" FROM orders o ${where} ORDER BY ${orderBy} ${direction}`, // ok: no-sql-concatenation -- placeholders numbered from values.length, sort column and direction from constants
    values,
  );
  return rows;
}

export async function archiveOrders(table: string, before: Date): Promise<number> {
  const result = await pool.query(format('DELETE FROM %I WHERE placed_at < %L', table, before.toISOString())); // ok: no-sql-concatenation -- pg-format %I / %L escape
  return result.rowCount ?? 0;
}

export async function countByStatus(statusList: string): Promise<number> {
  const { rows } = await pool.query(format('SELECT count(*)::int AS n FROM orders WHERE status IN (%s)', statusList)); // expect: no-sql-concatenation
  return rows[0].n;
}

export async function updateStatus(orderId: number, status: Order['status']): Promise<void> {
  await pool.query('UPDATE orders SET status = $2, updated_at = now() WHERE id = $1', [orderId, status]);
}

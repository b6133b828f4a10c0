import { Router, type Request, type Response } from 'express';
import type { PoolClient } from 'pg';
import QueryStream from 'pg-query-stream';
import { pool } from '../db';
import { withClient } from '../lib/client';
import { listOrders, updateStatus, type OrderItem } from '../repositories/order-repository';
import { getCustomerSummary, getOrdersWithItems } from '../services/order-service';

export const ordersRouter = Router();

async function loadShippingLabel(orderId: number): Promise<string | null> {
  const { rows } = await pool.query<{ label: string }>('SELECT label FROM shipping_labels WHERE order_id = $1', [orderId]);
  return rows[0]?.label ?? null;
}

ordersRouter.get('/orders', async (req: Request, res: Response) => {
  const orders = await listOrders({
    status: req.query.status as string | undefined,
    sort: req.query.sort as string | undefined,
    direction: req.query.direction as string | undefined,
  });
  res.json(orders);
});

ordersRouter.get('/orders/by-status', async (req: Request, res: Response) => {
  const { rows } = await pool.query(
    `SELECT id, total_cents FROM orders WHERE status = '${req.query.status}' ORDER BY placed_at DESC`, // expect: no-sql-concatenation
  );
  res.json(rows);
});

ordersRouter.get('/orders/export', async (req: Request, res: Response) => {
  let sql = 'SELECT id, customer_id, total_cents FROM orders WHERE true';
  if (req.query.from) sql += ` AND placed_at >= '${req.query.from}'`;
  if (req.query.to) sql += ` AND placed_at < '${req.query.to}'`;
  sql += ' ORDER BY ' + (req.query.sort ?? 'id');
  const { rows } = await pool.query(sql); // expect: no-sql-concatenation
  res.json(rows);
});

ordersRouter.get('/orders/:id/lines', async (req: Request, res: Response) => {
  const result = await pool.query({ text: `SELECT sku, quantity FROM order_items WHERE order_id = ${req.params.id}`, rowMode: 'array' }); // expect: no-sql-concatenation
  res.json(result.rows);
});

ordersRouter.get('/orders/:id/lines-safe', async (req: Request, res: Response) => {
  const result = await pool.query({ text: 'SELECT sku, quantity FROM order_items WHERE order_id = $1', values: [req.params.id], rowMode: 'array' }); // ok: no-sql-concatenation -- config object with values
  res.json(result.rows);
});

ordersRouter.get('/customers/:id/orders', async (req: Request, res: Response) => {
  res.json(await getOrdersWithItems(Number(req.params.id)));
});

ordersRouter.post('/customers/summaries', async (req: Request, res: Response) => {
  const ids: number[] = req.body.customerIds;
  const summaries = [];
  for (let i = 0; i < ids.length; i++) {
    summaries.push(await getCustomerSummary(ids[i])); // expect: no-query-in-loop
  }
  res.json(summaries);
});

ordersRouter.post('/orders/labels', async (req: Request, res: Response) => {
  const orderIds: number[] = req.body.orderIds;
  const labels = await Promise.all(orderIds.map(async (id) => ({ id, label: await loadShippingLabel(id) }))); // expect: no-query-in-loop
  res.json(labels);
});

ordersRouter.post('/orders/bulk-status', async (req: Request, res: Response) => {
  const updates: Array<{ id: number; status: 'paid' | 'shipped' }> = req.body.updates;
  await updates.reduce(async (previous, u) => {
    await previous;
    await updateStatus(u.id, u.status); // expect: no-query-in-loop
  }, Promise.resolve());
  res.sendStatus(204);
});

ordersRouter.post('/orders/restock', async (req: Request, res: Response) => {
  const orders: Array<{ id: number; items: OrderItem[] }> = req.body.orders;
  await Promise.all(
    orders.flatMap((o) =>
      o.items.map((item) => pool.query('UPDATE stock SET available = available + $2 WHERE sku = $1', [item.sku, item.quantity])), // expect: no-query-in-loop
    ),
  );
  res.sendStatus(204);
});

ordersRouter.post('/orders/placeholders', async (req: Request, res: Response) => {
  const count = Math.min(Number(req.body.count) || 1, 50);
  const inserts = Array.from({ length: count }, () => pool.query("INSERT INTO orders (status) VALUES ('pending') RETURNING id")); // expect: no-query-in-loop
  const results = await Promise.all(inserts);
  res.json(results.map((r) => r.rows[0].id));
});

ordersRouter.post('/orders/retry-queue', async (req: Request, res: Response) => {
  const pending: number[] = [...req.body.orderIds];
  while (pending.length > 0) {
    const id = pending.shift()!;
    await pool.query("UPDATE orders SET status = 'pending', retries = retries + 1 WHERE id = $1", [id]); // expect: no-query-in-loop
  }
  res.sendStatus(204);
});

// Streams the rows of ONE query; the per-row work looks up each row's customer again.
ordersRouter.get('/orders/stream-with-customer', async (_req: Request, res: Response) => {
  await withClient(pool, async (client: PoolClient) => { // ok: no-unreleased-client -- project helper releases in finally
    const stream = client.query(new QueryStream('SELECT id, customer_id FROM orders ORDER BY id')); // ok: no-query-in-loop -- issued once, rows iterated below
    for await (const row of stream) {
      const { rows } = await client.query('SELECT name FROM users WHERE id = $1', [row.customer_id]); // expect: no-query-in-loop
      res.write(JSON.stringify({ ...row, customer: rows[0]?.name }) + '\n');
    }
  });
  res.end();
});

// Keyset pagination: each turn depends on the previous page; there is no batched form.
ordersRouter.get('/orders/export-all', async (_req: Request, res: Response) => {
  let lastId = 0;
  let page: { id: number; total_cents: number }[];
  do {
    ({ rows: page } = await pool.query('SELECT id, total_cents FROM orders WHERE id > $1 ORDER BY id LIMIT 500', [lastId])); // ok: no-query-in-loop -- keyset pagination, the exit depends on the page returned
    for (const row of page) res.write(`${row.id};${row.total_cents}\n`);
    lastId = page.length > 0 ? page[page.length - 1].id : lastId;
  } while (page.length === 500);
  res.end();
});

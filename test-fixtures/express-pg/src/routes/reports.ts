import { Router, type Request, type Response } from 'express';
import { escapeIdentifier, escapeLiteral } from 'pg';
import format from 'pg-format';
import util from 'node:util';
import { pool } from '../db';
import { checkout, lease } from '../lib/client';

export const reportsRouter = Router();

const METRICS = {
  revenue: 'sum(total_cents)',
  orders: 'count(*)',
  basket: 'avg(total_cents)::int',
} as const;

const GROUPINGS: Record<string, string> = { day: 'day', week: 'week', month: 'month' };

function dateRange(from: string, to: string): string {
  return `placed_at >= '${from}' AND placed_at < '${to}'`;
}

function regionFilter(region: string): string {
  return 'region = ' + escapeLiteral(region);
}

reportsRouter.get('/reports/metric', async (req: Request, res: Response) => {
  const metric = METRICS[req.query.metric as keyof typeof METRICS] ?? METRICS.revenue;
  const grain = GROUPINGS[String(req.query.grain)] ?? 'day';
  const { rows } = await pool.query( // ok: no-unreleased-client -- pool.query
    `SELECT date_trunc('${grain}', placed_at) AS bucket, ${metric} AS value FROM orders GROUP BY 1 ORDER BY 1`, // ok: no-sql-concatenation -- metric and grain picked from constant maps
  );
  res.json(rows);
});

reportsRouter.get('/reports/range', async (req: Request, res: Response) => {
  const { rows } = await pool.query(`SELECT count(*) FROM orders WHERE ${dateRange(String(req.query.from), String(req.query.to))}`); // expect: no-sql-concatenation
  res.json(rows[0]);
});

reportsRouter.get('/reports/region', async (req: Request, res: Response) => {
  const { rows } = await pool.query(`SELECT count(*) FROM orders WHERE ${regionFilter(String(req.query.region))}`); // ok: no-sql-concatenation -- the helper escapes with escapeLiteral
  res.json(rows[0]);
});

reportsRouter.get('/reports/column/:name', async (req: Request, res: Response) => {
  const column = escapeIdentifier(req.params.name);
  const { rows } = await pool.query(`SELECT ${column}, count(*) FROM orders GROUP BY 1`); // ok: no-sql-concatenation -- identifier escaped with escapeIdentifier
  res.json(rows);
});

reportsRouter.get('/reports/legacy-top', async (req: Request, res: Response) => {
  const sql = util.format('SELECT sku, sum(quantity) FROM order_items WHERE sku LIKE %s GROUP BY sku', `'${req.query.prefix}%'`);
  const { rows } = await pool.query(sql); // expect: no-sql-concatenation
  res.json(rows);
});

reportsRouter.get('/reports/table/:table', async (req: Request, res: Response) => {
  const { rows } = await pool.query(format('SELECT count(*) FROM %I WHERE created_at > now() - %L::interval', req.params.table, String(req.query.window ?? '1 day'))); // ok: no-sql-concatenation -- pg-format %I / %L
  res.json(rows[0]);
});

reportsRouter.get('/reports/page', async (req: Request, res: Response) => {
  const page = Math.max(1, parseInt(String(req.query.page), 10) || 1);
  const size = Math.min(Math.max(parseInt(String(req.query.size), 10) || 25, 1), 200);
  const offset = (page - 1) * size;
  const { rows } = await pool.query(`SELECT id, total_cents FROM orders ORDER BY id LIMIT ${size} OFFSET ${offset}`); // ok: no-sql-concatenation -- parseInt and clamped numbers only
  res.json(rows);
});

reportsRouter.get('/reports/slow', async (req: Request, res: Response) => {
  const client = await pool.connect(); // expect: no-unreleased-client
  await client.query('SET statement_timeout = 60000');
  try {
    const { rows } = await client.query('SELECT customer_id, sum(total_cents) FROM orders GROUP BY 1 ORDER BY 2 DESC LIMIT $1', [req.query.top ?? 10]);
    res.json(rows);
  } finally {
    client.release();
  }
});

reportsRouter.get('/reports/snapshot', async (_req: Request, res: Response) => {
  await using client = await pool.connect(); // ok: no-unreleased-client -- await using disposes it
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  const orders = await client.query('SELECT count(*) FROM orders');
  const items = await client.query('SELECT count(*) FROM order_items');
  await client.query('COMMIT');
  res.json({ orders: orders.rows[0], items: items.rows[0] });
});

reportsRouter.get('/reports/leased', async (_req: Request, res: Response) => {
  const l = await lease(pool);
  try {
    const { rows } = await l.client.query('SELECT status, count(*) FROM orders GROUP BY status');
    res.json(rows);
  } finally {
    l.release();
  }
});

reportsRouter.get('/reports/checked-out', async (_req: Request, res: Response) => {
  const client = await checkout(pool);
  try {
    const { rows } = await client.query('SELECT count(*) FROM users');
    res.json(rows[0]);
  } finally {
    client.release();
  }
});

reportsRouter.get('/reports/with-timeout', async (req: Request, res: Response) => {
  const client = await pool.connect(); // ok: no-unreleased-client -- released in finally, the SET runs inside the try
  try {
    await client.query('SET statement_timeout = 30000');
    const { rows } = await client.query('SELECT sku, sum(quantity) FROM order_items WHERE order_id = ANY($1) GROUP BY sku', [req.body.orderIds]);
    res.json(rows);
  } finally {
    client.release();
  }
});

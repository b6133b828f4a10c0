import { Router, type Request, type Response } from 'express';
import type { PoolClient } from 'pg';
import { pool } from '../db';

export const adminRouter = Router();

interface AdminRequest extends Request {
  user?: { id: number; role: 'admin' | 'support' };
}

adminRouter.get('/admin/locks', async (_req: Request, res: Response) => {
  const client = await pool.connect(); // expect: no-unreleased-client
  const { rows } = await client.query('SELECT pid, mode, relation::regclass AS rel FROM pg_locks WHERE NOT granted');
  client.release();
  res.json(rows);
});

adminRouter.get('/admin/activity', async (req: AdminRequest, res: Response) => {
  const client = await pool.connect(); // expect: no-unreleased-client
  if (req.user?.role !== 'admin') {
    return res.sendStatus(403);
  }
  try {
    const { rows } = await client.query("SELECT pid, state, query_start FROM pg_stat_activity WHERE state <> 'idle'");
    res.json(rows);
  } finally {
    client.release();
  }
});

adminRouter.get('/admin/activity-checked', async (req: AdminRequest, res: Response) => {
  if (req.user?.role !== 'admin') {
    return res.sendStatus(403);
  }
  const client = await pool.connect(); // ok: no-unreleased-client -- the permission check happens before the checkout
  try {
    const { rows } = await client.query("SELECT pid, state, query_start FROM pg_stat_activity WHERE state <> 'idle'");
    res.json(rows);
  } finally {
    client.release();
  }
});

adminRouter.post('/admin/impersonate/:userId', async (req: AdminRequest, res: Response) => {
  const client = await pool.connect(); // expect: no-unreleased-client
  let committed = false;
  try {
    await client.query('BEGIN');
    await client.query("SELECT set_config('app.user_id', $1, true)", [req.params.userId]);
    const { rows } = await client.query('SELECT id, email FROM users WHERE id = $1', [req.params.userId]);
    await client.query('COMMIT');
    committed = true;
    res.json(rows[0]);
  } finally {
    if (committed) client.release();
  }
});

adminRouter.post('/admin/run-as-readonly', async (req: Request, res: Response) => {
  const client = await pool.connect(); // expect: no-unreleased-client
  try {
    await client.query('SET default_transaction_read_only = on');
    const { rows } = await client.query('SELECT count(*) FROM orders WHERE status = $1', [req.body.status]);
    res.json(rows[0]);
  } finally {
    await client.query('RESET ALL');
    client.release();
  }
});

adminRouter.post('/admin/run-as-readonly-safe', async (req: Request, res: Response) => {
  const client = await pool.connect(); // ok: no-unreleased-client -- the reset is best-effort, the release always runs
  try {
    await client.query('SET default_transaction_read_only = on');
    const { rows } = await client.query('SELECT count(*) FROM orders WHERE status = $1', [req.body.status]);
    res.json(rows[0]);
  } finally {
    try {
      await client.query('RESET ALL');
    } finally {
      client.release();
    }
  }
});

adminRouter.get('/admin/bloat', async (_req: Request, res: Response) => {
  const client = await pool.connect(); // expect: no-unreleased-client
  try {
    const { rows } = await client.query('SELECT relname, n_dead_tup FROM pg_stat_user_tables ORDER BY n_dead_tup DESC LIMIT 20');
    client.release();
    res.json(rows);
  } catch (err) {
    console.error('bloat query failed', err);
    res.sendStatus(500);
  }
});

adminRouter.get('/admin/settings/:name', async (req: Request, res: Response) => {
  const client = await pool.connect(); // expect: no-unreleased-client
  return client
    .query('SELECT name, setting, unit FROM pg_settings WHERE name = $1', [req.params.name])
    .then((result) => {
      client.release();
      res.json(result.rows[0] ?? null);
    });
});

adminRouter.get('/admin/settings', async (_req: Request, res: Response) => {
  const client = await pool.connect(); // ok: no-unreleased-client -- released in .finally()
  await client
    .query('SELECT name, setting FROM pg_settings ORDER BY name')
    .then((result) => res.json(result.rows))
    .finally(() => client.release());
});

adminRouter.post('/admin/kill/:pid', async (req: AdminRequest, res: Response) => {
  const client = await pool.connect(); // expect: no-unreleased-client
  try {
    const pid = Number(req.params.pid);
    if (!Number.isInteger(pid)) throw new Error('pid must be an integer');
    await client.query('SELECT pg_terminate_backend($1)', [pid]);
    client.release();
    res.sendStatus(204);
  } catch (err) {
    res.status(400).json({ error: String(err) });
  }
});

async function explain(client: PoolClient, sql: string): Promise<unknown> {
  const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${sql}`); // expect: no-sql-concatenation
  return rows[0];
}

adminRouter.post('/admin/explain', async (req: Request, res: Response) => {
  const client = await pool.connect(); // ok: no-unreleased-client -- released in finally
  try {
    res.json(await explain(client, req.body.sql));
  } finally {
    client.release();
  }
});

adminRouter.get('/admin/table-stats/:kind', async (req: Request, res: Response) => {
  const client = await pool.connect(); // expect: no-unreleased-client
  switch (req.params.kind) {
    case 'size': {
      const { rows } = await client.query('SELECT relname, pg_total_relation_size(relid) FROM pg_stat_user_tables');
      client.release();
      return res.json(rows);
    }
    case 'scans': {
      const { rows } = await client.query('SELECT relname, seq_scan, idx_scan FROM pg_stat_user_tables');
      client.release();
      return res.json(rows);
    }
    default:
      return res.sendStatus(404);
  }
});

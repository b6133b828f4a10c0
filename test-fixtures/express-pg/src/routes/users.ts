import { Router, type Request, type Response, type NextFunction } from 'express';
import { pool } from '../db';
import { findOrdersByCustomer, findOrdersByCustomers, type Order } from '../repositories/order-repository';
import { userRepository } from '../repositories/user-repository';
import { getCustomerSummary } from '../services/order-service';

export const usersRouter = Router();

const SORTABLE_COLUMNS = ['name', 'email', 'created_at'] as const;

usersRouter.get('/users', async (req: Request, res: Response) => {
  const requested = String(req.query.sort ?? '');
  const sort = (SORTABLE_COLUMNS as readonly string[]).includes(requested) ? requested : 'created_at';
  const limit = Math.min(Math.max(Number(req.query.limit) || 20, 1), 100);
  const { rows } = await pool.query(`SELECT id, name, email FROM users ORDER BY ${sort} LIMIT ${limit}`); // ok: no-sql-concatenation -- sort from a constant whitelist, limit forced to a number and clamped
  res.json(rows);
});

usersRouter.get('/users/search', async (req: Request, res: Response) => {
  const users = await userRepository.search(String(req.query.q ?? ''), Number(req.query.limit ?? 20));
  res.json(users);
});

usersRouter.get('/users/:id', async (req: Request, res: Response) => {
  const { rows } = await pool.query('SELECT id, name, email FROM users WHERE id = ' + req.params.id); // expect: no-sql-concatenation
  if (rows.length === 0) return res.sendStatus(404);
  res.json(rows[0]);
});

usersRouter.get('/users/:id/summary', async (req: Request, res: Response) => {
  const summary = await getCustomerSummary(Number(req.params.id));
  res.json(summary);
});

// N+1 across files: one query for the team, then one per member through the repository module.
usersRouter.get('/teams/:teamId/members-with-orders', async (req: Request, res: Response) => {
  const members = await userRepository.findByTeam(Number(req.params.teamId));
  const result: Array<{ id: number; name: string; orders: Order[] }> = [];
  for (const member of members) {
    const orders = await findOrdersByCustomer(member.id); // expect: no-query-in-loop
    result.push({ id: member.id, name: member.name, orders });
  }
  res.json(result);
});

// Same endpoint, batched: one query for all members' orders, grouped in memory.
usersRouter.get('/v2/teams/:teamId/members-with-orders', async (req: Request, res: Response) => {
  const members = await userRepository.findByTeam(Number(req.params.teamId));
  const orders = await findOrdersByCustomers(members.map((m) => m.id)); // ok: no-query-in-loop -- one batched query, map only collects ids
  const byCustomer = new Map<number, Order[]>();
  for (const order of orders) {
    const list = byCustomer.get(order.customerId) ?? []; // ok: no-query-in-loop -- Map lookup, not a query
    list.push(order);
    byCustomer.set(order.customerId, list);
  }
  res.json(members.map((m) => ({ ...m, orders: byCustomer.get(m.id) ?? [] })));
});

usersRouter.post('/users/lookup', async (req: Request, res: Response) => {
  const ids: number[] = req.body.ids;
  const users = await Promise.all(ids.map((id) => userRepository.findById(id))); // expect: no-query-in-loop
  res.json(users.filter(Boolean));
});

usersRouter.post('/users/lookup-batched', async (req: Request, res: Response) => {
  const ids: number[] = req.body.ids;
  res.json(await userRepository.findByIds(ids)); // ok: no-query-in-loop -- = ANY($1) in the repository
});

usersRouter.post('/users/deactivate', async (req: Request, res: Response, next: NextFunction) => {
  try {
    const ids: number[] = req.body.ids;
    ids.forEach(async (id) => {
      await pool.query('UPDATE users SET active = false WHERE id = $1', [id]); // expect: no-query-in-loop
    });
    res.sendStatus(202);
  } catch (err) {
    next(err);
  }
});

usersRouter.post('/users/deactivate-batched', async (req: Request, res: Response) => {
  const ids: number[] = req.body.ids;
  await pool.query('UPDATE users SET active = false WHERE id = ANY($1::int[])', [ids]); // ok: no-sql-concatenation -- array bound as $1
  res.sendStatus(204);
});

usersRouter.delete('/users', async (req: Request, res: Response) => {
  const ids: string[] = req.body.ids;
  await pool.query(`DELETE FROM users WHERE id IN (${ids.join(', ')})`); // expect: no-sql-concatenation
  res.sendStatus(204);
});

usersRouter.patch('/users/:id/settings', async (req: Request, res: Response) => {
  const settings: Record<string, string> = req.body;
  for (const key in settings) {
    await pool.query( // expect: no-query-in-loop
      'INSERT INTO user_settings (user_id, key, value) VALUES ($1, $2, $3) ON CONFLICT (user_id, key) DO UPDATE SET value = EXCLUDED.value', // ok: no-sql-concatenation -- placeholders
      [req.params.id, key, settings[key]],
    );
  }
  res.sendStatus(204);
});

usersRouter.patch('/v2/users/:id/settings', async (req: Request, res: Response) => {
  const settings: Record<string, string> = req.body;
  await pool.query(
    `INSERT INTO user_settings (user_id, key, value)
     SELECT $1, k, v FROM unnest($2::text[], $3::text[]) AS t(k, v)
     ON CONFLICT (user_id, key) DO UPDATE SET value = EXCLUDED.value`,
    [req.params.id, Object.keys(settings), Object.values(settings)],
  );
  res.sendStatus(204);
});

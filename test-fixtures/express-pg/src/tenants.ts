import { Router } from 'express';
import pg from 'pg';

let pool: pg.Pool | undefined;

/** The pool, made on first use: its connection check runs once, not on every call. */
export async function getPool(): Promise<pg.Pool> {
  if (pool) return pool;
  pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
  await pool.query('SELECT 1');
  return pool;
}

/** Builds a tenant's router: its handler queries on each request; building it queries nothing. */
export function createTenantRouter(tenant: string): Router {
  const router = Router();
  router.get('/users', async (_req, res) => {
    const db = await getPool();
    const { rows } = await db.query('SELECT id, name FROM users WHERE tenant = $1', [tenant]);
    res.json(rows);
  });
  return router;
}

/** Runs `work` with a client of its own and releases it. */
export async function withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await (await getPool()).connect();
  try {
    return await work(client);
  } finally {
    client.release();
  }
}

export function mountTenants(app: { use(path: string, router: Router): void }, tenants: string[]): void {
  for (const tenant of tenants) {
    app.use(`/${tenant}`, createTenantRouter(tenant)); // ok: no-query-in-loop -- the factory only registers a handler
  }
}

export async function tenantPoolSizes(tenants: string[]): Promise<number[]> {
  const sizes: number[] = [];
  for (const tenant of tenants) {
    const db = await getPool(); // ok: no-query-in-loop -- the pool is made and checked on the first call only
    sizes.push(tenant.length + db.totalCount);
  }
  return sizes;
}

export async function userCounts(tenants: string[]): Promise<number[]> {
  const counts: number[] = [];
  for (const tenant of tenants) {
    counts.push(await withClient(async (client: pg.PoolClient) => { // expect: no-query-in-loop
      const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM users WHERE tenant = $1', [tenant]);
      return Number(rows[0]?.n ?? 0);
    }));
  }
  return counts;
}

export async function tenantNames(ids: number[]): Promise<string[]> {
  const names: string[] = [];
  for (const id of ids) {
    // `client` has no annotation: withClient's signature says it is a PoolClient.
    names.push(await withClient(async (client) => { // expect: no-query-in-loop
      const { rows } = await client.query<{ name: string }>('SELECT name FROM tenants WHERE id = $1', [id]);
      return rows[0]?.name ?? '';
    }));
  }
  return names;
}

export async function deactivateInChunks(chunks: number[][]): Promise<void> {
  const db = await getPool();
  for (const chunk of chunks) {
    await db.query('UPDATE users SET active = false WHERE id = ANY($1)', [chunk]); // ok: no-query-in-loop -- each turn handles a chunk of ids
  }
}

/** Not a lazy initialiser: this `pool` is a local (it hides the module's), made and checked on every call. */
async function freshPool(): Promise<pg.Pool> {
  let pool: pg.Pool | undefined;
  if (pool) return pool;
  pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
  await pool.query('SELECT 1');
  return pool;
}

export async function freshPoolSizes(tenants: string[]): Promise<number[]> {
  const sizes: number[] = [];
  for (const tenant of tenants) {
    const db = await freshPool(); // expect: no-query-in-loop
    sizes.push(tenant.length + db.totalCount);
  }
  return sizes;
}

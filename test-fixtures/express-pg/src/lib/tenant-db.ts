import * as pg from 'pg';

/* Per-tenant access for the admin console: each tenant lives in its own schema. */
const adminPool = new pg.Pool({ connectionString: process.env.ADMIN_DATABASE_URL, max: 4 });

export async function tenantUserCount(tenant: string): Promise<number> {
  const client: pg.PoolClient = await adminPool.connect(); // ok: no-unreleased-client -- released in finally
  try {
    await client.query(`SET search_path TO ${client.escapeIdentifier(tenant)}`); // ok: no-sql-concatenation -- escapeIdentifier
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
    return rows[0].n;
  } finally {
    client.release();
  }
}

export async function tenantOrders(tenant: string, status: string): Promise<unknown[]> {
  const client = await adminPool.connect(); // expect: no-unreleased-client
  await client.query(`SET search_path TO ${tenant}`); // expect: no-sql-concatenation
  const { rows } = await client.query('SELECT id, total_cents FROM orders WHERE status = $1', [status]);
  client.release();
  return rows;
}

export async function pingReplica(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 }); // expect: no-unreleased-client
  await client.connect();
  const { rows } = await client.query<{ lag: number }>('SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp())::int AS lag');
  return rows[0].lag;
}

export async function tenantSizes(tenants: string[]): Promise<Record<string, number>> {
  const sizes: Record<string, number> = {};
  for (const tenant of tenants) {
    const { rows } = await adminPool.query<{ bytes: number }>( // expect: no-query-in-loop
      'SELECT sum(pg_total_relation_size(c.oid))::bigint AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1',
      [tenant],
    );
    sizes[tenant] = Number(rows[0].bytes);
  }
  return sizes;
}

import { Pool, type PoolClient, type QueryResultRow } from 'pg';

export const pool = new Pool({
  connectionString: process.env.DATABASE_URL ?? 'postgres://localhost/shop',
  max: 10,
  idleTimeoutMillis: 30_000,
  connectionTimeoutMillis: 5_000,
});

/** Runs one statement on the pool. `text` must be constant SQL: pass values in `params`. */
export async function query<R extends QueryResultRow = QueryResultRow>(text: string, params: unknown[] = []): Promise<R[]> {
  const { rows } = await pool.query<R>(text, params); // ok: no-sql-concatenation -- forwards its parameter; callers are checked instead
  return rows;
}

/** Runs `work` in a transaction on one client and always returns the client to the pool. */
export async function withTransaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect(); // ok: no-unreleased-client -- released in finally
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

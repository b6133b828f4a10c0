import type { Pool, PoolClient } from 'pg';

/**
 * Runs `fn` inside BEGIN/COMMIT on a dedicated client, rolls back on error,
 * and always returns the client to the pool.
 */
export async function withTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect(); // ok: no-unreleased-client -- released in finally, BEGIN is inside the try
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

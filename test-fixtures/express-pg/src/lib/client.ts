import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` with a client checked out of `pool` and always gives it back,
 * whatever `work` does (returns, throws, rejects).
 */
export async function withClient<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect(); // ok: no-unreleased-client -- released in finally
  try {
    return await work(client);
  } finally {
    client.release();
  }
}

/** Hands a fresh client to the caller, who owns it from now on. */
export async function checkout(pool: Pool): Promise<PoolClient> {
  const client = await pool.connect(); // ok: no-unreleased-client -- returned to the caller
  client.on('error', (err) => console.error('pooled client error', err));
  return client;
}

export interface Lease {
  client: PoolClient;
  release(): void;
}

/** A lease object: whoever receives it calls release(). */
export async function lease(pool: Pool): Promise<Lease> {
  const client = await pool.connect(); // ok: no-unreleased-client -- stored in the returned lease, which releases it
  let released = false;
  return {
    client,
    release() {
      if (!released) {
        released = true;
        client.release();
      }
    },
  };
}

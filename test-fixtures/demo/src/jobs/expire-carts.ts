import { pool } from '../db';

/**
 * Nightly job: marks carts idle for more than a week as expired and logs how many items were dropped.
 * Run with `npm run expire-carts`.
 */
export async function expireCarts(): Promise<number> {
  const client = await pool.connect(); // expect: no-unreleased-client
  const { rows: carts } = await client.query<{ id: number }>(
    "SELECT id FROM carts WHERE NOT expired AND updated_at < now() - interval '7 days'",
  );
  for (const cart of carts) {
    await client.query('UPDATE carts SET expired = true WHERE id = $1', [cart.id]); // expect: no-query-in-loop
  }
  client.release();
  return carts.length;
}

/** The same job, batched and leak-free. */
export async function expireCartsBatched(): Promise<number> {
  const { rowCount } = await pool.query( // ok: no-unreleased-client -- pool.query releases by itself
    "UPDATE carts SET expired = true WHERE NOT expired AND updated_at < now() - interval '7 days'",
  );
  return rowCount ?? 0;
}

export async function purgeExpiredCarts(olderThanDays: number): Promise<void> {
  await pool.query(`DELETE FROM carts WHERE expired AND updated_at < now() - interval '${olderThanDays} days'`); // expect: no-sql-concatenation
}

if (require.main === module) {
  expireCartsBatched()
    .then((n) => console.log(`expired ${n} carts`))
    .finally(() => pool.end());
}

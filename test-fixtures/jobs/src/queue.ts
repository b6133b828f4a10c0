import type { PoolClient } from 'pg';
import { pool } from './db.js';

export interface Job {
  id: number;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
}

/** Claims the oldest ready job, or returns null when the queue is empty. */
export async function claimNext(): Promise<Job | null> {
  const { rows } = await pool.query<Job>(
    `UPDATE jobs SET state = 'running', locked_at = now(), attempts = attempts + 1
      WHERE id = (SELECT id FROM jobs WHERE state = 'queued' AND run_at <= now() ORDER BY run_at FOR UPDATE SKIP LOCKED LIMIT 1)
      RETURNING id, kind, payload, attempts`,
  );
  return rows[0] ?? null;
}

export async function complete(id: number): Promise<void> {
  await pool.query("UPDATE jobs SET state = 'done', locked_at = NULL WHERE id = $1", [id]);
}

export async function fail(id: number, error: string, retryInSeconds: number): Promise<void> {
  await pool.query(
    "UPDATE jobs SET state = 'queued', locked_at = NULL, run_at = now() + make_interval(secs => $2), last_error = $3 WHERE id = $1",
    [id, retryInSeconds, error],
  );
}

export async function enqueueMany(kind: string, payloads: Record<string, unknown>[]): Promise<void> {
  const values: unknown[] = [];
  const tuples: string[] = [];
  for (const payload of payloads) {
    values.push(kind, JSON.stringify(payload));
    tuples.push(`($${values.length - 1}, $${values.length}::jsonb)`); // ok: no-query-in-loop -- builds placeholders, the insert runs once below
  }
  if (tuples.length === 0) return;
  await pool.query(`INSERT INTO jobs (kind, payload) VALUES ${tuples.join(', ')}`, values); // ok: no-sql-concatenation -- multi-row VALUES of generated placeholders
}

/** Takes a session-level advisory lock; the caller keeps the client until unlock(). */
export async function lockSingleton(name: string): Promise<PoolClient | null> {
  const client = await pool.connect(); // expect: no-unreleased-client
  const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [name]);
  if (!rows[0].locked) {
    client.release();
    return null;
  }
  return client;
}

export async function unlockSingleton(client: PoolClient, name: string): Promise<void> {
  try {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
  } finally {
    client.release();
  }
}

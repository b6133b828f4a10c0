import type { PoolClient } from 'pg';
import { pool, sleep } from './db.js';

interface Task {
  id: number;
  kind: string;
}

async function claimWith(client: PoolClient): Promise<Task | null> {
  const { rows } = await client.query<Task>(
    "UPDATE tasks SET state = 'running' WHERE id = (SELECT id FROM tasks WHERE state = 'ready' ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1) RETURNING id, kind",
  );
  return rows[0] ?? null;
}

/** A worker that keeps its task's transaction open while it works (so the row lock holds). */
export async function runTransactionalWorker(signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    const client = await pool.connect(); // expect: no-unreleased-client
    await client.query('BEGIN');
    const task = await claimWith(client); // ok: no-query-in-loop -- worker loop claims one task per turn
    if (!task) {
      await client.query('ROLLBACK');
      await sleep(500);
      continue;
    }
    await client.query("UPDATE tasks SET state = 'done' WHERE id = $1", [task.id]); // ok: no-query-in-loop -- one task per turn of the worker loop
    await client.query('COMMIT');
    client.release();
  }
}

/** The same worker written defensively. */
export async function runTransactionalWorkerSafely(signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    const client = await pool.connect(); // ok: no-unreleased-client -- released in finally on every turn
    let idle = false;
    try {
      await client.query('BEGIN');
      const task = await claimWith(client); // ok: no-query-in-loop -- worker loop claims one task per turn
      if (task) {
        await client.query("UPDATE tasks SET state = 'done' WHERE id = $1", [task.id]); // ok: no-query-in-loop -- one task per turn of the worker loop
      } else {
        idle = true;
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      console.error('task failed', err);
    } finally {
      client.release();
    }
    if (idle) await sleep(500); // ok: no-query-in-loop -- not a database call
  }
}

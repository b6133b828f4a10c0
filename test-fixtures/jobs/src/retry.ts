import type { QueryResult, QueryResultRow } from 'pg';
import { pool, sleep } from './db.js';

const TRANSIENT = new Set(['40001', '40P01', '57P01', '08006']);

function isTransient(err: unknown): boolean {
  return typeof err === 'object' && err !== null && TRANSIENT.has(String((err as { code?: string }).code));
}

/** Runs one statement, retrying serialization failures and dropped connections a few times. */
export async function queryWithRetry<R extends QueryResultRow>(text: string, values: unknown[] = [], attempts = 3): Promise<QueryResult<R>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await pool.query<R>(text, values); // ok: no-query-in-loop -- bounded retry of one query
    } catch (err) {
      if (attempt >= attempts || !isTransient(err)) throw err;
      await sleep(100 * 2 ** attempt); // ok: no-query-in-loop -- not a database call
    }
  }
}

export async function bumpCounter(name: string): Promise<void> {
  let done = false;
  for (let attempt = 0; attempt < 5 && !done; attempt++) {
    try {
      await pool.query('UPDATE counters SET value = value + 1 WHERE name = $1', [name]); // ok: no-query-in-loop -- bounded retry: the loop stops after the first success
      done = true;
    } catch (err) {
      if (!isTransient(err)) throw err;
    }
  }
}

export async function bumpCounters(names: string[]): Promise<void> {
  for (const name of names) {
    await queryWithRetry('UPDATE counters SET value = value + 1 WHERE name = $1', [name]); // expect: no-query-in-loop
  }
}

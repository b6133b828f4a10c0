import { pool, sleep } from './db.js';

const MAINTENANCE = [
  'VACUUM (ANALYZE) jobs',
  'REINDEX INDEX CONCURRENTLY jobs_ready_idx',
  'ANALYZE sessions',
] as const;

/** Deletes finished jobs in batches so no single statement holds locks for long. */
export async function purgeFinishedJobs(olderThanDays: number): Promise<number> {
  let total = 0;
  let result;
  do {
    result = await pool.query( // ok: no-query-in-loop -- batch-drain: repeats while the previous batch deleted rows
      "DELETE FROM jobs WHERE id IN (SELECT id FROM jobs WHERE state = 'done' AND locked_at < now() - make_interval(days => $1) LIMIT 1000)",
      [olderThanDays],
    );
    total += result.rowCount ?? 0;
    await sleep(50); // ok: no-query-in-loop -- not a database call
  } while ((result.rowCount ?? 0) > 0);
  return total;
}

export async function purgeExpiredSessions(): Promise<void> {
  while (true) {
    const { rowCount } = await pool.query('DELETE FROM sessions WHERE ctid = ANY(ARRAY(SELECT ctid FROM sessions WHERE expires_at < now() LIMIT 5000))'); // ok: no-query-in-loop -- batch-drain until nothing is left
    if (!rowCount) break;
  }
}

/** Same drain, but on a dedicated client per batch so each DELETE can carry its own lock_timeout. */
export async function purgeOrphanedAttachments(): Promise<void> {
  while (true) {
    const client = await pool.connect(); // expect: no-unreleased-client
    await client.query("SET lock_timeout = '2s'");
    const { rowCount } = await client.query( // ok: no-query-in-loop -- batch-drain, stops when a batch deletes nothing
      'DELETE FROM attachments WHERE id IN (SELECT a.id FROM attachments a LEFT JOIN messages m ON m.id = a.message_id WHERE m.id IS NULL LIMIT 500)',
    );
    if (!rowCount) break;
    client.release();
  }
}

const AUDIT_BATCHES = Array.from({ length: 10 });

/** At most ten batches per run: the loop never reads its element, it repeats the DELETE. */
export async function purgeOldAuditLog(): Promise<void> {
  for (const _ of AUDIT_BATCHES) {
    const { rowCount } = await pool.query("DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE created_at < now() - interval '90 days' LIMIT 1000)"); // ok: no-query-in-loop -- repetition: the element is never read
    if (!rowCount) return;
  }
}

/** The same loop shape, but each turn reads its element: one query per id (N+1). */
export async function touchAuditEntries(ids: number[]): Promise<void> {
  for (const id of ids) {
    await pool.query('UPDATE audit_log SET seen = true WHERE id = $1', [id]); // expect: no-query-in-loop
  }
}

export async function runMaintenance(): Promise<void> {
  for (const statement of MAINTENANCE) {
    await pool.query(statement); // ok: no-query-in-loop -- loop over a literal list of constant statements
  }
}

export async function analyzeTables(): Promise<void> {
  for (const table of ['jobs', 'sessions', 'audit_log']) {
    await pool.query(`ANALYZE ${table}`); // ok: no-sql-concatenation -- table name from a literal constant list
  }
}

export async function purgeTable(table: string, column: string, days: number): Promise<void> {
  await pool.query(`DELETE FROM ${table} WHERE ${column} < now() - interval '${days} days'`); // expect: no-sql-concatenation
}

export async function expireStaleLocks(kinds: string[]): Promise<void> {
  for (const kind of kinds) {
    await pool.query("UPDATE jobs SET state = 'queued', locked_at = NULL WHERE kind = $1 AND state = 'running' AND locked_at < now() - interval '15 minutes'", [kind]); // expect: no-query-in-loop
  }
}

import { sql } from '../db/postgres.js';

interface EventRow {
  id: number;
  kind: string;
  actorId: number;
  payload: unknown;
}

export async function eventsForActor(actorId: number, limit: number) {
  return sql<EventRow[]>`SELECT id, kind, actor_id AS "actorId", payload FROM events WHERE actor_id = ${actorId} ORDER BY id DESC LIMIT ${limit}`; // ok: no-sql-concatenation -- postgres.js tag binds every interpolation
}

export async function eventsInTable(table: string, kind: string) {
  return sql`SELECT id, kind FROM ${sql(table)} WHERE kind = ${kind}`; // ok: no-sql-concatenation -- sql(identifier) escapes the table name
}

export async function eventsByKindUnsafe(kind: string) {
  return sql.unsafe("SELECT id, kind FROM events WHERE kind = '" + kind + "'"); // expect: no-sql-concatenation
}

export async function eventsByKindUnsafeBound(kind: string) {
  return sql.unsafe('SELECT id, kind FROM events WHERE kind = $1', [kind]); // ok: no-sql-concatenation -- sql.unsafe with a parameter array
}

export async function eventsSince(interval: string) {
  return sql.unsafe(`SELECT id FROM events WHERE created_at > now() - interval '${interval}'`); // expect: no-sql-concatenation
}

export async function lastEventPerActor(actorIds: number[]) {
  const out: EventRow[] = [];
  for (const actorId of actorIds) {
    const [row] = await sql<EventRow[]>`SELECT id, kind, actor_id AS "actorId", payload FROM events WHERE actor_id = ${actorId} ORDER BY id DESC LIMIT 1`; // expect: no-query-in-loop
    if (row) out.push(row);
  }
  return out;
}

export async function lastEventPerActorBatched(actorIds: number[]) {
  return sql<EventRow[]>`SELECT DISTINCT ON (actor_id) id, kind, actor_id AS "actorId", payload FROM events WHERE actor_id = ANY(${actorIds}) ORDER BY actor_id, id DESC`; // ok: no-query-in-loop -- one query for every actor
}

export async function exportEvents(write: (line: string) => void): Promise<void> {
  for await (const rows of sql`SELECT id, kind, payload FROM events ORDER BY id`.cursor(1000)) { // ok: no-query-in-loop -- one query, rows read in chunks
    for (const r of rows) write(JSON.stringify(r));
  }
}

export async function exportEventsWithActors(write: (line: string) => void): Promise<void> {
  for await (const rows of sql`SELECT id, actor_id FROM events ORDER BY id`.cursor(1000)) {
    for (const r of rows) {
      const [actor] = await sql`SELECT name FROM actors WHERE id = ${r.actor_id}`; // expect: no-query-in-loop
      write(JSON.stringify({ ...r, actor: actor?.name }));
    }
  }
}

export async function tagEvents(ids: number[], tag: string): Promise<void> {
  await sql.begin(async (tx) => { // ok: no-unreleased-client -- sql.begin releases after the callback
    await tx`UPDATE events SET tags = array_append(tags, ${tag}) WHERE id = ANY(${ids})`;
    await tx`INSERT INTO event_tags_log (tag, count) VALUES (${tag}, ${ids.length})`;
  });
}

export async function tagEventsOneByOne(ids: number[], tag: string): Promise<void> {
  await sql.begin(async (tx) => {
    for (const id of ids) {
      await tx`UPDATE events SET tags = array_append(tags, ${tag}) WHERE id = ${id}`; // expect: no-query-in-loop
    }
  });
}

export async function withAdvisoryLock(key: number, work: () => Promise<void>): Promise<void> {
  const reserved = await sql.reserve(); // ok: no-unreleased-client -- released in finally
  try {
    await reserved`SELECT pg_advisory_lock(${key})`;
    await work();
    await reserved`SELECT pg_advisory_unlock(${key})`;
  } finally {
    reserved.release();
  }
}

export async function compactEvents(before: Date): Promise<number> {
  const reserved = await sql.reserve(); // expect: no-unreleased-client
  await reserved`SET statement_timeout = 0`;
  const result = await reserved`DELETE FROM events WHERE created_at < ${before}`;
  reserved.release();
  return result.count;
}

export async function purgeActor(actorId: number): Promise<boolean> {
  const reserved = await sql.reserve(); // expect: no-unreleased-client
  try {
    const [actor] = await reserved`SELECT id FROM actors WHERE id = ${actorId} FOR UPDATE`;
    if (!actor) return false;
    await reserved`DELETE FROM events WHERE actor_id = ${actorId}`;
    reserved.release();
    return true;
  } catch (err) {
    reserved.release();
    throw err;
  }
}

export async function statsFor(kinds: string[]) {
  return Promise.all(kinds.map((kind) => sql`SELECT count(*)::int AS n FROM events WHERE kind = ${kind}`)); // expect: no-query-in-loop
}

import pg from 'pg';
import { pool } from './db.js';

/* A long-lived connection dedicated to LISTEN: opened once when the module loads, kept for the process lifetime. */
const listener = new pg.Client({ connectionString: process.env.DATABASE_URL, application_name: 'jobs-listener' }); // ok: no-unreleased-client -- module-level long-lived connection
await listener.connect();
await listener.query('LISTEN jobs_ready');

export function onJobReady(handler: (jobId: number) => void): void {
  listener.on('notification', (msg) => {
    if (msg.channel === 'jobs_ready' && msg.payload) handler(Number(msg.payload));
  });
}

/** Opens a dedicated LISTEN connection for a channel; the caller ends it. */
export async function subscribe(channel: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL }); // ok: no-unreleased-client -- returned to the caller
  await client.connect();
  await client.query(`LISTEN ${client.escapeIdentifier(channel)}`); // ok: no-sql-concatenation -- escapeIdentifier
  return client;
}

export async function notify(channel: string, payload: string): Promise<void> {
  await pool.query('SELECT pg_notify($1, $2)', [channel, payload]); // ok: no-sql-concatenation -- pg_notify with parameters
}

export async function notifyLegacy(channel: string, payload: string): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL }); // expect: no-unreleased-client
  await client.connect();
  await client.query(`NOTIFY ${channel}, '${payload}'`); // expect: no-sql-concatenation
}

export async function notifyMany(channel: string, payloads: string[]): Promise<void> {
  const client = await pool.connect(); // expect: no-unreleased-client
  for (const payload of payloads) {
    await client.query('SELECT pg_notify($1, $2)', [channel, payload]); // expect: no-query-in-loop
  }
  client.release();
}

export async function notifyManyBatched(channel: string, payloads: string[]): Promise<void> {
  await pool.query('SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p', [channel, payloads]); // ok: no-query-in-loop -- one statement for every payload
}

export async function stopListening(): Promise<void> {
  await listener.end();
}

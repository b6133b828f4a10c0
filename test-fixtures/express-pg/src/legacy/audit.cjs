'use strict';

const { Pool, Client } = require('pg');

const pool = new Pool({ connectionString: process.env.AUDIT_DATABASE_URL });

async function recordEvents(events) {
  const client = await pool.connect(); // expect: no-unreleased-client
  for (const event of events) {
    await client.query('INSERT INTO audit_events (kind, payload) VALUES ($1, $2)', [event.kind, event.payload]); // expect: no-query-in-loop
  }
  client.release();
}

async function recordEventsBatched(events) {
  const client = await pool.connect(); // ok: no-unreleased-client -- released in finally
  try {
    await client.query(
      'INSERT INTO audit_events (kind, payload) SELECT * FROM unnest($1::text[], $2::jsonb[])', // ok: no-sql-concatenation -- arrays bound as parameters
      [events.map((e) => e.kind), events.map((e) => e.payload)],
    );
  } finally {
    client.release();
  }
}

async function purgeUser(userId) {
  await pool.query('DELETE FROM audit_events WHERE actor_id = ' + userId); // expect: no-sql-concatenation
}

async function purgeUserSafe(userId) {
  await pool.query('DELETE FROM audit_events WHERE actor_id = $1', [userId]); // ok: no-sql-concatenation -- placeholder
}

async function exportToArchive(archiveUrl, since) {
  const archive = new Client({ connectionString: archiveUrl }); // expect: no-unreleased-client
  await archive.connect();
  const { rows } = await pool.query('SELECT * FROM audit_events WHERE created_at >= $1', [since]);
  await archive.query('INSERT INTO audit_archive SELECT * FROM json_populate_recordset(NULL::audit_archive, $1)', [JSON.stringify(rows)]);
  await archive.end();
}

async function countArchive(archiveUrl) {
  const archive = new Client({ connectionString: archiveUrl }); // ok: no-unreleased-client -- ended in finally
  await archive.connect();
  try {
    const { rows } = await archive.query('SELECT count(*)::int AS n FROM audit_archive');
    return rows[0].n;
  } finally {
    await archive.end();
  }
}

async function tagUsers(userIds, tag) {
  for (const id of userIds) {
    await pool.query(`INSERT INTO user_tags (user_id, tag) VALUES (${id}, '${tag}') ON CONFLICT DO NOTHING`); // expect: no-query-in-loop, no-sql-concatenation
  }
}

module.exports = { tagUsers, recordEvents, recordEventsBatched, purgeUser, purgeUserSafe, exportToArchive, countArchive };

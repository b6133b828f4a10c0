import Cursor from 'pg-cursor';
import { pool } from './db.js';

interface Subscription {
  userId: number;
  topicId: number;
}

interface Article {
  id: number;
  topicId: number;
  title: string;
}

async function latestArticles(topicId: number, limit = 5): Promise<Article[]> {
  const { rows } = await pool.query<Article>(
    'SELECT id, topic_id AS "topicId", title FROM articles WHERE topic_id = $1 ORDER BY published_at DESC LIMIT $2',
    [topicId, limit],
  );
  return rows;
}

export async function sendDigest(userId: number): Promise<void> {
  const { rows: subs } = await pool.query<Subscription>('SELECT user_id AS "userId", topic_id AS "topicId" FROM subscriptions WHERE user_id = $1', [userId]);
  const sections = [];
  for (const sub of subs) {
    sections.push(await latestArticles(sub.topicId)); // expect: no-query-in-loop
  }
  await pool.query('INSERT INTO outbox (user_id, body) VALUES ($1, $2)', [userId, JSON.stringify(sections)]);
}

/** Same digest with one LATERAL query: the top five per topic in a single round trip. */
export async function sendDigestBatched(userId: number): Promise<void> {
  const { rows } = await pool.query<Article>(
    `SELECT a.id, a.topic_id AS "topicId", a.title
       FROM subscriptions s
       CROSS JOIN LATERAL (SELECT * FROM articles WHERE topic_id = s.topic_id ORDER BY published_at DESC LIMIT 5) a
      WHERE s.user_id = $1`,
    [userId],
  );
  await pool.query('INSERT INTO outbox (user_id, body) VALUES ($1, $2)', [userId, JSON.stringify(rows)]);
}

/** Nightly: walks every subscriber with a server-side cursor (one query, read in chunks). */
export async function queueNightlyDigests(): Promise<number> {
  const client = await pool.connect(); // ok: no-unreleased-client -- released in finally
  try {
    const cursor = client.query(new Cursor<{ user_id: number }>('SELECT DISTINCT user_id FROM subscriptions ORDER BY 1')); // ok: no-query-in-loop -- issued once, read in chunks below
    let queued = 0;
    let batch: { user_id: number }[];
    while ((batch = await cursor.read(500)).length > 0) {
      await pool.query( // ok: no-query-in-loop -- one multi-row insert per chunk of 500 rows read from the cursor
        "INSERT INTO jobs (kind, payload) SELECT 'digest', jsonb_build_object('userId', u) FROM unnest($1::int[]) AS u",
        [batch.map((r) => r.user_id)],
      );
      queued += batch.length;
    }
    await cursor.close();
    return queued;
  } finally {
    client.release();
  }
}

export async function pruneInactive(userIds: number[]): Promise<number[]> {
  const inactive = userIds.filter(async (id) => {
    const { rowCount } = await pool.query('SELECT 1 FROM sessions WHERE user_id = $1 AND last_seen_at > now() - interval \'90 days\'', [id]); // expect: no-query-in-loop
    return rowCount === 0;
  });
  return inactive;
}

export async function unsubscribeAll(pairs: Subscription[]): Promise<void> {
  const userIds: number[] = [];
  const topicIds: number[] = [];
  for (const p of pairs) {
    userIds.push(p.userId); // ok: no-query-in-loop -- collects parameters for the single DELETE below
    topicIds.push(p.topicId);
  }
  await pool.query('DELETE FROM subscriptions s USING unnest($1::int[], $2::int[]) AS t(u, tp) WHERE s.user_id = t.u AND s.topic_id = t.tp', [userIds, topicIds]);
}

export async function topicTitles(topicIds: number[], orderColumn: string): Promise<string[]> {
  const { rows } = await pool.query<{ title: string }>(
    'SELECT title FROM topics WHERE id = ANY($1) ORDER BY ' + orderColumn, // expect: no-sql-concatenation
    [topicIds],
  );
  return rows.map((r) => r.title);
}

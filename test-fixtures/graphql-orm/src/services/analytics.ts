import { pdb, pgp } from '../db/pgp.js';

interface PageView {
  path: string;
  userId: number | null;
  at: Date;
}

const viewColumns = new pgp.helpers.ColumnSet(['path', 'user_id', 'at'], { table: 'page_views' });

export async function viewsForPath(path: string): Promise<number> {
  const row = await pdb.one('SELECT count(*)::int AS n FROM page_views WHERE path = $1', [path]); // ok: no-sql-concatenation -- pg-promise $1 formatting escapes the value
  return row.n;
}

export async function viewsForPrefix(prefix: string): Promise<unknown[]> {
  return pdb.any("SELECT path, count(*) FROM page_views WHERE path LIKE '" + prefix + "%' GROUP BY 1"); // expect: no-sql-concatenation
}

export async function viewsSortedBy(column: string): Promise<unknown[]> {
  return pdb.any('SELECT path, user_id FROM page_views ORDER BY $1:name DESC LIMIT 100', [column]); // ok: no-sql-concatenation -- :name escapes an identifier
}

export async function viewsWhere(condition: string): Promise<unknown[]> {
  return pdb.any('SELECT path FROM page_views WHERE $1:raw', [condition]); // expect: no-sql-concatenation
}

export async function viewsWhereShort(condition: string): Promise<unknown[]> {
  return pdb.any('SELECT path FROM page_views WHERE ${cond^}', { cond: condition }); // expect: no-sql-concatenation
}

export async function viewsInWindow(window: 'day' | 'week'): Promise<unknown[]> {
  const interval = window === 'week' ? "interval '7 days'" : "interval '1 day'";
  return pdb.any('SELECT path, count(*) FROM page_views WHERE at > now() - $1:raw GROUP BY 1', [interval]); // ok: no-sql-concatenation -- :raw fed with a constant chosen by a ternary
}

export async function recordViews(views: PageView[]): Promise<void> {
  const rows = views.map((v) => ({ path: v.path, user_id: v.userId, at: v.at }));
  await pdb.none(pgp.helpers.insert(rows, viewColumns)); // ok: no-sql-concatenation -- pgp.helpers.insert escapes every value
}

export async function recordViewsSlowly(views: PageView[]): Promise<void> {
  for (const v of views) {
    await pdb.none('INSERT INTO page_views (path, user_id, at) VALUES ($1, $2, $3)', [v.path, v.userId, v.at]); // expect: no-query-in-loop
  }
}

export async function topPathsPerUser(userIds: number[]): Promise<unknown[][]> {
  return pdb.task((t) => Promise.all(userIds.map((id) => t.any('SELECT path FROM page_views WHERE user_id = $1 LIMIT 10', [id])))); // expect: no-query-in-loop
}

export async function topPathsPerUserBatched(userIds: number[]): Promise<unknown[]> {
  return pdb.any('SELECT user_id, path FROM page_views WHERE user_id IN ($1:csv)', [userIds]); // ok: no-query-in-loop -- :csv expands the list into one query
}

export async function vacuumViews(): Promise<void> {
  const conn = await pdb.connect(); // expect: no-unreleased-client
  await conn.none('VACUUM (ANALYZE) page_views');
  conn.done();
}

export async function vacuumViewsSafely(): Promise<void> {
  const conn = await pdb.connect(); // ok: no-unreleased-client -- done() in finally
  try {
    await conn.none('VACUUM (ANALYZE) page_views');
  } finally {
    conn.done();
  }
}

export async function refreshIfStale(maxAgeMinutes: number): Promise<boolean> {
  const conn = await pdb.connect(); // expect: no-unreleased-client
  const { age } = await conn.one('SELECT extract(epoch FROM now() - max(refreshed_at)) / 60 AS age FROM rollup_state');
  if (age < maxAgeMinutes) {
    return false;
  }
  await conn.none('REFRESH MATERIALIZED VIEW CONCURRENTLY daily_views');
  conn.done();
  return true;
}

export async function rollup(day: string): Promise<void> {
  await pdb.tx(async (t) => { // ok: no-unreleased-client -- pg-promise releases after the callback
    await t.none('DELETE FROM daily_views WHERE day = $1', [day]);
    await t.none('INSERT INTO daily_views SELECT $1::date, path, count(*) FROM page_views WHERE at::date = $1 GROUP BY path', [day]);
  });
}

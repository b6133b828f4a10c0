'use strict';

/*
 * Generic helpers written against "anything with a query method". Nothing here says where `db`
 * comes from, so the linter must not guess from the names `db` or `query`.
 */

async function saveAll(db, rows) {
  for (const row of rows) {
    await db.query('INSERT INTO imports (payload) VALUES ($1)', [row]); // ok: no-query-in-loop -- db has no known origin
  }
}

async function fetchMany(db, ids) {
  return Promise.all(ids.map((id) => db.query('SELECT * FROM items WHERE id = $1', [id]))); // ok: no-query-in-loop -- db has no known origin
}

async function withConnection(source, fn) {
  const conn = await source.connect(); // ok: no-unreleased-client -- source has no known origin
  return fn(conn);
}

async function filterBy(db, column, value) {
  return db.query('SELECT * FROM items WHERE ' + column + ' = $1', [value]); // ok: no-sql-concatenation -- db has no known origin
}

module.exports = { saveAll, fetchMany, withConnection, filterBy };

'use strict';

/* Pre-async/await handlers kept for the mobile v1 API. */
const { Pool } = require('pg');

const pool = new Pool({ connectionString: process.env.DATABASE_URL });

function getProfile(req, res, next) {
  pool.connect((err, client, release) => { // ok: no-unreleased-client -- release() runs on every path once a client exists
    if (err) {
      return next(err);
    }
    client.query('SELECT id, name FROM users WHERE id = $1', [req.params.id], (queryErr, result) => {
      release();
      if (queryErr) {
        return next(queryErr);
      }
      res.json(result.rows[0]);
    });
  });
}

function getPreferences(req, res, next) {
  pool.connect((err, client, done) => { // expect: no-unreleased-client
    if (err) return next(err);
    client.query('SELECT key, value FROM user_settings WHERE user_id = $1', [req.params.id], (queryErr, result) => {
      if (queryErr) return next(queryErr);
      done();
      res.json(result.rows);
    });
  });
}

function touchLastSeen(userId, callback) {
  pool.connect((err, client, done) => { // expect: no-unreleased-client
    if (err) return callback(err);
    client.query('UPDATE users SET last_seen_at = now() WHERE id = $1', [userId], callback);
  });
}

function deleteSession(req, res, next) {
  pool.connect((err, client, done) => { // ok: no-unreleased-client -- done() before each exit
    if (err) {
      done();
      return next(err);
    }
    client.query('DELETE FROM sessions WHERE token = $1', [req.params.token], (queryErr) => {
      done(queryErr);
      if (queryErr) return next(queryErr);
      res.sendStatus(204);
    });
  });
}

function searchByCity(req, res, next) {
  pool.query("SELECT id, name FROM users WHERE city = '" + req.query.city + "'", (err, result) => { // expect: no-sql-concatenation
    if (err) return next(err);
    res.json(result.rows);
  });
}

function loadTags(req, res, next) {
  const ids = req.body.ids;
  const out = [];
  let remaining = ids.length;
  ids.forEach((id) => {
    pool.query('SELECT tag FROM user_tags WHERE user_id = $1', [id], (err, result) => { // expect: no-query-in-loop
      if (err) return next(err);
      out.push({ id, tags: result.rows.map((r) => r.tag) });
      if (--remaining === 0) res.json(out);
    });
  });
}

module.exports = { getProfile, getPreferences, touchLastSeen, deleteSession, searchByCity, loadTags };

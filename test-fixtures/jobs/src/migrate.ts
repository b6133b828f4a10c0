import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import format from 'pg-format';
import { pool } from './db.js';

const MIGRATIONS_DIR = path.resolve(import.meta.dirname, '../migrations');

async function pendingFiles(client: pg.PoolClient): Promise<string[]> {
  await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
  const { rows } = await client.query<{ version: string }>('SELECT version FROM schema_migrations');
  const applied = new Set(rows.map((r) => r.version));
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).sort(); // ok: no-query-in-loop -- filter over file names
  return files.filter((f) => !applied.has(f));
}

/** Applies each pending migration file in its own transaction, in order. */
export async function migrate(): Promise<void> {
  const client = await pool.connect(); // ok: no-unreleased-client -- released in finally
  try {
    for (const file of await pendingFiles(client)) {
      const text = await readFile(path.join(MIGRATIONS_DIR, file), 'utf8'); // ok: no-query-in-loop -- reads a file
      await client.query('BEGIN'); // ok: no-query-in-loop -- migration runner over files
      await client.query(text); // ok: no-query-in-loop -- migration runner over files
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [file]); // ok: no-query-in-loop -- migration runner over files
      await client.query('COMMIT'); // ok: no-query-in-loop -- migration runner over files
    }
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

/** Applies one DDL file to every tenant schema. */
export async function migrateTenants(file: string): Promise<void> {
  const ddl = await readFile(path.join(MIGRATIONS_DIR, file), 'utf8');
  const client = await pool.connect(); // ok: no-unreleased-client -- released in finally
  try {
    const { rows } = await client.query<{ nspname: string }>("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant\\_%' ORDER BY 1");
    for (const { nspname } of rows) {
      await client.query(format('SET search_path TO %I', nspname)); // ok: no-query-in-loop -- migration runner over tenant schemas
      await client.query(ddl); // ok: no-query-in-loop -- migration runner over tenant schemas
    }
  } finally {
    // The session's search_path was changed: destroy the connection instead of recycling it.
    client.release(true);
  }
}

/** Creates the schema of each new tenant; the name is an identifier, never a value. */
export async function createTenantSchemas(tenants: string[]): Promise<void> {
  for (const tenant of tenants) {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${tenant}`); // expect: no-sql-concatenation
  }
}

/** Bootstraps an empty database with a direct connection (no pool yet). */
export async function bootstrap(adminUrl: string, dbName: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl }); // expect: no-unreleased-client
  await admin.connect();
  const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
  if (rowCount === 0) {
    await admin.query(format('CREATE DATABASE %I', dbName)); // ok: no-sql-concatenation -- %I escapes the identifier
  }
}

export async function dropDatabase(adminUrl: string, dbName: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl }); // ok: no-unreleased-client -- ended in finally
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(dbName)} WITH (FORCE)`); // ok: no-sql-concatenation -- escapeIdentifier
  } finally {
    await admin.end();
  }
}

/**
 * Builds the schema the migrations produce: their up SQL is applied, statement by statement, in an in-process
 * PGlite (real Postgres compiled to WebAssembly; nothing is executed outside it, no real database is touched).
 * A failing statement is reported at its position with Postgres's message and the rest goes on.
 * The result is cached under <root>/node_modules/.cache/pglint/ keyed by pglint's version and the migrations' content.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { Migration, MigrationError, MigrationSet, MigrationStatement, Schema, SchemaBuild, SchemaRelation } from './types';
import { PGLINT_VERSION, sha256 } from './util';

export interface BuildOptions {
  /** Cache folder; false disables the cache. Default: <root>/node_modules/.cache/pglint (or the OS temp folder). */
  cacheDir?: string | false;
  /** A PGlite instance to reuse (its user schemas are dropped first). */
  pglite?: PGlite;
  /** Keep and return the database holding the migrated schema (for Postgres-checked queries). Disables the cache shortcut. */
  keepDatabase?: boolean;
}

export interface BuildResult extends SchemaBuild {
  /** The database holding the migrated schema, when `keepDatabase` was set. */
  db?: PGlite;
}

const TX_CONTROL = /^\s*(BEGIN|COMMIT|END|ROLLBACK|START\s+TRANSACTION|ABORT)\b\s*(TRANSACTION|WORK)?\s*;?\s*$/i;

export function migrationsKey(set: MigrationSet): string {
  return sha256([PGLINT_VERSION, ...set.migrations.flatMap((m) => [path.relative(set.root, m.file), m.tool, m.text])]);
}

export function defaultCacheDir(root: string): string {
  const nm = path.join(root, 'node_modules');
  if (fs.existsSync(nm)) return path.join(nm, '.cache', 'pglint');
  return path.join(os.tmpdir(), 'pglint-cache', sha256([path.resolve(root)]).slice(0, 16));
}

let pgliteModule: Promise<typeof import('@electric-sql/pglite')> | undefined;
/** Starts a PGlite instance (in memory). */
export async function startPglite(): Promise<{ db: PGlite; ms: number }> {
  const t0 = Date.now();
  pgliteModule ??= import('@electric-sql/pglite');
  const { PGlite } = await pgliteModule;
  const db = await PGlite.create();
  return { db, ms: Date.now() - t0 };
}

async function resetDatabase(db: PGlite): Promise<void> {
  const r = await db.query<{ nspname: string }>(
    `SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog','information_schema','pg_toast') AND nspname NOT LIKE 'pg\\_%'`,
  );
  for (const { nspname } of r.rows) await db.exec(`DROP SCHEMA "${nspname.replace(/"/g, '""')}" CASCADE`);
  await db.exec('CREATE SCHEMA public');
  await db.exec('SET search_path TO public');
}

/** Reads tables, views and columns of the user schemas from the catalog. */
export async function readSchema(db: PGlite): Promise<Schema> {
  const schemas = await db.query<{ nspname: string }>(
    `SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog','information_schema','pg_toast') AND nspname NOT LIKE 'pg\\_%' ORDER BY 1`,
  );
  const cols = await db.query<{ nspname: string; relname: string; relkind: string; attname: string | null; type: string | null; notnull: boolean | null; hasdef: boolean | null }>(
    `SELECT n.nspname, c.relname, c.relkind, a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull, a.atthasdef AS hasdef
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE c.relkind IN ('r','v','m','f','p') AND n.nspname NOT IN ('pg_catalog','information_schema') AND n.nspname NOT LIKE 'pg\\_%'
      ORDER BY n.nspname, c.relname, a.attnum`,
  );
  const kinds: Record<string, SchemaRelation['kind']> = { r: 'table', v: 'view', m: 'materialized view', f: 'foreign table', p: 'partitioned table' };
  const relations: Record<string, SchemaRelation> = {};
  for (const row of cols.rows) {
    const key = `${row.nspname}.${row.relname}`;
    const rel = (relations[key] ??= { schema: row.nspname, name: row.relname, kind: kinds[row.relkind] ?? 'table', columns: [] });
    if (row.attname) rel.columns.push({ name: row.attname, type: row.type ?? '', nullable: !row.notnull, hasDefault: !!row.hasdef });
  }
  const fns = await db.query<{ f: string }>(
    `SELECT n.nspname || '.' || p.proname AS f FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname NOT IN ('pg_catalog','information_schema') AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1`,
  );
  return { schemas: schemas.rows.map((r) => r.nspname), relations, functions: [...new Set(fns.rows.map((r) => r.f))] };
}

/** Where a Postgres error position (1-based, in characters of the statement) lands in the migration file. */
export function errorRange(st: MigrationStatement, position: number | undefined, message = ''): { start: number; end: number } {
  if (st.exact && (!position || position < 1)) {
    // Postgres gives no position for some errors (ALTER TABLE on a missing table): find the quoted name instead.
    const name = /"([^"]+)"/.exec(message)?.[1];
    if (name) {
      const re = new RegExp(`(^|[^\\w"])("${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"|${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})(?![\\w"])`, 'i');
      const m = re.exec(st.sql);
      if (m) return { start: st.start + m.index + m[1]!.length, end: st.start + m.index + m[1]!.length + m[2]!.length };
    }
  }
  if (!st.exact || !position || position < 1 || position > st.sql.length) return { start: st.start, end: st.end };
  const at = position - 1;
  const m = /^("(?:[^"]|"")*"|[A-Za-z_][\w$]*|\S)/.exec(st.sql.slice(at));
  return { start: st.start + at, end: st.start + at + (m ? m[0].length : 1) };
}

async function applyMigration(db: PGlite, m: Migration, errors: MigrationError[]): Promise<void> {
  for (const st of m.statements) {
    if (TX_CONTROL.test(st.sql)) continue;
    try {
      await db.exec(st.sql);
    } catch (e) {
      const err = e as { message?: string; position?: string | number; code?: string };
      const pos = err.position !== undefined ? Number(err.position) : undefined;
      const r = errorRange(st, pos, err.message);
      errors.push({ file: m.file, start: r.start, end: r.end, message: err.message ?? String(e), code: err.code });
      // A failed statement must not leave an aborted transaction behind.
      try {
        await db.exec('ROLLBACK');
      } catch {
        /* not in a transaction */
      }
    }
  }
}

async function relationNames(db: PGlite): Promise<string[]> {
  const r = await db.query<{ k: string }>(
    `SELECT n.nspname || '.' || c.relname AS k FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r','v','m','f','p') AND n.nspname NOT IN ('pg_catalog','information_schema') AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1`,
  );
  return r.rows.map((x) => x.k);
}

function cacheFile(dir: string, key: string): string {
  return path.join(dir, `schema-${key.slice(0, 32)}.json`);
}

/** Applies migrations (in order) to a database; returns errors and the relations present before each migration. */
export async function applyMigrations(db: PGlite, migrations: Migration[]): Promise<{ errors: MigrationError[]; relationsBefore: Record<string, string[]> }> {
  const errors: MigrationError[] = [];
  const relationsBefore: Record<string, string[]> = {};
  for (const m of migrations) {
    relationsBefore[m.file] = await relationNames(db);
    await applyMigration(db, m, errors);
  }
  return { errors, relationsBefore };
}

export async function buildSchema(set: MigrationSet, options: BuildOptions = {}): Promise<BuildResult> {
  const key = migrationsKey(set);
  const cacheDir = options.cacheDir === false ? undefined : (options.cacheDir ?? defaultCacheDir(set.root));
  if (cacheDir && !options.keepDatabase) {
    try {
      const cached = JSON.parse(fs.readFileSync(cacheFile(cacheDir, key), 'utf8')) as SchemaBuild;
      if (cached.key === key) return { ...cached, fromCache: true, pgliteStartMs: 0 };
    } catch {
      /* no cache entry */
    }
  }
  let db = options.pglite;
  let pgliteStartMs = 0;
  if (db) await resetDatabase(db);
  else {
    const s = await startPglite();
    db = s.db;
    pgliteStartMs = s.ms;
  }
  try {
    const { errors, relationsBefore } = await applyMigrations(db, set.migrations);
    const schema = await readSchema(db);
    const build: SchemaBuild = { schema, errors, key, fromCache: false, pgliteStartMs, relationsBefore };
    if (cacheDir) {
      try {
        fs.mkdirSync(cacheDir, { recursive: true });
        const file = cacheFile(cacheDir, key);
        const tmp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, JSON.stringify(build));
        fs.renameSync(tmp, file);
      } catch {
        /* cache is best effort */
      }
    }
    return options.keepDatabase ? { ...build, db } : build;
  } finally {
    if (!options.keepDatabase && !options.pglite) await db.close();
  }
}

/** A database holding the migrated schema (for Postgres-checked queries after a cached build). */
export async function openSchemaDatabase(set: MigrationSet, pglite?: PGlite): Promise<PGlite> {
  const db = pglite ?? (await startPglite()).db;
  if (pglite) await resetDatabase(db);
  await applyMigrations(db, set.migrations);
  return db;
}

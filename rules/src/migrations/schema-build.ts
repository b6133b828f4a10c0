/**
 * Builds the schema the migrations produce: their up SQL is applied, statement by statement, in an in-process
 * PGlite (real Postgres compiled to WebAssembly; nothing is executed outside it, no real database is touched).
 * A failing statement is reported at its position with Postgres's message and the rest goes on.
 * The result is cached under <root>/node_modules/.cache/pglint/ keyed by pglint's version and the migrations' content.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import type { PGlite } from '@electric-sql/pglite';
import type { Migration, MigrationError, MigrationSet, MigrationStatement, Schema, SchemaBuild, SchemaRelation } from './types';
import { PGLINT_VERSION, sha256 } from './util';
import { simulateMigrations, TX_CONTROL, whereSimulationStopped } from './simulate';

export interface BuildOptions {
  /** Cache folder; false disables the cache. Default: <root>/node_modules/.cache/pglint (or the OS temp folder). */
  cacheDir?: string | false;
  /** A PGlite instance to reuse (its user schemas are dropped first). */
  pglite?: PGlite;
  /** Keep and return the database holding the migrated schema (for Postgres-checked queries). Disables the cache shortcut. */
  keepDatabase?: boolean;
  /** Start from the data-dir snapshot shipped in dist/ when it matches the installed PGlite (default true). */
  snapshot?: boolean;
  /**
   * Work the schema out from the statements' parse trees when each is one Postgres certainly accepts
   * (simulate.ts), and start PGlite only otherwise (default true; not with `pglite` or `keepDatabase`).
   */
  simulate?: boolean;
}

export interface BuildResult extends SchemaBuild {
  /** The database holding the migrated schema, when `keepDatabase` was set. */
  db?: PGlite;
}


export function migrationsKey(set: MigrationSet): string {
  return sha256([PGLINT_VERSION, ...set.migrations.flatMap((m) => [path.relative(set.root, m.file), m.tool, m.text])]);
}

export function defaultCacheDir(root: string): string {
  const nm = path.join(root, 'node_modules');
  if (fs.existsSync(nm)) return path.join(nm, '.cache', 'pglint');
  return path.join(os.tmpdir(), 'pglint-cache', sha256([path.resolve(root)]).slice(0, 16));
}

let pgliteModule: Promise<typeof import('@electric-sql/pglite')> | undefined;

/** File names of the data-dir snapshot written by scripts/build.mjs next to the bundles. */
export const SNAPSHOT_FILE = 'pglite-base.tar.gz';
export const SNAPSHOT_META = 'pglite-base.json';

/** Installed PGlite version (its package.json is not in its `exports`: found from the resolved entry). */
export function pgliteVersion(): string | undefined {
  try {
    const req = createRequire(typeof __filename === 'string' ? __filename : path.join(process.cwd(), 'index.js'));
    let dir = path.dirname(req.resolve('@electric-sql/pglite'));
    for (let i = 0; i < 6; i++) {
      const file = path.join(dir, 'package.json');
      if (fs.existsSync(file)) {
        const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === '@electric-sql/pglite') return pkg.version;
      }
      dir = path.dirname(dir);
    }
  } catch {
    /* not installed where we can see it */
  }
  return undefined;
}

/**
 * Folders that may hold the snapshot: the bundle's own folder (dist/engine.js, dist/server.js) and, when running
 * from sources (vitest), <repo>/dist.
 */
export function snapshotDirs(): string[] {
  if (typeof __dirname !== 'string') return [];
  const dirs = [__dirname];
  if (/[\\/]rules[\\/]src[\\/]migrations$/.test(__dirname)) dirs.push(path.resolve(__dirname, '..', '..', '..', 'dist'));
  return dirs;
}

/** The snapshot's tar (uncompressed) when one matches the installed PGlite, else undefined. */
async function readSnapshot(dirs: string[]): Promise<Buffer | undefined> {
  const version = pgliteVersion();
  if (!version) return undefined;
  for (const dir of dirs) {
    try {
      const meta = JSON.parse(fs.readFileSync(path.join(dir, SNAPSHOT_META), 'utf8')) as { pgliteVersion?: string; bytes?: number };
      if (meta.pgliteVersion !== version) continue;
      const gz = await fs.promises.readFile(path.join(dir, SNAPSHOT_FILE));
      if (meta.bytes !== undefined && gz.length !== meta.bytes) continue;
      // Node's zlib (off the main thread) is faster than PGlite's own gzip reader.
      return await promisify(zlib.gunzip)(gz);
    } catch {
      /* missing or unreadable: next folder */
    }
  }
  return undefined;
}

/**
 * Starts a PGlite instance (in memory). A fresh PGlite runs initdb (~2 s); the build ships a freshly initialised
 * data dir (dist/pglite-base.tar.gz) that starts in a fraction of that. Any problem with it falls back to initdb.
 */
export async function startPglite(
  options: { snapshot?: boolean; /** Where to look for the snapshot (default: snapshotDirs()). */ snapshotDirs?: string[] } = {},
): Promise<{ db: PGlite; ms: number; fromSnapshot: boolean }> {
  const t0 = Date.now();
  // require() in the CommonJS bundles (PGlite ships a CommonJS build): the CLI compiles dist/engine.js with a V8
  // code cache, where import() has no loader (cli/engine-loader.ts); the test runner's ES modules use import().
  pgliteModule ??= typeof require === 'function' ? Promise.resolve(require('@electric-sql/pglite') as typeof import('@electric-sql/pglite')) : import('@electric-sql/pglite');
  const { PGlite } = await pgliteModule;
  if (options.snapshot !== false) {
    try {
      const tar = await readSnapshot(options.snapshotDirs ?? snapshotDirs());
      if (tar) {
        const db = await PGlite.create({ loadDataDir: new Blob([tar]) });
        await noDurability(db);
        return { db, ms: Date.now() - t0, fromSnapshot: true };
      }
    } catch {
      /* unusable snapshot: initdb below */
    }
  }
  const db = await PGlite.create();
  await noDurability(db);
  return { db, ms: Date.now() - t0, fromSnapshot: false };
}

/**
 * The database is thrown away after the run: commits need not wait for the write-ahead log. Same results,
 * about 3x faster DDL (a CREATE TABLE with an identity key: 3.9 → 1.4 ms).
 */
async function noDurability(db: PGlite): Promise<void> {
  await db.exec('SET synchronous_commit = off');
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
  // One exec per statement. Sending a migration's statements in one string (each followed by COMMIT and a
  // progress marker, so each still runs in its own transaction) was measured: no gain on 200 migrations / 560
  // statements (the statements' own work dominates), and statements then run inside an implicit transaction
  // block, which changes LOCK, CONCURRENTLY, CALL... So it is not done.
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

/** Relations of the user schemas before each migration; same list and order as `... ORDER BY 1` row by row. */
const USER_RELATIONS = `FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r','v','m','f','p') AND n.nspname NOT IN ('pg_catalog','information_schema') AND n.nspname NOT LIKE 'pg\\_%'`;

async function relationNames(db: PGlite, sinceOid = 0): Promise<{ names: string[]; maxOid: number }> {
  // One row of JSON over the simple protocol instead of one row per relation over the extended protocol:
  // about half the time per call (called once per migration). Each relation comes with its OID, so the newest
  // one is known without a second scan of pg_class (that scan was half the cost of the call).
  const r = await db.exec(
    `SELECT coalesce((SELECT json_agg(json_build_array(n.nspname || '.' || c.relname, c.oid::bigint)) ${USER_RELATIONS} AND c.oid > ${sinceOid}::oid)::text, '[]') AS k`,
  );
  const rows = JSON.parse((r[0]!.rows[0] as { k: string }).k) as [string, number][];
  let maxOid = sinceOid;
  for (const [, oid] of rows) if (oid > maxOid) maxOid = oid;
  return { names: rows.map(([name]) => name).sort(), maxOid };
}

/**
 * A migration that can only add relations: no DROP, RENAME, SET SCHEMA, DO block, function call or procedure
 * (checked on the text, conservatively). After it, the relations are the ones before plus those with newer OIDs
 * (Postgres hands out OIDs in increasing order), which is much cheaper to ask than the whole list.
 */
function onlyAddsRelations(m: Migration): boolean {
  return !m.statements.some((st) => /\b(drop|rename|schema|do|call|select|execute|perform|function|procedure|trigger|rule)\b/i.test(st.sql.replace(/--[^\n]*|'(?:[^']|'')*'/g, ' ')));
}

function cacheFile(dir: string, key: string): string {
  return path.join(dir, `schema-${key.slice(0, 32)}.json`);
}

/** Applies migrations (in order) to a database; returns errors and the relations present before each migration. */
export async function applyMigrations(db: PGlite, migrations: Migration[]): Promise<{ errors: MigrationError[]; relationsBefore: Record<string, string[]> }> {
  const errors: MigrationError[] = [];
  const relationsBefore: Record<string, string[]> = {};
  let current: { names: string[]; maxOid: number } | undefined;
  let previous: Migration | undefined;
  for (const m of migrations) {
    if (!current || !previous || !onlyAddsRelations(previous)) current = await relationNames(db);
    else {
      const added = await relationNames(db, current.maxOid);
      current = { names: added.names.length ? [...new Set([...current.names, ...added.names])].sort() : current.names, maxOid: Math.max(current.maxOid, added.maxOid) };
    }
    relationsBefore[m.file] = current.names;
    const failedBefore = errors.length;
    await applyMigration(db, m, errors);
    // A failed statement was rolled back: what it did is unknown to the text check, ask again next time.
    previous = errors.length === failedBefore ? m : undefined;
  }
  return { errors, relationsBefore };
}

/** Whether `buildSchema(set, { cacheDir })` will answer from its cache (no PGlite, no model). */
export function hasCachedSchema(set: MigrationSet, cacheDir: string | false | undefined): boolean {
  if (cacheDir === false) return false;
  try {
    return fs.statSync(cacheFile(cacheDir ?? defaultCacheDir(set.root), migrationsKey(set))).isFile();
  } catch {
    return false;
  }
}

function writeCache(dir: string, key: string, build: SchemaBuild): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    const file = cacheFile(dir, key);
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(build));
    fs.renameSync(tmp, file);
  } catch {
    /* cache is best effort */
  }
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
  if (options.simulate !== false && !options.pglite && !options.keepDatabase) {
    const t0 = Date.now();
    const simulated = simulateMigrations(set);
    if (simulated) {
      if (process.env.PGLINT_DEBUG === '1') process.stderr.write(`pglint: schema: worked out from the statements in ${Date.now() - t0} ms (PGlite not needed)\n`);
      const build: SchemaBuild = { ...simulated, errors: [], key, fromCache: false, pgliteStartMs: 0, simulated: true };
      if (cacheDir) writeCache(cacheDir, key, build);
      return build;
    }
    const stopped = whereSimulationStopped(set);
    if (process.env.PGLINT_DEBUG === '1' && stopped) {
      process.stderr.write(`pglint: schema: PGlite needed from ${path.relative(set.root, stopped.file)}: ${stopped.sql.replace(/\s+/g, ' ').trim().slice(0, 100)}\n`);
    }
  }
  let db = options.pglite;
  let pgliteStartMs = 0;
  if (db) await resetDatabase(db);
  else {
    const s = await startPglite({ snapshot: options.snapshot });
    db = s.db;
    pgliteStartMs = s.ms;
  }
  try {
    const t0 = Date.now();
    const { errors, relationsBefore } = await applyMigrations(db, set.migrations);
    const t1 = Date.now();
    const schema = await readSchema(db);
    if (process.env.PGLINT_DEBUG === '1') {
      const statements = set.migrations.reduce((n, m) => n + m.statements.length, 0);
      process.stderr.write(`pglint: schema: PGlite start ${pgliteStartMs} ms, ${statements} statements applied in ${t1 - t0} ms, read in ${Date.now() - t1} ms\n`);
    }
    const build: SchemaBuild = { schema, errors, key, fromCache: false, pgliteStartMs, relationsBefore };
    if (cacheDir) writeCache(cacheDir, key, build);
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

/** Plain data shared by the migrations side of pglint (no LSP/CLI knowledge). */

export type MigrationTool =
  | 'flyway'
  | 'dbmate'
  | 'golang-migrate'
  | 'sql'
  | 'prisma'
  | 'drizzle'
  | 'node-pg-migrate'
  | 'knex'
  | 'typeorm';

/** One SQL statement of a migration's up step, with where it sits in the migration file. */
export interface MigrationStatement {
  sql: string;
  /** UTF-16 offsets in the migration file. */
  start: number;
  end: number;
  /**
   * True when `sql` is the file's text at [start, end) verbatim (SQL files, plain string literals):
   * a position inside the statement maps to `start + position`. False for SQL generated from a builder call,
   * where [start, end) is the call.
   */
  exact: boolean;
  /** For builder calls: the call it came from (e.g. "pgm.createTable"). */
  origin?: string;
}

export interface MigrationNote {
  file: string;
  start: number;
  end: number;
  message: string;
}

export interface Migration {
  /** Absolute path. */
  file: string;
  tool: MigrationTool;
  /** Version or name as the tool shows it ("1.1", "20240101120000", "0001_init"). */
  version: string;
  /** Human name (description part of the file name). */
  name: string;
  /** Flyway repeatable migration (R__). */
  repeatable?: boolean;
  statements: MigrationStatement[];
  /** A down/undo step exists (or the tool can derive one, node-pg-migrate). */
  hasDown: boolean;
  /** Whether the tool runs the up step inside a transaction. */
  transactional: boolean;
  /** Builder calls that could not be turned into SQL, etc. */
  notes: MigrationNote[];
  /** Where "the up step" is in the file (up function name, `-- migrate:up` line, first statement). */
  upRange?: { start: number; end: number };
  /** Text of the file (for hashing and mapping). */
  text: string;
}

export interface MigrationGroup {
  tool: MigrationTool;
  /** Absolute directory. */
  dir: string;
  migrations: Migration[];
}

export interface MigrationSet {
  root: string;
  groups: MigrationGroup[];
  /** All migrations in application order (groups one after the other). */
  migrations: Migration[];
  /** Problems found while reading (unreadable files, bad journal...). */
  notes: MigrationNote[];
  /** Project-wide model settings found by Project.prepare() (TypeORM SnakeNamingStrategy...). */
  modelOptions?: { typeormNaming?: 'default' | 'snake' };
}

export interface SchemaColumn {
  name: string;
  type: string;
  nullable: boolean;
  hasDefault: boolean;
}

export interface SchemaRelation {
  schema: string;
  name: string;
  kind: 'table' | 'view' | 'materialized view' | 'foreign table' | 'partitioned table';
  columns: SchemaColumn[];
}

export interface Schema {
  schemas: string[];
  /** Keyed "schema.name". */
  relations: Record<string, SchemaRelation>;
  /** Names of functions in user schemas (schema.name). */
  functions: string[];
}

/** A statement that failed to apply: Postgres's own message, at the statement. */
export interface MigrationError {
  file: string;
  start: number;
  end: number;
  message: string;
  code?: string;
}

export interface SchemaBuild {
  schema: Schema;
  errors: MigrationError[];
  /** Hash of pglint version + migrations' content. */
  key: string;
  fromCache: boolean;
  /** Milliseconds spent starting PGlite (0 when served from cache). */
  pgliteStartMs: number;
  /** Relations (schema.name) as they existed before each migration ran, by migration file. */
  relationsBefore: Record<string, string[]>;
  /** Worked out from the statements' parse trees (every one certainly accepted): PGlite was not started. */
  simulated?: boolean;
}

/** A problem found in a SQL text, at offsets inside that text. */
export interface Problem {
  kind: 'missing-relation' | 'missing-column' | 'missing-from-entry';
  start: number;
  end: number;
  message: string;
  name: string;
  table?: string;
  suggestion?: string;
  /** 'postgres' when the message and position come from PGlite. */
  source: 'postgres' | 'ast';
}

/**
 * The schema of plain DDL migrations, worked out from their parse trees (libpg-query) without starting PGlite.
 *
 * Starting PGlite and replaying a long history costs seconds (a CREATE TABLE is about a millisecond inside it);
 * most histories are CREATE TABLE / CREATE INDEX / ALTER TABLE ADD COLUMN with built-in types. This module replays
 * such statements on a model of the catalog and proves, statement by statement, that Postgres would accept them:
 * every name it creates is free (tables, indexes, sequences and the names Postgres picks for them share one
 * namespace per schema), every table and column it uses exists, every type is a built-in one whose display name is
 * known, every default is a constant or function of the column's type. The moment a statement is outside what it
 * can prove, `simulateMigrations` gives up (undefined) and the caller replays the migrations in PGlite as before:
 * the result, when there is one, is what PGlite would have built with no statement failing (checked against PGlite
 * in tests/simulate.test.ts). A failing statement is never reported from here: Postgres's own message comes from
 * PGlite.
 */
import { isSqlParserReady, parseSql } from '../engine/sqlparse';
import type { MigrationSet, Schema, SchemaColumn, SchemaRelation } from './types';

/** Statements the schema build skips (each statement already runs in its own transaction). */
export const TX_CONTROL = /^\s*(BEGIN|COMMIT|END|ROLLBACK|START\s+TRANSACTION|ABORT)\b\s*(TRANSACTION|WORK)?\s*;?\s*$/i;

export interface SimulatedBuild {
  schema: Schema;
  /** Relations (schema.name) before each migration, as `applyMigrations` reports them. */
  relationsBefore: Record<string, string[]>;
}

type AnyNode = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Thrown (and caught by simulateMigrations) when a statement is outside what the model proves. */
class Unsure extends Error {}
function unsure(): never {
  throw new Unsure();
}
function check(ok: unknown): asserts ok {
  if (!ok) unsure();
}

interface Column extends SchemaColumn {
  /** Built-in type name (pg_catalog) without modifiers, and whether it is an array: for index and default checks. */
  base: string;
  array: boolean;
  identity: boolean;
  /** Declared NULL (a primary key on it fails). */
  explicitNull: boolean;
}

interface Table {
  schema: string;
  name: string;
  columns: Column[];
  /** Names of the indexes and sequences it owns (in the same schema). */
  owned: Set<string>;
  /** Index names that back a constraint (DROP INDEX on them fails). */
  constraintIndexes: Set<string>;
  hasPrimaryKey: boolean;
  /** Columns some index or constraint uses (dropping them would drop those too). */
  indexedColumns: Set<string>;
}

/** pg_class names of a schema: what holds them. */
type Holder = { kind: 'table'; table: Table } | { kind: 'index' | 'sequence'; table: Table };

const NAMEDATALEN_MAX = 63;

/** Built-in types (pg_catalog names) the model knows: their display name (format_type) and whether btree indexes them. */
const TYPES: Record<string, { display: string; btree: boolean; family: 'int' | 'num' | 'bool' | 'text' | 'time' | 'date' | 'uuid' | 'other' }> = {
  int2: { display: 'smallint', btree: true, family: 'int' },
  int4: { display: 'integer', btree: true, family: 'int' },
  int8: { display: 'bigint', btree: true, family: 'int' },
  float4: { display: 'real', btree: true, family: 'num' },
  float8: { display: 'double precision', btree: true, family: 'num' },
  numeric: { display: 'numeric', btree: true, family: 'num' },
  bool: { display: 'boolean', btree: true, family: 'bool' },
  text: { display: 'text', btree: true, family: 'text' },
  varchar: { display: 'character varying', btree: true, family: 'text' },
  bpchar: { display: 'character', btree: true, family: 'other' },
  date: { display: 'date', btree: true, family: 'date' },
  timestamp: { display: 'timestamp without time zone', btree: true, family: 'time' },
  timestamptz: { display: 'timestamp with time zone', btree: true, family: 'time' },
  time: { display: 'time without time zone', btree: true, family: 'other' },
  timetz: { display: 'time with time zone', btree: true, family: 'other' },
  interval: { display: 'interval', btree: true, family: 'other' },
  uuid: { display: 'uuid', btree: true, family: 'uuid' },
  json: { display: 'json', btree: false, family: 'other' },
  jsonb: { display: 'jsonb', btree: true, family: 'other' },
  bytea: { display: 'bytea', btree: true, family: 'other' },
  inet: { display: 'inet', btree: true, family: 'other' },
  cidr: { display: 'cidr', btree: true, family: 'other' },
  money: { display: 'money', btree: true, family: 'other' },
};
/** Names a user may write unqualified that resolve (through pg_catalog) to those types. */
const UNQUALIFIED = new Set(['int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'bool', 'text', 'varchar', 'date', 'timestamp', 'timestamptz', 'time', 'timetz', 'interval', 'uuid', 'json', 'jsonb', 'bytea', 'inet', 'cidr', 'money']);
const SERIALS: Record<string, string> = { smallserial: 'int2', serial2: 'int2', serial: 'int4', serial4: 'int4', bigserial: 'int8', serial8: 'int8' };
const INT_RANGE: Record<string, number> = { int2: 32767, int4: 2147483647, int8: 2147483647 };

function str(n: AnyNode | undefined): string | undefined {
  return n?.String?.sval;
}

/** An identifier as Postgres stores it; names it would truncate are not modelled. */
function ident(name: unknown): string {
  check(typeof name === 'string' && name.length > 0 && Buffer.byteLength(name) <= NAMEDATALEN_MAX);
  return name as string;
}

function intConst(n: AnyNode | undefined): number | undefined {
  const c = n?.A_Const;
  if (!c || c.isnull) return undefined;
  if (c.ival) return typeof c.ival.ival === 'number' ? c.ival.ival : 0;
  return undefined;
}

class Catalog {
  readonly namespaces = new Set<string>(['public']);
  /** Per schema: pg_class names. */
  private readonly names = new Map<string, Map<string, Holder>>();
  readonly tables = new Map<string, Table>();

  private space(schema: string): Map<string, Holder> {
    let m = this.names.get(schema);
    if (!m) this.names.set(schema, (m = new Map()));
    return m;
  }

  holder(schema: string, name: string): Holder | undefined {
    return this.names.get(schema)?.get(name);
  }

  take(schema: string, name: string, holder: Holder): void {
    check(Buffer.byteLength(name) <= NAMEDATALEN_MAX && !this.holder(schema, name));
    this.space(schema).set(name, holder);
  }

  release(schema: string, name: string): void {
    this.names.get(schema)?.delete(name);
  }

  /** schema.name of a RangeVar, resolved as the default search_path does (public). */
  qualify(rv: AnyNode | undefined): { schema: string; name: string } {
    check(rv && !rv.catalogname && (rv.relpersistence === undefined || rv.relpersistence === 'p'));
    const schema = rv!.schemaname === undefined ? 'public' : ident(rv!.schemaname);
    check(this.namespaces.has(schema));
    return { schema, name: ident(rv!.relname) };
  }

  table(schema: string, name: string): Table | undefined {
    const h = this.holder(schema, name);
    return h?.kind === 'table' ? h.table : undefined;
  }

  relationNames(): string[] {
    return [...this.tables.values()].map((t) => `${t.schema}.${t.name}`).sort();
  }

  toSchema(): Schema {
    const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const relations: Record<string, SchemaRelation> = {};
    const tables = [...this.tables.values()].sort((a, b) => byteOrder(a.schema, b.schema) || byteOrder(a.name, b.name));
    for (const t of tables) {
      relations[`${t.schema}.${t.name}`] = {
        schema: t.schema, name: t.name, kind: 'table',
        columns: t.columns.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable, hasDefault: c.hasDefault })),
      };
    }
    return { schemas: [...this.namespaces].sort(byteOrder), relations, functions: [] };
  }
}

/** A column's type: built-in name, display name (format_type) and array flag; serial types come back as `serial`. */
function columnType(tn: AnyNode | undefined): { base: string; display: string; array: boolean; serial: boolean } {
  check(tn && !tn.setof && !tn.pct_type && Array.isArray(tn.names));
  const names = (tn!.names as AnyNode[]).map(str);
  check(names.every((n) => typeof n === 'string'));
  let base: string;
  if (names.length === 2 && names[0] === 'pg_catalog') base = names[1]!;
  else if (names.length === 1 && (UNQUALIFIED.has(names[0]!) || SERIALS[names[0]!])) base = names[0]!;
  else unsure();
  const mods = (tn!.typmods ?? []) as AnyNode[];
  const array = Array.isArray(tn!.arrayBounds) && tn!.arrayBounds.length > 0;
  if (array) check((tn!.arrayBounds as AnyNode[]).every((b) => b?.Integer && (b.Integer.ival ?? 0) === -1) && tn!.arrayBounds.length === 1);
  const serial = SERIALS[base];
  if (serial) {
    check(!mods.length && !array && names.length === 1);
    return { base: serial, display: TYPES[serial]!.display, array: false, serial: true };
  }
  const t = TYPES[base];
  check(t);
  let display = t!.display;
  const values = mods.map(intConst);
  check(values.every((v) => v !== undefined));
  const v = values as number[];
  if (base === 'bpchar') {
    // `char` alone is char(1) (the parser adds the 1); a bare `bpchar` displays differently: not modelled.
    check(v.length === 1 && v[0]! >= 1 && v[0]! <= 10485760);
    display = `character(${v[0]})`;
  } else if (base === 'varchar') {
    check(v.length <= 1 && (v.length === 0 || (v[0]! >= 1 && v[0]! <= 10485760)));
    if (v.length) display = `character varying(${v[0]})`;
  } else if (base === 'numeric') {
    check(v.length <= 2 && (v.length === 0 || (v[0]! >= 1 && v[0]! <= 1000 && (v.length === 1 || (v[1]! >= 0 && v[1]! <= v[0]!)))));
    if (v.length) display = `numeric(${v[0]},${v[1] ?? 0})`;
  } else check(v.length === 0);
  return { base, display: array ? `${display}[]` : display, array, serial: false };
}

/** Whether a DEFAULT expression is one Postgres accepts for a column of this type (a narrow, certain set). */
function defaultFits(expr: AnyNode | undefined, col: { base: string; array: boolean; display: string }): boolean {
  if (!expr || col.array) return false;
  const family = TYPES[col.base]?.family;
  const c = expr.A_Const;
  if (c) {
    if (c.isnull) return false; // DEFAULT NULL stores no default: not modelled
    if (c.ival) {
      const v = typeof c.ival.ival === 'number' ? c.ival.ival : 0;
      if (family === 'int') return Math.abs(v) <= INT_RANGE[col.base]!;
      return family === 'num' && col.display === TYPES[col.base]!.display;
    }
    if (c.fval) return family === 'num' && col.display === TYPES[col.base]!.display;
    if (c.boolval) return family === 'bool';
    if (c.sval) return col.base === 'text' || (col.base === 'varchar' && col.display === 'character varying');
    return false;
  }
  const f = expr.FuncCall;
  if (f) {
    const names = ((f.funcname ?? []) as AnyNode[]).map(str);
    const name = names.length === 1 ? names[0] : names.length === 2 && names[0] === 'pg_catalog' ? names[1] : undefined;
    if (f.args || f.agg_order || f.agg_filter || f.over || f.agg_star || f.func_variadic || f.agg_distinct) return false;
    if (name === 'now') return family === 'time' || family === 'date';
    if (name === 'gen_random_uuid') return family === 'uuid';
    return false;
  }
  const s = expr.SQLValueFunction;
  if (s && (s.typmod === undefined || s.typmod === -1)) {
    if (s.op === 'SVFOP_CURRENT_TIMESTAMP' || s.op === 'SVFOP_LOCALTIMESTAMP') return family === 'time' || family === 'date';
    if (s.op === 'SVFOP_CURRENT_DATE') return family === 'date';
  }
  return false;
}

/** Adds a column definition to a table (CREATE TABLE or ALTER TABLE ADD COLUMN). */
function addColumn(cat: Catalog, t: Table, def: AnyNode | undefined): void {
  check(def && !def.collClause && !def.raw_default && !def.cooked_default && !def.identity && !def.generated && !def.storage && !def.compression && !def.fdwoptions && !def.inhcount);
  const name = ident(def!.colname);
  check(!t.columns.some((c) => c.name === name));
  const type = columnType(def!.typeName);
  let notNull = false;
  let nullable = false;
  let hasDefault = false;
  let identity = false;
  const constraints: AnyNode[] = (def!.constraints ?? []).map((c: AnyNode) => c.Constraint);
  check(constraints.every((c) => c));
  for (const c of constraints) {
    check(!c.deferrable && !c.initdeferred && !c.skip_validation && c.is_no_inherit !== true);
    switch (c.contype) {
      case 'CONSTR_NOTNULL':
        check(!c.conname);
        notNull = true;
        break;
      case 'CONSTR_NULL':
        nullable = true;
        break;
      case 'CONSTR_DEFAULT':
        check(!hasDefault && !identity && !type.serial && defaultFits(c.raw_expr, type));
        hasDefault = true;
        break;
      case 'CONSTR_IDENTITY':
        check(!identity && !hasDefault && !type.serial && !type.array && TYPES[type.base]!.family === 'int' && !c.options);
        identity = true;
        break;
      case 'CONSTR_PRIMARY':
      case 'CONSTR_UNIQUE':
        break; // after the column exists (below)
      default:
        unsure(); // CHECK, REFERENCES, GENERATED … need more than names
    }
  }
  check(!(notNull && nullable) && !(nullable && (identity || type.serial)));
  const col: Column = {
    name, type: type.display, base: type.base, array: type.array, identity, explicitNull: nullable,
    nullable: true, hasDefault: hasDefault || type.serial,
  };
  // Identity and serial columns get a sequence named table_column_seq (unless taken: Postgres then picks another
  // name, which is not modelled).
  if (identity || type.serial) {
    const seq = `${t.name}_${name}_seq`;
    cat.take(t.schema, seq, { kind: 'sequence', table: t });
    t.owned.add(seq);
  }
  col.nullable = !(notNull || identity || type.serial);
  t.columns.push(col);
  for (const c of constraints) {
    if (c.contype === 'CONSTR_PRIMARY') addKey(cat, t, [name], 'pkey', c);
    else if (c.contype === 'CONSTR_UNIQUE') addKey(cat, t, [name], 'key', c);
  }
}

/** A PRIMARY KEY or UNIQUE constraint on existing columns: its index (named as Postgres names it). */
function addKey(cat: Catalog, t: Table, columns: string[], label: 'pkey' | 'key', c: AnyNode): void {
  check(!c.including && !c.options && !c.indexname && !c.indexspace && !c.where_clause && !c.exclusions && c.nulls_not_distinct !== true);
  check(columns.length > 0 && new Set(columns).size === columns.length);
  const cols = columns.map((n) => t.columns.find((x) => x.name === n));
  check(cols.every((x) => x && TYPES[x.base]!.btree));
  if (label === 'pkey') {
    check(!t.hasPrimaryKey && cols.every((x) => !x!.explicitNull));
    t.hasPrimaryKey = true;
    for (const x of cols) x!.nullable = false;
  }
  const index = c.conname !== undefined ? ident(c.conname) : label === 'pkey' ? `${t.name}_pkey` : `${t.name}_${columns.join('_')}_key`;
  cat.take(t.schema, index, { kind: 'index', table: t });
  t.owned.add(index);
  t.constraintIndexes.add(index);
  for (const n of columns) t.indexedColumns.add(n);
}

function createTable(cat: Catalog, s: AnyNode): void {
  check(!s.inhRelations && !s.partbound && !s.partspec && !s.ofTypename && !s.options && !s.tablespacename && !s.accessMethod);
  check(s.oncommit === undefined || s.oncommit === 'ONCOMMIT_NOOP');
  const { schema, name } = cat.qualify(s.relation);
  // A table's row type takes the name in pg_type too, and its array type "_name": names starting with "_" are not
  // modelled (Postgres moves an array type out of the way).
  check(!name.startsWith('_'));
  if (cat.holder(schema, name)) {
    check(s.if_not_exists); // without IF NOT EXISTS: "already exists", PGlite reports it
    return;
  }
  const t: Table = { schema, name, columns: [], owned: new Set(), constraintIndexes: new Set(), hasPrimaryKey: false, indexedColumns: new Set() };
  cat.take(schema, name, { kind: 'table', table: t });
  const elts: AnyNode[] = s.tableElts ?? [];
  for (const e of elts) if (!e.Constraint) addColumn(cat, t, e.ColumnDef);
  for (const e of elts) {
    const c = e.Constraint;
    if (!c) continue;
    check((c.contype === 'CONSTR_PRIMARY' || c.contype === 'CONSTR_UNIQUE') && !c.deferrable && !c.initdeferred);
    const keys = ((c.keys ?? []) as AnyNode[]).map(str);
    check(keys.every((k) => typeof k === 'string'));
    addKey(cat, t, keys as string[], c.contype === 'CONSTR_PRIMARY' ? 'pkey' : 'key', c);
  }
  cat.tables.set(`${schema}.${name}`, t);
}

function createIndex(cat: Catalog, s: AnyNode): void {
  check(!s.primary && !s.isconstraint && !s.concurrent && !s.whereClause && !s.indexIncludingParams && !s.options && !s.tableSpace);
  check(!s.deferrable && !s.initdeferred && s.nulls_not_distinct !== true && (s.accessMethod === undefined || s.accessMethod === 'btree'));
  const { schema, name } = cat.qualify(s.relation);
  const t = cat.table(schema, name);
  check(t); // on a missing table (or on a view, index…): PGlite says what
  const params: AnyNode[] = (s.indexParams ?? []).map((p: AnyNode) => p.IndexElem);
  check(params.length > 0 && params.every((p) => p && typeof p.name === 'string' && !p.expr && !p.collation && !p.opclass && !p.opclassopts));
  const columns = params.map((p) => p.name as string);
  for (const n of columns) {
    const col = t!.columns.find((c) => c.name === n);
    check(col && TYPES[col.base]!.btree);
  }
  const index = s.idxname !== undefined ? ident(s.idxname) : `${t!.name}_${columns.join('_')}_idx`;
  if (cat.holder(schema, index)) {
    check(s.idxname !== undefined && s.if_not_exists); // Postgres picks another name for an unnamed index: not modelled
    return;
  }
  cat.take(schema, index, { kind: 'index', table: t! });
  t!.owned.add(index);
  for (const n of columns) t!.indexedColumns.add(n);
}

function alterTable(cat: Catalog, s: AnyNode): void {
  check(s.objtype === 'OBJECT_TABLE');
  const { schema, name } = cat.qualify(s.relation);
  const t = cat.table(schema, name);
  if (!t) {
    check(s.missing_ok && !cat.holder(schema, name)); // ALTER TABLE IF EXISTS on a missing table: a notice
    return;
  }
  for (const item of (s.cmds ?? []) as AnyNode[]) {
    const c = item.AlterTableCmd;
    check(c && (c.behavior === undefined || c.behavior === 'DROP_RESTRICT') && !c.num && !c.newowner && c.recurse !== false);
    switch (c.subtype) {
      case 'AT_AddColumn': {
        const col = c.def?.ColumnDef;
        check(col);
        if (t.columns.some((x) => x.name === col.colname)) {
          check(c.missing_ok); // ADD COLUMN IF NOT EXISTS on an existing column: a notice
          break;
        }
        addColumn(cat, t, col);
        break;
      }
      case 'AT_DropColumn': {
        const i = t.columns.findIndex((x) => x.name === c.name);
        if (i < 0) {
          check(c.missing_ok);
          break;
        }
        // Its indexes would go with it, and its sequence (whose name the model then keeps taken: conservative).
        check(!t.indexedColumns.has(c.name));
        t.columns.splice(i, 1);
        break;
      }
      case 'AT_SetNotNull': {
        const col = t.columns.find((x) => x.name === c.name);
        check(col);
        col!.nullable = false;
        break;
      }
      case 'AT_DropNotNull': {
        // Fails on a primary key or identity column; any indexed column is left to PGlite (conservative).
        const col = t.columns.find((x) => x.name === c.name);
        check(col && !col.identity && !t.indexedColumns.has(col.name));
        col!.nullable = true;
        break;
      }
      case 'AT_ColumnDefault': {
        const col = t.columns.find((x) => x.name === c.name);
        check(col && !col.identity && !t.owned.has(`${t.name}_${col.name}_seq`));
        if (c.def) check(defaultFits(c.def, { base: col!.base, array: col!.array, display: col!.type }));
        col!.hasDefault = !!c.def;
        break;
      }
      default:
        unsure();
    }
  }
}

function drop(cat: Catalog, s: AnyNode): void {
  check(s.behavior === undefined || s.behavior === 'DROP_RESTRICT' || s.behavior === 'DROP_CASCADE');
  check(!s.concurrent && (s.removeType === 'OBJECT_TABLE' || s.removeType === 'OBJECT_INDEX'));
  for (const o of (s.objects ?? []) as AnyNode[]) {
    const parts = ((o.List?.items ?? []) as AnyNode[]).map(str);
    check(parts.length >= 1 && parts.length <= 2 && parts.every((p) => typeof p === 'string'));
    const schema = parts.length === 2 ? ident(parts[0]) : 'public';
    check(cat.namespaces.has(schema));
    const name = ident(parts[parts.length - 1]);
    const h = cat.holder(schema, name);
    if (!h) {
      check(s.missing_ok);
      continue;
    }
    if (s.removeType === 'OBJECT_TABLE') {
      check(h.kind === 'table');
      for (const owned of h.table.owned) cat.release(schema, owned);
      cat.release(schema, name);
      cat.tables.delete(`${schema}.${name}`);
    } else {
      check(h.kind === 'index' && !h.table.constraintIndexes.has(name));
      // The columns it covered may still be covered by another index: kept as indexed (conservative).
      cat.release(schema, name);
      h.table.owned.delete(name);
    }
  }
}

function rename(cat: Catalog, s: AnyNode): void {
  check(s.behavior === undefined || s.behavior === 'DROP_RESTRICT');
  const { schema, name } = cat.qualify(s.relation);
  const t = cat.table(schema, name);
  if (!t) {
    check(s.missing_ok && !cat.holder(schema, name));
    return;
  }
  const to = ident(s.newname);
  if (s.renameType === 'OBJECT_COLUMN' && s.relationType === 'OBJECT_TABLE') {
    const col = t.columns.find((c) => c.name === s.subname);
    check(col && !t.columns.some((c) => c.name === to));
    // Index and sequence names stay; the index-column bookkeeping follows the column.
    if (t.indexedColumns.delete(col!.name)) t.indexedColumns.add(to);
    col!.name = to;
    return;
  }
  check(s.renameType === 'OBJECT_TABLE' && !to.startsWith('_'));
  cat.take(schema, to, { kind: 'table', table: t });
  cat.release(schema, name);
  cat.tables.delete(`${schema}.${name}`);
  t.name = to;
  cat.tables.set(`${schema}.${to}`, t);
}

function apply(cat: Catalog, stmt: AnyNode): void {
  const [kind] = Object.keys(stmt);
  const s = stmt[kind!];
  switch (kind) {
    case 'CreateStmt':
      return createTable(cat, s);
    case 'IndexStmt':
      return createIndex(cat, s);
    case 'AlterTableStmt':
      return alterTable(cat, s);
    case 'DropStmt':
      return drop(cat, s);
    case 'RenameStmt':
      return rename(cat, s);
    case 'CreateSchemaStmt': {
      check(!s.schemaElts && !s.authrole);
      const name = ident(s.schemaname);
      check(!name.startsWith('pg_'));
      if (cat.namespaces.has(name)) check(s.if_not_exists);
      cat.namespaces.add(name);
      return;
    }
    default:
      unsure();
  }
}

/**
 * The schema and the relations before each migration, when every statement is one the model proves Postgres
 * accepts; undefined otherwise (or when the SQL parser is not loaded).
 */
export function simulateMigrations(set: MigrationSet): SimulatedBuild | undefined {
  // Asked twice for the same set in a CLI run (whether threads pay off, then the build): worked out once.
  if (memo.has(set)) return memo.get(set) ?? undefined;
  const result = simulate(set);
  // Not remembered while the parser is not loaded (parseSql answers undefined then).
  if (result || isSqlParserReady()) memo.set(set, result ?? null);
  return result;
}
const memo = new WeakMap<MigrationSet, SimulatedBuild | null>();

function simulate(set: MigrationSet): SimulatedBuild | undefined {
  const cat = new Catalog();
  const relationsBefore: Record<string, string[]> = {};
  try {
    for (const m of set.migrations) {
      relationsBefore[m.file] = cat.relationNames();
      for (const st of m.statements) {
        if (TX_CONTROL.test(st.sql)) continue;
        const parsed = parseSql(st.sql);
        check(parsed?.ok);
        const stmts = (parsed as { ast: { stmts: AnyNode[] } }).ast.stmts ?? [];
        check(stmts.length <= 1);
        if (stmts.length === 1) apply(cat, stmts[0]!.stmt);
      }
    }
  } catch (err) {
    if (err instanceof Unsure) return undefined;
    throw err;
  }
  return { schema: cat.toSchema(), relationsBefore };
}

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
 * in tests/simulate.test.ts, and on random DDL histories in tests/simulate-fuzz.test.ts). A failing statement is
 * never reported from here: Postgres's own message comes from PGlite.
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
  /** Its primary key's columns. */
  primaryKey?: Column[];
  /** Column sets a foreign key may reference: primary key, UNIQUE constraints, plain unique indexes. */
  keys: { columns: Column[]; index: string }[];
  /** Names of its constraints (unique per table), and among them the CHECK and FOREIGN KEY ones known by name. */
  constraintNames: Set<string>;
  validatable: Set<string>;
  /** Tables whose foreign keys point to it, and the tables it points to. */
  referencedBy: Set<Table>;
  references: Set<Table>;
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
  /** Tables by `schema.name`, and those keys sorted (`relationNames`, asked before every migration). */
  private readonly tableMap = new Map<string, Table>();
  private readonly sortedNames: string[] = [];

  get tables(): ReadonlyMap<string, Table> {
    return this.tableMap;
  }

  addTable(t: Table): void {
    const key = `${t.schema}.${t.name}`;
    this.tableMap.set(key, t);
    let lo = 0;
    let hi = this.sortedNames.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sortedNames[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    this.sortedNames.splice(lo, 0, key);
  }

  deleteTable(t: Table): void {
    const key = `${t.schema}.${t.name}`;
    this.tableMap.delete(key);
    const i = this.sortedNames.indexOf(key);
    if (i >= 0) this.sortedNames.splice(i, 1);
  }
  /** Per schema: constraint names (generated names avoid all of them). */
  private readonly constraints = new Map<string, Set<string>>();

  /** Gives a table's constraint a name: unique in the table, and for a generated one, in the schema. */
  nameConstraint(t: Table, name: string, generated: boolean): void {
    let names = this.constraints.get(t.schema);
    if (!names) this.constraints.set(t.schema, (names = new Set()));
    check(Buffer.byteLength(name) <= NAMEDATALEN_MAX && !t.constraintNames.has(name) && !(generated && names.has(name)));
    t.constraintNames.add(name);
    names.add(name);
  }

  /** Marks a name as possibly used by one of the table's constraints (no check). */
  reserveConstraintName(t: Table, name: string): void {
    let names = this.constraints.get(t.schema);
    if (!names) this.constraints.set(t.schema, (names = new Set()));
    t.constraintNames.add(name);
    names.add(name);
  }

  /** Forgets a dropped table's constraint names (unless another table of the schema uses the same name). */
  dropConstraintNames(t: Table): void {
    const names = this.constraints.get(t.schema);
    for (const n of t.constraintNames) {
      if (![...this.tables.values()].some((o) => o !== t && o.schema === t.schema && o.constraintNames.has(n))) names?.delete(n);
    }
  }

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

  /** Every table's `schema.name`, sorted (a copy: kept per migration). */
  relationNames(): string[] {
    return this.sortedNames.slice();
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

/** A plain decimal literal (no exponent) that fits the column's numeric(p,s) without overflow (other floats: any). */
function fitsNumeric(literal: string, display: string): boolean {
  if (!/^\d+(\.\d*)?$|^\.\d+$/.test(literal)) return false;
  const m = /^numeric\((\d+),(\d+)\)$/.exec(display);
  if (!m) return true;
  const integer = literal.split('.')[0]!.replace(/^0+/, '');
  return integer.length <= Number(m[1]) - Number(m[2]);
}

/** A JSON text Postgres's json and jsonb inputs accept (JSON.parse agrees, and jsonb refuses \u0000). */
function isJson(text: string): boolean {
  if (/\\u0000/i.test(text)) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The table's column a ColumnRef names (unqualified, or qualified by the table's own name). */
function columnOf(t: Table, e: AnyNode | undefined): Column | undefined {
  const fields = e?.ColumnRef?.fields as AnyNode[] | undefined;
  if (!fields || fields.length < 1 || fields.length > 2) return undefined;
  const names = fields.map(str);
  if (names.some((n) => typeof n !== 'string') || (names.length === 2 && names[0] !== t.name)) return undefined;
  return t.columns.find((c) => c.name === names[names.length - 1]);
}

/** A constant compared with a column: certainly of a type Postgres compares it with. */
function comparable(e: AnyNode | undefined, col: Column): boolean {
  const c = e?.A_Const;
  if (!c || c.isnull) return false;
  const family = TYPES[col.base]!.family;
  if (c.ival) return family === 'int' ? Math.abs(typeof c.ival.ival === 'number' ? c.ival.ival : 0) <= INT_RANGE[col.base]! : family === 'num';
  if (c.fval) return family === 'num';
  if (c.boolval) return family === 'bool';
  if (c.sval) return col.base === 'text' || col.base === 'varchar';
  return false;
}

/**
 * A boolean expression over the table's columns that Postgres certainly accepts as a CHECK constraint or an index
 * predicate: comparisons of a column with a constant of its kind or with a column of the same kind, IN lists,
 * IS [NOT] NULL, boolean columns, AND / OR / NOT of those. The columns it reads are added to `used`.
 */
function predicateOk(t: Table, e: AnyNode | undefined, used: Set<string>, depth = 0): boolean {
  if (!e || depth > 32) return false;
  const b = e.BoolExpr;
  if (b) {
    const args = (b.args ?? []) as AnyNode[];
    return args.length > 0 && (b.boolop !== 'NOT_EXPR' || args.length === 1) && args.every((a) => predicateOk(t, a, used, depth + 1));
  }
  if (e.ColumnRef) {
    // A boolean column on its own (`WHERE active`, `NOT expired`).
    const col = columnOf(t, e);
    if (col) used.add(col.name);
    return !!col && col.base === 'bool' && !col.array;
  }
  if (e.NullTest) {
    const col = columnOf(t, e.NullTest.arg);
    if (col) used.add(col.name);
    return !!col && !e.NullTest.argisrow;
  }
  const a = e.A_Expr;
  if (!a) return false;
  const op = (a.name as AnyNode[] | undefined)?.length === 1 ? str(a.name[0]) : undefined;
  const col = columnOf(t, a.lexpr);
  if (!col || col.array || !op) return false;
  used.add(col.name);
  if (a.kind === 'AEXPR_OP' && ['=', '<>', '!=', '<', '<=', '>', '>='].includes(op)) {
    if (comparable(a.rexpr, col)) return true;
    const other = columnOf(t, a.rexpr);
    if (!other || other.array) return false;
    used.add(other.name);
    const fa = TYPES[col.base]!.family;
    const fb = TYPES[other.base]!.family;
    const numeric = (f: string) => f === 'int' || f === 'num';
    return col.base === other.base || (numeric(fa) && numeric(fb)) || ((col.base === 'text' || col.base === 'varchar') && (other.base === 'text' || other.base === 'varchar'));
  }
  if (a.kind === 'AEXPR_IN' && (op === '=' || op === '<>')) {
    const items = a.rexpr?.List?.items as AnyNode[] | undefined;
    return !!items && items.length > 0 && items.every((x) => comparable(x, col));
  }
  return false;
}

/** A CHECK constraint (column or table level, CREATE TABLE or ADD CONSTRAINT), once the table's columns exist. */
function addCheck(cat: Catalog, t: Table, c: AnyNode, column?: string): void {
  check(c.contype === 'CONSTR_CHECK' && !c.is_no_inherit && !c.cooked_expr);
  const used = new Set<string>();
  check(predicateOk(t, c.raw_expr, used));
  if (c.conname !== undefined) {
    cat.nameConstraint(t, ident(c.conname), false);
    t.validatable.add(c.conname);
  } else {
    // Postgres names it after a column it reads (or the table) and keeps clear of names in use; which one is not
    // modelled, so every candidate counts as used (a later constraint with one of those names is left to PGlite).
    const candidates = [`${t.name}_check`, ...[column, ...used].filter((x) => x).map((x) => `${t.name}_${x}_check`)];
    for (const n of candidates) cat.reserveConstraintName(t, n);
  }
  for (const n of used) t.indexedColumns.add(n);
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
      return family === 'num' && fitsNumeric(String(Math.abs(v)), col.display);
    }
    if (c.fval) return family === 'num' && typeof c.fval.fval === 'string' && fitsNumeric(c.fval.fval.replace(/^-/, ''), col.display);
    if (c.boolval) return family === 'bool';
    if (c.sval) {
      const text = typeof c.sval.sval === 'string' ? c.sval.sval : '';
      if (col.base === 'json' || col.base === 'jsonb') return isJson(text);
      return col.base === 'text' || (col.base === 'varchar' && col.display === 'character varying');
    }
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

/**
 * Adds a column definition to a table (CREATE TABLE or ALTER TABLE ADD COLUMN). Its REFERENCES and CHECK
 * constraints are returned, to be added once the statement's other columns and keys exist.
 */
function addColumn(cat: Catalog, t: Table, def: AnyNode | undefined): AnyNode[] {
  check(def && !def.collClause && !def.raw_default && !def.cooked_default && !def.identity && !def.generated && !def.storage && !def.compression && !def.fdwoptions && !def.inhcount);
  const name = ident(def!.colname);
  check(!t.columns.some((c) => c.name === name));
  const type = columnType(def!.typeName);
  let notNull = false;
  let nullable = false;
  let hasDefault = false;
  let identity = false;
  const raw: AnyNode[] = (def!.constraints ?? []).map((c: AnyNode) => c.Constraint);
  check(raw.every((c) => c));
  // DEFERRABLE / INITIALLY … written after a column's REFERENCES are separate items of the parse tree; they only
  // change when the key is checked. After anything else they are left to PGlite.
  const constraints = raw.filter((c, i) => {
    if (!/^CONSTR_ATTR_/.test(c.contype)) return true;
    check(raw.slice(0, i).reverse().find((p) => !/^CONSTR_ATTR_/.test(p.contype))?.contype === 'CONSTR_FOREIGN');
    return false;
  });
  for (const c of constraints) {
    check(c.is_no_inherit !== true && (c.contype === 'CONSTR_FOREIGN' || (!c.deferrable && !c.initdeferred && !c.skip_validation)));
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
      case 'CONSTR_FOREIGN':
      case 'CONSTR_CHECK':
        break; // after the column exists (below)
      default:
        unsure(); // GENERATED, EXCLUDE … need more than names
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
  return constraints
    .filter((c) => c.contype === 'CONSTR_FOREIGN' || c.contype === 'CONSTR_CHECK')
    .map((c) => (c.contype === 'CONSTR_FOREIGN' ? { ...c, fk_attrs: [{ String: { sval: name } }] } : { ...c, column: name }));
}

/** A PRIMARY KEY or UNIQUE constraint on existing columns: its index (named as Postgres names it). */
function addKey(cat: Catalog, t: Table, columns: string[], label: 'pkey' | 'key', c: AnyNode): void {
  check(!c.including && !c.options && !c.indexname && !c.indexspace && !c.where_clause && !c.exclusions && c.nulls_not_distinct !== true);
  check(columns.length > 0 && new Set(columns).size === columns.length);
  const cols = columns.map((n) => t.columns.find((x) => x.name === n));
  check(cols.every((x) => x && TYPES[x.base]!.btree));
  if (label === 'pkey') {
    check(!t.primaryKey && cols.every((x) => !x!.explicitNull));
    t.primaryKey = cols as Column[];
    for (const x of cols) x!.nullable = false;
  }
  const index = c.conname !== undefined ? ident(c.conname) : label === 'pkey' ? `${t.name}_pkey` : `${t.name}_${columns.join('_')}_key`;
  // The constraint takes the index's name: used by another constraint of the table, it fails; a generated name
  // Postgres also keeps clear of every constraint name of the schema (it would pick another: not modelled).
  cat.nameConstraint(t, index, c.conname === undefined);
  cat.take(t.schema, index, { kind: 'index', table: t });
  t.owned.add(index);
  t.constraintIndexes.add(index);
  t.keys.push({ columns: cols as Column[], index });
  for (const n of columns) t.indexedColumns.add(n);
}

/** Types a foreign key may pair (Postgres finds an equality operator between them): same type, integers, text. */
function pairable(a: Column, b: Column): boolean {
  if (a.array || b.array) return false;
  if (a.base === b.base) return true;
  const fa = TYPES[a.base]!.family;
  const textual = (x: Column) => x.base === 'text' || x.base === 'varchar';
  return (fa === 'int' && TYPES[b.base]!.family === 'int') || (textual(a) && textual(b));
}

/** A FOREIGN KEY from `columns` of `t` (CREATE TABLE, ADD COLUMN … REFERENCES, ADD CONSTRAINT). */
function addForeignKey(cat: Catalog, t: Table, columns: string[], c: AnyNode): void {
  check(c.contype === 'CONSTR_FOREIGN' && !c.fk_del_set_cols && c.fk_matchtype !== 'p' && !c.old_conpfeqop && !c.including && !c.options);
  const fk = columns.map((n) => t.columns.find((x) => x.name === n));
  check(fk.length > 0 && fk.every((x) => x) && new Set(columns).size === columns.length);
  const { schema, name } = cat.qualify(c.pktable);
  const target = cat.table(schema, name);
  check(target);
  const pkNames = ((c.pk_attrs ?? []) as AnyNode[]).map(str);
  let pk: (Column | undefined)[];
  if (pkNames.length) {
    check(pkNames.every((n) => typeof n === 'string') && new Set(pkNames).size === pkNames.length);
    pk = pkNames.map((n) => target!.columns.find((x) => x.name === n));
  } else pk = target!.primaryKey ?? [];
  check(pk.length === fk.length && pk.every((x) => x));
  // The referenced columns must be exactly those of a primary key, UNIQUE constraint or plain unique index.
  const key = target!.keys.find((k) => k.columns.length === pk.length && pk.every((x) => k.columns.includes(x!)));
  check(key);
  fk.forEach((x, i) => check(pairable(x!, pk[i]!)));
  const conname = c.conname !== undefined ? ident(c.conname) : `${t.name}_${columns.join('_')}_fkey`;
  cat.nameConstraint(t, conname, c.conname === undefined);
  t.validatable.add(conname);
  t.references.add(target!);
  target!.referencedBy.add(t);
  target!.constraintIndexes.add(key!.index); // DROP INDEX on it would fail while the key points to it
  for (const x of fk) t.indexedColumns.add(x!.name);
  for (const x of pk) target!.indexedColumns.add(x!.name);
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
  const t: Table = {
    schema, name, columns: [], owned: new Set(), constraintIndexes: new Set(), keys: [], constraintNames: new Set(), validatable: new Set(),
    referencedBy: new Set(), references: new Set(), indexedColumns: new Set(),
  };
  cat.take(schema, name, { kind: 'table', table: t });
  const elts: AnyNode[] = s.tableElts ?? [];
  const foreign: AnyNode[] = [];
  for (const e of elts) if (!e.Constraint) foreign.push(...addColumn(cat, t, e.ColumnDef));
  for (const e of elts) {
    const c = e.Constraint;
    if (!c) continue;
    if (c.contype === 'CONSTR_FOREIGN' || c.contype === 'CONSTR_CHECK') foreign.push(c);
    else addTableConstraint(cat, t, c);
  }
  // Foreign keys and checks last: they may point to this table's own keys, read any of its columns.
  for (const c of foreign) addTableConstraint(cat, t, c);
  cat.addTable(t);
}

/** PRIMARY KEY (…), UNIQUE (…), FOREIGN KEY (…) REFERENCES … of CREATE TABLE or ALTER TABLE ADD CONSTRAINT. */
function addTableConstraint(cat: Catalog, t: Table, c: AnyNode | undefined): void {
  check(c);
  const names = (list: AnyNode[] | undefined): string[] => {
    const out = (list ?? []).map(str);
    check(out.every((k) => typeof k === 'string'));
    return out as string[];
  };
  if (c!.contype === 'CONSTR_FOREIGN') return addForeignKey(cat, t, names(c!.fk_attrs), c!);
  if (c!.contype === 'CONSTR_CHECK') return addCheck(cat, t, c!, c!.column);
  check((c!.contype === 'CONSTR_PRIMARY' || c!.contype === 'CONSTR_UNIQUE') && !c!.deferrable && !c!.initdeferred && !c!.skip_validation);
  addKey(cat, t, names(c!.keys), c!.contype === 'CONSTR_PRIMARY' ? 'pkey' : 'key', c!);
}

function createIndex(cat: Catalog, s: AnyNode): void {
  // CONCURRENTLY changes how the index is built, not what it is (each statement runs on its own, outside a
  // transaction block, in the schema build; no-unsafe-migration judges the tool's transaction).
  check(!s.primary && !s.isconstraint && !s.indexIncludingParams && !s.options && !s.tableSpace);
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
  const used = new Set<string>();
  if (s.whereClause) check(predicateOk(t!, s.whereClause, used));
  const index = s.idxname !== undefined ? ident(s.idxname) : `${t!.name}_${columns.join('_')}_idx`;
  if (cat.holder(schema, index)) {
    check(s.idxname !== undefined && s.if_not_exists); // Postgres picks another name for an unnamed index: not modelled
    return;
  }
  cat.take(schema, index, { kind: 'index', table: t! });
  t!.owned.add(index);
  // A partial unique index is no key a foreign key can point to.
  if (s.unique && !s.whereClause) t!.keys.push({ columns: columns.map((n) => t!.columns.find((c) => c.name === n)!), index });
  for (const n of [...columns, ...used]) t!.indexedColumns.add(n);
}

/** Column names an ALTER TABLE subcommand names (the column it adds, drops or changes, the columns of a constraint). */
function columnsNamedBy(c: AnyNode): string[] {
  if (typeof c.name === 'string') return [c.name];
  const col = c.def?.ColumnDef;
  if (col) return [col.colname];
  const k = c.def?.Constraint;
  if (!k) return [];
  const out = [...(k.keys ?? []), ...(k.fk_attrs ?? [])].map(str).filter((x): x is string => typeof x === 'string');
  // Columns a CHECK reads: every ColumnRef's last name.
  const walk = (n: unknown): void => {
    if (!n || typeof n !== 'object') return;
    const fields = (n as AnyNode).ColumnRef?.fields as AnyNode[] | undefined;
    if (fields) {
      const last = str(fields[fields.length - 1]);
      if (last) out.push(last);
    }
    for (const v of Object.values(n as AnyNode)) walk(v);
  };
  walk(k.raw_expr);
  return [...new Set(out)];
}

function alterTable(cat: Catalog, s: AnyNode): void {
  check(s.objtype === 'OBJECT_TABLE');
  const { schema, name } = cat.qualify(s.relation);
  const t = cat.table(schema, name);
  if (!t) {
    check(s.missing_ok && !cat.holder(schema, name)); // ALTER TABLE IF EXISTS on a missing table: a notice
    return;
  }
  const cmds = ((s.cmds ?? []) as AnyNode[]).map((item) => item.AlterTableCmd);
  // Postgres runs the subcommands of one ALTER TABLE in passes (drops first, then added columns, then column
  // changes, then constraints…), not in the order written. Modelled only when the order makes no difference: no
  // column named by two of them, except one NOT NULL change and one default change of the same column, and
  // nothing validated in the same statement.
  if (cmds.length > 1) {
    const seen = new Map<string, string[]>();
    for (const c of cmds) {
      check(c && c.subtype !== 'AT_ValidateConstraint');
      for (const n of columnsNamedBy(c)) seen.set(n, [...(seen.get(n) ?? []), c.subtype]);
    }
    for (const kinds of seen.values()) {
      if (kinds.length === 1) continue;
      const nullness = kinds.filter((k) => k === 'AT_SetNotNull' || k === 'AT_DropNotNull').length;
      const defaults = kinds.filter((k) => k === 'AT_ColumnDefault').length;
      check(nullness <= 1 && defaults <= 1 && nullness + defaults === kinds.length);
    }
  }
  for (const c of cmds) {
    check(c && (c.behavior === undefined || c.behavior === 'DROP_RESTRICT') && !c.num && !c.newowner && c.recurse !== false);
    switch (c.subtype) {
      case 'AT_AddColumn': {
        const col = c.def?.ColumnDef;
        check(col);
        if (t.columns.some((x) => x.name === col.colname)) {
          // ADD COLUMN IF NOT EXISTS on an existing column: a notice, but the definition is still analysed (a
          // default of the wrong type fails): only a type and NULL / NOT NULL / DEFAULT that certainly fit.
          check(c.missing_ok);
          const type = columnType(col.typeName);
          check(!type.serial && !col.collClause);
          for (const k of (col.constraints ?? []) as AnyNode[]) {
            const x = k.Constraint;
            check(x && (x.contype === 'CONSTR_NOTNULL' || x.contype === 'CONSTR_NULL' || (x.contype === 'CONSTR_DEFAULT' && defaultFits(x.raw_expr, type))));
          }
          break;
        }
        for (const fk of addColumn(cat, t, col)) addTableConstraint(cat, t, fk);
        break;
      }
      case 'AT_AddConstraint':
        addTableConstraint(cat, t, c.def?.Constraint);
        break;
      case 'AT_ValidateConstraint':
        // A CHECK or FOREIGN KEY of this table known by name (the tables are empty: it holds).
        check(t.validatable.has(c.name));
        break;
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
  check(s.removeType === 'OBJECT_TABLE' || s.removeType === 'OBJECT_INDEX');
  // DROP INDEX CONCURRENTLY takes one index and no CASCADE.
  if (s.concurrent) check(s.removeType === 'OBJECT_INDEX' && (s.objects ?? []).length === 1 && s.behavior !== 'DROP_CASCADE');
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
      const t = h.table;
      // Other tables' foreign keys pointing to it: an error, or with CASCADE dropped constraints (not modelled).
      check([...t.referencedBy].every((o) => o === t));
      for (const r of t.references) r.referencedBy.delete(t);
      for (const owned of t.owned) cat.release(schema, owned);
      cat.release(schema, name);
      cat.dropConstraintNames(t);
      cat.deleteTable(t);
    } else {
      check(h.kind === 'index' && !h.table.constraintIndexes.has(name));
      // The columns it covered may still be covered by another index: kept as indexed (conservative).
      cat.release(schema, name);
      h.table.owned.delete(name);
      h.table.keys = h.table.keys.filter((k) => k.index !== name);
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
  cat.deleteTable(t);
  t.name = to;
  cat.addTable(t);
}

/** COMMENT ON TABLE / COLUMN: no change to the schema, but the table (and column) must exist. */
function comment(cat: Catalog, s: AnyNode): void {
  const names = ((s.object?.List?.items ?? []) as AnyNode[]).map(str);
  check(names.length > 0 && names.every((n) => typeof n === 'string'));
  const parts = names as string[];
  const column = s.objtype === 'OBJECT_COLUMN' ? parts.pop() : undefined;
  check((s.objtype === 'OBJECT_TABLE' || s.objtype === 'OBJECT_COLUMN') && parts.length >= 1 && parts.length <= 2);
  const schema = parts.length === 2 ? ident(parts[0]) : 'public';
  check(cat.namespaces.has(schema));
  const t = cat.table(schema, ident(parts[parts.length - 1]));
  check(t && (column === undefined || t.columns.some((c) => c.name === column)));
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
    case 'CommentStmt':
      return comment(cat, s);
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
  const known = memo.get(set);
  if (known) return known.result;
  const outcome = simulate(set);
  // Not remembered while the parser is not loaded (parseSql answers undefined then).
  if (outcome.result || isSqlParserReady()) memo.set(set, outcome);
  return outcome.result;
}

/** The statement at which the model gave up on this set (for PGLINT_DEBUG), if it did. */
export function whereSimulationStopped(set: MigrationSet): { file: string; sql: string } | undefined {
  return memo.get(set)?.stoppedAt;
}

type Outcome = { result?: SimulatedBuild; stoppedAt?: { file: string; sql: string } };
const memo = new WeakMap<MigrationSet, Outcome>();

function simulate(set: MigrationSet): Outcome {
  const cat = new Catalog();
  const relationsBefore: Record<string, string[]> = {};
  let at: { file: string; sql: string } | undefined;
  try {
    for (const m of set.migrations) {
      relationsBefore[m.file] = cat.relationNames();
      for (const st of m.statements) {
        at = { file: m.file, sql: st.sql };
        if (TX_CONTROL.test(st.sql)) continue;
        const parsed = parseSql(st.sql);
        check(parsed?.ok);
        const stmts = (parsed as { ast: { stmts: AnyNode[] } }).ast.stmts ?? [];
        check(stmts.length <= 1);
        if (stmts.length === 1) apply(cat, stmts[0]!.stmt);
      }
    }
  } catch (err) {
    if (err instanceof Unsure) return { stoppedAt: at };
    throw err;
  }
  return { result: { schema: cat.toSchema(), relationsBefore } };
}

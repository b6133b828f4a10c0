// Random DDL histories (fixed seed) against the schema model of rules/src/migrations/simulate.ts: whenever the
// model answers, PGlite must apply every statement without an error and build the same schema. The scripts mix
// statements Postgres accepts with ones it rejects (duplicates, missing tables and columns, wrong types, names
// taken). PGLINT_SIM_FUZZ=N runs N scripts instead of the default, PGLINT_SIM_SEED=S another seed.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { PGlite } from '@electric-sql/pglite';
import type { MigrationSet, Schema } from '../rules/src/migrations/types';
import { buildSchema, startPglite } from '../rules/src/migrations/schema-build';
import { simulateMigrations } from '../rules/src/migrations/simulate';
import { initSqlParser } from '../rules/src/engine/sqlparse';

const COUNT = Number(process.env.PGLINT_SIM_FUZZ ?? 120);
const SEED = Number(process.env.PGLINT_SIM_SEED ?? 20261205);

let db: PGlite;
beforeAll(async () => {
  await initSqlParser();
  db = (await startPglite()).db;
}, 60_000);
afterAll(async () => {
  await db?.close();
});

/** mulberry32 */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Known = Map<string, Map<string, string>>;

/** What exists after a history, from the model's own answer: table (as SQL names it) → column → type. */
function knownOf(schema: Schema): Known {
  const out: Known = new Map();
  for (const [key, rel] of Object.entries(schema.relations)) {
    out.set(key.startsWith('public.') ? key.slice('public.'.length) : key, new Map(rel.columns.map((c) => [c.name, c.type])));
  }
  return out;
}

/** A random DDL statement, plausible given what exists (often not: Postgres would reject it). */
function statementMaker(r: () => number): (known: Known) => string {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const maybe = (p: number, s: string): string => (r() < p ? s : '');
  const names = ['users', 'orders', 'items', 'users_id', 'app.users', 'app.items', 'a_b', 'a', 'tags'];
  const colNames = ['code', 'email', 'total', 'c', 'b_c', 'user_id', 'state', 'data', 'n'];
  const types = ['int', 'bigint', 'smallint', 'text', 'varchar(5)', 'varchar', 'char(2)', 'numeric(6,2)', 'numeric', 'real', 'boolean', 'timestamptz', 'timestamp', 'date', 'uuid', 'jsonb', 'json', 'text[]', 'serial', 'interval'];
  const good: Record<string, string[]> = {
    integer: ['0', '1', '-7'], bigint: ['0', '42'], smallint: ['1', '-3'], text: ["'x'", "''"], 'character varying': ["'x'"], 'numeric(6,2)': ['0', '12.5', '9999'],
    numeric: ['1', '2.25'], real: ['1.5', '3'], boolean: ['true', 'false'], 'timestamp with time zone': ['now()', 'CURRENT_TIMESTAMP'], 'timestamp without time zone': ['now()'],
    date: ['CURRENT_DATE', 'now()'], uuid: ['gen_random_uuid()'], jsonb: ["'{}'", "'[1]'"], json: ["'{\"a\": 1}'"],
  };
  const DISPLAY: Record<string, string> = { int: 'integer', varchar: 'character varying', timestamptz: 'timestamp with time zone', timestamp: 'timestamp without time zone', serial: 'integer' };
  const anyLiteral = ['0', '1', '-7', '40000', '12.5', '99999', "'x'", "''", "'{}'", "'nope'", 'true', 'now()', 'CURRENT_DATE', 'gen_random_uuid()', 'NULL'];
  const literalFor = (type: string | undefined) => (type && good[type] && r() < 0.85 ? pick(good[type]!) : pick(anyLiteral));
  const ops = ['=', '<>', '>', '>=', '<'];
  const bare = (t: string) => t.slice(t.lastIndexOf('.') + 1);
  return (known: Known): string => {
    const table = () => (known.size && r() < 0.85 ? pick([...known.keys()]) : pick(names));
    const colOf = (t: string) => {
      const cs = known.get(t);
      return cs?.size && r() < 0.85 ? pick([...cs.keys()]) : pick(['id', ...colNames]);
    };
    const typeOf = (t: string, c: string) => known.get(t)?.get(c);
    const check = (t: string, self?: [string, string]) => {
      const c = self && r() < 0.7 ? self[0] : colOf(t);
      const type = self && c === self[0] ? self[1] : typeOf(t, c);
      return `CHECK (${c} ${pick(ops)} ${literalFor(type)}${maybe(0.3, ` AND ${c} IS NOT NULL`)})`;
    };
    const colConstraint = (t: string, name: string, type: string): string => {
      const k = r();
      if (k < 0.25) return 'NOT NULL';
      if (k < 0.27) return 'NULL';
      if (k < 0.5) return `DEFAULT ${literalFor(type)}`;
      if (k < 0.55) return 'PRIMARY KEY';
      if (k < 0.65) return 'UNIQUE';
      if (k < 0.75) return check(t, [name, type]);
      if (k < 0.8) return 'GENERATED ALWAYS AS IDENTITY';
      const u = table();
      return `REFERENCES ${u}${maybe(0.4, ` (${colOf(u)})`)}${maybe(0.3, ' ON DELETE CASCADE')}`;
    };
    const columnDef = (t: string, name: string): string => {
      // A column named like a foreign key is a bigint pointing to a table, most of the time.
      if (name === 'user_id' && r() < 0.7) return `${name} bigint ${maybe(0.5, 'NOT NULL ')}REFERENCES ${table()}${maybe(0.3, ' ON DELETE CASCADE')}`;
      const type = pick(types);
      const display = DISPLAY[type] ?? type;
      return `${name} ${type}${maybe(0.5, ` ${colConstraint(t, name, display)}`)}${maybe(0.15, ` ${colConstraint(t, name, display)}`)}`;
    };
    const tableConstraint = (t: string): string => {
      const k = r();
      const name = maybe(0.4, `CONSTRAINT ${pick(['k1', 'k2', 'users_pkey', 'orders_code_key', `${bare(t)}_k3`])} `);
      if (k < 0.2) return `${name}PRIMARY KEY (${colOf(t)}${maybe(0.4, `, ${colOf(t)}`)})`;
      if (k < 0.5) return `${name}UNIQUE (${colOf(t)})`;
      if (k < 0.8) {
        const u = table();
        return `${name}FOREIGN KEY (${colOf(t)}) REFERENCES ${u}${maybe(0.4, ` (${colOf(u)})`)}`;
      }
      return `${name}${check(t)}`;
    };
    const k = r();
    if (k < 0.3) {
      const t = r() < 0.8 ? (pick(names.filter((n) => !known.has(n))) ?? pick(names)) : pick(names);
      const cols = [...new Set(Array.from({ length: 1 + Math.floor(r() * 4) }, () => pick(colNames)))];
      const elts: string[] = [];
      if (r() < 0.7) elts.push(`id bigint ${pick(['GENERATED ALWAYS AS IDENTITY PRIMARY KEY', 'PRIMARY KEY', 'GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY'])}`);
      elts.push(...cols.map((c) => columnDef(t, c)));
      if (r() < 0.25) elts.push(tableConstraint(t));
      return `CREATE TABLE ${maybe(0.3, 'IF NOT EXISTS ')}${t} (${elts.join(', ')})`;
    }
    if (k < 0.45) {
      const t = table();
      const c = colOf(t);
      return `CREATE ${maybe(0.2, 'UNIQUE ')}INDEX ${maybe(0.2, 'CONCURRENTLY ')}${r() < 0.7 ? `${maybe(0.3, 'IF NOT EXISTS ')}${pick(['i1', 'i2', 'i3', `${bare(t)}_${c}_i`, 'users', 'users_pkey', 'orders_id_seq'])} ` : ''}ON ${t} (${c}${maybe(0.2, `, ${colOf(t)}`)})${r() < 0.2 ? ` WHERE ${c} ${pick(ops)} ${literalFor(typeOf(t, c))}` : maybe(0.1, ` WHERE NOT ${colOf(t)}`)}`;
    }
    if (k < 0.75) {
      const t = table();
      const sub = (): string => {
        const j = r();
        if (j < 0.4) return `ADD COLUMN ${maybe(0.3, 'IF NOT EXISTS ')}${columnDef(t, pick(colNames))}`;
        if (j < 0.48) return `DROP COLUMN ${maybe(0.4, 'IF EXISTS ')}${colOf(t)}`;
        if (j < 0.6) {
          const c = colOf(t);
          return `ALTER COLUMN ${c} ${pick(['SET NOT NULL', 'DROP NOT NULL', 'DROP DEFAULT', `SET DEFAULT ${literalFor(typeOf(t, c))}`])}`;
        }
        if (j < 0.85) return `ADD ${tableConstraint(t)}${maybe(0.2, ' NOT VALID')}`;
        return `VALIDATE CONSTRAINT ${pick(['k1', 'k2', `${bare(t)}_k3`, `${bare(t)}_${colOf(t)}_fkey`, `${bare(t)}_pkey`])}`;
      };
      return `ALTER TABLE ${maybe(0.1, 'IF EXISTS ')}${t} ${sub()}${maybe(0.2, `, ${sub()}`)}`;
    }
    if (k < 0.83) {
      if (r() < 0.3) return `DROP INDEX ${maybe(0.2, 'CONCURRENTLY ')}${maybe(0.4, 'IF EXISTS ')}${pick(['i1', 'i2', 'users_pkey', 'users_email_key'])}${maybe(0.1, ', i3')}${maybe(0.1, ' CASCADE')}`;
      return `DROP TABLE ${maybe(0.4, 'IF EXISTS ')}${table()}${maybe(0.15, `, ${table()}`)}${maybe(0.2, ' CASCADE')}`;
    }
    if (k < 0.93) {
      const t = table();
      return r() < 0.5 ? `ALTER TABLE ${t} RENAME TO ${bare(pick(names))}` : `ALTER TABLE ${t} RENAME COLUMN ${colOf(t)} TO ${pick(colNames)}`;
    }
    if (k < 0.97) {
      const t = table();
      return r() < 0.5 ? `COMMENT ON TABLE ${t} IS ${pick(["'x'", 'NULL'])}` : `COMMENT ON COLUMN ${t}.${colOf(t)} IS 'c'`;
    }
    return `CREATE SCHEMA ${maybe(0.5, 'IF NOT EXISTS ')}app`;
  };
}

/** A migration set in memory: one file per step. */
function setOf(steps: string[][]): MigrationSet {
  const migrations = steps.map((stmts, j) => ({
    file: `/fuzz/migrations/${String(j + 1).padStart(4, '0')}_step.sql`, tool: 'sql' as const, version: String(j + 1), name: 'step',
    statements: stmts.map((sql) => ({ sql, start: 0, end: sql.length, exact: true })),
    hasDown: false, transactional: true, notes: [], text: stmts.join(';\n'),
  }));
  return { root: '/fuzz', groups: [{ tool: 'sql', dir: '/fuzz/migrations', migrations }], migrations, notes: [] };
}

test(`${COUNT} random DDL histories: the model's answers are PGlite's`, async () => {
  const r = rng(SEED);
  const make = statementMaker(r);
  let compared = 0;
  let refused = 0;
  for (let i = 0; i < COUNT; i++) {
    // A history grows one statement at a time; a statement the model cannot prove is dropped and another tried
    // (PGlite would have to judge it). Whatever the model accepts, PGlite must accept and build the same way.
    const steps: string[][] = [['CREATE SCHEMA IF NOT EXISTS app']];
    let known: Known = new Map();
    const nSteps = 2 + Math.floor(r() * 2);
    for (let j = 0; j < nSteps; j++) {
      if (j > 0) steps.push([]);
      for (let slot = 0; slot < 3 + Math.floor(r() * 4); slot++) {
        for (let attempt = 0; attempt < 12; attempt++) {
          const sql = make(known);
          steps[j]!.push(sql);
          const answer = simulateMigrations(setOf(steps));
          if (answer) {
            known = knownOf(answer.schema);
            break;
          }
          steps[j]!.pop();
          refused++;
        }
      }
    }
    const set = setOf(steps);
    const simulated = simulateMigrations(set)!;
    const real = await buildSchema(set, { pglite: db, cacheDir: false, simulate: false });
    const context = `history ${i}:\n${steps.map((x) => x.join(';\n')).join(';\n-- next migration\n')}`;
    expect(real.errors, context).toEqual([]);
    expect(simulated.schema, context).toEqual(real.schema);
    expect(Object.keys(simulated.schema.relations), context).toEqual(Object.keys(real.schema.relations));
    expect(simulated.relationsBefore, context).toEqual(real.relationsBefore);
    compared += steps.reduce((n, x) => n + x.length, 0);
  }
  // The comparisons must cover a fair number of statements, or this test checks nothing.
  expect(compared).toBeGreaterThan(COUNT * 5);
  console.log(`simulate fuzz: ${compared} statements in ${COUNT} histories worked out without PGlite, all as PGlite builds them (${refused} candidates left to PGlite)`);
}, 600_000);

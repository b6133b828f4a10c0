/**
 * no-unsafe-migration checks (chapter 20.4.4): statements that lock tables or break the running code during a
 * rolling deploy. SQL is read with libpg-query (the real PostgreSQL parser); builder migrations were turned into
 * SQL by js-builders.ts, so both are checked the same way.
 */
import { loadModule, parseSync } from 'libpg-query';
import { parseSql } from '../engine/sqlparse';
import type { Migration, MigrationSet, MigrationStatement, SchemaBuild } from './types';
import type { UnsafeMessageId } from './messages';

export interface Location {
  file: string;
  start: number;
  end: number;
}

export interface UnsafeProblem {
  messageId: UnsafeMessageId;
  file: string;
  start: number;
  end: number;
  data: Record<string, string>;
  related?: (Location & { message: string })[];
}

export interface UnsafeOptions {
  /**
   * Where the code uses a table (or a column of it): the lead wires this to the project's SQL index. `from` is the
   * migration file that asks (its findings then depend on the code).
   */
  usages?: (table: string, column: string | undefined, from: string) => Location[];
}

/** Tools that have a down step (a migration without one cannot be rolled back). */
export const TOOLS_WITH_DOWN = new Set(['knex', 'node-pg-migrate', 'golang-migrate', 'dbmate']);

let loaded: Promise<void> | undefined;
export function ensureParser(): Promise<void> {
  return (loaded ??= loadModule());
}

type AnyNode = Record<string, any>;

/**
 * The statement's parse tree, shared with every other reader of the same text (engine/sqlparse.ts: the schema
 * model parsed each migration statement already; read-only). Parsed here when the engine's parser is not loaded.
 */
export function parseStatement(sql: string): AnyNode | undefined {
  const shared = parseSql(sql);
  if (shared) return shared.ok ? (shared.ast.stmts[0] as { stmt?: AnyNode } | undefined)?.stmt : undefined;
  try {
    const r = parseSync(sql) as { stmts?: { stmt: AnyNode }[] };
    return r.stmts?.[0]?.stmt;
  } catch {
    return undefined;
  }
}

function relKey(rv: AnyNode | undefined): string | undefined {
  if (!rv?.relname) return undefined;
  return `${rv.schemaname ?? 'public'}.${rv.relname}`;
}

function display(key: string): string {
  return key.startsWith('public.') ? key.slice(7) : key;
}

function stringsOf(list: AnyNode[] | undefined): string[] {
  return (list ?? []).map((x) => x.String?.sval).filter((x): x is string => typeof x === 'string');
}

/** `col IS NOT NULL` check expression → column name. */
function notNullCheckColumn(c: AnyNode): string | undefined {
  const e = c.raw_expr?.NullTest;
  if (e && e.nulltesttype === 'IS_NOT_NULL') {
    const f = stringsOf(e.arg?.ColumnRef?.fields);
    return f[f.length - 1];
  }
  return undefined;
}

/**
 * Checks every migration. `build.relationsBefore` tells which relations existed before each migration ran
 * (from the PGlite build); without it, relations are tracked from the statements themselves.
 * Call `await ensureParser()` once before.
 */
export function checkUnsafe(set: MigrationSet, build: Pick<SchemaBuild, 'relationsBefore'> | undefined, options: UnsafeOptions = {}): UnsafeProblem[] {
  const out: UnsafeProblem[] = [];
  // CHECK (col IS NOT NULL) constraints: name → table.col, and the validated ones.
  const notNullChecks = new Map<string, string>();
  const validated = new Set<string>();
  const tracked = new Set<string>();

  let current = '';
  const usage = (table: string, column?: string) => {
    const locs = options.usages?.(display(table), column, current) ?? [];
    return {
      text: locs.length ? ` (still used in ${locs.length} place${locs.length > 1 ? 's' : ''} in the code)` : '',
      related: locs.length ? locs.map((l) => ({ ...l, message: column ? `"${display(table)}"."${column}" is used here` : `"${display(table)}" is used here` })) : undefined,
    };
  };

  for (const m of set.migrations) {
    current = m.file;
    const before = new Set(build?.relationsBefore?.[m.file] ?? tracked);
    const existed = (k: string | undefined) => !!k && before.has(k) && !createdHere.has(k);
    const createdHere = new Set<string>();
    const report = (st: MigrationStatement, messageId: UnsafeMessageId, data: Record<string, string>, related?: UnsafeProblem['related']) =>
      out.push({ messageId, file: m.file, start: st.start, end: st.end, data, ...(related ? { related } : {}) });
    const txWhat = (what: string, st: MigrationStatement) => {
      if (m.transactional) report(st, 'concurrentlyInTransaction', { what, tool: m.tool });
    };

    if (TOOLS_WITH_DOWN.has(m.tool) && !m.hasDown && !m.repeatable) {
      const r = m.upRange ?? { start: 0, end: 0 };
      out.push({ messageId: 'missingDown', file: m.file, start: r.start, end: r.end, data: { tool: m.tool } });
    }

    for (const st of m.statements) {
      const node = parseStatement(st.sql);
      if (!node) continue;
      const [type] = Object.keys(node) as [string];
      const s = node[type] as AnyNode;
      switch (type) {
        case 'CreateStmt':
        case 'CreateTableAsStmt':
        case 'ViewStmt': {
          const k = relKey(s.relation ?? s.into?.rel ?? s.view);
          if (k) {
            if (!before.has(k)) createdHere.add(k);
            tracked.add(k);
          }
          break;
        }
        case 'IndexStmt': {
          const k = relKey(s.relation);
          if (s.concurrent) txWhat('CREATE INDEX', st);
          else if (existed(k)) report(st, 'indexWithoutConcurrently', { table: display(k!) });
          break;
        }
        case 'DropStmt': {
          if (s.concurrent && s.removeType === 'OBJECT_INDEX') txWhat('DROP INDEX', st);
          if (s.removeType === 'OBJECT_TABLE') {
            for (const o of s.objects ?? []) {
              const parts = stringsOf(o.List?.items);
              const k = parts.length === 1 ? `public.${parts[0]}` : parts.join('.');
              if (existed(k)) {
                const u = usage(k);
                report(st, 'dropTable', { table: display(k), usage: u.text }, u.related);
              }
              tracked.delete(k);
            }
          }
          break;
        }
        case 'RenameStmt': {
          const k = relKey(s.relation);
          if (s.renameType === 'OBJECT_COLUMN' && existed(k)) {
            const u = usage(k!, s.subname);
            report(st, 'renameColumn', { table: display(k!), column: s.subname, newName: s.newname, usage: u.text }, u.related);
          } else if (s.renameType === 'OBJECT_TABLE' && k) {
            if (existed(k)) {
              const u = usage(k);
              report(st, 'renameTable', { table: display(k), newName: s.newname, usage: u.text }, u.related);
            }
            tracked.delete(k);
            tracked.add(`${s.relation.schemaname ?? 'public'}.${s.newname}`);
          }
          break;
        }
        case 'AlterTableStmt': {
          const k = relKey(s.relation);
          if (!k) break;
          const old = existed(k);
          for (const c of s.cmds ?? []) {
            const cmd = c.AlterTableCmd as AnyNode | undefined;
            if (!cmd) continue;
            switch (cmd.subtype) {
              case 'AT_AddColumn': {
                const def = cmd.def?.ColumnDef as AnyNode | undefined;
                const cons = (def?.constraints ?? []).map((x: AnyNode) => x.Constraint?.contype);
                const notNull = cons.includes('CONSTR_NOTNULL') || cons.includes('CONSTR_PRIMARY');
                const hasDefault = cons.includes('CONSTR_DEFAULT') || cons.includes('CONSTR_IDENTITY') || cons.includes('CONSTR_GENERATED');
                const serial = /^(big|small)?serial\d?$/.test(stringsOf(def?.typeName?.names).pop() ?? '');
                if (old && notNull && !hasDefault && !serial) report(st, 'addColumnNotNull', { table: display(k), column: def?.colname ?? '?' });
                break;
              }
              case 'AT_AlterColumnType':
                if (old) report(st, 'alterColumnType', { table: display(k), column: cmd.name ?? '?' });
                break;
              case 'AT_SetNotNull':
                if (old && !validated.has(`${k}.${cmd.name}`)) report(st, 'setNotNull', { table: display(k), column: cmd.name ?? '?' });
                break;
              case 'AT_AddConstraint': {
                const con = cmd.def?.Constraint as AnyNode | undefined;
                if (!con) break;
                const col = con.contype === 'CONSTR_CHECK' ? notNullCheckColumn(con) : undefined;
                if (col) {
                  if (con.conname) notNullChecks.set(con.conname, `${k}.${col}`);
                  if (!con.skip_validation) validated.add(`${k}.${col}`);
                }
                if ((con.contype === 'CONSTR_FOREIGN' || con.contype === 'CONSTR_CHECK') && !con.skip_validation && old)
                  report(st, 'constraintNotValid', { table: display(k), kind: con.contype === 'CONSTR_FOREIGN' ? 'FOREIGN KEY' : 'CHECK' });
                break;
              }
              case 'AT_ValidateConstraint': {
                const target = notNullChecks.get(cmd.name);
                if (target) validated.add(target);
                break;
              }
              case 'AT_DropColumn':
                if (old) {
                  const u = usage(k, cmd.name);
                  report(st, 'dropColumn', { table: display(k), column: cmd.name ?? '?', usage: u.text }, u.related);
                }
                break;
            }
          }
          break;
        }
      }
    }
  }
  return out;
}

export type { Migration };

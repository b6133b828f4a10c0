/**
 * Checks a SQL text from application code against the migrated schema: tables, views and columns that no
 * migration creates (or that a later one dropped or renamed), at exact offsets inside the SQL text.
 *
 * - checkSqlAgainstSchema: sync, libpg-query AST walk (call `await ensureParser()` once before).
 * - checkSql: async; when a PGlite holding the migrated schema is given, Postgres itself describes each
 *   statement (inside a transaction that is rolled back), so message and position are Postgres's own;
 *   otherwise it falls back to the AST walk.
 */
import { parseSync } from 'libpg-query';
import type { PGlite } from '@electric-sql/pglite';
import type { Problem, Schema, SchemaRelation } from './types';
import { byteToCharMapper, closest, relationNamesOf } from './util';
import { splitSql } from './sql-split';
import { ensureParser } from './unsafe';

type AnyNode = Record<string, any>;

export interface CheckSqlOptions {
  /** Temporary tables created elsewhere in the same code (names, optionally with their columns). */
  tempTables?: Record<string, string[] | null>;
  /** Schemas searched for unqualified names (default ['public']). */
  searchPath?: string[];
}

interface Rel {
  /** Name usable as qualifier (alias or relation name). */
  ref: string;
  /** Display name of the relation. */
  name: string;
  /** Known columns; null when unknown (functions, system catalogs, CTEs with *): anything goes. */
  columns: string[] | null;
}

interface Scope {
  rels: Rel[];
  ctes: Map<string, string[] | null>;
  parent?: Scope;
  /** Output column aliases (ORDER BY may use them). */
  outputs?: Set<string>;
}

const SYSTEM_SCHEMAS = new Set(['pg_catalog', 'information_schema', 'pg_toast']);
const SYSTEM_COLUMNS = new Set(['ctid', 'xmin', 'xmax', 'cmin', 'cmax', 'tableoid', 'oid']);

/** Spans of the dotted identifier parts starting at `at` in `text`. */
function identSpans(text: string, at: number): { start: number; end: number; name: string }[] {
  const out: { start: number; end: number; name: string }[] = [];
  let i = at;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    const rest = text.slice(i);
    const m = /^("(?:[^"]|"")*"|[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*|\*)/.exec(rest);
    if (!m) break;
    out.push({ start: i, end: i + m[0].length, name: m[0] });
    i += m[0].length;
    let j = i;
    while (j < text.length && /\s/.test(text[j]!)) j++;
    if (text[j] !== '.') break;
    i = j + 1;
  }
  return out;
}

class Checker {
  problems: Problem[] = [];
  private readonly toChar: (b: number) => number;
  constructor(
    private readonly text: string,
    private readonly schema: Schema,
    private readonly temp: Map<string, string[] | null>,
    private readonly searchPath: string[],
  ) {
    this.toChar = byteToCharMapper(text);
  }

  private lookup(schemaName: string | undefined, name: string): SchemaRelation | undefined {
    if (schemaName) return this.schema.relations[`${schemaName}.${name}`];
    for (const s of this.searchPath) {
      const r = this.schema.relations[`${s}.${name}`];
      if (r) return r;
    }
    return undefined;
  }

  private relationNames(): string[] {
    return relationNamesOf(this.schema, this.searchPath);
  }

  private findCte(scope: Scope | undefined, name: string): string[] | null | undefined {
    for (let s = scope; s; s = s.parent) if (s.ctes.has(name)) return s.ctes.get(name);
    return undefined;
  }

  /** A RangeVar → Rel (reports a missing relation). */
  private rangeVar(rv: AnyNode, scope: Scope): Rel {
    const name: string = rv.relname;
    const alias: string | undefined = rv.alias?.aliasname;
    const ref = alias ?? name;
    if (!rv.schemaname) {
      const cte = this.findCte(scope, name);
      if (cte !== undefined) return { ref, name, columns: cte };
      if (this.temp.has(name)) return { ref, name, columns: this.temp.get(name) ?? null };
      if (name.startsWith('pg_')) return { ref, name, columns: null };
    } else if (SYSTEM_SCHEMAS.has(rv.schemaname)) return { ref, name, columns: null };
    const rel = this.lookup(rv.schemaname, name);
    if (rel) return { ref, name: rel.name, columns: rel.columns.map((c) => c.name) };
    const loc = this.toChar(rv.location ?? 0);
    const spans = identSpans(this.text, loc);
    const span = spans[spans.length - 1] ?? { start: loc, end: loc + name.length };
    const full = rv.schemaname ? `${rv.schemaname}.${name}` : name;
    this.problems.push({
      kind: 'missing-relation',
      start: span.start,
      end: span.end,
      name: full,
      message: `relation "${full}" does not exist`,
      suggestion: closest(full, this.relationNames()),
      source: 'ast',
    });
    return { ref, name, columns: null };
  }

  private fromItem(item: AnyNode, scope: Scope): void {
    const [type] = Object.keys(item);
    const n = item[type!] as AnyNode;
    switch (type) {
      case 'RangeVar':
        scope.rels.push(this.rangeVar(n, scope));
        return;
      case 'RangeSubselect': {
        const outs = this.select((n.subquery?.SelectStmt ?? n.subquery) as AnyNode, n.lateral ? scope : (scope.parent ?? { rels: [], ctes: new Map() }), scope);
        const alias = n.alias?.aliasname ?? '';
        const cols = n.alias?.colnames ? (n.alias.colnames as AnyNode[]).map((c) => c.String?.sval as string) : outs;
        scope.rels.push({ ref: alias, name: alias, columns: cols });
        return;
      }
      case 'JoinExpr': {
        this.fromItem(n.larg, scope);
        this.fromItem(n.rarg, scope);
        if (n.quals) this.expr(n.quals, scope);
        return;
      }
      case 'RangeFunction': {
        this.expr(n.functions, scope);
        const fname = n.alias?.aliasname ?? '';
        scope.rels.push({ ref: fname, name: fname, columns: null });
        return;
      }
      default:
        scope.rels.push({ ref: '', name: '', columns: null });
        this.expr(n, scope);
    }
  }

  private columnRef(cr: AnyNode, scope: Scope): void {
    const fields = (cr.fields as AnyNode[]).map((f) => (f.String ? (f.String.sval as string) : '*'));
    const loc = this.toChar(cr.location ?? 0);
    const spans = identSpans(this.text, loc);
    const last = fields[fields.length - 1]!;
    if (fields.length === 1) {
      if (last === '*' || SYSTEM_COLUMNS.has(last)) return;
      let innermost: Rel[] | undefined;
      for (let s: Scope | undefined = scope; s; s = s.parent) {
        if (s.outputs?.has(last)) return;
        if (s.rels.some((r) => r.columns === null || r.columns.includes(last))) return;
        if (!innermost && s.rels.length) innermost = s.rels;
      }
      const candidates = (innermost ?? []).flatMap((r) => r.columns ?? []);
      const table = innermost && innermost.length === 1 ? innermost[0]!.name : undefined;
      const span = spans[0] ?? { start: loc, end: loc + last.length };
      this.problems.push({ kind: 'missing-column', start: span.start, end: span.end, name: last, table, message: `column "${last}" does not exist`, suggestion: closest(last, candidates), source: 'ast' });
      return;
    }
    const qual = fields[fields.length - 2]!;
    let rel: Rel | undefined;
    const allRefs: string[] = [];
    for (let s: Scope | undefined = scope; s && !rel; s = s.parent) {
      rel = s.rels.find((r) => r.ref === qual);
      allRefs.push(...s.rels.map((r) => r.ref).filter(Boolean));
    }
    if (!rel) {
      const span = spans[fields.length - 2] ?? { start: loc, end: loc + qual.length };
      this.problems.push({ kind: 'missing-from-entry', start: span.start, end: span.end, name: qual, message: `missing FROM-clause entry for table "${qual}"`, suggestion: closest(qual, allRefs), source: 'ast' });
      return;
    }
    if (last === '*' || rel.columns === null || rel.columns.includes(last) || SYSTEM_COLUMNS.has(last)) return;
    const span = spans[fields.length - 1] ?? { start: loc, end: loc + last.length };
    this.problems.push({ kind: 'missing-column', start: span.start, end: span.end, name: last, table: rel.name, message: `column ${qual}.${last} does not exist`, suggestion: closest(last, rel.columns), source: 'ast' });
  }

  /** Walks expressions; nested SELECTs get a child scope. */
  expr(node: unknown, scope: Scope): void {
    if (Array.isArray(node)) {
      for (const x of node) this.expr(x, scope);
      return;
    }
    if (!node || typeof node !== 'object') return;
    // for…in over a parsed JSON object (own keys only, in order): no array of entries per node walked.
    const o = node as AnyNode;
    for (const k in o) {
      const v = o[k];
      if (k === 'ColumnRef') this.columnRef(v, scope);
      else if (k === 'SelectStmt') this.select(v, scope);
      else if (k === 'InsertStmt' || k === 'UpdateStmt' || k === 'DeleteStmt') this.statement({ [k]: v }, scope);
      else if (k === 'RangeVar') scope.rels.push(this.rangeVar(v, scope));
      else if (v && typeof v === 'object') this.expr(v, scope);
    }
  }

  private withClause(w: AnyNode | undefined, scope: Scope): void {
    for (const c of (w?.ctes ?? []) as AnyNode[]) {
      const cte = c.CommonTableExpr as AnyNode;
      const name = cte.ctename as string;
      const declared = cte.aliascolnames ? (cte.aliascolnames as AnyNode[]).map((x) => x.String?.sval as string) : undefined;
      if (w!.recursive) scope.ctes.set(name, declared ?? null);
      const outs = this.statement(cte.ctequery, scope);
      scope.ctes.set(name, declared ?? outs ?? null);
    }
  }

  /** Output column names of a select list (null when unknown, e.g. `*`). */
  private outputs(targets: AnyNode[] | undefined): string[] | null {
    const out: string[] = [];
    for (const t of targets ?? []) {
      const rt = t.ResTarget as AnyNode;
      if (rt?.name) out.push(rt.name);
      else if (rt?.val?.ColumnRef) {
        const f = rt.val.ColumnRef.fields as AnyNode[];
        const l = f[f.length - 1];
        if (!l?.String) return null;
        out.push(l.String.sval);
      } else out.push('?column?');
    }
    return out;
  }

  select(s: AnyNode, parent: Scope | undefined, _outer?: Scope): string[] | null {
    const scope: Scope = { rels: [], ctes: new Map(), parent };
    this.withClause(s.withClause, scope);
    if (s.op && s.op !== 'SETOP_NONE') {
      const l = this.select(s.larg, scope);
      this.select(s.rarg, scope);
      if (s.sortClause) this.expr(s.sortClause, { rels: [], ctes: new Map(), parent: scope, outputs: new Set(l ?? []) });
      return l;
    }
    if (s.valuesLists) {
      this.expr(s.valuesLists, scope);
      return null;
    }
    for (const item of (s.fromClause ?? []) as AnyNode[]) this.fromItem(item, scope);
    const outs = this.outputs(s.targetList);
    for (const key of ['targetList', 'whereClause', 'groupClause', 'havingClause', 'windowClause', 'distinctClause', 'limitCount', 'limitOffset', 'lockingClause']) if (s[key]) this.expr(s[key], scope);
    if (s.sortClause) {
      scope.outputs = new Set(outs ?? []);
      this.expr(s.sortClause, scope);
    }
    return outs;
  }

  private targetColumns(rel: Rel, targets: AnyNode[] | undefined): void {
    if (rel.columns === null) return;
    for (const t of targets ?? []) {
      const rt = t.ResTarget as AnyNode;
      if (!rt?.name || rel.columns.includes(rt.name)) continue;
      const loc = this.toChar(rt.location ?? 0);
      const span = identSpans(this.text, loc)[0] ?? { start: loc, end: loc + rt.name.length };
      this.problems.push({ kind: 'missing-column', start: span.start, end: span.end, name: rt.name, table: rel.name, message: `column "${rt.name}" of relation "${rel.name}" does not exist`, suggestion: closest(rt.name, rel.columns), source: 'ast' });
    }
  }

  /** Any statement; returns output columns for SELECT / RETURNING when known. */
  statement(node: AnyNode, parent: Scope | undefined): string[] | null {
    const [type] = Object.keys(node);
    const s = node[type!] as AnyNode;
    switch (type) {
      case 'SelectStmt':
        return this.select(s, parent);
      case 'InsertStmt': {
        const scope: Scope = { rels: [], ctes: new Map(), parent };
        this.withClause(s.withClause, scope);
        const rel = this.rangeVar(s.relation, scope);
        this.targetColumns(rel, s.cols);
        if (s.selectStmt) this.statement(s.selectStmt, scope);
        scope.rels.push(rel);
        // ON CONFLICT ... DO UPDATE SET: targets are columns of the table; EXCLUDED is the proposed row.
        if (s.onConflictClause) {
          this.targetColumns(rel, s.onConflictClause.targetList);
          scope.rels.push({ ref: 'excluded', name: rel.name, columns: rel.columns });
          this.expr({ a: s.onConflictClause.targetList, b: s.onConflictClause.whereClause }, scope);
        }
        const ret = s.returningList ?? s.returningClause;
        if (ret) this.expr(ret, scope);
        return null;
      }
      case 'UpdateStmt':
      case 'DeleteStmt': {
        const scope: Scope = { rels: [], ctes: new Map(), parent };
        this.withClause(s.withClause, scope);
        const rel = this.rangeVar(s.relation, scope);
        scope.rels.push(rel);
        for (const item of (s.fromClause ?? s.usingClause ?? []) as AnyNode[]) this.fromItem(item, scope);
        if (type === 'UpdateStmt') this.targetColumns(rel, s.targetList);
        for (const key of ['targetList', 'whereClause', 'returningList', 'returningClause']) if (s[key]) this.expr(s[key], scope);
        return null;
      }
      case 'CreateStmt': {
        // CREATE TEMP TABLE in the same code: known from here on.
        if (s.relation?.relpersistence === 't') {
          const cols = ((s.tableElts ?? []) as AnyNode[]).map((e) => e.ColumnDef?.colname).filter((x): x is string => !!x);
          this.temp.set(s.relation.relname, cols.length ? cols : null);
        }
        return null;
      }
      case 'CreateTableAsStmt':
        if (s.into?.rel?.relpersistence === 't') this.temp.set(s.into.rel.relname, null);
        if (s.query) this.statement(s.query, parent);
        return null;
      case 'ExplainStmt':
        return s.query ? this.statement(s.query, parent) : null;
      default:
        return null;
    }
  }
}

function tempMap(opts: CheckSqlOptions | undefined): Map<string, string[] | null> {
  return new Map(Object.entries(opts?.tempTables ?? {}));
}

const checkMemo = new WeakMap<Schema, Map<string, Problem[]>>();

/**
 * Sync AST check. The parser must be loaded (`await ensureParser()`); SQL that does not parse gives no problem.
 * Memoised per schema and SQL text: the same statements come back on every keystroke in the editor.
 */
export function checkSqlAgainstSchema(sql: string, schema: Schema, opts?: CheckSqlOptions): Problem[] {
  const key = `${JSON.stringify(opts?.tempTables ?? null)}|${(opts?.searchPath ?? []).join(',')}|${sql}`;
  let memo = checkMemo.get(schema);
  if (!memo) checkMemo.set(schema, (memo = new Map()));
  const hit = memo.get(key);
  if (hit) return hit.map((p) => ({ ...p }));
  if (memo.size > 50_000) memo.clear();
  const problems = checkSqlUncached(sql, schema, opts);
  memo.set(key, problems);
  return problems.map((p) => ({ ...p }));
}

function checkSqlUncached(sql: string, schema: Schema, opts?: CheckSqlOptions): Problem[] {
  let parsed: { stmts?: { stmt: AnyNode }[] };
  try {
    parsed = parseSync(sql) as typeof parsed;
  } catch {
    return [];
  }
  const c = new Checker(sql, schema, tempMap(opts), opts?.searchPath ?? ['public']);
  for (const st of parsed.stmts ?? []) c.statement(st.stmt, undefined);
  const seen = new Set<string>();
  return c.problems.filter((p) => {
    const k = `${p.start}:${p.end}:${p.kind}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const DESCRIBABLE = /^\s*(WITH|SELECT|INSERT|UPDATE|DELETE|VALUES|TABLE)\b/i;

/** Postgres's answer for one statement, or undefined when it describes fine or fails for another reason. */
async function describeProblem(db: PGlite, sql: string, schema: Schema): Promise<Problem | null | undefined> {
  try {
    await db.query('SAVEPOINT pglint_check');
    await db.describeQuery(sql);
    await db.query('RELEASE SAVEPOINT pglint_check');
    return null;
  } catch (e) {
    await db.query('ROLLBACK TO SAVEPOINT pglint_check').catch(() => undefined);
    const err = e as { code?: string; message?: string; position?: string | number };
    if (err.code !== '42P01' && err.code !== '42703') return undefined;
    const pos = err.position !== undefined ? Number(err.position) - 1 : -1;
    const message = err.message ?? '';
    const spans = pos >= 0 ? identSpans(sql, pos) : [];
    let kind: Problem['kind'];
    let name: string;
    let span = spans[spans.length - 1];
    let table: string | undefined;
    let candidates: string[] = [];
    const unq = (n: string) => (n.startsWith('"') ? n.slice(1, -1).replace(/""/g, '"') : n);
    const rels = Object.values(schema.relations);
    if (/^missing FROM-clause entry/.test(message)) {
      kind = 'missing-from-entry';
      name = /"([^"]+)"/.exec(message)?.[1] ?? '';
      span = spans[0];
    } else if (err.code === '42P01') {
      kind = 'missing-relation';
      name = /relation "([^"]+)"/.exec(message)?.[1] ?? '';
      candidates = rels.map((r) => (r.schema === 'public' ? r.name : `${r.schema}.${r.name}`));
    } else {
      kind = 'missing-column';
      const m = /column "?([^"]+?)"? (?:of relation "([^"]+)" )?does not exist/.exec(message);
      const full = m?.[1] ?? '';
      name = full.includes('.') && !m?.[1]?.startsWith('"') && spans.length > 1 ? full.slice(full.lastIndexOf('.') + 1) : full;
      table = m?.[2];
      if (spans.length > 1) {
        const qual = unq(spans[spans.length - 2]!.name);
        // Resolve the qualifier against the statement's FROM items when it is a table name (aliases: any column of the query's tables).
        const direct = rels.find((r) => r.name === qual);
        if (direct) table = direct.name;
      }
      const pool = table ? rels.filter((r) => r.name === table) : rels.filter((r) => new RegExp(`\\b${r.name}\\b`, 'i').test(sql));
      candidates = pool.flatMap((r) => r.columns.map((c) => c.name));
    }
    if (!span) span = { start: Math.max(0, pos), end: Math.max(0, pos) + name.length, name };
    return { kind, start: span.start, end: span.end, name, table, message, suggestion: closest(name, candidates), source: 'postgres' };
  }
}

/**
 * Checks a SQL text (possibly several statements, `$1` placeholders) against the migrated schema.
 * With `db` (a PGlite holding that schema), Postgres describes each statement inside a transaction that is rolled back.
 */
export async function checkSql(sql: string, schema: Schema, db?: PGlite, opts?: CheckSqlOptions): Promise<Problem[]> {
  await ensureParser();
  const ast = checkSqlAgainstSchema(sql, schema, opts);
  if (!db) return ast;
  const out: Problem[] = [];
  await db.query('BEGIN');
  try {
    if (opts?.tempTables)
      for (const [t, cols] of Object.entries(opts.tempTables))
        await db.query(`CREATE TEMP TABLE IF NOT EXISTS "${t.replace(/"/g, '""')}" (${(cols ?? []).map((c) => `"${c.replace(/"/g, '""')}" text`).join(', ')})`).catch(() => undefined);
    for (const chunk of splitSql(sql)) {
      const inChunk = ast.filter((p) => p.start >= chunk.start && p.end <= chunk.end);
      if (/^\s*CREATE\s+(GLOBAL\s+|LOCAL\s+)?(TEMP|TEMPORARY)\b/i.test(chunk.sql)) {
        await db.query('SAVEPOINT pglint_tmp');
        await db.exec(chunk.sql).catch(() => db.query('ROLLBACK TO SAVEPOINT pglint_tmp'));
        out.push(...inChunk);
        continue;
      }
      if (!DESCRIBABLE.test(chunk.sql)) {
        out.push(...inChunk);
        continue;
      }
      const pg = await describeProblem(db, chunk.sql, schema);
      if (pg === null) continue; // Postgres accepts it: AST doubts are dropped.
      if (pg === undefined) {
        out.push(...inChunk);
        continue;
      }
      const shifted = { ...pg, start: pg.start + chunk.start, end: pg.end + chunk.start };
      const same = inChunk.find((p) => p.start === shifted.start);
      if (same) {
        shifted.suggestion ??= same.suggestion;
        shifted.table ??= same.table;
      }
      out.push(shifted, ...inChunk.filter((p) => p.start !== shifted.start));
    }
  } finally {
    await db.query('ROLLBACK').catch(() => undefined);
  }
  return out.sort((a, b) => a.start - b.start);
}

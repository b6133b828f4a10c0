/**
 * no-missing-migration, code side: finds every SQL text of a file whose content is known statically and the
 * constant parts of query builders, checks them against the migrated schema, and builds the
 * "Create migration" fix. Offsets always land inside the TS source (inside the string when the text is there).
 *
 * SQL sources (collectSqlSites):
 *  - the SQL argument of database calls: string literals, templates whose interpolations are constants,
 *    `+` of constants, a const variable holding one (the finding lands in the variable's string), a project
 *    helper returning one;
 *  - tagged templates of postgres.js, slonik, kysely `sql`, Prisma `$queryRaw`/`Prisma.sql`: each interpolation
 *    is a bound parameter and becomes `$n` (a nested fragment such as `sql(obj)` or `Prisma.join` makes the
 *    text unknown: skipped); drizzle is typed, skipped;
 *  - calls of project wrapper functions forwarding a parameter as SQL text (`query(text, params)` that calls
 *    `pool.query(text, params)`), through up to 3 levels of wrappers.
 * Builders (builderProblems): knex('t') / .from / .join / .where / .select / .orderBy / .insert({…}) …,
 * kysely selectFrom / insertInto / updateTable / deleteFrom / joins / select / where / orderBy / set / values.
 */
import * as ts from 'typescript';
import { parseSync } from 'libpg-query';
import type { FileModel } from '../engine/model';
import { forwardedSqlParam } from '../engine/summaries';
import type { Fix, Language } from '../engine/types';
import { resolveIdentifier } from '../engine/scope';
import { forEachReturn, skipOuterExpressions as strip } from '../engine/model';
import { constantString } from '../engine/sqltext';
import { formatMessage } from '../engine/rule';
import type { MigrationSet, Problem, Schema, SchemaRelation } from './types';
import { checkSqlAgainstSchema } from './check-sql';
import { closest, relationNamesOf } from './util';
import { planMigration, type MissingItem } from './plan';
import { MISSING_MESSAGES, SUGGESTION } from './messages';
import type { ModelProblem } from './models';

/** One SQL text found in the code, and how to map an offset of `sql` back into the file. */
export interface SqlSite {
  sql: string;
  /** `isEnd`: the offset ends a range (at a boundary, the earlier piece is used). */
  toFile: (offset: number, isEnd?: boolean) => number;
  /** The expression the text came from (call argument or tagged template). */
  node: ts.Node;
}

interface Seg {
  text: string;
  /** File offset of text[i], for i in [0, text.length]. */
  map: (i: number) => number;
}

const MAX_DEPTH = 6;

/**
 * Cooked-index → raw-offset table for the raw text of a string or template chunk (escapes decoded).
 * Returns undefined when the decoding does not give `cooked` back (then callers map to the literal start).
 */
function cookedOffsets(raw: string, cooked: string, template: boolean): number[] | undefined {
  const out: number[] = [];
  let i = 0;
  while (i < raw.length) {
    const c = raw[i]!;
    if (c === '\\') {
      const n = raw[i + 1];
      if (n === '\r' && raw[i + 2] === '\n') { i += 3; continue; }
      if (n === '\n' || n === '\r' || n === '\u2028' || n === '\u2029') { i += 2; continue; }
      if (n === 'x') { out.push(i); i += 4; continue; }
      if (n === 'u') {
        if (raw[i + 2] === '{') {
          const close = raw.indexOf('}', i);
          const cp = parseInt(raw.slice(i + 3, close), 16);
          out.push(i);
          if (cp > 0xffff) out.push(i);
          i = close + 1;
          continue;
        }
        out.push(i);
        i += 6;
        continue;
      }
      out.push(i);
      i += 2;
      continue;
    }
    if (template && c === '\r') {
      out.push(i);
      i += raw[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    out.push(i);
    i++;
  }
  out.push(raw.length);
  return out.length === cooked.length + 1 ? out : undefined;
}

/** Segment for a literal-like node (string literal, template head/middle/tail, no-substitution template). */
function literalSeg(node: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral | ts.TemplateHead | ts.TemplateMiddle | ts.TemplateTail, sf: ts.SourceFile): Seg {
  const start = node.getStart(sf) + 1;
  const closeLen = ts.isTemplateHead(node) || ts.isTemplateMiddle(node) ? 2 : 1;
  const end = node.end - closeLen;
  const raw = sf.text.slice(start, end);
  const cooked = node.text;
  const table = raw === cooked ? undefined : cookedOffsets(raw, cooked, !ts.isStringLiteral(node));
  if (raw === cooked) return { text: cooked, map: (i) => start + i };
  if (table) return { text: cooked, map: (i) => start + table[Math.min(i, table.length - 1)]! };
  return { text: cooked, map: () => start };
}

function constSeg(text: string, at: number): Seg {
  return { text, map: () => at };
}

interface FlattenState {
  params: number;
  model: FileModel;
  sf: ts.SourceFile;
}

/** A nested SQL fragment inside a tagged template (not a bound parameter): `sql(obj)`, `sql.identifier`, `Prisma.join`, `sql\`…\``. */
function isFragment(e0: ts.Expression, st: FlattenState): boolean {
  const e = strip(e0);
  if (ts.isTaggedTemplateExpression(e)) return true;
  if (ts.isCallExpression(e)) {
    const v = st.model.valueOf(e.expression);
    if (v && (v.t === 'db' || v.t === 'method' || v.t === 'lib')) return true;
    return false;
  }
  if (ts.isIdentifier(e)) {
    const b = resolveIdentifier(e);
    if (b?.kind === 'var' && ts.isVariableDeclaration(b.decl) && b.decl.initializer && !b.path.length) return isFragment(b.decl.initializer, st);
    const v = st.model.valueOf(e);
    return !!v && v.t === 'db';
  }
  return false;
}

function templateSegs(t: ts.TemplateLiteral, tagged: boolean, st: FlattenState, depth: number): Seg[] | undefined {
  if (ts.isNoSubstitutionTemplateLiteral(t)) return [literalSeg(t, st.sf)];
  const out: Seg[] = [literalSeg(t.head, st.sf)];
  for (const span of t.templateSpans) {
    const expr = span.expression;
    if (tagged) {
      if (isFragment(expr, st)) return undefined;
      const at = expr.getStart(st.sf);
      out.push(constSeg(`$${++st.params}`, at));
    } else {
      const inner = flatten(expr, st, depth + 1);
      if (!inner) return undefined;
      out.push(...inner);
    }
    out.push(literalSeg(span.literal, st.sf));
  }
  return out;
}

function flatten(e0: ts.Expression, st: FlattenState, depth: number): Seg[] | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const e = strip(e0);
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return [literalSeg(e, st.sf)];
  if (ts.isNumericLiteral(e)) return [constSeg(e.text, e.getStart(st.sf))];
  if (ts.isTaggedTemplateExpression(e)) return templateSegs(e.template, true, st, depth);
  if (ts.isTemplateExpression(e)) return templateSegs(e, false, st, depth);
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const l = flatten(e.left, st, depth + 1);
    const r = l && flatten(e.right, st, depth + 1);
    return l && r ? [...l, ...r] : undefined;
  }
  if (ts.isIdentifier(e)) {
    const b = resolveIdentifier(e);
    if (b?.kind === 'var' && b.constant && !b.path.length && ts.isVariableDeclaration(b.decl) && b.decl.initializer && b.decl.getSourceFile() === st.sf)
      return flatten(b.decl.initializer, st, depth + 1);
  }
  if (ts.isIdentifier(e) || ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
    const c = constantString(e, st.model);
    return c === undefined ? undefined : [constSeg(c, e.getStart(st.sf))];
  }
  if (ts.isCallExpression(e)) {
    const target = st.model.calledFunction(e);
    if (target?.node.body && target.file === st.model && !target.node.parameters.length) {
      const returns: ts.Expression[] = [];
      if (!ts.isBlock(target.node.body)) returns.push(target.node.body);
      else forEachReturn(target.node.body, (r) => r.expression && returns.push(r.expression));
      if (returns.length === 1) return flatten(returns[0]!, st, depth + 1);
    }
  }
  return undefined;
}

function siteFromSegs(segs: Seg[], node: ts.Node): SqlSite {
  const starts: number[] = [];
  let sql = '';
  for (const s of segs) {
    starts.push(sql.length);
    sql += s.text;
  }
  const toFile = (o: number, isEnd = false): number => {
    if (isEnd) {
      for (let k = 0; k < segs.length; k++) if (o > starts[k]! && o <= starts[k]! + segs[k]!.text.length) return segs[k]!.map(o - starts[k]!);
    }
    for (let k = segs.length - 1; k >= 0; k--) if (o >= starts[k]! && o <= starts[k]! + segs[k]!.text.length) return segs[k]!.map(o - starts[k]!);
    return node.getStart();
  };
  return { sql, toFile, node };
}

/** The statically known SQL of an expression (see the module comment), or undefined. */
export function sqlSiteOf(expr: ts.Expression, model: FileModel): SqlSite | undefined {
  const st: FlattenState = { params: 0, model, sf: model.sourceFile };
  const segs = flatten(expr, st, 0);
  if (!segs || !segs.some((s) => s.text.trim())) return undefined;
  return siteFromSegs(segs, expr);
}

// ── wrapper functions ──────────────────────────────────────────────────────────

/** Every statically known SQL text of a file (database calls, tagged templates, project wrappers). */
export function collectSqlSites(model: FileModel): SqlSite[] {
  const out: SqlSite[] = [];
  const seen = new Set<ts.Node>();
  const add = (e: ts.Expression | undefined): void => {
    if (!e || seen.has(e)) return;
    seen.add(e);
    const s = sqlSiteOf(e, model);
    if (s) out.push(s);
  };
  for (const c of model.dbCalls()) {
    if (c.lib === 'drizzle') continue;
    if (ts.isTaggedTemplateExpression(c.node)) add(c.node);
    else if (c.sqlArg) add(c.sqlArg);
  }
  for (const n of model.callExpressions()) {
    if (!n.arguments.length || model.dbCallAt(n)) continue;
    const target = model.calledFunction(n);
    if (target) {
      const k = forwardedSqlParam(model.project, target);
      if (k >= 0) add(n.arguments[k]);
    }
  }
  return out;
}

/** Temporary tables created by these SQL texts (`CREATE TEMP TABLE`, `CREATE TEMP TABLE … AS`). Parser must be loaded. */
export function tempTablesOf(sqls: string[]): Record<string, string[] | null> {
  const out: Record<string, string[] | null> = {};
  for (const sql of sqls) {
    if (!/\bTEMP(ORARY)?\b/i.test(sql)) continue;
    let parsed: { stmts?: { stmt: Record<string, any> }[] };
    try {
      parsed = parseSync(sql) as typeof parsed;
    } catch {
      continue;
    }
    for (const { stmt } of parsed.stmts ?? []) {
      const c = stmt.CreateStmt;
      if (c?.relation?.relpersistence === 't') {
        const cols = ((c.tableElts ?? []) as any[]).map((x) => x.ColumnDef?.colname).filter((x): x is string => !!x);
        out[c.relation.relname] = cols.length ? cols : null;
      }
      const ctas = stmt.CreateTableAsStmt;
      if (ctas?.into?.rel?.relpersistence === 't') out[ctas.into.rel.relname] = null;
    }
  }
  return out;
}

// ── builders (knex, kysely) ────────────────────────────────────────────────────

/** A problem found in builder arguments, at file offsets. */
export interface FileProblem extends Problem {}

interface ChainCall {
  method: string;
  args: readonly ts.Expression[];
}

const KNEX_ROOTS = new Set(['()', 'from', 'table', 'into', 'select', 'insert', 'update', 'delete', 'del', 'queryBuilder']);
const KYSELY_ROOTS = new Set(['selectFrom', 'insertInto', 'updateTable', 'deleteFrom', 'mergeInto', 'replaceInto']);
const BAIL = new Set(['with', 'withRecursive', 'withMaterialized', 'withNotMaterialized', 'withSchema', 'fromRaw', 'joinRaw', 'union', 'unionAll', 'intersect', 'except', 'modify', 'clone', 'withPlugin', 'selectFromRaw']);
const TABLE_METHODS = new Set(['from', 'table', 'into', 'selectFrom', 'insertInto', 'updateTable', 'deleteFrom', 'mergeInto', 'replaceInto']);
const JOIN_METHODS = new Set(['join', 'innerJoin', 'leftJoin', 'rightJoin', 'leftOuterJoin', 'rightOuterJoin', 'fullOuterJoin', 'fullJoin', 'crossJoin', 'outerJoin']);
/** Methods whose string arguments (all of them) are column references. */
const COLUMN_ALL = new Set(['select', 'column', 'columns', 'returning', 'pluck', 'distinct', 'groupBy', 'distinctOn', 'first', 'max', 'min', 'sum', 'avg', 'countDistinct', 'sumDistinct', 'avgDistinct']);
/** Methods whose first argument is a column (string) or an object whose keys are columns. */
const COLUMN_FIRST = new Set([
  'where', 'andWhere', 'orWhere', 'whereNot', 'andWhereNot', 'orWhereNot', 'whereIn', 'whereNotIn', 'orWhereIn', 'orWhereNotIn',
  'whereNull', 'whereNotNull', 'orWhereNull', 'orWhereNotNull', 'whereBetween', 'whereNotBetween', 'orWhereBetween', 'orWhereNotBetween',
  'whereLike', 'whereILike', 'orWhereLike', 'orWhereILike', 'orderBy', 'having', 'orHaving', 'increment', 'decrement', 'update', 'set', 'values', 'insert',
]);
const REF_ARGS: Record<string, number[]> = { whereRef: [0, 2], orWhereRef: [0, 2], onRef: [0, 2] };

interface RefPart {
  name: string;
  start: number;
  end: number;
}

/** 'orders as o' / 'public.orders' → table, alias; offsets inside the literal. */
function tableRef(e: ts.Expression, sf: ts.SourceFile): { schema?: string; name: string; alias?: string; start: number; end: number } | undefined {
  const x = strip(e);
  if (!ts.isStringLiteral(x) && !ts.isNoSubstitutionTemplateLiteral(x)) return undefined;
  const m = /^\s*(?:([A-Za-z_][\w$]*)\.)?([A-Za-z_][\w$]*)(?:\s+(?:as\s+)?([A-Za-z_][\w$]*))?\s*$/i.exec(x.text);
  if (!m || x.getText(sf).slice(1, -1) !== x.text) return undefined;
  const base = x.getStart(sf) + 1;
  const at = x.text.indexOf(m[2]!, m[1] ? m[1].length + 1 : 0);
  return { schema: m[1], name: m[2]!, alias: m[3], start: base + at, end: base + at + m[2]!.length };
}

/** 'o.total as t' → qualifier + column with offsets; undefined for '*', raw expressions, JSON paths. */
function columnRef(e: ts.Expression, sf: ts.SourceFile): { qual?: RefPart; col: RefPart } | undefined {
  const x = strip(e);
  if (!ts.isStringLiteral(x) && !ts.isNoSubstitutionTemplateLiteral(x)) return undefined;
  if (x.getText(sf).slice(1, -1) !== x.text) return undefined;
  const m = /^(\s*)(?:([A-Za-z_][\w$]*)\.)?(?:([A-Za-z_][\w$]*)\.)?([A-Za-z_][\w$]*)(?:\s+as\s+[A-Za-z_][\w$]*)?\s*$/i.exec(x.text);
  if (!m) return undefined;
  const base = x.getStart(sf) + 1 + m[1]!.length;
  const parts = [m[2], m[3], m[4]].filter((p): p is string => !!p);
  const colName = parts[parts.length - 1]!;
  const qualName = parts.length > 1 ? parts[parts.length - 2]! : undefined;
  let off = base;
  const spans: RefPart[] = parts.map((p) => {
    const s = { name: p, start: off, end: off + p.length };
    off += p.length + 1;
    return s;
  });
  return { qual: qualName ? spans[spans.length - 2] : undefined, col: spans[spans.length - 1]! ?? { name: colName, start: base, end: base + colName.length } };
}

function objectKeys(e: ts.Expression, sf: ts.SourceFile): RefPart[] {
  const x = strip(e);
  const objs = ts.isArrayLiteralExpression(x) ? x.elements.map(strip).filter(ts.isObjectLiteralExpression) : ts.isObjectLiteralExpression(x) ? [x] : [];
  const out: RefPart[] = [];
  for (const o of objs) {
    for (const p of o.properties) {
      if (!(ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p))) continue;
      const n = p.name;
      if (ts.isIdentifier(n)) out.push({ name: n.text, start: n.getStart(sf), end: n.end });
      else if (ts.isStringLiteral(n) && /^[A-Za-z_][\w$]*$/.test(n.text)) out.push({ name: n.text, start: n.getStart(sf) + 1, end: n.end - 1 });
    }
  }
  return out;
}

/** The calls of a builder chain, from its root call to the outermost one. */
function chainFrom(root: ts.CallExpression): ChainCall[] {
  const out: ChainCall[] = [];
  let cur: ts.Node = root;
  let method = '';
  const e = root.expression;
  method = ts.isPropertyAccessExpression(e) ? e.name.text : '()';
  out.push({ method, args: root.arguments });
  for (;;) {
    const p = cur.parent;
    if (!p || !ts.isPropertyAccessExpression(p) || p.expression !== cur) break;
    const call = p.parent;
    if (!call || !ts.isCallExpression(call) || call.expression !== p) break;
    out.push({ method: p.name.text, args: call.arguments });
    cur = call;
  }
  return out;
}

/** Whether the receiver of a root call went through `with(...)` or another call that makes names unknown. */
function receiverBails(root: ts.CallExpression): boolean {
  let e: ts.Expression = root.expression;
  while (true) {
    if (ts.isPropertyAccessExpression(e)) e = e.expression;
    else if (ts.isCallExpression(e)) {
      const c = e.expression;
      if (ts.isPropertyAccessExpression(c) && BAIL.has(c.name.text)) return true;
      e = c;
    } else return false;
  }
}

/** Problems in the constant parts of knex and kysely builder chains of a file (offsets in the file). */
export function builderProblems(model: FileModel, schema: Schema, searchPath: string[] = ['public']): Problem[] {
  const sf = model.sourceFile;
  const out: Problem[] = [];
  const lookup = (s: string | undefined, n: string): SchemaRelation | undefined => {
    if (s) return schema.relations[`${s}.${n}`];
    for (const p of searchPath) if (schema.relations[`${p}.${n}`]) return schema.relations[`${p}.${n}`];
    return undefined;
  };
  const relNames = () => relationNamesOf(schema, searchPath);
  const done = new Set<ts.Node>();
  for (const c of model.dbCalls()) {
    if (!ts.isCallExpression(c.node) || done.has(c.node)) continue;
    const isKnexRoot = c.kind === 'knex.Knex' && KNEX_ROOTS.has(c.method);
    const isKyselyRoot = c.kind === 'kysely.Db' && KYSELY_ROOTS.has(c.method);
    if (!isKnexRoot && !isKyselyRoot) continue;
    if (receiverBails(c.node)) continue;
    const chain = chainFrom(c.node);
    // Mark inner calls of the chain as handled (a knex.select(...).from(...) chain has one root).
    let n: ts.Node = c.node;
    done.add(n);
    while (n.parent && ts.isPropertyAccessExpression(n.parent) && n.parent.parent && ts.isCallExpression(n.parent.parent)) {
      n = n.parent.parent;
      done.add(n);
    }
    if (chain.some((k) => BAIL.has(k.method))) continue;
    const tables: { ref: string; rel?: SchemaRelation }[] = [];
    let unknownTable = false;
    const addTable = (e: ts.Expression | undefined): void => {
      if (!e) return;
      const t = tableRef(e, sf);
      if (!t) {
        unknownTable = true;
        return;
      }
      if (!t.schema && t.name.startsWith('pg_')) {
        unknownTable = true;
        return;
      }
      if (t.schema === 'pg_catalog' || t.schema === 'information_schema') {
        unknownTable = true;
        return;
      }
      const rel = lookup(t.schema, t.name);
      if (!rel) {
        const full = t.schema ? `${t.schema}.${t.name}` : t.name;
        out.push({ kind: 'missing-relation', start: t.start, end: t.end, name: full, message: `relation "${full}" does not exist`, suggestion: closest(full, relNames()), source: 'ast' });
        unknownTable = true;
      }
      tables.push({ ref: t.alias ?? t.name, rel });
      if (t.alias) tables.push({ ref: t.name, rel });
    };
    const cols: { qual?: RefPart; col: RefPart }[] = [];
    const addCol = (e: ts.Expression | undefined): void => {
      if (!e) return;
      const x = strip(e);
      if (ts.isArrayLiteralExpression(x)) {
        for (const el of x.elements) addCol(el);
        return;
      }
      const r = columnRef(x, sf);
      if (r) cols.push(r);
    };
    const isRoot = (i: number) => i === 0;
    chain.forEach((k, i) => {
      if (isRoot(i) && k.method === '()') return addTable(k.args[0]);
      if (isRoot(i) && isKnexRoot && !TABLE_METHODS.has(k.method)) {
        // knex.select('a').from('t'), knex.insert({...}).into('t')
        if (COLUMN_ALL.has(k.method)) k.args.forEach(addCol);
        else if (k.method === 'insert' || k.method === 'update') for (const key of objectKeys(k.args[0] ?? ts.factory.createNull(), sf)) cols.push({ col: key });
        return;
      }
      if (TABLE_METHODS.has(k.method)) {
        const a = k.args[0] && strip(k.args[0]);
        if (a && ts.isArrayLiteralExpression(a)) a.elements.forEach(addTable);
        else addTable(k.args[0]);
        return;
      }
      if (JOIN_METHODS.has(k.method)) {
        addTable(k.args[0]);
        if (k.args.length >= 3) {
          addCol(k.args[1]);
          addCol(k.args[k.args.length - 1]);
        }
        return;
      }
      if (REF_ARGS[k.method]) {
        for (const idx of REF_ARGS[k.method]!) addCol(k.args[idx]);
        return;
      }
      if (COLUMN_ALL.has(k.method)) {
        k.args.forEach(addCol);
        return;
      }
      if (COLUMN_FIRST.has(k.method)) {
        const a = k.args[0];
        if (!a) return;
        const x = strip(a);
        if (ts.isObjectLiteralExpression(x) || (ts.isArrayLiteralExpression(x) && x.elements.some((el) => ts.isObjectLiteralExpression(strip(el))))) {
          if (k.method === 'orderBy') return;
          for (const key of objectKeys(x, sf)) cols.push({ col: key });
        } else addCol(a);
      }
    });
    if (!tables.length) continue;
    for (const { qual, col } of cols) {
      if (qual) {
        const t = tables.find((x) => x.ref === qual.name);
        if (!t) {
          if (!unknownTable)
            out.push({ kind: 'missing-from-entry', start: qual.start, end: qual.end, name: qual.name, message: `missing FROM-clause entry for table "${qual.name}"`, suggestion: closest(qual.name, tables.map((x) => x.ref)), source: 'ast' });
          continue;
        }
        if (!t.rel) continue;
        const names = t.rel.columns.map((x) => x.name);
        if (!names.includes(col.name))
          out.push({ kind: 'missing-column', start: col.start, end: col.end, name: col.name, table: t.rel.name, message: `column ${qual.name}.${col.name} does not exist`, suggestion: closest(col.name, names), source: 'ast' });
        continue;
      }
      if (unknownTable) continue;
      const rels = [...new Set(tables.map((t) => t.rel!))];
      if (rels.some((r) => r.columns.some((x) => x.name === col.name))) continue;
      const names = rels.flatMap((r) => r.columns.map((x) => x.name));
      out.push({ kind: 'missing-column', start: col.start, end: col.end, name: col.name, table: rels.length === 1 ? rels[0]!.name : undefined, message: `column "${col.name}" does not exist`, suggestion: closest(col.name, names), source: 'ast' });
    }
  }
  return out;
}

// ── findings data ──────────────────────────────────────────────────────────────

/** Problems of a file's SQL texts, at file offsets (deduplicated; temp tables created in the file are known). */
export function codeProblems(model: FileModel, schema: Schema): Problem[] {
  const sites = collectSqlSites(model);
  const tempTables = tempTablesOf(sites.map((s) => s.sql));
  const out: Problem[] = [];
  const seen = new Set<string>();
  const push = (p: Problem): void => {
    const k = `${p.start}:${p.end}:${p.kind}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push(p);
  };
  for (const s of sites) {
    for (const p of checkSqlAgainstSchema(s.sql, schema, { tempTables })) {
      const start = s.toFile(p.start);
      const end = Math.max(start, s.toFile(p.end, true));
      push({ ...p, start, end });
    }
  }
  for (const p of builderProblems(model, schema)) push(p);
  return out.sort((a, b) => a.start - b.start);
}

/** What a "create migration" fix should add for a problem, if anything. */
export function missingItemOf(p: Problem): MissingItem | undefined {
  if (p.kind === 'missing-relation') {
    const dot = p.name.indexOf('.');
    return dot > 0 ? { schema: p.name.slice(0, dot), table: p.name.slice(dot + 1) } : { table: p.name };
  }
  if (p.kind === 'missing-column' && p.table) return { table: p.table, column: p.name };
  return undefined;
}

/** The migration group a new migration for `item` belongs in: the tool asked for, else the one that last touched the table, else the last group. */
function groupDirFor(set: MigrationSet, item: MissingItem, preferTool?: string): string | undefined {
  // Asked once per finding (thousands in a large project): remember the answer per set, table and tool.
  let memo = groupDirMemo.get(set);
  if (!memo) groupDirMemo.set(set, (memo = new Map()));
  const key = `${preferTool ?? ''}\u0000${item.table}`;
  if (!memo.has(key)) memo.set(key, groupDirUncached(set, item, preferTool));
  return memo.get(key);
}
const groupDirMemo = new WeakMap<MigrationSet, Map<string, string | undefined>>();

function groupDirUncached(set: MigrationSet, item: MissingItem, preferTool?: string): string | undefined {
  if (preferTool) {
    const g = set.groups.find((x) => x.tool === preferTool);
    if (g) return g.dir;
  }
  const re = new RegExp(`(^|[^\\w$])"?${item.table.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?($|[^\\w$])`, 'i');
  for (let i = set.migrations.length - 1; i >= 0; i--) {
    const m = set.migrations[i]!;
    if (m.statements.some((s) => re.test(s.sql))) {
      const g = set.groups.find((x) => x.migrations.includes(m));
      if (g) return g.dir;
    }
  }
  return set.groups[set.groups.length - 1]?.dir;
}

/** "Create migration" fix for missing items (undefined when the project has no migrations folder). */
export function createMigrationFix(
  set: MigrationSet | undefined,
  schema: Schema,
  items: MissingItem[],
  language: Language = 'en',
  options: { preferTool?: string; tableColumns?: Record<string, { name: string; type?: string }[]> } = {},
): Fix | undefined {
  if (!set || !set.groups.length || !items.length) return undefined;
  try {
    const plan = planMigration(set, items, { schema, dir: groupDirFor(set, items[0]!, options.preferTool), tableColumns: options.tableColumns });
    const name = plan.file.split(/[\\/]/).pop()!;
    return {
      id: 'createMigration',
      title: language === 'fr' ? `Créer une migration (${name})` : `Create migration (${name})`,
      safety: 'unsafe',
      edits: [],
      createFiles: plan.files.map((f) => ({ file: f.file, text: f.text })),
    };
  } catch {
    return undefined;
  }
}

/** Message of a model problem. */
export function modelMessage(p: ModelProblem, language: Language = 'en'): { messageId: string; message: string; data: Record<string, string> } {
  const suggestion = p.data.suggestion ? formatMessage(SUGGESTION[language], { s: p.data.suggestion }) : '';
  const data = { name: p.data.name, table: p.data.table, suggestion };
  return { messageId: p.messageId, message: formatMessage(MISSING_MESSAGES[p.messageId][language], data), data };
}

/** Tool whose migrations usually follow a model file (Prisma schema → prisma, pgTable → drizzle, @Entity → typeorm). */
export function toolOfModelFile(file: string, text: string): string | undefined {
  if (file.endsWith('.prisma')) return 'prisma';
  if (/\bpgTable\b|\bpgSchema\b/.test(text)) return 'drizzle';
  if (/@Entity\b/.test(text)) return 'typeorm';
  return undefined;
}

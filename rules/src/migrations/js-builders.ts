/**
 * Reads JS/TS migrations statically (TypeScript parser; workspace code is never executed) and turns the
 * builder calls of node-pg-migrate, knex and TypeORM into the equivalent SQL. Unknown calls become notes.
 */
import * as ts from 'typescript';
import type { MigrationNote, MigrationStatement, MigrationTool } from './types';
import { splitSql } from './sql-split';
import { quoteIdent } from './util';

export interface JsMigrationInfo {
  tool: MigrationTool | undefined;
  statements: MigrationStatement[];
  hasDown: boolean;
  transactional: boolean;
  notes: MigrationNote[];
  upRange?: { start: number; end: number };
}

type Fn = ts.FunctionLikeDeclaration;

function kindOf(file: string): ts.ScriptKind {
  return /\.[cm]?tsx?$/.test(file) && !file.endsWith('.js') ? ts.ScriptKind.TS : ts.ScriptKind.JS;
}

function propName(n: ts.PropertyName | ts.BindingName | undefined): string | undefined {
  if (!n) return undefined;
  if (ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isNumericLiteral(n) || ts.isPrivateIdentifier(n)) return n.text;
  return undefined;
}

/** Finds exported `up` / `down` (CommonJS, ESM, object export) or TypeORM class methods. */
function findStep(sf: ts.SourceFile, step: 'up' | 'down'): { fn?: Fn; present: boolean; explicitFalse: boolean; cls?: ts.ClassLikeDeclaration } {
  let fn: Fn | undefined;
  let present = false;
  let explicitFalse = false;
  let cls: ts.ClassLikeDeclaration | undefined;
  const takeValue = (v: ts.Expression | undefined) => {
    if (!v) return;
    present = true;
    while (ts.isParenthesizedExpression(v) || ts.isAsExpression(v)) v = v.expression;
    if (ts.isFunctionExpression(v) || ts.isArrowFunction(v)) fn = v;
    else if (v.kind === ts.SyntaxKind.FalseKeyword) explicitFalse = true;
  };
  const visitObject = (o: ts.ObjectLiteralExpression) => {
    for (const p of o.properties) {
      if (ts.isMethodDeclaration(p) && propName(p.name) === step) (present = true), (fn = p);
      else if (ts.isPropertyAssignment(p) && propName(p.name) === step) takeValue(p.initializer);
      else if (ts.isShorthandPropertyAssignment(p) && p.name.text === step) {
        const decl = findTopLevel(sf, step);
        if (decl) (present = true), (fn = decl);
      }
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionDeclaration(node) && node.name?.text === step && node.parent === sf) (present = true), (fn = node);
    else if (ts.isVariableStatement(node) && node.parent === sf) {
      for (const d of node.declarationList.declarations) if (propName(d.name) === step && node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) takeValue(d.initializer);
    } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const l = node.left;
      if (ts.isPropertyAccessExpression(l) && l.name.text === step) {
        const obj = l.expression.getText(sf);
        if (obj === 'exports' || obj === 'module.exports') takeValue(node.right);
      } else if (ts.isPropertyAccessExpression(l) && l.getText(sf) === 'module.exports' && ts.isObjectLiteralExpression(node.right)) visitObject(node.right);
    } else if (ts.isExportAssignment(node) && ts.isObjectLiteralExpression(node.expression)) visitObject(node.expression);
    else if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) {
      for (const m of node.members) {
        if (ts.isMethodDeclaration(m) && propName(m.name) === step) (present = true), (fn = m), (cls = node);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { fn, present, explicitFalse, cls };
}

function findTopLevel(sf: ts.SourceFile, name: string): Fn | undefined {
  for (const s of sf.statements) {
    if (ts.isFunctionDeclaration(s) && s.name?.text === name) return s;
    if (ts.isVariableStatement(s))
      for (const d of s.declarationList.declarations)
        if (propName(d.name) === name && d.initializer && (ts.isArrowFunction(d.initializer) || ts.isFunctionExpression(d.initializer))) return d.initializer;
  }
  return undefined;
}

export function detectJsTool(text: string): MigrationTool | undefined {
  if (/\bMigrationInterface\b|\bQueryRunner\b|\bqueryRunner\b/.test(text)) return 'typeorm';
  if (/node-pg-migrate|\bMigrationBuilder\b|\bpgm\s*[.)=,:]/.test(text)) return 'node-pg-migrate';
  if (/\bknex\b|\bKnex\b|\.schema\s*\.\s*(createTable|alterTable|table|dropTable)\b/.test(text)) return 'knex';
  return undefined;
}

/** Literal string content of a node, and whether it sits verbatim in the source. */
function stringOf(node: ts.Node, sf: ts.SourceFile): { text: string; start: number; exact: boolean } | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
    const raw = sf.text.slice(node.getStart(sf) + 1, node.end - 1);
    return { text: node.text, start: node.getStart(sf) + 1, exact: raw === node.text };
  }
  return undefined;
}

class Emitter {
  statements: MigrationStatement[] = [];
  notes: MigrationNote[] = [];
  constructor(readonly sf: ts.SourceFile, readonly file: string) {}
  emit(sql: string, node: ts.Node, origin: string): void {
    this.statements.push({ sql, start: node.getStart(this.sf), end: node.end, exact: false, origin });
  }
  /** SQL from a string argument: split into statements, positioned inside the string when possible. */
  emitString(arg: ts.Expression | undefined, call: ts.Node, origin: string): void {
    if (!arg) return this.note(call, `${origin}: no SQL argument`);
    const s = stringOf(arg, this.sf);
    if (!s) {
      if (ts.isTemplateExpression(arg)) return this.note(arg, `${origin}: template with interpolation skipped (its SQL is not static)`);
      return this.note(arg, `${origin}: SQL is not a literal string, skipped`);
    }
    for (const chunk of splitSql(s.text)) {
      if (s.exact) this.statements.push({ sql: chunk.sql, start: s.start + chunk.start, end: s.start + chunk.end, exact: true, origin });
      else this.statements.push({ sql: chunk.sql, start: arg.getStart(this.sf), end: arg.end, exact: false, origin });
    }
  }
  note(node: ts.Node, message: string): void {
    this.notes.push({ file: this.file, start: node.getStart(this.sf), end: node.end, message });
  }
}

function literal(node: ts.Expression | undefined, sf: ts.SourceFile): string | number | boolean | null | undefined {
  if (!node) return undefined;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (node.kind === ts.SyntaxKind.NullKeyword) return null;
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(node.operand)) return -Number(node.operand.text);
  void sf;
  return undefined;
}

function sqlLiteral(v: string | number | boolean | null): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') return `'${v.replace(/'/g, "''")}'`;
  return String(v);
}

/** Table name argument: 'users', 'app.users' (knex), { schema, name } (node-pg-migrate). */
function tableName(node: ts.Expression | undefined, sf: ts.SourceFile, dotted: boolean): string | undefined {
  if (!node) return undefined;
  const l = literal(node, sf);
  if (typeof l === 'string') {
    if (dotted && l.includes('.')) return l.split('.').map(quoteIdent).join('.');
    return quoteIdent(l);
  }
  if (ts.isObjectLiteralExpression(node)) {
    let schema: string | undefined;
    let name: string | undefined;
    for (const p of node.properties) {
      if (!ts.isPropertyAssignment(p)) continue;
      const v = literal(p.initializer, sf);
      if (propName(p.name) === 'schema' && typeof v === 'string') schema = v;
      if (propName(p.name) === 'name' && typeof v === 'string') name = v;
    }
    if (name) return schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name);
  }
  return undefined;
}

function objectProps(node: ts.Expression | undefined): Map<string, ts.Expression> {
  const m = new Map<string, ts.Expression>();
  if (node && ts.isObjectLiteralExpression(node))
    for (const p of node.properties) {
      if (ts.isPropertyAssignment(p)) {
        const k = propName(p.name);
        if (k !== undefined) m.set(k, p.initializer);
      } else if (ts.isShorthandPropertyAssignment(p)) m.set(p.name.text, p.name);
    }
  return m;
}

function stringList(node: ts.Expression | undefined, sf: ts.SourceFile): string[] | undefined {
  if (!node) return undefined;
  const l = literal(node, sf);
  if (typeof l === 'string') return [l];
  if (ts.isArrayLiteralExpression(node)) {
    const out: string[] = [];
    for (const e of node.elements) {
      const v = literal(e, sf);
      if (typeof v !== 'string') return undefined;
      out.push(v);
    }
    return out;
  }
  return undefined;
}

// ---------------------------------------------------------------- node-pg-migrate

function pgmDefault(node: ts.Expression, sf: ts.SourceFile, pgm: string): string | undefined {
  if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'func' && node.expression.expression.getText(sf) === pgm) {
    const v = literal(node.arguments[0], sf);
    return typeof v === 'string' ? v : undefined;
  }
  const v = literal(node, sf);
  return v === undefined ? undefined : sqlLiteral(v);
}

function pgmColumn(name: string, def: ts.Expression, sf: ts.SourceFile, pgm: string): string | undefined {
  const l = literal(def, sf);
  if (typeof l === 'string') return l === 'id' ? `${quoteIdent(name)} serial PRIMARY KEY` : `${quoteIdent(name)} ${l}`;
  if (!ts.isObjectLiteralExpression(def)) return undefined;
  const p = objectProps(def);
  const type = literal(p.get('type'), sf);
  if (typeof type !== 'string') return undefined;
  let sql = `${quoteIdent(name)} ${type === 'id' ? 'serial' : type}`;
  if (literal(p.get('primaryKey'), sf) === true || type === 'id') sql += ' PRIMARY KEY';
  if (literal(p.get('notNull'), sf) === true) sql += ' NOT NULL';
  if (literal(p.get('unique'), sf) === true) sql += ' UNIQUE';
  const d = p.get('default');
  if (d) {
    const dv = pgmDefault(d, sf, pgm);
    if (dv !== undefined) sql += ` DEFAULT ${dv}`;
  }
  const ref = p.get('references');
  if (ref) {
    const t = tableName(ref, sf, false);
    const rl = literal(ref, sf);
    // 'users' or 'users(id)' or '"users"'
    if (typeof rl === 'string') sql += ` REFERENCES ${rl.includes('(') ? rl : quoteIdent(rl)}`;
    else if (t) sql += ` REFERENCES ${t}`;
    const od = literal(p.get('onDelete'), sf);
    if (typeof od === 'string') sql += ` ON DELETE ${od}`;
  }
  const check = literal(p.get('check'), sf);
  if (typeof check === 'string') sql += ` CHECK (${check})`;
  return sql;
}

function pgmColumns(node: ts.Expression | undefined, sf: ts.SourceFile, pgm: string, em: Emitter): string[] {
  const out: string[] = [];
  if (!node || !ts.isObjectLiteralExpression(node)) return out;
  for (const p of node.properties) {
    if (!ts.isPropertyAssignment(p)) {
      em.note(p, 'column definition not understood (spread or computed), skipped');
      continue;
    }
    const name = propName(p.name);
    const col = name === undefined ? undefined : pgmColumn(name, p.initializer, sf, pgm);
    if (col) out.push(col);
    else em.note(p, `column "${name ?? p.name.getText(sf)}" not understood, skipped`);
  }
  return out;
}

const PGM_REVERSIBLE = new Set(['createTable', 'addColumns', 'addColumn', 'createIndex', 'addIndex', 'renameColumn', 'renameTable', 'createView', 'createSchema', 'createExtension', 'addConstraint', 'createConstraint', 'noTransaction']);

function nodePgMigrate(fn: Fn, sf: ts.SourceFile, em: Emitter): { noTransaction: boolean; irreversible: boolean } {
  const param = fn.parameters[0] ? propName(fn.parameters[0].name) : undefined;
  let noTransaction = false;
  let irreversible = false;
  if (!param || !fn.body) return { noTransaction, irreversible };
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ts.isIdentifier(node.expression.expression) && node.expression.expression.text === param) {
      const m = node.expression.name.text;
      const a = node.arguments;
      if (!PGM_REVERSIBLE.has(m)) irreversible = true;
      const t = () => tableName(a[0], sf, false);
      switch (m) {
        case 'sql':
          em.emitString(a[0], node, `${param}.sql`);
          return;
        case 'noTransaction':
          noTransaction = true;
          return;
        case 'createTable': {
          const cols = pgmColumns(a[1], sf, param, em);
          const opts = objectProps(a[2]);
          const extra: string[] = [];
          const cons = objectProps(opts.get('constraints'));
          const pk = stringList(cons.get('primaryKey'), sf);
          if (pk) extra.push(`PRIMARY KEY (${pk.map(quoteIdent).join(', ')})`);
          const ine = literal(opts.get('ifNotExists'), sf) === true ? 'IF NOT EXISTS ' : '';
          if (t()) return em.emit(`CREATE TABLE ${ine}${t()} (${[...cols, ...extra].join(', ')})`, node, `${param}.createTable`);
          break;
        }
        case 'addColumns':
        case 'addColumn': {
          // One statement per column, positioned at the column's property.
          if (!t() || !a[1] || !ts.isObjectLiteralExpression(a[1])) break;
          for (const p of a[1].properties) {
            const name = ts.isPropertyAssignment(p) ? propName(p.name) : undefined;
            const col = name !== undefined && ts.isPropertyAssignment(p) ? pgmColumn(name, p.initializer, sf, param) : undefined;
            if (col) em.emit(`ALTER TABLE ${t()} ADD COLUMN ${col}`, p, `${param}.${m}`);
            else em.note(p, 'column definition not understood, skipped');
          }
          return;
        }
        case 'dropColumns':
        case 'dropColumn': {
          let cols = stringList(a[1], sf);
          if (!cols && a[1] && ts.isObjectLiteralExpression(a[1])) cols = [...objectProps(a[1]).keys()];
          if (t() && cols) return em.emit(`ALTER TABLE ${t()} ${cols.map((c) => `DROP COLUMN ${quoteIdent(c)}`).join(', ')}`, node, `${param}.${m}`);
          break;
        }
        case 'renameColumn': {
          const o = literal(a[1], sf);
          const nn = literal(a[2], sf);
          if (t() && typeof o === 'string' && typeof nn === 'string') return em.emit(`ALTER TABLE ${t()} RENAME COLUMN ${quoteIdent(o)} TO ${quoteIdent(nn)}`, node, `${param}.renameColumn`);
          break;
        }
        case 'renameTable': {
          const nn = literal(a[1], sf);
          if (t() && typeof nn === 'string') return em.emit(`ALTER TABLE ${t()} RENAME TO ${quoteIdent(nn)}`, node, `${param}.renameTable`);
          break;
        }
        case 'dropTable': {
          const opts = objectProps(a[1]);
          const ie = literal(opts.get('ifExists'), sf) === true ? 'IF EXISTS ' : '';
          const cascade = literal(opts.get('cascade'), sf) === true ? ' CASCADE' : '';
          if (t()) return em.emit(`DROP TABLE ${ie}${t()}${cascade}`, node, `${param}.dropTable`);
          break;
        }
        case 'createIndex':
        case 'addIndex': {
          const cols = stringList(a[1], sf);
          const opts = objectProps(a[2]);
          const rawName = literal(a[0], sf);
          const name = literal(opts.get('name'), sf) ?? (typeof rawName === 'string' && cols ? `${rawName}_${cols.join('_')}_index` : undefined);
          const unique = literal(opts.get('unique'), sf) === true ? 'UNIQUE ' : '';
          const conc = literal(opts.get('concurrently'), sf) === true ? 'CONCURRENTLY ' : '';
          if (t() && cols && typeof name === 'string') return em.emit(`CREATE ${unique}INDEX ${conc}${quoteIdent(name)} ON ${t()} (${cols.map((c) => (/^[a-z_][a-z0-9_]*$/i.test(c) ? quoteIdent(c) : c)).join(', ')})`, node, `${param}.${m}`);
          break;
        }
        case 'addConstraint':
        case 'createConstraint': {
          const name = literal(a[1], sf);
          const expr = literal(a[2], sf);
          if (t() && typeof expr === 'string') return em.emit(`ALTER TABLE ${t()} ADD ${typeof name === 'string' ? `CONSTRAINT ${quoteIdent(name)} ` : ''}${expr}`, node, `${param}.${m}`);
          const o = objectProps(a[2]);
          const fk = objectProps(o.get('foreignKeys'));
          const check = literal(o.get('check'), sf);
          let body: string | undefined;
          if (fk.size) {
            const cols = stringList(fk.get('columns'), sf);
            const ref = literal(fk.get('references'), sf);
            if (cols && typeof ref === 'string') body = `FOREIGN KEY (${cols.map(quoteIdent).join(', ')}) REFERENCES ${ref}`;
          } else if (typeof check === 'string') body = `CHECK (${check})`;
          else {
            const uq = stringList(o.get('unique'), sf);
            if (uq) body = `UNIQUE (${uq.map(quoteIdent).join(', ')})`;
          }
          if (t() && body) return em.emit(`ALTER TABLE ${t()} ADD ${typeof name === 'string' ? `CONSTRAINT ${quoteIdent(name)} ` : ''}${body}`, node, `${param}.${m}`);
          break;
        }
        case 'alterColumn': {
          const col = literal(a[1], sf);
          const o = objectProps(a[2]);
          const parts: string[] = [];
          if (typeof col !== 'string') break;
          const c = quoteIdent(col);
          const type = literal(o.get('type'), sf);
          const using = literal(o.get('using'), sf);
          if (typeof type === 'string') parts.push(`ALTER COLUMN ${c} TYPE ${type}${typeof using === 'string' ? ` USING ${using}` : ''}`);
          const nn = literal(o.get('notNull'), sf);
          if (nn === true) parts.push(`ALTER COLUMN ${c} SET NOT NULL`);
          if (nn === false) parts.push(`ALTER COLUMN ${c} DROP NOT NULL`);
          const d = o.get('default');
          if (d) {
            const dv = literal(d, sf) === null ? null : pgmDefault(d, sf, param);
            parts.push(dv === null ? `ALTER COLUMN ${c} DROP DEFAULT` : `ALTER COLUMN ${c} SET DEFAULT ${dv}`);
          }
          if (t() && parts.length) return em.emit(`ALTER TABLE ${t()} ${parts.join(', ')}`, node, `${param}.alterColumn`);
          break;
        }
        case 'createSchema': {
          const s = literal(a[0], sf);
          if (typeof s === 'string') return em.emit(`CREATE SCHEMA ${quoteIdent(s)}`, node, `${param}.createSchema`);
          break;
        }
        case 'createExtension': {
          const s = literal(a[0], sf);
          if (typeof s === 'string') return em.emit(`CREATE EXTENSION IF NOT EXISTS ${quoteIdent(s)}`, node, `${param}.createExtension`);
          break;
        }
        case 'createView': {
          const def = literal(a[2], sf);
          if (t() && typeof def === 'string') return em.emit(`CREATE VIEW ${t()} AS ${def}`, node, `${param}.createView`);
          break;
        }
        case 'func':
          return;
      }
      em.note(node, `${param}.${m}(...) not understood by pglint, skipped`);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(fn.body);
  return { noTransaction, irreversible };
}

// ---------------------------------------------------------------- knex

const KNEX_TYPES: Record<string, (args: (string | number | boolean | null | undefined)[]) => string> = {
  increments: () => 'serial PRIMARY KEY',
  bigIncrements: () => 'bigserial PRIMARY KEY',
  integer: () => 'integer',
  bigInteger: () => 'bigint',
  bigint: () => 'bigint',
  smallint: () => 'smallint',
  tinyint: () => 'smallint',
  string: (a) => `varchar(${typeof a[1] === 'number' ? a[1] : 255})`,
  text: () => 'text',
  boolean: () => 'boolean',
  date: () => 'date',
  datetime: (a) => (typeof a[1] === 'object' && a[1] !== null ? 'timestamptz' : 'timestamptz'),
  timestamp: () => 'timestamptz',
  time: () => 'time',
  decimal: (a) => (typeof a[1] === 'number' ? `numeric(${a[1]}, ${typeof a[2] === 'number' ? a[2] : 2})` : 'numeric(8, 2)'),
  float: () => 'real',
  double: () => 'double precision',
  uuid: () => 'uuid',
  json: () => 'json',
  jsonb: () => 'jsonb',
  binary: () => 'bytea',
  enu: () => 'text',
  enum: () => 'text',
  specificType: (a) => String(a[1] ?? 'text'),
};

interface ChainCall {
  name: string;
  args: readonly ts.Expression[];
  node: ts.CallExpression;
}

/** `a.b(x).c(y)` → root expression `a` and the calls [b(x), c(y)]; property accesses without call are kept as calls with no args. */
function flattenChain(expr: ts.Expression): { root: ts.Expression; calls: ChainCall[] } {
  const calls: ChainCall[] = [];
  let cur: ts.Expression = expr;
  for (;;) {
    if (ts.isCallExpression(cur) && ts.isPropertyAccessExpression(cur.expression)) {
      calls.unshift({ name: cur.expression.name.text, args: cur.arguments, node: cur });
      cur = cur.expression.expression;
    } else if (ts.isPropertyAccessExpression(cur)) {
      calls.unshift({ name: cur.name.text, args: [], node: cur as unknown as ts.CallExpression });
      cur = cur.expression;
    } else if (ts.isAwaitExpression(cur) || ts.isParenthesizedExpression(cur)) cur = cur.expression;
    else break;
  }
  return { root: cur, calls };
}

function knexTableBody(fn: ts.Expression | undefined, table: string, sf: ts.SourceFile, em: Emitter, creating: boolean): { columns: string[]; extra: string[] } {
  const columns: string[] = [];
  const extra: string[] = [];
  if (!fn || !(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))) {
    if (fn) em.note(fn, 'table callback not understood, skipped');
    return { columns, extra };
  }
  const t = fn.parameters[0] ? propName(fn.parameters[0].name) : undefined;
  if (!t) return { columns, extra };
  const body = fn.body;
  const exprs: ts.Expression[] = [];
  if (ts.isBlock(body)) {
    const visit = (n: ts.Node): void => {
      if (ts.isExpressionStatement(n)) exprs.push(n.expression);
      else ts.forEachChild(n, visit);
    };
    visit(body);
  } else exprs.push(body);
  for (const e of exprs) {
    const { root, calls } = flattenChain(e);
    if (!ts.isIdentifier(root) || root.text !== t || !calls.length) continue;
    const [head, ...mods] = calls;
    const args = head!.args.map((x) => literal(x, sf));
    const stmtOf = (sql: string) => {
      if (creating) extra.push(sql);
      else em.emit(`ALTER TABLE ${table} ${sql}`, e, `table.${head!.name}`);
    };
    if (head!.name in KNEX_TYPES || head!.name === 'timestamps') {
      if (head!.name === 'timestamps') {
        const defaultNow = args[1] === true;
        const notNull = args[1] === true ? ' NOT NULL' : '';
        const cols = ['created_at', 'updated_at'].map((c) => `${c} timestamptz${notNull}${defaultNow ? ' DEFAULT CURRENT_TIMESTAMP' : ''}`);
        if (creating) columns.push(...cols);
        else for (const c of cols) em.emit(`ALTER TABLE ${table} ADD COLUMN ${c}`, e, 'table.timestamps');
        continue;
      }
      const name = typeof args[0] === 'string' ? args[0] : head!.name.endsWith('ncrements') ? 'id' : undefined;
      if (!name) {
        em.note(e, `${t}.${head!.name}: column name not static, skipped`);
        continue;
      }
      let col = `${quoteIdent(name)} ${KNEX_TYPES[head!.name]!(args)}`;
      let alter = false;
      const after: string[] = [];
      let refTable: string | undefined;
      let refCol: string | undefined;
      let onDelete: string | undefined;
      for (const m of mods) {
        const v = literal(m.args[0], sf);
        switch (m.name) {
          case 'notNullable':
            col += ' NOT NULL';
            break;
          case 'nullable':
            break;
          case 'defaultTo':
            if (m.args[0] && ts.isCallExpression(m.args[0]) && /\.fn\.now$/.test(m.args[0].expression.getText(sf))) col += ' DEFAULT CURRENT_TIMESTAMP';
            else if (m.args[0] && ts.isCallExpression(m.args[0]) && /\.raw$/.test(m.args[0].expression.getText(sf)) && typeof literal(m.args[0].arguments[0], sf) === 'string') col += ` DEFAULT ${literal(m.args[0].arguments[0], sf)}`;
            else if (v !== undefined) col += ` DEFAULT ${sqlLiteral(v)}`;
            break;
          case 'primary':
            col += ' PRIMARY KEY';
            break;
          case 'unique':
            col += ' UNIQUE';
            break;
          case 'references':
            if (typeof v === 'string') {
              if (v.includes('.')) {
                const parts = v.split('.');
                refCol = parts.pop();
                refTable = parts.join('.');
              } else refCol = v;
            }
            break;
          case 'inTable':
            if (typeof v === 'string') refTable = v;
            break;
          case 'onDelete':
            if (typeof v === 'string') onDelete = v;
            break;
          case 'index':
            after.push(`CREATE INDEX ${quoteIdent(typeof v === 'string' ? v : `${table.replace(/"/g, '')}_${name}_index`)} ON ${table} (${quoteIdent(name)})`);
            break;
          case 'alter':
            alter = true;
            break;
          case 'unsigned':
          case 'comment':
          case 'onUpdate':
          case 'collate':
          case 'after':
          case 'first':
          case 'deferrable':
          case 'withKeyName':
            break;
          default:
            em.note(m.node, `${t}...${m.name}() not understood by pglint, ignored`);
        }
      }
      if (refTable && refCol) col += ` REFERENCES ${refTable.split('.').map(quoteIdent).join('.')} (${quoteIdent(refCol)})${onDelete ? ` ON DELETE ${onDelete}` : ''}`;
      if (alter) {
        const type = KNEX_TYPES[head!.name]!(args);
        em.emit(`ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(name)} TYPE ${type.replace(/ PRIMARY KEY$/, '')}`, e, `table.${head!.name}().alter`);
        if (/ NOT NULL/.test(col)) em.emit(`ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(name)} SET NOT NULL`, e, 'alter');
        continue;
      }
      if (creating) columns.push(col);
      else em.emit(`ALTER TABLE ${table} ADD COLUMN ${col}`, e, `table.${head!.name}`);
      for (const a of after) em.emit(a, e, 'table.index');
      continue;
    }
    switch (head!.name) {
      case 'dropColumn':
      case 'dropColumns': {
        const names = args.filter((x): x is string => typeof x === 'string');
        for (const n of names) em.emit(`ALTER TABLE ${table} DROP COLUMN ${quoteIdent(n)}`, e, `table.${head!.name}`);
        continue;
      }
      case 'renameColumn':
        if (typeof args[0] === 'string' && typeof args[1] === 'string') em.emit(`ALTER TABLE ${table} RENAME COLUMN ${quoteIdent(args[0])} TO ${quoteIdent(args[1])}`, e, 'table.renameColumn');
        continue;
      case 'index':
      case 'unique': {
        const cols = stringList(head!.args[0], sf);
        const iname = typeof args[1] === 'string' ? args[1] : cols ? `${table.replace(/"/g, '')}_${cols.join('_')}_${head!.name}` : undefined;
        if (cols && iname) {
          const sql = `CREATE ${head!.name === 'unique' ? 'UNIQUE ' : ''}INDEX ${quoteIdent(iname)} ON ${table} (${cols.map(quoteIdent).join(', ')})`;
          em.emit(sql, e, `table.${head!.name}`);
        }
        continue;
      }
      case 'primary': {
        const cols = stringList(head!.args[0], sf);
        if (cols) stmtOf(creating ? `PRIMARY KEY (${cols.map(quoteIdent).join(', ')})` : `ADD PRIMARY KEY (${cols.map(quoteIdent).join(', ')})`);
        continue;
      }
      case 'foreign': {
        const cols = stringList(head!.args[0], sf);
        let refTable: string | undefined;
        let refCol: string | undefined;
        for (const m of mods) {
          const v = literal(m.args[0], sf);
          if (m.name === 'references' && typeof v === 'string') {
            if (v.includes('.')) [refTable, refCol] = [v.slice(0, v.lastIndexOf('.')), v.slice(v.lastIndexOf('.') + 1)];
            else refCol = v;
          }
          if (m.name === 'inTable' && typeof v === 'string') refTable = v;
        }
        if (cols && refTable && refCol) stmtOf(`${creating ? '' : 'ADD '}FOREIGN KEY (${cols.map(quoteIdent).join(', ')}) REFERENCES ${quoteIdent(refTable)} (${quoteIdent(refCol)})`);
        continue;
      }
      case 'dropIndex':
      case 'dropForeign':
      case 'dropUnique':
      case 'dropPrimary':
      case 'dropTimestamps':
        em.note(e, `${t}.${head!.name}() has no effect on tables or columns pglint tracks; skipped`);
        continue;
      default:
        em.note(e, `${t}.${head!.name}() not understood by pglint, skipped`);
    }
  }
  return { columns, extra };
}

function knexMigration(fn: Fn, sf: ts.SourceFile, em: Emitter): void {
  const param = fn.parameters[0] ? propName(fn.parameters[0].name) : undefined;
  if (!param || !fn.body) return;
  const handled = new Set<ts.Node>();
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && !handled.has(node)) {
      // Take the outermost call of a chain only.
      let outer: ts.Node = node;
      while (outer.parent && (ts.isPropertyAccessExpression(outer.parent) || (ts.isCallExpression(outer.parent) && outer.parent.expression === outer))) outer = outer.parent;
      if (outer !== node) return ts.forEachChild(node, visit);
      const { root, calls } = flattenChain(node);
      const rootIsKnex = ts.isIdentifier(root) && root.text === param;
      if (rootIsKnex) {
        let schemaName: string | undefined;
        for (const c of calls) {
          const a0 = literal(c.args[0], sf);
          const tname = () => (typeof a0 === 'string' ? (schemaName ? `${quoteIdent(schemaName)}.` : '') + a0.split('.').map(quoteIdent).join('.') : undefined);
          switch (c.name) {
            case 'schema':
            case 'transacting':
              break;
            case 'withSchema':
              if (typeof a0 === 'string') schemaName = a0;
              break;
            case 'raw':
              em.emitString(c.args[0], c.node, `${param}.raw`);
              break;
            case 'createTable':
            case 'createTableIfNotExists': {
              const tn = tname();
              if (!tn) {
                em.note(c.node, 'createTable: table name not static, skipped');
                break;
              }
              const before = em.statements.length;
              const { columns, extra } = knexTableBody(c.args[1], tn, sf, em, true);
              const sql = `CREATE TABLE ${c.name === 'createTableIfNotExists' ? 'IF NOT EXISTS ' : ''}${tn} (${[...columns, ...extra].join(', ')})`;
              // The CREATE TABLE comes before the indexes its callback declared.
              const st: MigrationStatement = { sql, start: c.node.getStart(sf), end: c.node.end, exact: false, origin: `${param}.schema.${c.name}` };
              em.statements.splice(before, 0, st);
              break;
            }
            case 'alterTable':
            case 'table': {
              const tn = tname();
              if (tn) knexTableBody(c.args[1], tn, sf, em, false);
              else em.note(c.node, `${c.name}: table name not static, skipped`);
              break;
            }
            case 'dropTable':
            case 'dropTableIfExists': {
              const tn = tname();
              if (tn) em.emit(`DROP TABLE ${c.name === 'dropTableIfExists' ? 'IF EXISTS ' : ''}${tn}`, c.node, `${param}.schema.${c.name}`);
              break;
            }
            case 'renameTable': {
              const tn = tname();
              const to = literal(c.args[1], sf);
              if (tn && typeof to === 'string') em.emit(`ALTER TABLE ${tn} RENAME TO ${quoteIdent(to)}`, c.node, `${param}.schema.renameTable`);
              break;
            }
            case 'createSchema':
            case 'createSchemaIfNotExists':
              if (typeof a0 === 'string') em.emit(`CREATE SCHEMA ${c.name.endsWith('IfNotExists') ? 'IF NOT EXISTS ' : ''}${quoteIdent(a0)}`, c.node, `${param}.schema.${c.name}`);
              break;
            case 'createView':
            case 'createViewOrReplace':
              em.note(c.node, `${c.name}: view builders are not translated, skipped`);
              break;
            case 'then':
            case 'catch':
              break;
            default:
              em.note(c.node, `${param}...${c.name}() not understood by pglint (data changes or unknown builder), skipped`);
          }
        }
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(fn.body);
}

// ---------------------------------------------------------------- TypeORM

function typeormMigration(fn: Fn, sf: ts.SourceFile, em: Emitter): void {
  const param = fn.parameters[0] ? propName(fn.parameters[0].name) : undefined;
  if (!param || !fn.body) return;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.expression.getText(sf) === param) {
      const m = node.expression.name.text;
      if (m === 'query') em.emitString(node.arguments[0], node, `${param}.query`);
      else em.note(node, `${param}.${m}(...) not translated by pglint (use queryRunner.query), skipped`);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(fn.body);
}

function isEmptyBody(fn: Fn | undefined): boolean {
  if (!fn || !fn.body) return true;
  return ts.isBlock(fn.body) && fn.body.statements.length === 0;
}

export function readJsMigration(file: string, text: string, forced?: MigrationTool): JsMigrationInfo {
  try {
    return readJsMigrationUnguarded(file, text, forced);
  } catch (err) {
    // A file nested too deeply overflows the parser's or the builders' recursion: a note, never a crash.
    if (!(err instanceof RangeError)) throw err;
    const notes = [{ file, start: 0, end: 0, message: `cannot read this migration: nested too deeply (${err.message})` }];
    return { tool: forced ?? detectJsTool(text), statements: [], hasDown: false, transactional: true, notes };
  }
}

function readJsMigrationUnguarded(file: string, text: string, forced?: MigrationTool): JsMigrationInfo {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kindOf(file));
  const tool = forced ?? detectJsTool(text);
  const em = new Emitter(sf, file);
  const up = findStep(sf, 'up');
  const down = findStep(sf, 'down');
  let transactional = true;
  let hasDown = down.present && !down.explicitFalse && !isEmptyBody(down.fn);
  if (!up.fn) {
    em.notes.push({ file, start: 0, end: Math.min(text.length, 1), message: 'no `up` step found in this migration' });
    return { tool, statements: [], hasDown, transactional, notes: em.notes };
  }
  const anchor: ts.Node = (up.fn.name as ts.Node | undefined) ??
    (ts.isBinaryExpression(up.fn.parent) ? up.fn.parent.left : ts.isPropertyAssignment(up.fn.parent) || ts.isVariableDeclaration(up.fn.parent) ? up.fn.parent.name : up.fn);
  const upRange = { start: anchor.getStart(sf), end: anchor.end };
  if (tool === 'node-pg-migrate') {
    const r = nodePgMigrate(up.fn, sf, em);
    transactional = !r.noTransaction;
    // node-pg-migrate derives the down step of reversible operations when `down` is not exported.
    if (!down.present && !r.irreversible) hasDown = true;
  } else if (tool === 'knex') {
    knexMigration(up.fn, sf, em);
    // exports.config = { transaction: false }
    if (/\bconfig\s*=\s*\{[^}]*transaction\s*:\s*false/.test(text)) transactional = false;
  } else if (tool === 'typeorm') {
    typeormMigration(up.fn, sf, em);
    const cls = up.cls;
    if (cls?.members.some((m) => ts.isPropertyDeclaration(m) && propName(m.name) === 'transaction' && m.initializer?.kind === ts.SyntaxKind.FalseKeyword)) transactional = false;
  } else {
    em.notes.push({ file, start: 0, end: 0, message: 'migration tool not recognised (node-pg-migrate, knex or TypeORM expected)' });
  }
  return { tool, statements: em.statements, hasDown, transactional, notes: em.notes, upRange };
}

/**
 * Declared models against the migrated schema: Drizzle `pgTable(...)`, TypeORM `@Entity` / `@Column`, Prisma
 * `schema.prisma` models. A table or column declared in a model but absent from the schema is reported on the
 * model (table name, or field).
 */
import * as ts from 'typescript';
import type { Schema, SchemaRelation } from './types';
import { closest } from './util';

export interface ModelFile {
  file: string;
  text: string;
}

export interface ModelProblem {
  messageId: 'modelTable' | 'modelColumn';
  file: string;
  start: number;
  end: number;
  /** name: missing table or column; table: its table; suggestion: close existing name. */
  data: { name: string; table: string; suggestion?: string };
  /** What a "create migration" fix needs. */
  missing: { table: string; column?: string; type?: string; schema?: string };
}

export interface ModelOptions {
  /** TypeORM naming: 'default' (table = snake_case of class name, column = property name) or 'snake' (SnakeNamingStrategy). Auto-detected when absent. */
  typeormNaming?: 'default' | 'snake';
}

interface DeclaredColumn {
  name: string;
  type?: string;
  start: number;
  end: number;
}
interface DeclaredTable {
  file: string;
  schema?: string;
  name: string;
  start: number;
  end: number;
  columns: DeclaredColumn[];
}

export function snakeCase(s: string): string {
  return s
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

function str(n: ts.Node | undefined): string | undefined {
  return n && (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) ? n.text : undefined;
}

function nameOf(n: ts.PropertyName): string | undefined {
  return ts.isIdentifier(n) || ts.isStringLiteral(n) ? n.text : undefined;
}

const DRIZZLE_TYPES: Record<string, string> = {
  serial: 'serial', bigserial: 'bigserial', smallserial: 'smallserial', integer: 'integer', bigint: 'bigint', smallint: 'smallint',
  text: 'text', varchar: 'varchar', char: 'char', boolean: 'boolean', timestamp: 'timestamp', date: 'date', time: 'time',
  numeric: 'numeric', decimal: 'numeric', real: 'real', doublePrecision: 'double precision', json: 'json', jsonb: 'jsonb', uuid: 'uuid', interval: 'interval',
};

function drizzleTables(file: string, sf: ts.SourceFile): DeclaredTable[] {
  const out: DeclaredTable[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      let schema: string | undefined;
      let isTable = false;
      if (ts.isIdentifier(callee) && callee.text === 'pgTable') isTable = true;
      else if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'table' && ts.isCallExpression(callee.expression) && ts.isIdentifier(callee.expression.expression) && callee.expression.expression.text === 'pgSchema') {
        isTable = true;
        schema = str(callee.expression.arguments[0]);
      }
      const tname = isTable ? str(node.arguments[0]) : undefined;
      const colsArg = node.arguments[1];
      if (tname && colsArg && ts.isObjectLiteralExpression(colsArg)) {
        const t: DeclaredTable = { file, schema, name: tname, start: node.arguments[0]!.getStart(sf) + 1, end: node.arguments[0]!.end - 1, columns: [] };
        for (const p of colsArg.properties) {
          if (!ts.isPropertyAssignment(p)) continue;
          // Root of the chain: text('email').notNull() → text('email')
          let root: ts.Expression = p.initializer;
          while (ts.isCallExpression(root) && ts.isPropertyAccessExpression(root.expression) && ts.isCallExpression(root.expression.expression)) root = root.expression.expression;
          if (!ts.isCallExpression(root) || !ts.isIdentifier(root.expression)) continue;
          const colNameNode = root.arguments[0];
          const explicit = str(colNameNode);
          const prop = nameOf(p.name);
          const name = explicit ?? prop;
          if (!name) continue;
          const at = explicit ? colNameNode! : p.name;
          const start = at.getStart(sf) + (explicit ? 1 : 0);
          t.columns.push({ name, type: DRIZZLE_TYPES[root.expression.text], start, end: explicit ? at.end - 1 : at.end });
        }
        out.push(t);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function decorators(n: ts.Node): ts.Decorator[] {
  return (ts.canHaveDecorators(n) ? ts.getDecorators(n) : undefined)?.slice() ?? [];
}

function decoratorCall(d: ts.Decorator): { name: string; args: readonly ts.Expression[] } | undefined {
  const e = d.expression;
  if (ts.isCallExpression(e) && ts.isIdentifier(e.expression)) return { name: e.expression.text, args: e.arguments };
  if (ts.isIdentifier(e)) return { name: e.text, args: [] };
  return undefined;
}

function objectProp(o: ts.Expression | undefined, key: string): ts.Expression | undefined {
  if (!o || !ts.isObjectLiteralExpression(o)) return undefined;
  for (const p of o.properties) if (ts.isPropertyAssignment(p) && nameOf(p.name) === key) return p.initializer;
  return undefined;
}

const TYPEORM_COLUMNS = new Set(['Column', 'PrimaryColumn', 'PrimaryGeneratedColumn', 'CreateDateColumn', 'UpdateDateColumn', 'DeleteDateColumn', 'VersionColumn', 'ObjectIdColumn']);

function typeormTables(file: string, sf: ts.SourceFile, naming: 'default' | 'snake'): DeclaredTable[] {
  const out: DeclaredTable[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isClassDeclaration(node) && node.name) {
      const ent = decorators(node).map(decoratorCall).find((d) => d?.name === 'Entity');
      if (ent) {
        const a0 = ent.args[0];
        const explicit = str(a0) ?? str(objectProp(a0, 'name'));
        const explicitNode = str(a0) ? a0 : objectProp(a0, 'name');
        const schema = str(objectProp(ent.args[str(a0) ? 1 : 0], 'schema'));
        const name = explicit ?? snakeCase(node.name.text);
        const anchor = explicitNode ?? node.name;
        const t: DeclaredTable = { file, schema, name, start: anchor.getStart(sf) + (explicitNode ? 1 : 0), end: anchor.end - (explicitNode ? 1 : 0), columns: [] };
        for (const m of node.members) {
          if (!ts.isPropertyDeclaration(m)) continue;
          const prop = nameOf(m.name);
          if (!prop) continue;
          const decs = decorators(m).map((d) => ({ d, c: decoratorCall(d) }));
          const col = decs.find((x) => x.c && TYPEORM_COLUMNS.has(x.c.name));
          const rel = decs.find((x) => x.c && (x.c.name === 'ManyToOne' || x.c.name === 'OneToOne'));
          const join = decs.find((x) => x.c?.name === 'JoinColumn');
          if (col) {
            const args = col.c!.args;
            const opts = args.find((x) => ts.isObjectLiteralExpression(x));
            const nameNode = objectProp(opts, 'name');
            const n = str(nameNode);
            const typeArg = str(args[0]) ?? str(objectProp(opts, 'type'));
            if (n) t.columns.push({ name: n, type: typeArg, start: nameNode!.getStart(sf) + 1, end: nameNode!.end - 1 });
            else t.columns.push({ name: naming === 'snake' ? snakeCase(prop) : prop, type: typeArg, start: m.name.getStart(sf), end: m.name.end });
          } else if (rel && (rel.c!.name === 'ManyToOne' || join)) {
            const nameNode = objectProp(join?.c?.args[0], 'name');
            const n = str(nameNode);
            if (n) t.columns.push({ name: n, type: 'integer', start: nameNode!.getStart(sf) + 1, end: nameNode!.end - 1 });
            else t.columns.push({ name: naming === 'snake' ? `${snakeCase(prop)}_id` : `${prop}Id`, type: 'integer', start: m.name.getStart(sf), end: m.name.end });
          }
        }
        out.push(t);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

const PRISMA_SCALARS: Record<string, string> = {
  String: 'text', Int: 'integer', BigInt: 'bigint', Float: 'double precision', Decimal: 'numeric(65,30)', Boolean: 'boolean', DateTime: 'timestamp(3)', Json: 'jsonb', Bytes: 'bytea',
};

function prismaTables(file: string, text: string): DeclaredTable[] {
  const out: DeclaredTable[] = [];
  const blockRe = /^[ \t]*(model|enum|type|view)\s+(\w+)\s*\{/gm;
  const models = new Set<string>();
  const enums = new Set<string>();
  let m: RegExpExecArray | null;
  while ((m = blockRe.exec(text))) (m[1] === 'model' ? models : enums).add(m[2]!);
  blockRe.lastIndex = 0;
  while ((m = blockRe.exec(text))) {
    if (m[1] !== 'model') continue;
    const bodyStart = m.index + m[0].length;
    const close = text.indexOf('\n}', bodyStart);
    const bodyEnd = close < 0 ? text.length : close;
    const body = text.slice(bodyStart, bodyEnd);
    const nameStart = m.index + m[0].indexOf(m[2]!, m[0].indexOf(m[1]) + m[1].length);
    const mapped = /@@map\(\s*"([^"]+)"\s*\)/.exec(body);
    const schema = /@@schema\(\s*"([^"]+)"\s*\)/.exec(body)?.[1];
    const t: DeclaredTable = { file, schema, name: mapped ? mapped[1]! : m[2]!, start: nameStart, end: nameStart + m[2]!.length, columns: [] };
    let offset = bodyStart;
    for (const line of body.split('\n')) {
      const lineStart = offset;
      offset += line.length + 1;
      const code = line.replace(/\/\/.*$/, '');
      const f = /^(\s*)(\w+)\s+(\w+)(\[\])?(\?)?(.*)$/.exec(code);
      if (!f || code.trim().startsWith('@@')) continue;
      const [, indent, fname, ftype, list, , rest] = f;
      if (models.has(ftype!) || list || /@relation\b/.test(rest!) || /@ignore\b/.test(rest!)) continue;
      const map = /@map\(\s*"([^"]+)"\s*\)/.exec(rest!);
      const type = enums.has(ftype!) ? 'text' : PRISMA_SCALARS[ftype!];
      if (map) {
        const s = lineStart + code.indexOf(map[0]) + map[0].indexOf('"') + 1;
        t.columns.push({ name: map[1]!, type, start: s, end: s + map[1]!.length });
      } else {
        const s = lineStart + indent!.length;
        t.columns.push({ name: fname!, type, start: s, end: s + fname!.length });
      }
    }
    out.push(t);
  }
  return out;
}

/** Tables and columns declared by the models in these files (Drizzle, TypeORM: .ts/.js; Prisma: .prisma). */
export function declaredModels(files: ModelFile[], options: ModelOptions = {}): DeclaredTable[] {
  const naming = options.typeormNaming ?? (files.some((f) => /SnakeNamingStrategy/.test(f.text)) ? 'snake' : 'default');
  const out: DeclaredTable[] = [];
  for (const f of files) {
    if (f.file.endsWith('.prisma')) {
      out.push(...prismaTables(f.file, f.text));
      continue;
    }
    if (!/\bpgTable\b|\bpgSchema\b|@Entity\b/.test(f.text)) continue;
    const sf = ts.createSourceFile(f.file, f.text, ts.ScriptTarget.Latest, true, /\.[cm]?jsx?$/.test(f.file) ? ts.ScriptKind.JS : ts.ScriptKind.TS);
    if (/\bpgTable\b|\bpgSchema\b/.test(f.text)) out.push(...drizzleTables(f.file, sf));
    if (/@Entity\b/.test(f.text)) out.push(...typeormTables(f.file, sf, naming));
  }
  return out;
}

/** Model tables/columns missing from the migrated schema. */
export function checkModels(files: ModelFile[], schema: Schema, options: ModelOptions = {}): ModelProblem[] {
  const out: ModelProblem[] = [];
  const rels = Object.values(schema.relations);
  for (const t of declaredModels(files, options)) {
    const key = `${t.schema ?? 'public'}.${t.name}`;
    const rel: SchemaRelation | undefined = schema.relations[key];
    if (!rel) {
      const suggestion = closest(t.name, rels.map((r) => r.name));
      out.push({ messageId: 'modelTable', file: t.file, start: t.start, end: t.end, data: { name: t.name, table: t.name, ...(suggestion ? { suggestion } : {}) }, missing: { table: t.name, schema: t.schema } });
      continue;
    }
    const names = rel.columns.map((c) => c.name);
    for (const c of t.columns) {
      if (names.includes(c.name)) continue;
      const suggestion = closest(c.name, names);
      out.push({ messageId: 'modelColumn', file: t.file, start: c.start, end: c.end, data: { name: c.name, table: t.name, ...(suggestion ? { suggestion } : {}) }, missing: { table: t.name, column: c.name, type: c.type, schema: t.schema } });
    }
  }
  return out;
}

/** Columns a model declares for a table (for a "create migration" fix that creates the whole table). */
export function modelColumns(files: ModelFile[], table: string, options: ModelOptions = {}): { name: string; type?: string }[] {
  const t = declaredModels(files, options).find((x) => x.name === table);
  return t ? t.columns.map((c) => ({ name: c.name, type: c.type })) : [];
}

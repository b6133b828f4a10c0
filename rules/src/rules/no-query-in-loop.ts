/**
 * no-query-in-loop — a query executed once per element of a collection (N+1 queries).
 * Chapter 20.3.1, 20.3.3, 20.3.4.
 */
import * as ts from 'typescript';
import { defineRule } from '../engine/rule';
import { enclosingLoop, sameOnEveryIteration, type LoopContext } from '../engine/loops';
import { isTestFile } from '../engine/parse';
import { isSqlParserReady, parseSql, walkSqlAst } from '../engine/sqlparse';
import { staticText } from '../engine/sqltext';
import { callLabel, type DbCall, type FileModel } from '../engine/model';
import type { Fix, Language, RelatedLocation } from '../engine/types';
import { kindSpec, type LibId } from '../engine/libraries';

type MessageId = 'queryInLoop' | 'indirectQueryInLoop';

const BAD = [
          "import { Pool } from 'pg';",
          'const pool = new Pool();',
          '',
          'export async function customersOf(orders: { customerId: number }[]) {',
          '  const customers = [];',
          '  for (const order of orders) {',
          "    const { rows } = await pool.query('SELECT * FROM customers WHERE id = $1', [order.customerId]);",
          '    customers.push(rows[0]);',
          '  }',
          '  return customers;',
          '}',
        ].join('\n');

const GOOD = [
          "import { Pool } from 'pg';",
          'const pool = new Pool();',
          '',
          'export async function customersOf(orders: { customerId: number }[]) {',
          '  const ids = orders.map((o) => o.customerId);',
          "  const { rows } = await pool.query('SELECT * FROM customers WHERE id = ANY($1)', [ids]);",
          '  const byId = new Map(rows.map((c) => [c.id, c]));',
          '  return orders.map((o) => byId.get(o.customerId));',
          '}',
        ].join('\n');

/** Statements that have no batched form: DDL, session and transaction control. */
const NON_BATCHABLE = /^\s*(?:--[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*(create|alter|drop|set|reset|grant|revoke|vacuum|analyze|refresh|truncate|comment|listen|unlisten|notify|begin|commit|rollback|savepoint|release|do|lock|cluster|reindex|discard|security|import)\b/i;

const HINTS: Record<LibId | 'default', Record<'read' | 'write', Record<Language, string>>> = {
  default: {
    read: { en: 'Fetch all rows in one query (`WHERE id = ANY($1)` with an array, or a JOIN) and match them up in memory.', fr: 'Chargez toutes les lignes en une requête (`WHERE id = ANY($1)` avec un tableau, ou une jointure) puis associez-les en mémoire.' },
    write: { en: 'Write all rows in one statement (multi-row VALUES, or `INSERT … SELECT * FROM unnest($1::int[], $2::text[])`).', fr: 'Écrivez toutes les lignes en une instruction (VALUES multi-lignes, ou `INSERT … SELECT * FROM unnest($1::int[], $2::text[])`).' },
  },
  'pg': { read: { en: '', fr: '' }, write: { en: '', fr: '' } },
  'pg-promise': {
    read: { en: 'Fetch all rows in one query (`WHERE id IN ($1:csv)` or `= ANY($1)`) and match them up in memory.', fr: 'Chargez toutes les lignes en une requête (`WHERE id IN ($1:csv)` ou `= ANY($1)`) puis associez-les en mémoire.' },
    write: { en: 'Build one multi-row INSERT with `pgp.helpers.insert(rows, columns)`.', fr: 'Construisez un seul INSERT multi-lignes avec `pgp.helpers.insert(rows, columns)`.' },
  },
  'postgres': {
    read: { en: 'Fetch all rows in one query (``sql`… WHERE id IN ${sql(ids)}` ``) and match them up in memory.', fr: 'Chargez toutes les lignes en une requête (``sql`… WHERE id IN ${sql(ids)}` ``) puis associez-les en mémoire.' },
    write: { en: 'Insert all rows at once: ``sql`INSERT INTO t ${sql(rows)}` ``.', fr: 'Insérez toutes les lignes d’un coup : ``sql`INSERT INTO t ${sql(rows)}` ``.' },
  },
  'slonik': {
    read: { en: 'Fetch all rows in one query (`= ANY(${sql.array(ids, \'int4\')})`) and match them up in memory.', fr: 'Chargez toutes les lignes en une requête (`= ANY(${sql.array(ids, \'int4\')})`) puis associez-les en mémoire.' },
    write: { en: 'Insert all rows with one statement using `sql.unnest(rows, types)`.', fr: 'Insérez toutes les lignes en une instruction avec `sql.unnest(rows, types)`.' },
  },
  'knex': {
    read: { en: 'Fetch all rows at once with `whereIn(\'id\', ids)` (or a join) and match them up in memory.', fr: 'Chargez toutes les lignes d’un coup avec `whereIn(\'id\', ids)` (ou une jointure) puis associez-les en mémoire.' },
    write: { en: 'Insert an array of rows in one `insert([...])` (or `batchInsert`).', fr: 'Insérez un tableau de lignes en un seul `insert([...])` (ou `batchInsert`).' },
  },
  'kysely': {
    read: { en: 'Fetch all rows at once with `where(\'id\', \'in\', ids)` (or a join) and match them up in memory.', fr: 'Chargez toutes les lignes d’un coup avec `where(\'id\', \'in\', ids)` (ou une jointure) puis associez-les en mémoire.' },
    write: { en: 'Insert all rows with one `insertInto(t).values([...])`.', fr: 'Insérez toutes les lignes avec un seul `insertInto(t).values([...])`.' },
  },
  'prisma': {
    read: { en: 'Load the relation with `include`, or fetch all at once with `findMany({ where: { id: { in: ids } } })`.', fr: 'Chargez la relation avec `include`, ou tout d’un coup avec `findMany({ where: { id: { in: ids } } })`.' },
    write: { en: 'Write all rows with one `createMany({ data: rows })` (or `updateMany`).', fr: 'Écrivez toutes les lignes avec un seul `createMany({ data: rows })` (ou `updateMany`).' },
  },
  'typeorm': {
    read: { en: 'Load the relation (`relations`, a join in the QueryBuilder) or fetch all at once with `findBy({ id: In(ids) })`.', fr: 'Chargez la relation (`relations`, une jointure dans le QueryBuilder) ou tout d’un coup avec `findBy({ id: In(ids) })`.' },
    write: { en: 'Save an array of entities in one `save(entities)` or one `insert(rows)`.', fr: 'Enregistrez un tableau d’entités en un seul `save(entities)` ou `insert(rows)`.' },
  },
  'sequelize': {
    read: { en: 'Eager-load with `include`, or fetch all at once with `findAll({ where: { id: ids } })`.', fr: 'Chargez en avance avec `include`, ou tout d’un coup avec `findAll({ where: { id: ids } })`.' },
    write: { en: 'Write all rows with one `bulkCreate(rows)`.', fr: 'Écrivez toutes les lignes avec un seul `bulkCreate(rows)`.' },
  },
  'drizzle': {
    read: { en: 'Fetch all rows at once with `where(inArray(table.id, ids))`, or load relations with `with`.', fr: 'Chargez toutes les lignes d’un coup avec `where(inArray(table.id, ids))`, ou les relations avec `with`.' },
    write: { en: 'Insert all rows with one `insert(table).values([...])`.', fr: 'Insérez toutes les lignes avec un seul `insert(table).values([...])`.' },
  },
};

/** For a read whose arguments are the same on every turn: the fix is to run it once, not to batch. */
const HOIST_HINT: Record<Language, string> = {
  en: 'Its arguments are the same on every iteration: run it once before the loop and reuse the result.',
  fr: 'Ses arguments sont les mêmes à chaque itération : exécutez-la une fois avant la boucle et réutilisez le résultat.',
};

/** SQL whose result can differ between two runs with the same arguments, or that changes something. */
const VOLATILE_SQL = /\b(?:nextval|setval|random|clock_timestamp|timeofday|gen_random_uuid|uuid_generate_v\d|pg_advisory\w*|pg_try_advisory\w*|insert|update|delete|merge|returning)\b|\bfor\s+(?:no\s+key\s+)?(?:update|share)\b|\bskip\s+locked\b/i;

/**
 * Whether a query in a loop reads the same thing on every turn, so that running it once before the loop is the fix
 * (the message says so instead of suggesting a batch): a read whose receiver and arguments do not change from one
 * turn to the next (engine/loops.ts `sameOnEveryIteration`), whose SQL (when it is written out) is not volatile, in a
 * loop that runs no other query, directly or through a project function (a write in between could change what it
 * reads).
 */
function readsSameRow(call: DbCall, loop: LoopContext, file: FileModel, onlyQuery: (loop: LoopContext) => boolean): boolean {
  if (call.op !== 'read' || ts.isNewExpression(call.node)) return false;
  const text = call.sqlArg ? staticText(call.sqlArg, file) : undefined;
  if (call.sqlArg && (text === undefined || VOLATILE_SQL.test(text))) return false;
  return sameOnEveryIteration(call.node, loop) && onlyQuery(loop);
}

function hint(lib: LibId, op: 'read' | 'write', language: Language, method?: string): string {
  if (method && BULK_WRITES.has(method)) return BULK_HINT[language];
  const h = HINTS[lib]?.[op]?.[language];
  return h || HINTS.default[op][language];
}

/** Calls that already write many rows: in a loop, the fix is one call for the rows of every turn. */
const BULK_WRITES = new Set(['createMany', 'createManyAndReturn', 'bulkCreate', 'batchInsert', 'insertMany']);
const BULK_HINT: Record<Language, string> = {
  en: 'It already writes many rows, once per iteration: gather the rows of every iteration and write them with one call.',
  fr: 'Elle écrit déjà plusieurs lignes, une fois par itération : rassemblez les lignes de toutes les itérations et écrivez-les en un seul appel.',
};



/**
 * `for (const ids of chunks) await knex('t').whereIn('id', ids)` or `pool.query('… = ANY($1)', [ids])`: each turn
 * already handles a list, the loop's element: the loop splits one batch into chunks, it does not look rows up one
 * by one.
 */
function isChunkedBatch(call: DbCall, loop: ts.Node, file: FileModel): boolean {
  if (!ts.isForOfStatement(loop)) return false;
  const decl = loop.initializer;
  const element = ts.isVariableDeclarationList(decl) && decl.declarations.length === 1 && ts.isIdentifier(decl.declarations[0]!.name) ? decl.declarations[0]!.name.text : undefined;
  if (!element) return false;
  const isElement = (e: ts.Expression | undefined): boolean => !!e && ts.isIdentifier(e) && e.text === element;
  // knex: a whereIn(column, element) anywhere in the chain (the call that runs it may be inside: `.update(…).whereIn(…)`)
  let end: ts.Expression = call.node as ts.Expression;
  while (ts.isPropertyAccessExpression(end.parent) && end.parent.expression === end && ts.isCallExpression(end.parent.parent)) end = end.parent.parent;
  for (let cur: ts.Expression = end; ts.isCallExpression(cur); ) {
    const callee = cur.expression;
    if (!ts.isPropertyAccessExpression(callee)) break;
    if (/^(or|and)?where(Not)?In$/.test(callee.name.text) && isElement(cur.arguments[1])) return true;
    cur = callee.expression;
  }
  // pg: `… = ANY($n)` with the element as the n-th value
  const text = call.sqlArg ? staticText(call.sqlArg, file) : undefined;
  const values = call.valuesArg && ts.isArrayLiteralExpression(call.valuesArg) ? call.valuesArg.elements : undefined;
  if (text && values) {
    for (const m of text.matchAll(/=\s*ANY\s*\(\s*\$(\d+)/gi)) if (isElement(values[Number(m[1]) - 1])) return true;
  }
  return false;
}

/** `Promise.all(ids.map(id => prisma.user.findUnique(...)))`: Prisma batches these itself. */
function isBatchedByLibrary(call: DbCall, loop: ts.Node): boolean {
  if (!call.spec.autoBatched || !ts.isCallExpression(loop)) return false;
  let p: ts.Node = loop.parent;
  while (ts.isParenthesizedExpression(p)) p = p.parent;
  return ts.isCallExpression(p) && /^Promise\.(all|allSettled)$/.test(p.expression.getText());
}

/** How many calls deep `runsLoadedCode` follows project functions. */
const LOADED_CODE_DEPTH = 3;

/**
 * Whether `node` (a function or a loop) runs code that it loads at run time: `import(path)` or `require(path)` of a
 * path computed at run time, in its own body or in a project function it calls (up to LOADED_CODE_DEPTH calls
 * deep). Such a loop is a script or migration runner: each turn runs a different script, whose queries (and the
 * runner's bookkeeping) are the steps themselves, and no single query can replace them.
 */
function runsLoadedCode(node: ts.Node, file: FileModel, depth = LOADED_CODE_DEPTH, seen = new Set<ts.Node>()): boolean {
  seen.add(node);
  const visit = (n: ts.Node): boolean => {
    if (ts.isCallExpression(n)) {
      const arg = n.arguments[0];
      const computed = arg !== undefined && !ts.isStringLiteralLike(arg);
      if (computed && (n.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(n.expression) && n.expression.text === 'require'))) return true;
      if (depth > 0) {
        const target = file.calledFunction(n);
        if (target && !seen.has(target.node) && runsLoadedCode(target.node, target.file, depth - 1, seen)) return true;
      }
    }
    return ts.forEachChild(n, visit) ?? false;
  };
  return ts.forEachChild(node, visit) ?? false;
}

function isNonBatchableSql(call: DbCall, file: FileModel): boolean {
  if (kindSpec(call.kind)?.ddl) return true; // knex.schema.alterTable(…): DDL through a schema builder
  if (!call.sqlArg) {
    if (ts.isTaggedTemplateExpression(call.node)) {
      const t = call.node.template;
      const head = ts.isNoSubstitutionTemplateLiteral(t) ? t.text : t.head.text;
      return NON_BATCHABLE.test(head);
    }
    return false;
  }
  const text = staticText(call.sqlArg, file);
  // SQL text that is not known statically (a statement read from a file, a migration list) is a runner, not an N+1.
  if (text === undefined) return true;
  return NON_BATCHABLE.test(text);
}

/**
 * The batched statement, spelled out from the statement in the loop (a suggestion: batching changes
 * the order and duplicates of results, so it is shown, never applied).
 */
function batchSuggestion(call: DbCall, file: FileModel, language: Language): Fix | undefined {
  if (!call.sqlArg || (call.lib !== 'pg' && call.lib !== 'pg-promise')) return undefined;
  const text = staticText(call.sqlArg, file)?.replace(/\s+/g, ' ').trim();
  if (!text) return undefined;
  const fr = language === 'fr';
  let batched: string | undefined;
  let how: string | undefined;
  const where = /^(SELECT\b.*?\bWHERE\b.*?)([\w."]+)\s*=\s*\$(\d+)(.*)$/i.exec(text);
  const insert = /^INSERT INTO\s+([\w."]+)\s*\(([^)]*)\)\s*VALUES\s*\(([^)]*)\)(.*)$/i.exec(text);
  if (where && !/\$\d+/.test(where[1]!)) {
    batched = `${where[1]}${where[2]} = ANY($${where[3]})${where[4]}`;
    how = fr ? `avec le tableau des clés, puis une Map par ${where[2]}` : `with the array of keys, then a Map by ${where[2]}`;
  } else if (insert && /^\s*\$\d+(\s*,\s*\$\d+)*\s*$/.test(insert[3]!)) {
    const params = insert[3]!.split(',').map((p) => p.trim());
    batched = `INSERT INTO ${insert[1]} (${insert[2]}) SELECT * FROM unnest(${params.map((p) => `${p}::<type>[]`).join(', ')})${insert[4]}`;
    how = fr ? 'avec un tableau par colonne' : 'with one array per column';
  }
  if (!batched) return undefined;
  return {
    id: 'batchQuery', safety: 'display-only', edits: [],
    title: fr ? `Une seule requête : ${batched} (${how})` : `One query instead: ${batched} (${how})`,
  };
}

/**
 * Whether `name` is a word of `text` (a name a fix must not reuse): a run of letters, digits, `_` and `$` that is
 * `name`, leading digits aside (`2fooRows` holds the word `fooRows`). Asked for the one or two names a rewrite
 * adds: a test of the text each time, instead of a set of every word of the file.
 */
function isWordIn(text: string, name: string): boolean {
  return new RegExp(`(?<![\\w$])\\d*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w$])`).test(text);
}

/**
 * The one rewrite pglint offers for an N+1 (unsafe: order and duplicates may change, so never applied by
 * fix-all): a pg lookup per element of a for-of loop,
 *   for (const x of xs) { const { rows } = await pool.query('SELECT … WHERE col = $1', [x.key]); … }
 * becomes one `= ANY($1)` query before the loop and a Map from key to rows inside it.
 */
function batchRewrite(call: DbCall, loop: ts.Node, file: FileModel, language: Language): Fix | undefined {
  if (call.lib !== 'pg' || call.method !== 'query' || !ts.isCallExpression(call.node)) return undefined;
  if (!ts.isForOfStatement(loop) || loop.awaitModifier || !ts.isBlock(loop.statement)) return undefined;
  const init = loop.initializer;
  if (!ts.isVariableDeclarationList(init) || init.declarations.length !== 1 || !ts.isIdentifier(init.declarations[0]!.name)) return undefined;
  const loopVar = init.declarations[0]!.name.text;
  // The iterable is evaluated twice: only a plain name or property path.
  if (!isPlainPath(loop.expression)) return undefined;
  // const { rows } = await recv.query('…', [key]); as a statement of the loop body
  const awaitExpr = call.node.parent;
  if (!ts.isAwaitExpression(awaitExpr) || !ts.isVariableDeclaration(awaitExpr.parent)) return undefined;
  const decl = awaitExpr.parent;
  const stmt = decl.parent.parent;
  if (!ts.isVariableDeclarationList(decl.parent) || !ts.isVariableStatement(stmt) || stmt.parent !== loop.statement || decl.parent.declarations.length !== 1) return undefined;
  if (!ts.isObjectBindingPattern(decl.name) || decl.name.elements.length !== 1) return undefined;
  const el = decl.name.elements[0]!;
  if ((el.propertyName ?? el.name).getText() !== 'rows' || el.dotDotDotToken || el.initializer) return undefined;
  const recv = (call.node.expression as ts.PropertyAccessExpression).expression;
  if (!isPlainPath(recv) || mentions(recv, loopVar)) return undefined;
  const sqlArg = call.node.arguments[0];
  const values = call.node.arguments[1];
  if (!sqlArg || !ts.isStringLiteralLike(sqlArg) || !values || !ts.isArrayLiteralExpression(values) || values.elements.length !== 1) return undefined;
  const keyExpr = values.elements[0]!;
  if (ts.isSpreadElement(keyExpr) || !mentions(keyExpr, loopVar) || hasCall(keyExpr)) return undefined;
  const column = lookupColumn(sqlArg.text);
  if (!column) return undefined;
  const sf = file.sourceFile;
  const text = file.text;
  const added = new Set<string>();
  const fresh = (base: string): string => {
    let name = base;
    for (let i = 2; added.has(name) || isWordIn(text, name); i++) name = `${base}${i}`;
    added.add(name);
    return name;
  };
  const allRows = fresh(`${column.name}Rows`);
  const byKey = fresh(`rowsBy${column.name[0]!.toUpperCase()}${column.name.slice(1)}`);
  const isTs = /\.[cm]?tsx?$/.test(file.path);
  const indent = /^[ \t]*/.exec(text.slice(text.lastIndexOf('\n', loop.getStart(sf) - 1) + 1))![0];
  const iter = loop.expression.getText(sf);
  const key = keyExpr.getText(sf);
  const batchedSql = sqlArg.text.slice(0, column.paramStart) + `ANY(${sqlArg.text.slice(column.paramStart, column.paramEnd)})` + sqlArg.text.slice(column.paramEnd);
  const q = (sql: string) => `'${sql.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const before = [
    `const { rows: ${allRows} } = await ${recv.getText(sf)}.query(${q(batchedSql)}, [${iter}.map((${loopVar}) => ${key})]);`,
    `const ${byKey} = new Map${isTs ? '<string, typeof ' + allRows + '>' : ''}();`,
    `for (const row of ${allRows}) ${byKey}.set(String(row.${column.name}), [...(${byKey}.get(String(row.${column.name})) ?? []), row]);`,
  ].map((l) => indent + l).join('\n') + '\n';
  const lineStartOfLoop = text.lastIndexOf('\n', loop.getStart(sf) - 1) + 1;
  return {
    id: 'batchLookup', safety: 'unsafe',
    title: language === 'fr' ? `Une seule requête = ANY($1) avant la boucle, puis une Map par ${column.name}` : `Run one = ANY($1) query before the loop and look rows up in a Map by ${column.name}`,
    edits: [
      { start: lineStartOfLoop, end: lineStartOfLoop, text: before },
      { start: awaitExpr.getStart(sf), end: awaitExpr.getEnd(), text: `{ rows: ${byKey}.get(String(${key})) ?? [] }` },
    ],
  };
}

/**
 * An insert per element — a for-of loop whose body is only `await recv.query('INSERT INTO t (a, b) VALUES ($1, $2)',
 * [x.a, x.b])` — becomes one multi-row INSERT with generated placeholders (unsafe: a failing row now fails them all).
 */
function insertRewrite(call: DbCall, loop: ts.Node, file: FileModel, language: Language): Fix | undefined {
  if (call.lib !== 'pg' || call.method !== 'query' || !ts.isCallExpression(call.node)) return undefined;
  if (!ts.isForOfStatement(loop) || loop.awaitModifier || !ts.isBlock(loop.statement) || loop.statement.statements.length !== 1) return undefined;
  const init = loop.initializer;
  if (!ts.isVariableDeclarationList(init) || init.declarations.length !== 1 || !ts.isIdentifier(init.declarations[0]!.name)) return undefined;
  const loopVar = init.declarations[0]!.name.text;
  if (!isPlainPath(loop.expression)) return undefined;
  const only = loop.statement.statements[0]!;
  if (!ts.isExpressionStatement(only) || !ts.isAwaitExpression(only.expression) || only.expression.expression !== call.node) return undefined;
  const recv = (call.node.expression as ts.PropertyAccessExpression).expression;
  if (!isPlainPath(recv) || mentions(recv, loopVar)) return undefined;
  const sqlArg = call.node.arguments[0];
  const values = call.node.arguments[1];
  if (!sqlArg || !ts.isStringLiteralLike(sqlArg) || !values || !ts.isArrayLiteralExpression(values) || call.node.arguments.length !== 2) return undefined;
  const m = /^(\s*INSERT\s+INTO\s+[\w."]+\s*\([^)]*\)\s*VALUES\s*)\(\s*(\$\d+(?:\s*,\s*\$\d+)*)\s*\)(\s*(?:ON\s+CONFLICT\s+(?:\([^)]*\)\s*)?DO\s+NOTHING)?\s*;?\s*)$/i.exec(sqlArg.text);
  if (!m) return undefined;
  const params = m[2]!.split(',').map((p) => Number(p.trim().slice(1)));
  const n = params.length;
  if (params.some((p, i) => p !== i + 1) || values.elements.length !== n || values.elements.some((e) => ts.isSpreadElement(e) || hasCall(e))) return undefined;
  if (parseSql(sqlArg.text)?.ok !== true) return undefined;
  const sf = file.sourceFile;
  const text = file.text;
  const iter = loop.expression.getText(sf);
  const indent = /^[ \t]*/.exec(text.slice(text.lastIndexOf('\n', loop.getStart(sf) - 1) + 1))![0];
  const tupleExpr = Array.from({ length: n }, (_, k) => `$\${i * ${n} + ${k + 1}}`).join(', ');
  const head = m[1]!.replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
  const tail = m[3]!.replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
  const lines = [
    `if (${iter}.length > 0) {`,
    `  await ${recv.getText(sf)}.query(`,
    `    \`${head}\${${iter}.map((_, i) => \`(${tupleExpr})\`).join(', ')}${tail}\`,`,
    `    ${iter}.flatMap((${loopVar}) => [${values.elements.map((e) => e.getText(sf)).join(', ')}]),`,
    `  );`,
    `}`,
  ];
  return {
    id: 'batchInsert', safety: 'unsafe',
    title: language === 'fr' ? 'Un seul INSERT multi-lignes à la place de la boucle' : 'One multi-row INSERT instead of the loop',
    edits: [{ start: loop.getStart(sf), end: loop.getEnd(), text: lines.map((l, i) => (i === 0 ? l : indent + l)).join('\n') }],
  };
}

function isPlainPath(e: ts.Expression): boolean {
  if (ts.isIdentifier(e) || e.kind === ts.SyntaxKind.ThisKeyword) return true;
  return ts.isPropertyAccessExpression(e) && isPlainPath(e.expression);
}

function mentions(e: ts.Node, name: string): boolean {
  let hit = false;
  const visit = (n: ts.Node): void => {
    if (hit) return;
    if (ts.isIdentifier(n) && n.text === name && !(ts.isPropertyAccessExpression(n.parent) && n.parent.name === n)) hit = true;
    ts.forEachChild(n, visit);
  };
  visit(e);
  return hit;
}

function hasCall(e: ts.Node): boolean {
  let hit = false;
  const visit = (n: ts.Node): void => {
    if (hit) return;
    if (ts.isCallExpression(n) || ts.isNewExpression(n) || ts.isAwaitExpression(n)) hit = true;
    ts.forEachChild(n, visit);
  };
  visit(e);
  return hit;
}

/**
 * `SELECT … WHERE … col = $1 …` with $1 the only parameter, compared with `=` to a column that the select
 * list returns, and nothing that makes one query per key differ from one query for all keys
 * (LIMIT, OFFSET, GROUP BY, DISTINCT, HAVING, aggregates, window functions, set operations).
 */
function lookupColumn(sql: string): LookupColumn | undefined {
  if (!isSqlParserReady()) return undefined;
  if (!lookupColumns.has(sql)) {
    if (lookupColumns.size >= 10_000) lookupColumns.clear();
    lookupColumns.set(sql, lookupColumnUncached(sql));
  }
  return lookupColumns.get(sql);
}
type LookupColumn = { name: string; paramStart: number; paramEnd: number };
const lookupColumns = new Map<string, LookupColumn | undefined>();

function lookupColumnUncached(sql: string): LookupColumn | undefined {
  const parsed = parseSql(sql);
  if (!parsed?.ok || parsed.ast.stmts.length !== 1) return undefined;
  const stmt = (parsed.ast.stmts[0] as { stmt?: Record<string, unknown> }).stmt;
  const sel = stmt?.SelectStmt as Record<string, unknown> | undefined;
  if (!sel || sel.limitCount || sel.limitOffset || sel.groupClause || sel.distinctClause || sel.havingClause || sel.op && sel.op !== 'SETOP_NONE' || sel.withClause || sel.windowClause) return undefined;
  const json = JSON.stringify(sel.targetList ?? []);
  if (/"FuncCall"/.test(json) && /"agg_star"|"over"|"(count|sum|avg|min|max|array_agg|string_agg|json_agg|jsonb_agg|bool_and|bool_or)"/i.test(json)) return undefined;
  const params = sql.match(/\$\d+/g) ?? [];
  if (params.length !== 1 || params[0] !== '$1') return undefined;
  let found: { name: string; paramLocation: number } | undefined;
  let ambiguous = false;
  walkSqlAst(sel.whereClause, (key, value) => {
    if (key !== 'A_Expr') return;
    const name = (value.name as { String?: { sval?: string } }[] | undefined)?.[0]?.String?.sval;
    if (name !== '=' || value.kind !== 'AEXPR_OP') return;
    const sides = [value.lexpr, value.rexpr] as Record<string, Record<string, unknown>>[];
    const param = sides.find((x) => x?.ParamRef);
    const col = sides.find((x) => x?.ColumnRef);
    if (!param || !col) return;
    const fields = (col.ColumnRef!.fields as { String?: { sval?: string } }[]).map((f) => f.String?.sval);
    const last = fields[fields.length - 1];
    if (!last) return;
    if (found) ambiguous = true;
    found = { name: last, paramLocation: param.ParamRef!.location as number };
  });
  if (!found || ambiguous || !/^[a-z_][a-z0-9_]*$/.test(found.name)) return undefined;
  // Under OR or NOT the rewrite would change which rows match a key.
  if (/"BoolExpr":\{"boolop":"(OR_EXPR|NOT_EXPR)"/.test(JSON.stringify(sel.whereClause))) return undefined;
  const returnsKey = ((sel.targetList ?? []) as Record<string, Record<string, unknown>>[]).some((t) => {
    const rt = t.ResTarget!;
    const fields = ((rt.val as Record<string, Record<string, unknown>> | undefined)?.ColumnRef?.fields ?? []) as Record<string, { sval?: string }>[];
    if (fields.some((f) => 'A_Star' in f)) return true;
    const name = (rt.name as string | undefined) ?? fields[fields.length - 1]?.String?.sval;
    return name === found!.name && (!rt.name || fields[fields.length - 1]?.String?.sval === found!.name);
  });
  if (!returnsKey) return undefined;
  const start = sql.indexOf('$1', found.paramLocation >= 0 ? found.paramLocation : 0);
  if (start < 0) return undefined;
  return { name: found.name, paramStart: start, paramEnd: start + 2 };
}

export default defineRule<MessageId>({
  meta: {
    id: 'no-query-in-loop',
    description: {
      en: 'A query runs once per element of a collection (N+1 queries).',
      fr: 'Une requête est exécutée une fois par élément d’une collection (requêtes N+1).',
    },
    defaultSeverity: 'warn',
    chapters: ['20.3.1', '20.3.3', '20.3.4'],
    fixes: { batchQuery: 'display-only', batchLookup: 'unsafe', batchInsert: 'unsafe' },
    messages: {
      queryInLoop: {
        en: '`{call}` runs a query on every iteration of this loop (N+1 queries). {hint}',
        fr: '`{call}` exécute une requête à chaque itération de cette boucle (requêtes N+1). {hint}',
      },
      indirectQueryInLoop: {
        en: '`{call}` runs a query (through `{via}`) on every iteration of this loop (N+1 queries). {hint}',
        fr: '`{call}` exécute une requête (via `{via}`) à chaque itération de cette boucle (requêtes N+1). {hint}',
      },
    },
    defaultOptions: { checkTestFiles: false },
    docs: {
      en: {
        summary: 'Reports a database query executed once per element of a collection: inside a `for`/`while` loop body, or in a callback given to `map`, `forEach`, `reduce`…, directly or through a function (in this file or another) that runs a query.',
        why: 'Each query costs a round trip to the server and a turn on a connection. A page that lists 100 orders and loads each customer separately sends 101 queries where 1 or 2 would do; the time grows with the data, not with the work. Running them with `Promise.all` does not help: one PostgreSQL connection executes one query at a time, and a pool only spreads the load over more connections.',
        bad: BAD,
        good: GOOD,
        fix: 'No automatic fix: batching changes the order and the duplicates of the results, so fix-all never applies it. For a pg lookup per element of a `for…of` loop (`const { rows } = await pool.query(\'SELECT … WHERE col = $1\', [x.key])`), the quick fix "Run one = ANY($1) query before the loop" (unsafe) rewrites it into one query and a `Map` from key to rows, and a loop that only inserts one row per element becomes one multi-row INSERT ("One multi-row INSERT instead of the loop", unsafe: one bad row now fails them all); for other pg lookups and inserts the quick-fix menu spells out the batched statement (`= ANY($1)`, `INSERT … SELECT * FROM unnest(…)`) as a suggestion. Collect the keys first, run one query (`= ANY($1)`, a JOIN, `whereIn`, `include`…), then match the rows up with a `Map`. Loops that are sequential by design (a worker claiming one job per turn, a batch-draining `DELETE … LIMIT` loop, a migration runner, DDL (SQL text or knex\'s `schema` builder), a loop that runs scripts it loads at run time (`import(file)`), a bounded retry, a `for…of` that never reads its element, a loop over chunks whose query takes the chunk as its list: `whereIn(\'id\', chunk)`, `= ANY($1)`) are not reported, nor a call whose only query is in a closure the called function defines without running it (a route handler it registers) or in a lazy initialiser\'s first call (`if (pool) return pool;` then a connection check), nor are test files (`*.test.ts`, `__tests__/`…) unless the option `checkTestFiles` is `true`.',
      },
      fr: {
        summary: 'Signale une requête exécutée une fois par élément d’une collection : dans le corps d’une boucle `for`/`while`, ou dans un callback passé à `map`, `forEach`, `reduce`…, directement ou via une fonction (de ce fichier ou d’un autre) qui exécute une requête.',
        why: 'Chaque requête coûte un aller-retour vers le serveur et un passage sur une connexion. Une page qui liste 100 commandes et charge chaque client séparément envoie 101 requêtes là où 1 ou 2 suffisent ; le temps croît avec les données, pas avec le travail. Les lancer avec `Promise.all` n’aide pas : une connexion PostgreSQL exécute une requête à la fois, et un pool ne fait que répartir la charge sur plus de connexions.',
        bad: BAD,
        good: GOOD,
        fix: 'Pas de correction automatique : regrouper change l’ordre et les doublons des résultats, « Tout corriger » ne l’applique donc jamais. Pour une lecture pg par élément d’une boucle `for…of` (`const { rows } = await pool.query(\'SELECT … WHERE col = $1\', [x.key])`), la correction rapide « Une seule requête = ANY($1) avant la boucle » (non sûre) la réécrit en une requête et une `Map` de la clé vers les lignes, et une boucle qui n’insère qu’une ligne par élément devient un seul INSERT multi-lignes (« Un seul INSERT multi-lignes à la place de la boucle », non sûre : une ligne invalide fait désormais échouer toutes les autres) ; pour les autres lectures et insertions pg, le menu des correctifs propose l’instruction groupée (`= ANY($1)`, `INSERT … SELECT * FROM unnest(…)`) en suggestion. Rassemblez d’abord les clés, exécutez une seule requête (`= ANY($1)`, une jointure, `whereIn`, `include`…), puis associez les lignes avec une `Map`. Les boucles séquentielles par nature (un worker qui prend un job par tour, une boucle `DELETE … LIMIT` qui vide une table par lots, un exécuteur de migrations, du DDL (texte SQL ou `schema` de knex), une boucle qui exécute des scripts chargés à l’exécution (`import(fichier)`), une relance bornée, un `for…of` qui ne lit jamais son élément, une boucle sur des paquets dont la requête prend le paquet comme liste : `whereIn(\'id\', paquet)`, `= ANY($1)`) ne sont pas signalées, ni un appel dont la seule requête est dans une fonction que la fonction appelée définit sans l’exécuter (un gestionnaire de route qu’elle enregistre) ou dans le premier appel d’une initialisation paresseuse (`if (pool) return pool;` puis une vérification de connexion), pas plus que les fichiers de test (`*.test.ts`, `__tests__/`…) sauf si l’option `checkTestFiles` vaut `true`.',
      },
    },
  },
  check(ctx) {
    const file = ctx.file;
    // Test files build fixtures in loops on purpose; their speed is not the application's.
    if (!ctx.options.checkTestFiles && isTestFile(file.path)) return;
    const sf = file.sourceFile;
    const reported = new Set<ts.Node>();
    // A loop that runs statements with no batched form (DDL, SET search_path, SQL read at run time) or scripts it
    // loads at run time is a runner — a migration runner, a per-tenant schema job: its bookkeeping queries belong
    // to it.
    const runnerLoops = new Set<ts.Node>();
    const notRunners = new Set<ts.Node>();
    // Most projects load no code at run time: a scan of the import closure's texts says so without a walk.
    let mayLoadCode: boolean | undefined;
    const isRunner = (loop: ts.Node): boolean => {
      if (runnerLoops.has(loop)) return true;
      if (notRunners.has(loop)) return false;
      mayLoadCode ??= ctx.project.mayLoadCodeAtRunTime(file.path);
      const runner = mayLoadCode && runsLoadedCode(loop, file);
      (runner ? runnerLoops : notRunners).add(loop);
      return runner;
    };
    for (const call of file.queryCalls()) {
      const loop = enclosingLoop(call.node, file);
      if (loop && isNonBatchableSql(call, file)) runnerLoops.add(loop.loop);
    }
    // Whether a loop runs exactly one query (no other, directly or through a project function): memoised per loop.
    const onlyQueryMemo = new Map<ts.Node, boolean>();
    const onlyQuery = (loop: LoopContext): boolean => {
      let answer = onlyQueryMemo.get(loop.loop);
      if (answer === undefined) {
        const region: ts.Node = loop.callback ?? loop.loop;
        const within = (n: ts.Node): boolean => n.pos >= region.pos && n.end <= region.end;
        answer = file.queryCalls().filter((c) => within(c.node)).length === 1 &&
          !file.callExpressions().some((n) => within(n) && !file.dbCallAt(n) && (() => {
            const target = file.calledFunction(n);
            return !!target && !!ctx.project.querySiteOf(target);
          })());
        onlyQueryMemo.set(loop.loop, answer);
      }
      return answer;
    };
    // Direct queries.
    for (const call of file.queryCalls()) {
      const loop = enclosingLoop(call.node, file);
      if (!loop || loop.sequentialReason || runnerLoops.has(loop.loop)) continue;
      if (isBatchedByLibrary(call, loop.loop) || isChunkedBatch(call, loop.loop, file) || isRunner(loop.loop)) continue;
      reported.add(call.node);
      const hoist = readsSameRow(call, loop, file, onlyQuery);
      const rewrite = hoist ? undefined : batchRewrite(call, loop.loop, file, ctx.language) ?? insertRewrite(call, loop.loop, file, ctx.language);
      const suggestion = rewrite || hoist ? undefined : batchSuggestion(call, file, ctx.language);
      const fixes = [rewrite, suggestion].filter((f): f is Fix => f !== undefined);
      ctx.report({
        node: call.node,
        messageId: 'queryInLoop',
        data: { call: callLabel(call.node, sf), hint: hoist ? HOIST_HINT[ctx.language] : hint(call.lib, call.op ?? 'read', ctx.language, call.method) },
        fixes: fixes.length ? fixes : undefined,
      });
    }
    // Calls to project functions that run a query (same file or another).
    let reportedCall: ts.CallExpression | undefined; // calls inside its arguments are the same iteration's work
    for (const n of file.callExpressions()) {
      if (reportedCall && n.pos >= reportedCall.pos && n.end <= reportedCall.end) continue;
      if (!reported.has(n) && !file.dbCallAt(n)) {
        const loop = enclosingLoop(n, file);
        const target = loop && !loop.sequentialReason && !runnerLoops.has(loop.loop) ? file.calledFunction(n) : undefined;
        if (target && loop) {
          {
            const site = ctx.project.querySiteOf(target) ?? ctx.project.callbackQuerySite(n, file);
            // Statically known SQL that has no batched form (DDL, session/transaction control). The site is plain
            // data: its file may have been released since.
            const nonBatchable = !!site?.call && (!!kindSpec(site.call.kind)?.ddl || (site.sql !== undefined && NON_BATCHABLE.test(site.sql)));
            if (site && !nonBatchable && !isRunner(loop.loop)) {
              const related: RelatedLocation[] = [{
                file: site.path,
                start: site.start,
                end: site.end,
                message: ctx.language === 'fr' ? 'La requête exécutée à chaque itération' : 'The query run on every iteration',
              }];
              ctx.report({
                node: n,
                messageId: 'indirectQueryInLoop',
                data: {
                  call: callLabel(n, sf),
                  via: site.label,
                  hint: hint(site.call?.lib ?? 'pg', site.call?.op ?? 'read', ctx.language, site.call?.method),
                },
                related,
              });
              reported.add(n);
              reportedCall = n;
              continue;
            }
          }
        }
      }
    }
  },
});

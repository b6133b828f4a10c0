/**
 * no-sql-concatenation — SQL text built from non-constant values reaching a query API.
 * Chapter 20.1.2 (parameterised queries).
 */
import * as ts from 'typescript';
import { defineRule } from '../engine/rule';
import { analyseSql, isRequestInput, isSafeValue, type BuiltSql, type Piece } from '../engine/sqltext';
import { parseSql, walkSqlAst } from '../engine/sqlparse';
import { referencesTo, resolveIdentifier } from '../engine/scope';
import { enclosingFunctionOrFile } from '../engine/model';
import { sqlSinkOf } from '../engine/summaries';
import type { DbCall, FileModel } from '../engine/model';
import type { Fix, RelatedLocation } from '../engine/types';

type MessageId = 'concatenated' | 'concatenatedRequest' | 'identifierSpliced';

const BAD = [
  "import { Pool } from 'pg';",
  'const pool = new Pool();',
  '',
  'export async function findUser(email: string) {',
  "  const { rows } = await pool.query(\"SELECT * FROM users WHERE email = '\" + email + \"'\");",
  '  return rows[0];',
  '}',
].join('\n');

const GOOD = [
  "import { Pool } from 'pg';",
  'const pool = new Pool();',
  '',
  'export async function findUser(email: string) {',
  "  const { rows } = await pool.query('SELECT * FROM users WHERE email = $1', [email]);",
  '  return rows[0];',
  '}',
].join('\n');

/** Libraries whose safe form is a tagged template on the same receiver: `sql.unsafe(…)` → sql`…`. */
const TAG_REWRITE: Record<string, (recv: string) => string> = {
  'postgres.Sql/unsafe': (r) => r,
  'postgres.Reserved/unsafe': (r) => r,
  'drizzle.SqlTag/raw': (r) => r,
  'kysely.SqlTag/raw': (r) => r,
  'prisma.Client/$queryRawUnsafe': (r) => `${r}.$queryRaw`,
  'prisma.Client/$executeRawUnsafe': (r) => `${r}.$executeRaw`,
};

export default defineRule<MessageId>({
  meta: {
    id: 'no-sql-concatenation',
    description: {
      en: 'SQL text built by concatenating or interpolating values instead of passing them as parameters.',
      fr: 'Texte SQL construit en concaténant ou en interpolant des valeurs au lieu de les passer en paramètres.',
    },
    defaultSeverity: 'warn',
    chapters: ['20.1.2', '20.1'],
    fixes: { parameterize: 'safe', tagTemplate: 'safe', whitelist: 'display-only' },
    messages: {
      concatenated: {
        en: 'SQL built from {what}: a value spliced into the text can change the statement (SQL injection) and defeats plan caching. Pass it as a parameter ({form}).',
        fr: 'SQL construit à partir de {what} : une valeur insérée dans le texte peut changer la requête (injection SQL) et empêche la réutilisation des plans. Passez-la en paramètre ({form}).',
      },
      identifierSpliced: {
        en: 'SQL built from {what}, which sits where a name or keyword goes (a parameter cannot replace it): anyone controlling it controls the statement. Pick it from a constant whitelist, or escape it with `escapeIdentifier`.',
        fr: 'SQL construit à partir de {what}, placé là où va un nom ou un mot-clé (un paramètre ne peut pas le remplacer) : qui le contrôle contrôle l’instruction. Choisissez-le dans une liste blanche constante, ou échappez-le avec `escapeIdentifier`.',
      },
      concatenatedRequest: {
        en: 'SQL built from request input ({what}): anyone who sends this request can change the statement (SQL injection). Pass it as a parameter ({form}).',
        fr: 'SQL construit à partir d’une entrée de requête HTTP ({what}) : quiconque envoie cette requête peut modifier l’instruction (injection SQL). Passez-la en paramètre ({form}).',
      },
    },
    defaultOptions: {},
    docs: {
      en: {
        summary: 'Reports SQL text assembled from non-constant values — with `+`, `+=`, template interpolation, `.concat`, `.join`, `util.format` — that reaches a query API or a raw-SQL escape hatch (`pool.query`, `knex.raw`, `whereRaw`, `$queryRawUnsafe`, `sql.unsafe`, `sql.raw`, `Sequelize.literal`, TypeORM `where(string)`…), also when it was built in a variable or a helper first.',
        why: 'A value pasted into SQL text becomes part of the statement: a quote in it ends the string and what follows runs as SQL (injection). Even harmless values make every statement text different, so the server cannot reuse prepared plans. Parameters (`$1`, `?`, tagged templates) send values separately from the text: they can never change the statement. A TypeScript type is not a guard — a parameter typed `number` may still receive a string at run time.',
        bad: BAD,
        good: GOOD,
        fix: 'Quick fix "Use query parameters" (safe): each spliced value in a value position becomes a placeholder (`$n`, or `?` for knex) appended to the values array, and the quotes around it are removed; for tagged-template libraries the call becomes the library\'s tagged template. The SQL parser decides where each value sits: a value in an identifier or keyword position (`ORDER BY ${col}`) is not rewritten — choose it from a constant whitelist or escape it with `escapeIdentifier`. Not reported: constants, values picked from a constant whitelist or map, `escapeIdentifier`/`escapeLiteral`, pg-format `%I`/`%L`, and numbers forced with `Number()`/`parseInt`.',
      },
      fr: {
        summary: 'Signale un texte SQL assemblé à partir de valeurs non constantes — avec `+`, `+=`, l’interpolation de gabarits, `.concat`, `.join`, `util.format` — qui atteint une API de requête ou une échappatoire SQL brut (`pool.query`, `knex.raw`, `whereRaw`, `$queryRawUnsafe`, `sql.unsafe`, `sql.raw`, `Sequelize.literal`, `where(string)` de TypeORM…), y compris quand il a d’abord été construit dans une variable ou une fonction.',
        why: 'Une valeur collée dans le texte SQL devient une partie de l’instruction : une apostrophe termine la chaîne et la suite s’exécute comme du SQL (injection). Même inoffensives, ces valeurs rendent chaque texte différent et le serveur ne peut plus réutiliser ses plans préparés. Les paramètres (`$1`, `?`, gabarits étiquetés) envoient les valeurs à part du texte : elles ne peuvent jamais modifier l’instruction. Un type TypeScript n’est pas une protection : un paramètre typé `number` peut recevoir une chaîne à l’exécution.',
        bad: BAD,
        good: GOOD,
        fix: 'Correction rapide « Utiliser des paramètres » (sûre) : chaque valeur insérée en position de valeur devient un paramètre (`$n`, ou `?` pour knex) ajouté au tableau des valeurs, et les apostrophes qui l’entourent sont retirées ; pour les bibliothèques à gabarits étiquetés, l’appel devient le gabarit étiqueté de la bibliothèque. L’analyseur SQL décide de la position de chaque valeur : une valeur en position d’identifiant ou de mot-clé (`ORDER BY ${col}`) n’est pas réécrite — choisissez-la dans une liste blanche constante ou échappez-la avec `escapeIdentifier`. Non signalés : constantes, valeurs choisies dans une liste blanche ou une table constante, `escapeIdentifier`/`escapeLiteral`, `%I`/`%L` de pg-format, et nombres forcés avec `Number()`/`parseInt`.',
      },
    },
  },
  check(ctx) {
    const file = ctx.file;
    const sf = file.sourceFile;
    const fr = ctx.language === 'fr';
    const checkSink = (call: DbCall, sqlArg: ts.Expression): void => {
      const built = analyseSql(sqlArg, file);
      if (!built || !built.concatenated) return;
      const unsafe = built.pieces.filter((p): p is Extract<Piece, { t: 'value' }> => p.t === 'value' && !p.safe);
      if (!unsafe.length) return;
      const request = unsafe.some((p) => p.request);
      const first = unsafe[0]!;
      const what = first.node.getText(first.file.sourceFile).replace(/\s+/g, ' ');
      const related: RelatedLocation[] = [];
      if (built.builtAt && (built.builtAt.file !== file || !isWithin(built.builtAt.node, sqlArg))) {
        related.push({
          file: built.builtAt.file.path, start: built.builtAt.node.getStart(built.builtAt.file.sourceFile), end: built.builtAt.node.getEnd(),
          message: fr ? 'Le texte SQL est assemblé ici' : 'The SQL text is assembled here',
        });
      }
      for (const p of unsafe.slice(0, 3)) {
        related.push({
          file: p.file.path, start: p.node.getStart(p.file.sourceFile), end: p.node.getEnd(),
          message: fr ? `Valeur insérée dans le SQL : ${p.node.getText(p.file.sourceFile).slice(0, 60)}` : `Value spliced into the SQL: ${p.node.getText(p.file.sourceFile).slice(0, 60)}`,
        });
      }
      const fixes = buildFixes(call, sqlArg, built, file, fr);
      const identifier = fixes?.length === 1 && fixes[0]!.id === 'whitelist';
      ctx.report({
        node: sqlArg,
        messageId: identifier ? 'identifierSpliced' : request ? 'concatenatedRequest' : 'concatenated',
        severity: request ? 'error' : undefined,
        data: { what: `\`${what.length > 50 ? what.slice(0, 47) + '…' : what}\``, form: formOf(call, fr) },
        related,
        fixes,
      });
    };
    for (const call of file.dbCalls()) {
      if (!call.sqlArg) continue;
      if (call.role !== 'query' && call.role !== 'raw') continue;
      checkSink(call, call.sqlArg);
      if (call.lib === 'pg-promise') checkPgPromiseRaw(call, call.sqlArg);
    }
    /** pg-promise `$1:raw`, `$1^`, `${name:raw}`, `${name^}` insert a value without escaping. */
    function checkPgPromiseRaw(call: DbCall, sqlArg: ts.Expression): void {
      const text = ts.isStringLiteralLike(sqlArg) ? sqlArg.text : undefined;
      if (text === undefined || !call.valuesArg) return;
      const values = call.valuesArg;
      for (const m of text.matchAll(/\$(\d+)(?::raw|\^)|\$[{(<\[/]\s*(\w+)\s*(?::raw|\^)\s*[})>\]/]/g)) {
        let valueExpr: ts.Expression | undefined;
        if (m[1] && ts.isArrayLiteralExpression(values)) valueExpr = values.elements[Number(m[1]) - 1];
        else if (m[1] && Number(m[1]) === 1 && !ts.isArrayLiteralExpression(values)) valueExpr = values;
        else if (m[2] && ts.isObjectLiteralExpression(values)) {
          const prop = values.properties.find((p) => p.name && p.name.getText(sf) === m[2]);
          valueExpr = prop && ts.isPropertyAssignment(prop) ? prop.initializer : prop && ts.isShorthandPropertyAssignment(prop) ? prop.name : undefined;
        }
        if (!valueExpr || isSafeValue(valueExpr, file, 0)) continue;
        const request = isRequestInput(valueExpr, file, 0);
        ctx.report({
          node: sqlArg,
          messageId: request ? 'concatenatedRequest' : 'concatenated',
          severity: request ? 'error' : undefined,
          data: { what: `\`${valueExpr.getText(sf).slice(0, 50)}\` (${m[0]})`, form: fr ? 'un simple `$1`, ou `:name` pour un identifiant' : 'a plain `$1` placeholder, or `:name` for identifiers' },
        });
        return;
      }
    }
    // Project helpers that pass one of their parameters straight to a query API: check their callers' arguments.
    for (const n of file.callExpressions()) {
      if (file.dbCallAt(n)) continue;
      const target = file.calledFunction(n);
      if (target) {
        // A fact of the project: a helper of another file is not parsed again for each caller.
        const sink = sqlSinkOf(ctx.project, target);
        if (sink && n.arguments[sink.index]) {
          checkSink({ ...sink.call, node: n, sqlArg: n.arguments[sink.index], valuesArg: sink.valuesIndex !== undefined ? n.arguments[sink.valuesIndex] : undefined }, n.arguments[sink.index]!);
        }
      }
    }
  },
});

function isWithin(inner: ts.Node, outer: ts.Node): boolean {
  return inner.pos >= outer.pos && inner.end <= outer.end;
}

function formOf(call: DbCall, fr: boolean): string {
  const key = `${call.kind}/${call.method}`;
  if (TAG_REWRITE[key]) return fr ? 'un gabarit étiqueté' : 'a tagged template';
  if (call.spec.placeholders === '?') return fr ? '`?` avec un tableau de valeurs' : '`?` with a bindings array';
  if (call.kind.startsWith('typeorm.QueryBuilder')) return fr ? '`:nom` avec un objet de paramètres' : '`:name` with a parameters object';
  if (call.kind.startsWith('sequelize')) return fr ? '`replacements` ou `bind`' : '`replacements` or `bind`';
  return fr ? '`$1` avec un tableau de valeurs' : '`$1` with a values array';
}

// ── the parameterise fix ─────────────────────────────────────────────────────

interface Rewritten {
  /** SQL pieces after rewriting: text, or a kept interpolation (safe values), or a new parameter. */
  /** `keep` parts stay interpolated (`${expr}`); `value`, when known, is their constant text (for the parse check). */
  parts: ({ t: 'text'; value: string } | { t: 'keep'; expr: string; value?: string } | { t: 'param'; n: number; expr: string })[];
  params: string[];
}

/**
 * Where the SQL text is written: inline at the call, or a `const` of the same function used only at this
 * call (`const sql = \`…${x}\`; await pool.query(sql)`), whose initializer can be rewritten in place.
 */
function sqlSource(sqlArg: ts.Expression): ts.Expression | undefined {
  if (!ts.isIdentifier(sqlArg)) return sqlArg;
  const b = resolveIdentifier(sqlArg);
  if (!b || b.kind !== 'var' || !b.constant || b.path.length || !ts.isVariableDeclaration(b.decl) || !b.decl.initializer) return undefined;
  if (referencesTo(b, enclosingFunctionOrFile(b.decl)).length !== 1) return undefined;
  if (enclosingFunctionOrFile(b.decl) !== enclosingFunctionOrFile(sqlArg)) return undefined;
  return b.decl.initializer;
}

function buildFixes(call: DbCall, sqlArg: ts.Expression, built: BuiltSql, file: FileModel, fr: boolean): Fix[] | undefined {
  // Only SQL written at the call, or in a local const used once there, can be rewritten in place.
  const source = sqlSource(sqlArg);
  if (!source) return undefined;
  if (built.pieces.some((p) => p.node.getSourceFile() !== file.sourceFile || !isWithin(p.node, source))) return undefined;
  if (built.pieces.some((p) => p.t === 'value' && p.listJoin && !p.safe)) return undefined;
  const sf = file.sourceFile;
  const key = `${call.kind}/${call.method}`;
  const tagRewrite = TAG_REWRITE[key];
  if (tagRewrite && ts.isCallExpression(call.node) && ts.isPropertyAccessExpression(call.node.expression)) {
    if (call.node.arguments.length !== 1) return undefined;
    const rw = rewrite(built, 0, sf);
    if (!rw || !positionsAreValues(rw)) return whitelistHint(fr);
    if (source !== sqlArg) return undefined; // the tagged form must be written at the call
    const recv = call.node.expression.expression.getText(sf);
    const body = rw.parts.map((p) => (p.t === 'text' ? escapeTemplate(p.value) : p.t === 'keep' ? `\${${p.expr}}` : `\${${p.expr}}`)).join('');
    return [{
      id: 'tagTemplate', safety: 'safe',
      title: fr ? 'Utiliser le gabarit étiqueté paramétré' : 'Use the parameterised tagged template',
      edits: [{ start: call.node.getStart(sf), end: call.node.getEnd(), text: `${tagRewrite(recv)}\`${body}\`` }],
    }];
  }
  const style = call.spec.placeholders;
  if (!style || !ts.isCallExpression(call.node)) return undefined;
  const args = call.node.arguments;
  let existing = 0;
  const valuesIdx = call.spec.valuesArg;
  const valuesArg = call.valuesArg;
  if (valuesIdx === 'rest') existing = Math.max(0, args.length - 1 - (call.spec.sqlArg ?? 0));
  else if (valuesArg) {
    if (!ts.isArrayLiteralExpression(valuesArg)) return undefined;
    existing = valuesArg.elements.length;
  }
  const rw = rewrite(built, style === '$n' ? existing : 0, sf);
  if (!rw || !rw.params.length) return undefined;
  if (!positionsAreValues(rw)) return whitelistHint(fr);
  const sqlText = rw.parts.map((p) => (p.t === 'text' ? p.value : p.t === 'keep' ? `\${${p.expr}}` : style === '$n' ? `$${p.n}` : '?')).join('');
  const hasKeep = rw.parts.some((p) => p.t === 'keep');
  const literal = hasKeep || /[\n'\\]/.test(sqlText) ? `\`${rw.parts.map((p) => (p.t === 'text' ? escapeTemplate(p.value) : p.t === 'keep' ? `\${${p.expr}}` : style === '$n' ? `$${p.n}` : '?')).join('')}\`` : `'${sqlText}'`;
  const edits = [{ start: source.getStart(sf), end: source.getEnd(), text: literal }];
  if (valuesIdx === 'rest') {
    edits.push({ start: args[args.length - 1]!.getEnd(), end: args[args.length - 1]!.getEnd(), text: rw.params.map((p) => `, ${p}`).join('') });
  } else if (valuesArg && ts.isArrayLiteralExpression(valuesArg)) {
    const all = [...valuesArg.elements.map((e) => e.getText(sf)), ...rw.params];
    edits.push({ start: valuesArg.getStart(sf), end: valuesArg.getEnd(), text: `[${all.join(', ')}]` });
  } else if (ts.isPropertyAssignment(sqlArg.parent)) {
    // query config object { text, … }: add a `values` property
    edits.push({ start: sqlArg.parent.getEnd(), end: sqlArg.parent.getEnd(), text: `, values: [${rw.params.join(', ')}]` });
  } else if (typeof valuesIdx === 'number' && args.length === valuesIdx) {
    edits.push({ start: sqlArg.getEnd(), end: sqlArg.getEnd(), text: `, [${rw.params.join(', ')}]` });
  } else return undefined;
  return [{
    id: 'parameterize', safety: 'safe',
    title: fr ? 'Utiliser des paramètres de requête' : 'Use query parameters',
    edits,
  }];
}

function whitelistHint(fr: boolean): Fix[] {
  return [{
    id: 'whitelist', safety: 'display-only', edits: [],
    title: fr
      ? 'Valeur en position d’identifiant : choisissez-la dans une liste blanche constante ou échappez-la avec escapeIdentifier'
      : 'Value in an identifier position: pick it from a constant whitelist or escape it with escapeIdentifier',
  }];
}

function escapeTemplate(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
}

/** Replaces unsafe spliced values by parameters, removing the quotes around them. */
function rewrite(built: BuiltSql, start: number, sf: ts.SourceFile): Rewritten | undefined {
  const parts: Rewritten['parts'] = [];
  const params: string[] = [];
  const pieces = built.pieces;
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i]!;
    if (p.t === 'text') {
      // A named constant (`${COLUMNS}`) stays a reference to it in the rewritten text.
      if (p.constant && p.node.getSourceFile() === sf) parts.push({ t: 'keep', expr: p.node.getText(sf), value: p.value });
      else parts.push({ t: 'text', value: p.value });
      continue;
    }
    const expr = p.node.getText(sf);
    if (p.safe) {
      parts.push({ t: 'keep', expr });
      continue;
    }
    const prev = parts[parts.length - 1];
    const next = pieces[i + 1];
    const before = prev?.t === 'text' ? prev.value : '';
    const inQuote = quoteOpen(parts.map((x) => (x.t === 'param' ? '' : x.value ?? '')).join(''));
    if (inQuote) {
      // '…${x}…': the whole quoted literal becomes one parameter
      const q = before.lastIndexOf("'");
      if (q < 0 || !next || next.t !== 'text') return undefined;
      const close = next.value.indexOf("'");
      if (close < 0) return undefined;
      const pre = before.slice(q + 1);
      const post = next.value.slice(0, close);
      if (pre.includes("'") || post.includes("'")) return undefined;
      (prev as { value: string }).value = before.slice(0, q);
      const value = pre || post ? `\`${escapeTemplate(pre)}\${${expr}}${escapeTemplate(post)}\`` : expr;
      params.push(value);
      parts.push({ t: 'param', n: start + params.length, expr: value });
      pieces[i + 1] = { ...next, value: next.value.slice(close + 1) };
      continue;
    }
    params.push(expr);
    parts.push({ t: 'param', n: start + params.length, expr });
  }
  return { parts, params };
}

function quoteOpen(text: string): boolean {
  let open = false;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "'") {
      if (open && text[i + 1] === "'") {
        i++;
        continue;
      }
      open = !open;
    }
  }
  return open;
}

/** With the real parser: every new parameter must sit where a value goes (not a name, not ORDER BY/SELECT list). */
function positionsAreValues(rw: Rewritten): boolean {
  const newNums = new Set(rw.parts.filter((p) => p.t === 'param').map((p) => (p as { n: number }).n));
  // Checked with `$n` placeholders whatever the library's style: only their positions matter here.
  const sql = rw.parts.map((p) => (p.t === 'text' ? p.value : p.t === 'keep' ? p.value ?? 'pglint_kept' : `$${p.n}`)).join('');
  const parsed = parseSql(sql);
  if (!parsed || !parsed.ok) return false;
  let ok = true;
  walkSqlAst(parsed.ast, (key, value, parents) => {
    if (key !== 'ParamRef') return;
    const n = value.number as number;
    if (!newNums.has(n)) return;
    const parent = parents[parents.length - 1];
    const grand = parents[parents.length - 2];
    // identifier or keyword positions: ORDER BY $n, GROUP BY $n, SELECT $n (target list of a SELECT)
    if (parent === 'node' && grand === 'SortBy') ok = false;
    if (parents.includes('groupClause') && parent === 'groupClause') ok = false;
    if (parent === 'val' && grand === 'ResTarget' && parents.includes('targetList') && parents.includes('SelectStmt') && !parents.includes('whereClause')) ok = false;
  });
  return ok;
}

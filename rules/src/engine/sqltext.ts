/**
 * SQL text as the code builds it: an expression flattened into constant text and spliced values
 * (`'… ' + x`, template interpolation, `.concat`, `.join`, `util.format`, `+=` on a variable, a helper
 * that returns built text), and for each spliced value whether it is safe to splice (a constant, a value
 * picked from a constant whitelist, an escaped identifier, a number forced with Number()/parseInt…).
 */
import * as ts from 'typescript';
import { resolveIdentifier, isAssignmentOperator, type Binding } from './scope';
import { enclosingFunctionOrFile, forEachReturn, iterationCallOf, propertyNameText, skipOuterExpressions as strip } from './model';
import { isConstantList } from './loops';
import type { FileModel } from './model';

export type Piece =
  /** Constant text; `constant` when it comes from a named constant (`${COLUMNS}`) rather than literal text. */
  | { t: 'text'; value: string; node: ts.Node; constant?: boolean }
  | { t: 'value'; node: ts.Expression; safe: boolean; request: boolean; file: FileModel; listJoin?: boolean };

export interface BuiltSql {
  pieces: Piece[];
  /** Where the text was built by concatenation/interpolation (the first place), for related information. */
  builtAt?: { file: FileModel; node: ts.Node };
  /** The text was assembled from several parts (not a single literal or a plain pass-through). */
  concatenated: boolean;
}

const MAX_DEPTH = 8;

/** Flattens an SQL expression. Returns undefined when nothing is known of it (a parameter passed through, an unknown call). */
export function analyseSql(expr: ts.Expression, file: FileModel): BuiltSql | undefined {
  const state = { concatenated: false, builtAt: undefined as BuiltSql['builtAt'] };
  const pieces = flatten(expr, file, state, 0);
  if (!pieces) return undefined;
  return { pieces: mergeText(pieces), concatenated: state.concatenated, builtAt: state.builtAt };
}

/** The statically known text, with `$?` for spliced values; undefined if no text is known. */
export function staticText(expr: ts.Expression, file: FileModel): string | undefined {
  const b = analyseSql(expr, file);
  // Nothing but values (`sql\`${sql.raw(statement)}\``): the statement itself is unknown.
  if (!b || !b.pieces.some((p) => p.t === 'text' && p.value.trim() !== '')) return undefined;
  return b.pieces.map((p) => (p.t === 'text' ? p.value : '$?')).join('');
}

interface State {
  concatenated: boolean;
  builtAt?: { file: FileModel; node: ts.Node };
}

function markBuilt(state: State, file: FileModel, node: ts.Node): void {
  state.concatenated = true;
  if (!state.builtAt) state.builtAt = { file, node };
}

function flatten(e0: ts.Expression, file: FileModel, state: State, depth: number): Piece[] | undefined {
  const e = strip(e0);
  if (depth > MAX_DEPTH) return undefined;
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return [{ t: 'text', value: e.text, node: e }];
  if (ts.isTaggedTemplateExpression(e)) {
    // A tagged template (slonik, drizzle, kysely, Prisma.sql): its values are bound by the library.
    const t = e.template;
    if (ts.isNoSubstitutionTemplateLiteral(t)) return [{ t: 'text', value: t.text, node: t }];
    const out: Piece[] = [{ t: 'text', value: t.head.text, node: t.head }];
    for (const span of t.templateSpans) {
      out.push({ t: 'value', node: span.expression, safe: true, request: false, file });
      out.push({ t: 'text', value: span.literal.text, node: span.literal });
    }
    return out;
  }
  if (ts.isTemplateExpression(e)) {
    const out: Piece[] = [{ t: 'text', value: e.head.text, node: e.head }];
    for (const span of e.templateSpans) {
      out.push(...operand(span.expression, file, state, depth));
      out.push({ t: 'text', value: span.literal.text, node: span.literal });
    }
    markBuilt(state, file, e);
    return out;
  }
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const l = operand(e.left, file, state, depth);
    const r = operand(e.right, file, state, depth);
    markBuilt(state, file, e);
    return [...l, ...r];
  }
  if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression)) {
    const name = e.expression.name.text;
    // 'a'.concat(b, c)
    if (name === 'concat') {
      const base = flatten(e.expression.expression, file, state, depth + 1);
      if (base) {
        const out = [...base];
        for (const a of e.arguments) out.push(...operand(a, file, state, depth));
        markBuilt(state, file, e);
        return out;
      }
    }
    // [a, b].join(' ')
    if (name === 'join') {
      const arr = strip(e.expression.expression);
      const sep = e.arguments[0] ? strip(e.arguments[0]) : undefined;
      const sepText = sep === undefined ? ',' : ts.isStringLiteralLike(sep) ? sep.text : undefined;
      if (ts.isArrayLiteralExpression(arr) && sepText !== undefined) {
        const out: Piece[] = [];
        arr.elements.forEach((el, i) => {
          if (i > 0) out.push({ t: 'text', value: sepText, node: e });
          out.push(...operand(el, file, state, depth));
        });
        markBuilt(state, file, e);
        return out;
      }
      // xs.join(',') of values: one spliced list
      markBuilt(state, file, e);
      return [{ t: 'value', node: e, safe: isSafeValue(e, file, depth + 1), request: isRequestInput(e.expression.expression, file, 0), file, listJoin: true }];
    }
  }
  // util.format / format / sprintf with a constant format string
  if (ts.isCallExpression(e) && isFormatCall(e)) {
    const fmt = strip(e.arguments[0]!);
    if (ts.isStringLiteralLike(fmt)) {
      const out: Piece[] = [];
      const parts = fmt.text.split(/(%[sdifjoOI L%])/);
      let argIdx = 1;
      for (const part of parts) {
        if (/^%[sdifjoO]$/.test(part)) {
          const arg = e.arguments[argIdx++];
          if (arg) out.push(...operand(arg, file, state, depth));
        } else if (part === '%I' || part === '%L') {
          // pg-format escapes these
          const arg = e.arguments[argIdx++];
          if (arg) out.push({ t: 'value', node: arg, safe: true, request: false, file });
        } else if (part === '%%') out.push({ t: 'text', value: '%', node: fmt });
        else if (part) out.push({ t: 'text', value: part, node: fmt });
      }
      markBuilt(state, file, e);
      return out;
    }
  }
  if (ts.isIdentifier(e)) {
    const b = resolveIdentifier(e);
    if (!b) return undefined;
    return flattenBinding(b, e, file, state, depth);
  }
  if (ts.isCallExpression(e)) {
    // a project helper that returns built SQL
    const target = file.calledFunction(e);
    if (target && target.node.body) {
      const returns: ts.Expression[] = [];
      if (!ts.isBlock(target.node.body)) returns.push(target.node.body);
      else forEachReturn(target.node.body, (r) => r.expression && returns.push(r.expression));
      if (returns.length === 1) return flatten(returns[0]!, target.file, state, depth + 1);
    }
    return undefined;
  }
  if (ts.isConditionalExpression(e)) {
    // Two constant alternatives: keep the first as representative text (both are constants).
    const a = flatten(e.whenTrue, file, state, depth + 1);
    const b = flatten(e.whenFalse, file, state, depth + 1);
    if (a && b && a.every((p) => p.t === 'text') && b.every((p) => p.t === 'text')) return a;
    if (a && b) return [...a.filter((p) => p.t === 'value'), ...b.filter((p) => p.t === 'value'), ...a.filter((p) => p.t === 'text')];
    return undefined;
  }
  if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
    const c = constantString(e, file, depth);
    if (c !== undefined) return [{ t: 'text', value: c, node: e }];
    return undefined;
  }
  return undefined;
}

/** A variable's SQL: its initializer plus every `+=` applied to it in its function. */
function flattenBinding(b: Binding, ref: ts.Identifier, file: FileModel, state: State, depth: number): Piece[] | undefined {
  if (b.kind !== 'var' || b.path.length) return undefined;
  const d = b.decl as ts.VariableDeclaration;
  const base = d.initializer ? flatten(d.initializer, file, state, depth + 1) : undefined;
  if (b.constant) return base;
  // let/var: collect assignments in the declaring scope
  const scope = enclosingFunctionOrFile(d);
  const out: Piece[] = base ? [...base] : [];
  let unknown = !base && !!d.initializer;
  const visit = (n: ts.Node): void => {
    if (unknown) return;
    if (ts.isBinaryExpression(n) && isAssignmentOperator(n.operatorToken.kind) && ts.isIdentifier(n.left) && n.left.text === b.name.text && n.pos < ref.pos) {
      if (resolveIdentifier(n.left)?.decl === b.decl) {
        if (n.operatorToken.kind === ts.SyntaxKind.PlusEqualsToken) {
          out.push(...operand(n.right, file, state, depth));
          markBuilt(state, file, n);
        } else if (n.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
          const r = flatten(n.right, file, state, depth + 1);
          if (r) out.push(...r);
          else unknown = true;
        } else unknown = true;
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(scope);
  if (unknown || !out.length) return undefined;
  return out;
}

/** A spliced operand: constant text if it is one, nested SQL if it is built text, else a value. */
function operand(e0: ts.Expression, file: FileModel, state: State, depth: number): Piece[] {
  const e = strip(e0);
  const c = constantString(e, file, depth);
  if (c !== undefined) return [{ t: 'text', value: c, node: e, constant: ts.isIdentifier(e) || ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e) }];
  // Nested SQL fragments built of safe parts (const where = cond ? 'AND a = $1' : '').
  if (ts.isIdentifier(e) || ts.isTemplateExpression(e) || (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken)) {
    const inner = flatten(e, file, { concatenated: false }, depth + 1);
    if (inner && inner.every((p) => p.t === 'text' || p.safe) && inner.some((p) => p.t === 'text')) return inner;
    if (inner && (ts.isTemplateExpression(e) || ts.isBinaryExpression(e))) return inner;
  }
  return [{ t: 'value', node: e, safe: isSafeValue(e, file, depth + 1), request: isRequestInput(e, file, 0), file }];
}

function mergeText(pieces: Piece[]): Piece[] {
  const out: Piece[] = [];
  for (const p of pieces) {
    const last = out[out.length - 1];
    if (p.t === 'text' && last?.t === 'text' && !p.constant && !last.constant) out[out.length - 1] = { t: 'text', value: last.value + p.value, node: last.node };
    else out.push(p);
  }
  return out;
}

function isFormatCall(e: ts.CallExpression): boolean {
  if (!e.arguments.length) return false;
  const c = e.expression;
  const name = ts.isIdentifier(c) ? c.text : ts.isPropertyAccessExpression(c) ? c.name.text : '';
  return name === 'format' || name === 'sprintf' || name === 'vsprintf';
}

/** The constant string (or number) an expression always has, if it has one. */
export function constantString(e0: ts.Expression, file: FileModel, depth = 0): string | undefined {
  const e = strip(e0);
  if (depth > MAX_DEPTH) return undefined;
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) || ts.isNumericLiteral(e)) return e.text;
  if (ts.isTemplateExpression(e)) {
    let s = e.head.text;
    for (const span of e.templateSpans) {
      const v = constantString(span.expression, file, depth + 1);
      if (v === undefined) return undefined;
      s += v + span.literal.text;
    }
    return s;
  }
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const l = constantString(e.left, file, depth + 1);
    const r = l === undefined ? undefined : constantString(e.right, file, depth + 1);
    return l !== undefined && r !== undefined ? l + r : undefined;
  }
  if (ts.isIdentifier(e)) {
    const b = resolveIdentifier(e);
    if (!b) return undefined;
    if (b.kind === 'var' && b.constant && ts.isVariableDeclaration(b.decl) && b.decl.initializer && !b.path.length)
      return constantString(b.decl.initializer, file, depth + 1);
    if (b.kind === 'import') {
      const v = importedConstant(b, file, depth);
      return v;
    }
    return undefined;
  }
  if (ts.isPropertyAccessExpression(e)) {
    // CONST.key / Enum.Member / imported constant objects
    const obj = constObjectLiteral(e.expression, file, depth);
    if (obj) {
      const prop = objectProp(obj.node, e.name.text);
      return prop ? constantString(prop, obj.file, depth + 1) : undefined;
    }
    const en = enumMember(e, file);
    if (en !== undefined) return en;
  }
  return undefined;
}

function importedConstant(b: Binding, file: FileModel, depth: number): string | undefined {
  const d = b.decl;
  if (!ts.isImportSpecifier(d)) return undefined;
  const spec = d.parent.parent.parent.moduleSpecifier;
  if (!ts.isStringLiteral(spec)) return undefined;
  const target = file.project.resolveImport(file.path, spec.text);
  if (!target) return undefined;
  const name = (d.propertyName ?? d.name).text;
  for (const st of target.sourceFile.statements) {
    if (ts.isVariableStatement(st) && st.declarationList.flags & ts.NodeFlags.Const) {
      for (const decl of st.declarationList.declarations) {
        if (ts.isIdentifier(decl.name) && decl.name.text === name && decl.initializer) return constantString(decl.initializer, target, depth + 1);
      }
    }
  }
  return undefined;
}

/** A const object literal (possibly `as const`), here or imported. */
function constObjectLiteral(e0: ts.Expression, file: FileModel, depth: number): { node: ts.ObjectLiteralExpression; file: FileModel } | undefined {
  const e = strip(e0);
  if (ts.isObjectLiteralExpression(e)) return { node: e, file };
  if (!ts.isIdentifier(e) || depth > MAX_DEPTH) return undefined;
  const b = resolveIdentifier(e);
  if (!b) return undefined;
  if (b.kind === 'var' && b.constant && ts.isVariableDeclaration(b.decl) && b.decl.initializer && !b.path.length) {
    const init = strip(b.decl.initializer);
    if (ts.isObjectLiteralExpression(init)) return { node: init, file };
    return undefined;
  }
  if (b.kind === 'import' && ts.isImportSpecifier(b.decl)) {
    const spec = b.decl.parent.parent.parent.moduleSpecifier;
    if (!ts.isStringLiteral(spec)) return undefined;
    const target = file.project.resolveImport(file.path, spec.text);
    if (!target) return undefined;
    const name = (b.decl.propertyName ?? b.decl.name).text;
    for (const st of target.sourceFile.statements) {
      if (ts.isVariableStatement(st) && st.declarationList.flags & ts.NodeFlags.Const) {
        for (const decl of st.declarationList.declarations) {
          if (ts.isIdentifier(decl.name) && decl.name.text === name && decl.initializer) {
            const init = strip(decl.initializer);
            if (ts.isObjectLiteralExpression(init)) return { node: init, file: target };
          }
        }
      }
    }
  }
  return undefined;
}

function objectProp(obj: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const p of obj.properties) {
    if (ts.isPropertyAssignment(p) && p.name && propertyNameText(p.name) === name) return p.initializer;
  }
  return undefined;
}

function enumMember(e: ts.PropertyAccessExpression, _file: FileModel): string | undefined {
  if (!ts.isIdentifier(e.expression)) return undefined;
  const b = resolveIdentifier(e.expression);
  if (!b || b.kind !== 'enum' || !ts.isEnumDeclaration(b.decl)) return undefined;
  const m = b.decl.members.find((mm) => propertyNameText(mm.name) === e.name.text);
  if (!m) return undefined;
  if (m.initializer && (ts.isStringLiteral(m.initializer) || ts.isNumericLiteral(m.initializer))) return m.initializer.text;
  return m.initializer ? undefined : String(b.decl.members.indexOf(m));
}

/** Values every member of which is a constant: safe to splice. */
function isConstObjectOfConstants(obj: ts.ObjectLiteralExpression, file: FileModel): boolean {
  return obj.properties.every((p) => ts.isPropertyAssignment(p) && constantString(p.initializer, file) !== undefined);
}

const SAFE_FUNCTIONS = new Set(['Number', 'parseInt', 'parseFloat', 'Boolean', 'escapeIdentifier', 'escapeLiteral', 'quoteIdent', 'quoteLiteral', 'quote_ident', 'quote_literal']);
const SAFE_METHODS = new Set(['escapeIdentifier', 'escapeLiteral', 'toFixed', 'toISOString', 'getTime', 'valueOf']);

/** Whether a spliced value cannot carry SQL: constants, whitelisted picks, escaped or numeric values. */
export function isSafeValue(e0: ts.Expression, file: FileModel, depth: number): boolean {
  const e = strip(e0);
  if (depth > MAX_DEPTH) return false;
  if (constantString(e, file, depth) !== undefined) return true;
  if (ts.isNumericLiteral(e) || e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword || e.kind === ts.SyntaxKind.NullKeyword) return true;
  if (ts.isTypeOfExpression(e)) return true;
  if (ts.isPrefixUnaryExpression(e)) return e.operator === ts.SyntaxKind.PlusToken || e.operator === ts.SyntaxKind.MinusToken || e.operator === ts.SyntaxKind.ExclamationToken || e.operator === ts.SyntaxKind.TildeToken;
  if (ts.isBinaryExpression(e)) {
    const k = e.operatorToken.kind;
    if ([ts.SyntaxKind.MinusToken, ts.SyntaxKind.AsteriskToken, ts.SyntaxKind.SlashToken, ts.SyntaxKind.PercentToken, ts.SyntaxKind.BarToken, ts.SyntaxKind.AmpersandToken, ts.SyntaxKind.LessThanLessThanToken, ts.SyntaxKind.GreaterThanGreaterThanToken, ts.SyntaxKind.AsteriskAsteriskToken].includes(k)) return true;
    if ([ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.LessThanToken, ts.SyntaxKind.GreaterThanToken, ts.SyntaxKind.LessThanEqualsToken, ts.SyntaxKind.GreaterThanEqualsToken, ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken].includes(k)) return true;
    if (k === ts.SyntaxKind.PlusToken || k === ts.SyntaxKind.QuestionQuestionToken || k === ts.SyntaxKind.BarBarToken || k === ts.SyntaxKind.AmpersandAmpersandToken)
      return isSafeValue(e.left, file, depth + 1) && isSafeValue(e.right, file, depth + 1);
    return false;
  }
  if (ts.isConditionalExpression(e)) {
    if (isWhitelistPick(e, file)) return true;
    return isSafeValue(e.whenTrue, file, depth + 1) && isSafeValue(e.whenFalse, file, depth + 1);
  }
  if (ts.isTemplateExpression(e)) return e.templateSpans.every((s) => isSafeValue(s.expression, file, depth + 1));
  if (ts.isElementAccessExpression(e)) {
    // WHITELIST[key]: a lookup in a constant map of constants
    const obj = constObjectLiteral(e.expression, file, depth);
    if (obj && isConstObjectOfConstants(obj.node, obj.file)) return true;
    const arr = strip(e.expression);
    if (ts.isIdentifier(arr)) {
      const b = resolveIdentifier(arr);
      if (b?.kind === 'var' && b.constant && ts.isVariableDeclaration(b.decl) && b.decl.initializer) {
        const init = strip(b.decl.initializer);
        if (ts.isArrayLiteralExpression(init) && init.elements.every((x) => constantString(x, file) !== undefined)) return true;
      }
    }
    return false;
  }
  if (ts.isPropertyAccessExpression(e)) {
    if (e.name.text === 'length' || e.name.text === 'size') return true;
    if (e.name.text === 'sql' && isToSqlCall(e.expression)) return true;
    return false;
  }
  if (ts.isIdentifier(e)) {
    const b = resolveIdentifier(e);
    if (!b) return false;
    if (b.kind === 'param') {
      // the index of an iteration callback (xs.map((x, i) => '$' + (i + 1)))
      const fn = b.decl.parent;
      const iter = ts.isFunctionLike(fn) ? iterationCallOf(fn) : undefined;
      if (iter && (fn as ts.FunctionLikeDeclaration).parameters.indexOf(b.decl as ts.ParameterDeclaration) === 1 && b.path.length === 0) return true;
      // the element of an iteration over a constant list: ['a', 'b'].forEach((t) => …)
      if (iter && (fn as ts.FunctionLikeDeclaration).parameters.indexOf(b.decl as ts.ParameterDeclaration) === 0 && b.path.length === 0 && ts.isPropertyAccessExpression(iter.expression) && isConstantList(iter.expression.expression)) return true;
      return false;
    }
    // const { sql, bindings } = builder.toSQL(): text the query builder compiled, its values kept apart
    if (b.kind === 'var' && ts.isVariableDeclaration(b.decl) && b.decl.initializer && b.path.length === 1 && b.path[0] === 'sql' &&
      b.constant && isToSqlCall(b.decl.initializer)) return true;
    if (b.kind === 'var' && ts.isVariableDeclaration(b.decl) && b.decl.initializer && !b.path.length) {
      if (!b.constant && hasOtherAssignments(b)) return false;
      return isSafeValue(b.decl.initializer, file, depth + 1);
    }
    // the variable of a loop over a constant list: for (const t of ['a', 'b'])
    if (b.kind === 'var' && !b.path.length && ts.isVariableDeclaration(b.decl) && ts.isVariableDeclarationList(b.decl.parent) && ts.isForOfStatement(b.decl.parent.parent))
      return isConstantList(b.decl.parent.parent.expression);
    if (b.kind === 'var' && ts.isVariableDeclaration(b.decl) && b.path.length === 0 && !b.decl.initializer) return false;
    if (b.kind === 'enum') return true;
    return false;
  }
  if (ts.isCallExpression(e)) {
    const c = e.expression;
    if (ts.isIdentifier(c) && SAFE_FUNCTIONS.has(c.text)) return true;
    if (ts.isIdentifier(c) && c.text === 'String') return e.arguments.every((a) => isSafeValue(a, file, depth + 1));
    if (ts.isPropertyAccessExpression(c)) {
      const name = c.name.text;
      const recv = c.expression;
      if (ts.isIdentifier(recv) && recv.text === 'Math') return true;
      if (ts.isIdentifier(recv) && recv.text === 'Number') return true;
      if (SAFE_METHODS.has(name)) return true;
      // pg-format / pgp.as.name / pgp.as.format
      if (ts.isPropertyAccessExpression(recv) && recv.name.text === 'as' && ['name', 'format', 'value', 'csv', 'alias', 'number', 'text', 'json', 'date', 'array'].includes(name)) return true;
      if (name === 'ident' || name === 'literal') return true;
      if (name === 'toString' || name === 'trim' || name === 'toUpperCase' || name === 'toLowerCase') return isSafeValue(recv, file, depth + 1);
      if (name === 'join') return isSafeList(recv, file, depth + 1);
      // An array spliced into text is joined with ',': `IN (${ids.map(() => '?')})` is a list of placeholders.
      if (name === 'map' || name === 'flatMap' || name === 'filter') return isSafeList(e, file, depth + 1);
      // CONST_MAP.get(key): a lookup in a constant Map of constants
      if (name === 'get' && isConstMap(recv, file)) return true;
    }
    if (isFormatCall(e)) {
      const fmt = strip(e.arguments[0]!);
      if (ts.isStringLiteralLike(fmt)) {
        const specs = fmt.text.match(/%[sdifjoOIL]/g) ?? [];
        return specs.every((s, i) => s === '%I' || s === '%L' || s === '%d' || s === '%i' || isSafeValue(e.arguments[i + 1] ?? e, file, depth + 1));
      }
    }
    const target = file.calledFunction(e);
    if (target?.node.body) {
      const returns: ts.Expression[] = [];
      if (!ts.isBlock(target.node.body)) returns.push(target.node.body);
      else forEachReturn(target.node.body, (r) => r.expression && returns.push(r.expression));
      return returns.length > 0 && returns.every((r) => isSafeValue(r, target.file, depth + 1));
    }
    return false;
  }
  return false;
}

/**
 * `x.toSQL()` (or `x.toSQL().toNative()`): the SQL text a query builder (knex) compiled, with placeholders for its
 * values, which it returns apart (`bindings`). Spliced into a raw query, it is a subquery, not a value.
 */
function isToSqlCall(e0: ts.Expression): boolean {
  let e = strip(e0);
  if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === 'toNative' && !e.arguments.length) e = strip(e.expression.expression);
  return ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === 'toSQL' && !e.arguments.length;
}

function isConstMap(e0: ts.Expression, file: FileModel): boolean {
  const e = strip(e0);
  if (!ts.isIdentifier(e)) return false;
  const b = resolveIdentifier(e);
  if (!b || b.kind !== 'var' || !b.constant || !ts.isVariableDeclaration(b.decl) || !b.decl.initializer) return false;
  const init = strip(b.decl.initializer);
  if (!ts.isNewExpression(init) || !ts.isIdentifier(init.expression) || init.expression.text !== 'Map') return false;
  const arg = init.arguments?.[0] ? strip(init.arguments[0]) : undefined;
  if (!arg) return false;
  if (ts.isArrayLiteralExpression(arg))
    return arg.elements.every((pair) => ts.isArrayLiteralExpression(pair) && pair.elements.length === 2 && constantString(pair.elements[1]!, file) !== undefined);
  if (ts.isCallExpression(arg) && ts.isPropertyAccessExpression(arg.expression) && arg.expression.name.text === 'entries' && arg.arguments[0]) {
    const obj = constObjectLiteral(arg.arguments[0], file, 0);
    return !!obj && isConstObjectOfConstants(obj.node, obj.file);
  }
  return false;
}

function isSafeList(e0: ts.Expression, file: FileModel, depth: number): boolean {
  const e = strip(e0);
  if (ts.isArrayLiteralExpression(e)) return e.elements.every((x) => isSafeValue(x, file, depth + 1));
  if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && (e.expression.name.text === 'map' || e.expression.name.text === 'flatMap')) {
    const cb = e.arguments[0];
    if (cb && (ts.isArrowFunction(cb) || ts.isFunctionExpression(cb))) {
      if (!ts.isBlock(cb.body)) return isSafeValue(cb.body, file, depth + 1);
      const rets: ts.Expression[] = [];
      forEachReturn(cb.body, (r) => r.expression && rets.push(r.expression));
      return rets.length > 0 && rets.every((r) => isSafeValue(r, file, depth + 1));
    }
    return false;
  }
  if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === 'filter') return isSafeList(e.expression.expression, file, depth + 1);
  if (ts.isIdentifier(e)) {
    const b = resolveIdentifier(e);
    if (b?.kind === 'var' && ts.isVariableDeclaration(b.decl) && b.decl.initializer && !b.path.length) {
      if (!b.constant && hasOtherAssignments(b)) return false;
      if (!isSafeList(b.decl.initializer, file, depth + 1)) return false;
      return pushesAreSafe(b, file, depth);
    }
  }
  return false;
}

/** For an array variable, `xs.push(...)` calls must push safe values too. */
function pushesAreSafe(b: Binding, file: FileModel, depth: number): boolean {
  const scope = enclosingFunctionOrFile(b.decl);
  let ok = true;
  const visit = (n: ts.Node): void => {
    if (!ok) return;
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'push' && ts.isIdentifier(n.expression.expression) && n.expression.expression.text === b.name.text) {
      if (resolveIdentifier(n.expression.expression)?.decl === b.decl) ok = n.arguments.every((a) => isSafeValue(a, file, depth + 1) || isSafeSqlFragment(a, file, depth + 1));
    }
    ts.forEachChild(n, visit);
  };
  visit(scope);
  return ok;
}

function isSafeSqlFragment(e: ts.Expression, file: FileModel, depth: number): boolean {
  const pieces = flatten(e, file, { concatenated: false }, depth);
  return !!pieces && pieces.every((p) => p.t === 'text' || p.safe);
}

function hasOtherAssignments(b: Binding): boolean {
  const scope = enclosingFunctionOrFile(b.decl);
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isBinaryExpression(n) && isAssignmentOperator(n.operatorToken.kind) && ts.isIdentifier(n.left) && n.left.text === b.name.text) {
      if (resolveIdentifier(n.left)?.decl === b.decl) found = true;
    }
    ts.forEachChild(n, visit);
  };
  visit(scope);
  return found;
}

/** `ALLOWED.includes(x) ? x : 'id'`, `x in MAP ? x : 'id'`, `x === 'asc' ? 'ASC' : 'DESC'`. */
function isWhitelistPick(e: ts.ConditionalExpression, file: FileModel): boolean {
  const cond = strip(e.condition);
  const other = e.whenFalse;
  if (!isSafeValue(other, file, MAX_DEPTH - 1)) return false;
  const picked = strip(e.whenTrue);
  if (ts.isCallExpression(cond) && ts.isPropertyAccessExpression(cond.expression) && ['includes', 'has'].includes(cond.expression.name.text)) {
    const arg = cond.arguments[0];
    return !!arg && sameRef(arg, picked) && isConstCollection(cond.expression.expression, file);
  }
  if (ts.isBinaryExpression(cond) && cond.operatorToken.kind === ts.SyntaxKind.InKeyword) {
    return sameRef(cond.left, picked) && !!constObjectLiteral(cond.right, file, 0);
  }
  return false;
}

function sameRef(a: ts.Expression, b: ts.Expression): boolean {
  return strip(a).getText() === strip(b).getText();
}

function isConstCollection(e0: ts.Expression, file: FileModel): boolean {
  const e = strip(e0);
  if (ts.isArrayLiteralExpression(e)) return e.elements.every((x) => constantString(x, file) !== undefined);
  if (ts.isNewExpression(e) && e.arguments?.[0]) return isConstCollection(e.arguments[0], file);
  if (ts.isIdentifier(e)) {
    const b = resolveIdentifier(e);
    if (b?.kind === 'var' && b.constant && ts.isVariableDeclaration(b.decl) && b.decl.initializer) return isConstCollection(b.decl.initializer, file);
    if (b?.kind === 'import') return true; // an imported constant list (ALLOWED_COLUMNS)
  }
  if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === 'keys' && e.arguments[0]) return !!constObjectLiteral(e.arguments[0], file, 0);
  return false;
}

const REQUEST_PROPS = new Set(['query', 'body', 'params', 'headers', 'cookies']);

/** Whether a value comes from HTTP request input (req.query/body/params…) or GraphQL resolver args. */
export function isRequestInput(e0: ts.Expression, file: FileModel, depth: number): boolean {
  const e = strip(e0);
  if (depth > MAX_DEPTH) return false;
  if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
    if (ts.isPropertyAccessExpression(e) && REQUEST_PROPS.has(e.name.text) && isRequestObject(e.expression)) return true;
    return isRequestInput(e.expression, file, depth + 1);
  }
  if (ts.isCallExpression(e)) {
    if (ts.isPropertyAccessExpression(e.expression)) return isRequestInput(e.expression.expression, file, depth + 1);
    return e.arguments.some((a) => isRequestInput(a, file, depth + 1));
  }
  if (ts.isTemplateExpression(e)) return e.templateSpans.some((s) => isRequestInput(s.expression, file, depth + 1));
  if (ts.isBinaryExpression(e)) return isRequestInput(e.left, file, depth + 1) || isRequestInput(e.right, file, depth + 1);
  if (ts.isIdentifier(e)) {
    const b = resolveIdentifier(e);
    if (!b) return false;
    if (b.kind === 'var' && ts.isVariableDeclaration(b.decl) && b.decl.initializer) {
      const init = strip(b.decl.initializer);
      if (b.path.length && ts.isPropertyAccessExpression(init) && REQUEST_PROPS.has(init.name.text) && isRequestObject(init.expression)) return true;
      if (b.path.length && isRequestObject(init) && REQUEST_PROPS.has(String(b.path[0]))) return true;
      return isRequestInput(init, file, depth + 1);
    }
    if (b.kind === 'param') return isResolverArgs(b.decl as ts.ParameterDeclaration);
  }
  return false;
}

function isRequestObject(e0: ts.Expression): boolean {
  const e = strip(e0);
  if (ts.isPropertyAccessExpression(e) && e.name.text === 'request') return isRequestObject(e.expression) || (ts.isIdentifier(e.expression) && /^(ctx|context|c)$/.test(e.expression.text));
  if (!ts.isIdentifier(e)) return false;
  const b = resolveIdentifier(e);
  if (!b || b.kind !== 'param') return false;
  const p = b.decl as ts.ParameterDeclaration;
  if (p.type && ts.isTypeReferenceNode(p.type)) {
    const t = p.type.typeName.getText();
    if (/(^|\.)(Request|FastifyRequest|NextApiRequest|IncomingMessage)$/.test(t)) return true;
  }
  return /^(req|request|ctx)$/.test(e.text);
}

/** GraphQL resolver `(parent, args, context)`: the second parameter of a resolver in a Query/Mutation map. */
function isResolverArgs(p: ts.ParameterDeclaration): boolean {
  const fn = p.parent;
  if (!ts.isFunctionLike(fn) || fn.parameters.indexOf(p) !== 1) return false;
  let holder: ts.Node = fn;
  if (ts.isMethodDeclaration(fn)) holder = fn.parent;
  else if (ts.isPropertyAssignment(fn.parent)) holder = fn.parent.parent;
  else return false;
  if (!ts.isObjectLiteralExpression(holder)) return false;
  const owner = holder.parent;
  return ts.isPropertyAssignment(owner) && /^(Query|Mutation|Subscription)$/.test(owner.name.getText());
}

/**
 * "Is this code executed once per element of a collection?" — the loop question behind N+1 queries.
 * Walks up from a node to the nearest loop (statement body, or a callback given to an iteration
 * method) without crossing a function boundary, then says whether that loop iterates a collection or is
 * sequential by design (polling, batch draining, bounded retries, a constant list of statements).
 */
import * as ts from 'typescript';
import { iterationCallOf, type FileModel } from './model';
import { isAssignmentOperator, resolveIdentifier } from './scope';

export interface LoopContext {
  /** The loop statement, or the iteration call (xs.map(...)). */
  loop: ts.Node;
  kind: 'for' | 'for-of' | 'for-in' | 'for-await' | 'while' | 'do' | 'callback';
  /** The callback given to the iteration method, for kind 'callback'. */
  callback?: ts.FunctionLikeDeclaration;
  /** Why the loop does not count as "once per element", if it does not. */
  sequentialReason?: string;
}

/** `file`: the model `node` belongs to, to read a list imported from another module (else only local lists count). */
export function enclosingLoop(node: ts.Node, file?: FileModel): LoopContext | undefined {
  let child: ts.Node = node;
  let cur: ts.Node | undefined = node.parent;
  while (cur) {
    if (ts.isFunctionLike(cur)) {
      const iter = iterationCallOf(cur);
      if (!iter) return undefined;
      return classify({ loop: iter, kind: 'callback', callback: cur as ts.FunctionLikeDeclaration }, file);
    }
    if (ts.isForOfStatement(cur) && child === cur.statement) return classify({ loop: cur, kind: cur.awaitModifier ? 'for-await' : 'for-of' }, file);
    if (ts.isForInStatement(cur) && child === cur.statement) return classify({ loop: cur, kind: 'for-in' }, file);
    if (ts.isForStatement(cur) && (child === cur.statement || child === cur.condition || child === cur.incrementor)) return classify({ loop: cur, kind: 'for' }, file);
    if (ts.isWhileStatement(cur)) return classify({ loop: cur, kind: 'while' }, file);
    if (ts.isDoStatement(cur)) return classify({ loop: cur, kind: 'do' }, file);
    child = cur;
    cur = cur.parent;
  }
  return undefined;
}

function classify(ctx: LoopContext, file?: FileModel): LoopContext {
  const loop = ctx.loop;
  if (ts.isForOfStatement(loop) || ts.isForInStatement(loop)) {
    if (isConstantList(loop.expression, file)) return { ...ctx, sequentialReason: 'constant list' };
    // `for (const _ of Array.from({ length: 10 }))`: the element is never read, so no query depends on it; the
    // loop repeats a statement (batches of a DELETE … LIMIT, attempts), it does not look rows up one by one.
    if (ts.isForOfStatement(loop) && loopVariableUnread(loop)) return { ...ctx, sequentialReason: 'repetition' };
    return ctx;
  }
  if (ctx.kind === 'callback' && ts.isCallExpression(loop)) {
    const recv = ts.isPropertyAccessExpression(loop.expression) ? loop.expression.expression : undefined;
    const src = recv && ts.isIdentifier(recv) && recv.text === 'Array' ? loop.arguments[0] : recv;
    if (src && isConstantList(src, file)) return { ...ctx, sequentialReason: 'constant list' };
    return ctx;
  }
  if (ts.isForStatement(loop)) {
    if (mentionsCollection(loop.condition) || indexesWithCounter(loop)) return ctx;
    return { ...ctx, sequentialReason: 'bounded loop' };
  }
  if (ts.isWhileStatement(loop) || ts.isDoStatement(loop)) {
    // A while loop walks a collection only if it consumes it (shift/pop) or indexes it with a counter.
    if (consumesCollection(loop.statement) || (mentionsCollection(loop.expression) && indexesAnything(loop.statement))) return ctx;
    return { ...ctx, sequentialReason: 'sequential loop' };
  }
  return ctx;
}

/** A `for…of` whose one loop variable (an identifier) is not named anywhere in its body. */
function loopVariableUnread(loop: ts.ForOfStatement): boolean {
  const init = loop.initializer;
  if (!ts.isVariableDeclarationList(init) || init.declarations.length !== 1) return false;
  const name = init.declarations[0]!.name;
  if (!ts.isIdentifier(name)) return false;
  let named = false;
  const visit = (n: ts.Node): void => {
    if (named) return;
    // Any identifier of that text counts (a property name too): when unsure, the loop stays a walk over data.
    if (ts.isIdentifier(n) && n.text === name.text) named = true;
    else ts.forEachChild(n, visit);
  };
  visit(loop.statement);
  return !named;
}

function indexesAnything(body: ts.Node): boolean {
  let hit = false;
  const visit = (n: ts.Node): void => {
    if (hit || ts.isFunctionLike(n)) return;
    if (ts.isElementAccessExpression(n) && ts.isIdentifier(n.argumentExpression)) hit = true;
    ts.forEachChild(n, visit);
  };
  visit(body);
  return hit;
}

/**
 * A list written out in the code, whose length is fixed when the code is written: `['A', 'B']`, or a `const` bound
 * to an array literal, in this module or exported by another (`file` given). Its elements are string constants, or
 * object literals of constants (`{ role: Role.ADMIN, type: 'team' }`, a list of settings); no spread.
 */
export function isConstantList(e: ts.Expression, file?: FileModel): boolean {
  let x = e;
  while (ts.isParenthesizedExpression(x) || ts.isAsExpression(x) || ts.isSatisfiesExpression(x)) x = x.expression;
  if (ts.isArrayLiteralExpression(x)) return isConstantArray(x);
  if (ts.isIdentifier(x)) {
    const b = resolveIdentifier(x);
    if (b && b.constant && ts.isVariableDeclaration(b.decl) && b.decl.initializer && b.path.length === 0) {
      return isConstantArray(unwrapInit(b.decl.initializer));
    }
    if (b && b.kind === 'import' && file) {
      const imported = file.importedConstant(b);
      return !!imported && isConstantArray(unwrapInit(imported.init));
    }
  }
  return false;
}

function unwrapInit(init: ts.Expression): ts.Expression {
  while (ts.isAsExpression(init) || ts.isSatisfiesExpression(init) || ts.isParenthesizedExpression(init)) init = init.expression;
  return init;
}

function isConstantArray(x: ts.Expression): boolean {
  return ts.isArrayLiteralExpression(x) && x.elements.length > 0 &&
    (x.elements.every(isConstantString) || x.elements.every((el) => ts.isObjectLiteralExpression(el) && isConstantObject(el)));
}

function isConstantString(e: ts.Expression): boolean {
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return true;
  if (ts.isIdentifier(e)) {
    const b = resolveIdentifier(e);
    return !!b && b.constant && ts.isVariableDeclaration(b.decl) && !!b.decl.initializer && (ts.isStringLiteral(b.decl.initializer) || ts.isNoSubstitutionTemplateLiteral(b.decl.initializer));
  }
  return false;
}

/** `{ role: Role.ADMIN, type: 'team', limit: 3 }`: literals and names (enum members, constants), nested objects. */
function isConstantObject(o: ts.ObjectLiteralExpression): boolean {
  return o.properties.every((p) => ts.isPropertyAssignment(p) && isConstantValue(p.initializer));
}

function isConstantValue(e: ts.Expression): boolean {
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) || ts.isNumericLiteral(e)) return true;
  if (e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword || e.kind === ts.SyntaxKind.NullKeyword) return true;
  if (ts.isIdentifier(e)) return true;
  if (ts.isPropertyAccessExpression(e)) return ts.isIdentifier(e.expression) || ts.isPropertyAccessExpression(e.expression) ? isConstantValue(e.expression) : false;
  if (ts.isObjectLiteralExpression(e)) return isConstantObject(e);
  if (ts.isArrayLiteralExpression(e)) return e.elements.every((el) => !ts.isSpreadElement(el) && isConstantValue(el));
  if (ts.isAsExpression(e) || ts.isParenthesizedExpression(e)) return isConstantValue(e.expression);
  return false;
}

function mentionsCollection(e: ts.Node | undefined): boolean {
  if (!e) return false;
  let hit = false;
  const visit = (n: ts.Node): void => {
    if (hit) return;
    if (ts.isPropertyAccessExpression(n) && (n.name.text === 'length' || n.name.text === 'size')) hit = true;
    ts.forEachChild(n, visit);
  };
  visit(e);
  return hit;
}

function consumesCollection(body: ts.Node): boolean {
  let hit = false;
  const visit = (n: ts.Node): void => {
    if (hit || ts.isFunctionLike(n)) return;
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && ['shift', 'pop', 'splice'].includes(n.expression.name.text) && n.arguments.length <= 2)
      hit = true;
    ts.forEachChild(n, visit);
  };
  visit(body);
  return hit;
}

function indexesWithCounter(loop: ts.ForStatement): boolean {
  const init = loop.initializer;
  if (!init || !ts.isVariableDeclarationList(init) || init.declarations.length !== 1) return false;
  const name = init.declarations[0]!.name;
  if (!ts.isIdentifier(name)) return false;
  let hit = false;
  const visit = (n: ts.Node): void => {
    if (hit) return;
    if (ts.isElementAccessExpression(n) && ts.isIdentifier(n.argumentExpression) && n.argumentExpression.text === name.text) hit = true;
    ts.forEachChild(n, visit);
  };
  visit(loop.statement);
  return hit;
}

/** Methods that change the object they are called on (an array, a Map, a Set). */
const MUTATORS = new Set(['push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin', 'set', 'add', 'delete', 'clear']);

/**
 * Whether `expr` (a query call) evaluates the same on every turn of `loop`: it reads no name declared inside the
 * loop (its variable, a callback's parameters, a local), no name the loop assigns or mutates (`offset += n`,
 * `ids.push(x)`, `this.page++`), and calls, awaits or creates nothing but the call itself (a call may return
 * something new each time). Conservative: anything else is "changes".
 */
export function sameOnEveryIteration(expr: ts.CallExpression | ts.TaggedTemplateExpression, loop: LoopContext): boolean {
  const region: ts.Node = loop.callback ?? loop.loop;
  const changed = changedNames(region);
  let same = true;
  const visit = (n: ts.Node): void => {
    if (!same) return;
    if (ts.isCallExpression(n) || ts.isNewExpression(n) || ts.isAwaitExpression(n) || ts.isYieldExpression(n) || ts.isFunctionLike(n) ||
      ts.isTaggedTemplateExpression(n) || ts.isDeleteExpression(n) || ts.isBinaryExpression(n) && isAssignmentOperator(n.operatorToken.kind)) {
      same = false;
      return;
    }
    if (ts.isPropertyAccessExpression(n)) return visit(n.expression);
    if (ts.isPropertyAssignment(n)) {
      if (ts.isComputedPropertyName(n.name)) visit(n.name.expression);
      return visit(n.initializer);
    }
    if (ts.isIdentifier(n)) {
      const b = resolveIdentifier(n);
      if (changed.has(n.text) || (b && b.decl.pos >= region.pos && b.decl.end <= region.end)) same = false;
      return;
    }
    if (n.kind === ts.SyntaxKind.ThisKeyword) {
      if (changed.has('this')) same = false;
      return;
    }
    if (ts.isShorthandPropertyAssignment(n)) return visit(n.name);
    ts.forEachChild(n, visit);
  };
  if (ts.isCallExpression(expr)) {
    visit(expr.expression);
    for (const a of expr.arguments) visit(a);
  } else {
    visit(expr.tag);
    visit(expr.template);
  }
  return same;
}

/** The root names (`this` included) a region assigns, increments or mutates through a mutating method. */
function changedNames(region: ts.Node): Set<string> {
  const out = new Set<string>();
  const root = (e: ts.Node): void => {
    let x = e;
    for (;;) {
      if (ts.isParenthesizedExpression(x) || ts.isNonNullExpression(x) || ts.isAsExpression(x)) x = x.expression;
      else if (ts.isPropertyAccessExpression(x) || ts.isElementAccessExpression(x)) x = x.expression;
      else break;
    }
    if (ts.isIdentifier(x)) out.add(x.text);
    else if (x.kind === ts.SyntaxKind.ThisKeyword) out.add('this');
    else if (ts.isArrayLiteralExpression(x) || ts.isObjectLiteralExpression(x)) ts.forEachChild(x, (c) => root(ts.isPropertyAssignment(c) ? c.initializer : ts.isShorthandPropertyAssignment(c) ? c.name : ts.isSpreadElement(c) || ts.isSpreadAssignment(c) ? c.expression : c));
  };
  const visit = (n: ts.Node): void => {
    if (ts.isBinaryExpression(n) && isAssignmentOperator(n.operatorToken.kind)) root(n.left);
    else if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)) root(n.operand);
    else if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && MUTATORS.has(n.expression.name.text)) root(n.expression.expression);
    ts.forEachChild(n, visit);
  };
  visit(region);
  return out;
}

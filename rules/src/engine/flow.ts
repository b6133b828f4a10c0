/**
 * Control flow for "is this resource given back on every path?": an abstract interpreter over a
 * function's statements that follows normal completion, `return`, `throw`, awaited rejections,
 * `break`/`continue`, and try/catch/finally, carrying one small state per path.
 *
 * States: 0 = not acquired yet, 1 = held, 2 = given back (released or handed over to someone else).
 */
import * as ts from 'typescript';

export type ResourceState = 0 | 1 | 2;

export interface Outcome {
  kind: 'normal' | 'return' | 'throw' | 'break' | 'continue';
  state: ResourceState;
  /** Where the path leaves (the return statement, the throwing await/throw), for explanations. */
  at?: ts.Node;
  label?: string;
}

export interface ResourceHooks {
  /** Effect of evaluating an expression statement/expression on the state (acquire, release, hand-over). */
  effect(node: ts.Node, state: ResourceState): ResourceState;
  /** A condition that, when true, means the resource was never obtained (callback `if (err)`). */
  isNotAcquiredTest?(cond: ts.Expression): boolean;
}

/** Runs a function body (or a source file's statements) and returns its exits. */
export function runBody(body: ts.Node, hooks: ResourceHooks, initial: ResourceState = 0): Outcome[] {
  const interp = new Interpreter(hooks);
  if (ts.isBlock(body) || ts.isSourceFile(body)) return interp.block(body.statements, initial);
  // expression-bodied arrow
  return interp.expr(body as ts.Expression, initial);
}

class Interpreter {
  constructor(private readonly hooks: ResourceHooks) {}

  block(statements: readonly ts.Statement[], state: ResourceState): Outcome[] {
    let current: ResourceState[] = [state];
    const abrupt: Outcome[] = [];
    for (const st of statements) {
      const next = new Set<ResourceState>();
      for (const s of current) {
        for (const o of this.stmt(st, s)) {
          if (o.kind === 'normal') next.add(o.state);
          else abrupt.push(o);
        }
      }
      current = [...next];
      if (!current.length) break;
    }
    return dedupe([...current.map((s) => ({ kind: 'normal' as const, state: s })), ...abrupt]);
  }

  /** Evaluates an expression: it may reject (an await) before its effects apply. */
  expr(e: ts.Node | undefined, state: ResourceState): Outcome[] {
    if (!e) return [{ kind: 'normal', state }];
    const after = this.hooks.effect(e, state);
    const out: Outcome[] = [{ kind: 'normal', state: after }];
    const aw = firstAwait(e);
    if (aw) {
      // If the expression gives the resource back, count that first (an awaited release that rejects still released it).
      const throwState = after === 2 && state === 1 ? 2 : state;
      out.push({ kind: 'throw', state: throwState, at: aw });
    }
    return out;
  }

  stmt(st: ts.Statement, state: ResourceState): Outcome[] {
    if (ts.isBlock(st)) return this.block(st.statements, state);
    if (ts.isExpressionStatement(st)) return this.expr(st.expression, state);
    if (ts.isVariableStatement(st)) return this.expr(st.declarationList, state);
    if (ts.isReturnStatement(st)) {
      return this.expr(st.expression, state).map((o) => (o.kind === 'normal' ? { kind: 'return' as const, state: o.state, at: st } : o));
    }
    if (ts.isThrowStatement(st)) {
      return this.expr(st.expression, state).map((o) => (o.kind === 'normal' ? { kind: 'throw' as const, state: o.state, at: st } : o));
    }
    if (ts.isIfStatement(st)) {
      const out: Outcome[] = [];
      for (const c of this.expr(st.expression, state)) {
        if (c.kind !== 'normal') {
          out.push(c);
          continue;
        }
        const thenState: ResourceState = this.hooks.isNotAcquiredTest?.(st.expression) ? 0 : c.state;
        out.push(...this.stmt(st.thenStatement, thenState));
        if (st.elseStatement) out.push(...this.stmt(st.elseStatement, c.state));
        else out.push({ kind: 'normal', state: c.state });
      }
      return dedupe(out);
    }
    if (ts.isTryStatement(st)) return this.tryStmt(st, state);
    if (ts.isForStatement(st) || ts.isForOfStatement(st) || ts.isForInStatement(st) || ts.isWhileStatement(st) || ts.isDoStatement(st)) {
      return this.loop(st, state);
    }
    if (ts.isSwitchStatement(st)) {
      const out: Outcome[] = [];
      for (const c of this.expr(st.expression, state)) {
        if (c.kind !== 'normal') {
          out.push(c);
          continue;
        }
        let hasDefault = false;
        for (const clause of st.caseBlock.clauses) {
          if (ts.isDefaultClause(clause)) hasDefault = true;
          for (const o of this.block(clause.statements, c.state)) {
            if (o.kind === 'break' && !o.label) out.push({ kind: 'normal', state: o.state });
            else out.push(o);
          }
        }
        if (!hasDefault) out.push({ kind: 'normal', state: c.state });
      }
      return dedupe(out);
    }
    if (ts.isLabeledStatement(st)) {
      return this.stmt(st.statement, state).map((o) => ((o.kind === 'break' || o.kind === 'continue') && o.label === st.label.text ? { kind: 'normal' as const, state: o.state } : o));
    }
    if (ts.isBreakStatement(st)) return [{ kind: 'break', state, label: st.label?.text, at: st }];
    if (ts.isContinueStatement(st)) return [{ kind: 'continue', state, label: st.label?.text, at: st }];
    if (ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st) || ts.isEmptyStatement(st)) {
      return [{ kind: 'normal', state: ts.isFunctionDeclaration(st) ? this.hooks.effect(st, state) : state }];
    }
    return this.expr(st, state);
  }

  private loop(st: ts.IterationStatement, state: ResourceState): Outcome[] {
    const out: Outcome[] = [];
    let head: Outcome[];
    if (ts.isForStatement(st)) head = this.expr(st.initializer, state);
    else if (ts.isForOfStatement(st) || ts.isForInStatement(st)) head = this.expr(st.expression, state);
    else if (ts.isWhileStatement(st)) head = this.expr(st.expression, state);
    else head = [{ kind: 'normal', state }];
    for (const h of head) {
      if (h.kind !== 'normal') {
        out.push(h);
        continue;
      }
      if (!ts.isDoStatement(st)) out.push({ kind: 'normal', state: h.state }); // zero iterations
      for (const o of this.stmt(st.statement, h.state)) {
        if ((o.kind === 'break' || o.kind === 'continue') && !o.label) out.push({ kind: 'normal', state: o.state });
        else out.push(o);
      }
    }
    return dedupe(out);
  }

  private tryStmt(st: ts.TryStatement, state: ResourceState): Outcome[] {
    let outs = this.block(st.tryBlock.statements, state);
    if (st.catchClause) {
      const next: Outcome[] = [];
      for (const o of outs) {
        if (o.kind === 'throw') next.push(...this.block(st.catchClause.block.statements, o.state));
        else next.push(o);
      }
      outs = next;
    }
    if (st.finallyBlock) {
      const next: Outcome[] = [];
      for (const o of outs) {
        for (const f of this.block(st.finallyBlock.statements, o.state)) {
          if (f.kind === 'normal') next.push({ ...o, state: f.state });
          else next.push(f);
        }
      }
      outs = next;
    }
    return dedupe(outs);
  }
}

function dedupe(outs: Outcome[]): Outcome[] {
  const seen = new Map<string, Outcome>();
  for (const o of outs) {
    const k = `${o.kind}|${o.state}|${o.label ?? ''}`;
    if (!seen.has(k)) seen.set(k, o);
  }
  return [...seen.values()];
}

/** The first `await` evaluated by an expression (not inside nested functions). */
export function firstAwait(e: ts.Node): ts.AwaitExpression | undefined {
  let found: ts.AwaitExpression | undefined;
  const visit = (n: ts.Node): void => {
    if (found || ts.isFunctionLike(n) || ts.isClassLike(n)) return;
    if (ts.isAwaitExpression(n)) {
      found = n;
      return;
    }
    ts.forEachChild(n, visit);
  };
  if (ts.isAwaitExpression(e)) return e;
  ts.forEachChild(e, visit);
  return found;
}

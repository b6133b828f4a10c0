/**
 * Function summaries that other files ask for, kept as facts of the project (`Project.fact`) so that a file's tree
 * can be released as soon as the file is linted: which parameter of a project function reaches SQL text. (The
 * first query a function performs, `Project.querySiteOf`, is the other summary.)
 */
import * as ts from 'typescript';
import { resolveIdentifier } from './scope';
import { skipOuterExpressions, type DbCall, type FileModel, type FunctionRef } from './model';
import type { Project } from './project';

/** A parameter of a project function that a query API receives unchanged as SQL text (and the one it gets as values). */
export interface SqlSink {
  index: number;
  valuesIndex?: number;
  /** The database call, without its nodes (plain data the project keeps). */
  call: Omit<DbCall, 'node' | 'sqlArg' | 'valuesArg'>;
}

/** `function run(text, params) { return pool.query(text, params) }`: `text` and `params`, a fact of the project. */
export function sqlSinkOf(project: Project, fn: FunctionRef): SqlSink | undefined {
  return project.nodeFact(fn, '|sql-sink', () => sqlSinkParam(fn.node, fn.file));
}

/** The first database call of `fn` whose SQL text is one of its parameters, unchanged. */
function sqlSinkParam(fn: ts.FunctionLikeDeclaration, file: FileModel): SqlSink | undefined {
  let result: SqlSink | undefined;
  if (fn.body) {
    for (const call of file.dbCalls()) {
      if (!call.sqlArg || call.node.pos < fn.body.pos || call.node.end > fn.body.end) continue;
      const index = parameterIndex(fn, call.sqlArg);
      if (index < 0) continue;
      let valuesIndex: number | undefined;
      if (call.valuesArg && ts.isIdentifier(call.valuesArg)) {
        const vb = resolveIdentifier(call.valuesArg);
        if (vb?.kind === 'param' && vb.decl.parent === fn) valuesIndex = fn.parameters.indexOf(vb.decl as ts.ParameterDeclaration);
      }
      // Plain data (no node of this file): the project keeps it after the file is released.
      const { node: _node, sqlArg: _sql, valuesArg: _values, ...plain } = call;
      result = { index, valuesIndex, call: plain };
      break;
    }
  }
  return result;
}

/**
 * Index of the parameter a project function passes on as SQL text to a database call (directly or through another
 * wrapper), or -1. A fact of the project (a function met again, even after its file was released, is not looked at
 * again; one being worked out reads as -1).
 */
export function forwardedSqlParam(project: Project, target: FunctionRef, depth = 0): number {
  return project.nodeFact(target, '|sql-forward', () => forwardedSqlParamOf(target.node, target.file, depth)) ?? -1;
}

function forwardedSqlParamOf(fn: ts.FunctionLikeDeclaration, file: FileModel, depth: number): number {
  if (depth > 3 || !fn.body) return -1;
  const paramIndex = (arg: ts.Expression | undefined): number => parameterIndex(fn, arg && skipOuterExpressions(arg));
  let found = -1;
  for (const c of file.dbCalls()) {
    if (c.node.pos < fn.body.pos || c.node.end > fn.body.end || !c.sqlArg) continue;
    const k = paramIndex(c.sqlArg);
    if (k >= 0) {
      found = k;
      break;
    }
  }
  if (found < 0) {
    const visit = (n: ts.Node): void => {
      if (found >= 0) return;
      if (ts.isCallExpression(n) && !file.dbCallAt(n)) {
        const target = file.calledFunction(n);
        if (target) {
          const k = forwardedSqlParam(file.project, target, depth + 1);
          if (k >= 0) {
            const p = paramIndex(n.arguments[k]);
            if (p >= 0) found = p;
          }
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(fn.body);
  }
  return found;
}

/** Which parameter of `fn` the expression names (an identifier bound to a whole parameter), or -1. */
function parameterIndex(fn: ts.FunctionLikeDeclaration, e: ts.Expression | undefined): number {
  if (!e || !ts.isIdentifier(e)) return -1;
  const b = resolveIdentifier(e);
  if (!b || b.kind !== 'param' || b.path.length || !ts.isParameter(b.decl) || b.decl.parent !== fn) return -1;
  return fn.parameters.indexOf(b.decl);
}

/** Abstract values: what pglint knows an expression evaluates to. */
import type * as ts from 'typescript';
import type { ExportSpec, LibId, MethodSpec } from './libraries';
import type { FileModel } from './model';

export type Value =
  /** An export of a database library (constructor, factory, namespace, tag). */
  | { t: 'lib'; lib: LibId; spec: ExportSpec; name: string }
  /** A database value of a known kind (pg.Pool, knex.Builder, prisma.Delegate…). */
  | { t: 'db'; kind: string }
  /** A method of a database value, not yet called. */
  | { t: 'method'; kind: string; name: string; spec: MethodSpec }
  | { t: 'promise'; of: Value }
  | { t: 'fn'; node: ts.FunctionLikeDeclaration; file: FileModel }
  | { t: 'class'; node: ts.ClassLikeDeclaration; file: FileModel }
  | { t: 'instance'; node: ts.ClassLikeDeclaration; file: FileModel }
  | { t: 'object'; node: ts.ObjectLiteralExpression; file: FileModel }
  | { t: 'module'; file: FileModel };

export function unwrapPromise(v: Value | undefined): Value | undefined {
  return v && v.t === 'promise' ? v.of : v;
}

export function dbKind(v: Value | undefined): string | undefined {
  const u = unwrapPromise(v);
  return u && u.t === 'db' ? u.kind : undefined;
}

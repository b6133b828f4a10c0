/**
 * FileModel: one parsed file and what pglint knows of its values — which expressions are database
 * values (by origin: imports of a database library, `new Pool()`, parameters typed `PoolClient`,
 * values exported by another module), and which calls reach the database.
 * Rules read `dbCalls()`; everything is computed lazily and cached per file version.
 */
import * as ts from 'typescript';
import { KINDS, type KindSpec, type MethodSpec, type LibId } from './libraries';
import { resolveIdentifier, resolveName, type Binding } from './scope';
import { detach, DetachedModule, instanceOf, nodeKey, pathOf, unwrapPromise, type Value } from './values';
import type { Project } from './project';

/**
 * A project function: a value `{ t: 'fn' }`, whose node and file may be detached (values.ts), or a function of the
 * file at hand.
 */
export interface FunctionRef {
  node: ts.FunctionLikeDeclaration;
  file: FileModel;
}

/** A call (or tagged template) that does something with the database. */
export interface DbCall {
  node: ts.CallExpression | ts.TaggedTemplateExpression | ts.NewExpression;
  lib: LibId;
  /** Kind of the receiver (e.g. 'pg.Pool'), or of the value called. */
  kind: string;
  method: string;
  spec: MethodSpec;
  role: NonNullable<MethodSpec['role']> | 'chain';
  /** The SQL text argument, for calls that take raw SQL text. */
  sqlArg?: ts.Expression;
  valuesArg?: ts.Expression;
  /** For builder chains: true when this call is where the chain is executed (awaited, returned, terminal). */
  executes: boolean;
  op?: 'read' | 'write';
}

const ITERATION_METHODS = new Set(['forEach', 'map', 'flatMap', 'reduce', 'reduceRight', 'filter', 'find', 'findIndex', 'some', 'every']);

export class FileModel {
  private readonly valueCache = new Map<ts.Node, Value | null>();
  private calls?: DbCall[];
  private callIndex?: Map<ts.Node, DbCall>;
  private allCalls?: ts.CallExpression[];

  constructor(
    readonly path: string,
    readonly text: string,
    readonly sourceFile: ts.SourceFile,
    readonly project: Project,
    readonly syntaxErrors: { start: number; end: number; message: string }[],
    /** The parse's calls and tagged templates in source order (`ParseResult.calls`), read once by `dbCalls`. */
    private parsedCalls?: (ts.CallExpression | ts.TaggedTemplateExpression)[],
  ) {}

  // ── values ──────────────────────────────────────────────────────────────────

  valueOf(expr: ts.Node | undefined): Value | undefined {
    return expr ? memo(this.valueCache, expr, () => this.computeValue(expr)) : undefined;
  }

  private computeValue(e: ts.Node): Value | undefined {
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e) || ts.isTypeAssertionExpression(e))
      return this.valueOf(e.expression);
    if (ts.isAwaitExpression(e)) {
      // Awaiting a query builder (a thenable: knex, drizzle) runs it: what comes back is rows, not the builder.
      const v = unwrapPromise(this.valueOf(e.expression));
      return v?.t === 'db' && KINDS[v.kind]?.chain ? undefined : v;
    }
    if (ts.isIdentifier(e)) return this.valueOfIdentifier(e);
    if (e.kind === ts.SyntaxKind.ThisKeyword) {
      const cls = enclosingClass(e);
      return cls ? { t: 'instance', node: cls, file: this } : undefined;
    }
    if (ts.isPropertyAccessExpression(e)) {
      if (e.expression.kind === ts.SyntaxKind.ThisKeyword || ts.isIdentifier(e.expression) || ts.isPropertyAccessExpression(e.expression) || ts.isCallExpression(e.expression) || ts.isParenthesizedExpression(e.expression) || ts.isNonNullExpression(e.expression) || ts.isAwaitExpression(e.expression) || ts.isElementAccessExpression(e.expression))
        return this.memberOf(this.valueOf(e.expression), e.name.text);
      return undefined;
    }
    if (ts.isElementAccessExpression(e) && ts.isStringLiteralLike(e.argumentExpression))
      return this.memberOf(this.valueOf(e.expression), e.argumentExpression.text);
    if (ts.isCallExpression(e)) return this.callResult(e);
    if (ts.isNewExpression(e)) return this.newResult(e);
    if (ts.isTaggedTemplateExpression(e)) {
      const tag = this.valueOf(e.tag);
      const spec = tag ? tagSpec(tag) : undefined;
      if (spec?.returns) return wrap({ t: 'db', kind: spec.returns }, spec.async);
      if (spec?.role === 'query') return { t: 'promise', of: { t: 'db', kind: 'pg.Result' } };
      return undefined;
    }
    if (ts.isFunctionExpression(e) || ts.isArrowFunction(e)) return { t: 'fn', node: e, file: this };
    if (ts.isClassExpression(e)) return { t: 'class', node: e, file: this };
    if (ts.isObjectLiteralExpression(e)) return { t: 'object', node: e, file: this };
    if (ts.isBinaryExpression(e) && (e.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || e.operatorToken.kind === ts.SyntaxKind.BarBarToken))
      return this.valueOf(e.left) ?? this.valueOf(e.right);
    if (ts.isConditionalExpression(e)) {
      const a = this.valueOf(e.whenTrue);
      const b = this.valueOf(e.whenFalse);
      return a && b && sameValue(a, b) ? a : undefined;
    }
    return undefined;
  }

  private valueOfIdentifier(id: ts.Identifier): Value | undefined {
    const b = resolveIdentifier(id);
    return b ? this.valueOfBinding(b) : undefined;
  }

  private readonly bindingCache = new Map<ts.Node, Value | null>();

  /** The value a declaration gives its name (cached per declaration and destructuring path). */
  valueOfBinding(b: Binding): Value | undefined {
    return memo(this.bindingCache, b.path.length ? b.name : b.decl, () => this.computeBindingValue(b));
  }

  private computeBindingValue(b: Binding): Value | undefined {
    switch (b.kind) {
      case 'import':
        return this.valueOfImport(b);
      case 'function':
        return ts.isFunctionDeclaration(b.decl) || ts.isFunctionExpression(b.decl) ? { t: 'fn', node: b.decl, file: this } : undefined;
      case 'class':
        return ts.isClassLike(b.decl) ? { t: 'class', node: b.decl, file: this } : undefined;
      case 'var': {
        const d = b.decl as ts.VariableDeclaration;
        let v: Value | undefined;
        if (d.type) v = this.valueOfType(d.type);
        if (!v && d.initializer) {
          if (!b.constant && isReassignedAnywhere(b, this.sourceFile)) return undefined;
          v = this.valueOf(d.initializer);
          if (!v) v = this.requireValue(d.initializer);
        }
        if (!v && !d.initializer && !b.constant) v = this.valueOfSoleAssignment(b);
        return followPath(this, v, b.path);
      }
      case 'param': {
        const p = b.decl as ts.ParameterDeclaration;
        let v: Value | undefined = p.type ? this.valueOfType(p.type) : undefined;
        if (!v) v = this.valueOfCallbackParam(p);
        return followPath(this, v, b.path);
      }
      default:
        return undefined;
    }
  }

  /** `let client; … client = await pool.connect();` — the value of its only assignment. */
  private valueOfSoleAssignment(b: Binding): Value | undefined {
    const scope = enclosingFunctionOrFile(b.decl);
    let found: ts.Expression | undefined;
    let count = 0;
    const visit = (n: ts.Node): void => {
      if (count > 1) return;
      if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(n.left) && n.left.text === b.name.text) {
        if (resolveIdentifier(n.left)?.decl === b.decl) {
          count++;
          found = n.right;
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(scope);
    return count === 1 ? this.valueOf(found) : undefined;
  }

  /** `require('pg')`, `require('./db')`. */
  private requireValue(init: ts.Expression): Value | undefined {
    const req = requireSpecifier(init);
    if (req === undefined) return undefined;
    return this.moduleValue(req, '*');
  }

  /**
   * The initializer of the `export const` an import binding names in a project module (`import { ROLES } from
   * './constants'` → the array literal), with the module's model; undefined for anything else (a re-export, a
   * `let`, a library).
   */
  importedConstant(b: Binding): { init: ts.Expression; file: FileModel } | undefined {
    const d = b.decl;
    if (!ts.isImportSpecifier(d) || d.isTypeOnly || d.parent.parent.isTypeOnly) return undefined;
    const specifier = moduleText(d.parent.parent.parent.moduleSpecifier);
    if (specifier === undefined || this.project.libraryFor(specifier)) return undefined;
    const target = this.project.resolveImport(this.path, specifier);
    const name = (d.propertyName ?? d.name).text;
    for (const st of target?.sourceFile.statements ?? []) {
      if (!ts.isVariableStatement(st) || !(st.declarationList.flags & ts.NodeFlags.Const)) continue;
      if (!ts.getModifiers(st)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
      for (const v of st.declarationList.declarations) {
        if (ts.isIdentifier(v.name) && v.name.text === name && v.initializer) return { init: v.initializer, file: target! };
      }
    }
    return undefined;
  }

  private valueOfImport(b: Binding): Value | undefined {
    const d = b.decl;
    let specifier: string | undefined;
    let name = '*';
    if (ts.isImportClause(d)) {
      specifier = moduleText(d.parent.moduleSpecifier);
      name = 'default';
    } else if (ts.isNamespaceImport(d)) {
      specifier = moduleText(d.parent.parent.moduleSpecifier);
      name = '*';
    } else if (ts.isImportSpecifier(d)) {
      specifier = moduleText(d.parent.parent.parent.moduleSpecifier);
      name = (d.propertyName ?? d.name).text;
    } else if (ts.isImportEqualsDeclaration(d) && ts.isExternalModuleReference(d.moduleReference)) {
      specifier = moduleText(d.moduleReference.expression);
      name = '*';
    }
    if (specifier === undefined) return undefined;
    return this.moduleValue(specifier, name);
  }

  /** The value of export `name` of module `specifier` as imported from this file. */
  moduleValue(specifier: string, name: string): Value | undefined {
    const lib = this.project.libraryFor(specifier);
    if (lib) {
      const spec = lib.exports[name] ?? (name === 'default' ? lib.exports['*'] : undefined);
      if (spec) return { t: 'lib', lib: lib.id, spec, name };
      if (name === '*') return { t: 'lib', lib: lib.id, spec: { ns: lib.exports }, name };
      return undefined;
    }
    // The target is parsed only if what is asked of it is not known yet (Project.fact).
    const target = this.project.resolvePath(this.path, specifier);
    if (!target || this.project.textOf(target) === undefined) return undefined;
    if (name === '*') return new DetachedModule(target, this.project) as unknown as Value;
    return this.project.exportValueOf(target, name);
  }

  /** The value a parameter receives from a library that calls the function (pool.connect(cb), db.tx(cb)…). */
  private valueOfCallbackParam(p: ts.ParameterDeclaration): Value | undefined {
    const fn = p.parent;
    if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return undefined;
    const call = fn.parent;
    if (!ts.isCallExpression(call)) return undefined;
    const callee = this.valueOf(call.expression);
    // withClient(async (client) => …) where withClient(work: (client: PoolClient) => …): the type the project
    // function's signature gives the callback's parameter.
    if (callee?.t === 'fn') {
      const at = call.arguments.indexOf(fn);
      const index = fn.parameters.indexOf(p);
      return this.ask(callee, `|p${at}.${index}`, () => {
        const slot = callee.node.parameters[at];
        let type = slot?.type;
        while (type && ts.isParenthesizedTypeNode(type)) type = type.type;
        const inner = type && ts.isFunctionTypeNode(type) ? type.parameters[index]?.type : undefined;
        return inner ? detach(callee.file.valueOfType(inner), this.project) : undefined;
      });
    }
    if (!callee || callee.t !== 'method' || callee.spec.callbackArg === undefined) return undefined;
    const idx = callee.spec.callbackArg === 'last' ? call.arguments.length - 1 : callee.spec.callbackArg;
    if (call.arguments[idx] !== fn) return undefined;
    const kind = callee.spec.callbackParams?.[fn.parameters.indexOf(p)];
    return kind ? { t: 'db', kind } : undefined;
  }

  valueOfType(type: ts.TypeNode): Value | undefined {
    // `A | B`, and `A & { extra }`: the first part pglint knows.
    if (ts.isUnionTypeNode(type) || ts.isIntersectionTypeNode(type)) {
      for (const t of type.types) {
        const v = this.valueOfType(t);
        if (v) return v;
      }
      return undefined;
    }
    if (ts.isParenthesizedTypeNode(type)) return this.valueOfType(type.type);
    // `typeof db`: the type of a value is that value.
    if (ts.isTypeQueryNode(type) && !type.typeArguments) return this.valueOfEntity(type.exprName, type);
    if (!ts.isTypeReferenceNode(type)) return undefined;
    const promised = promiseArgument(type);
    if (promised) {
      const inner = this.valueOfType(promised);
      return inner ? { t: 'promise', of: inner } : undefined;
    }
    const parts = entityNameParts(type.typeName);
    const head = resolveName(parts[0]!, type);
    // TypeScript's utility types, unless the name is the project's own: `Awaited<X>`, `ReturnType<typeof f>`.
    if (!head && parts.length === 1 && type.typeArguments?.length === 1 && !this.exportedTypeAlias(parts[0]!)) {
      const arg = type.typeArguments[0]!;
      if (parts[0] === 'Awaited') return unwrapPromise(this.valueOfType(arg));
      if (parts[0] === 'ReturnType' && ts.isTypeQueryNode(arg)) {
        const fn = this.valueOfEntity(arg.exprName, arg);
        return fn?.t === 'fn' ? this.returnValue(fn) : undefined;
      }
    }
    // A type alias of this module (`type Database = typeof db`), not a generic one (no substitution).
    if (!head && parts.length === 1 && !type.typeArguments) {
      const alias = this.sourceFile.statements.find((st): st is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(st) && st.name.text === parts[0]);
      if (alias && !alias.typeParameters) return this.valueOfAlias(alias.type);
    }
    if (!head) return undefined;
    if (head.kind === 'import') {
      const d = head.decl;
      let specifier: string | undefined;
      let importedName: string | undefined;
      if (ts.isImportSpecifier(d)) {
        specifier = moduleText(d.parent.parent.parent.moduleSpecifier);
        importedName = (d.propertyName ?? d.name).text;
      } else if (ts.isNamespaceImport(d) || ts.isImportClause(d)) {
        specifier = moduleText(ts.isNamespaceImport(d) ? d.parent.parent.moduleSpecifier : d.parent.moduleSpecifier);
        importedName = undefined;
      }
      if (specifier === undefined) return undefined;
      const lib = this.project.libraryFor(specifier);
      if (lib) {
        const typeName = importedName ? [importedName, ...parts.slice(1)].join('.') : parts.slice(1).join('.');
        const kind = lib.types[typeName];
        return kind ? { t: 'db', kind } : undefined;
      }
      const target = this.project.resolvePath(this.path, specifier);
      if (!target || this.project.textOf(target) === undefined) return undefined;
      if (importedName && parts.length === 1) {
        const exported = this.project.exportValueOf(target, importedName);
        if (exported?.t === 'class') return instanceOf(exported);
        const name = importedName;
        return this.project.fact(target, `a${name}`, () => {
          const model = this.project.model(target);
          const typeDecl = model?.exportedTypeAlias(name);
          return typeDecl ? detach(model!.valueOfAlias(typeDecl), this.project) : undefined;
        });
      }
      return undefined;
    }
    if (head.kind === 'class' && parts.length === 1 && ts.isClassLike(head.decl)) return { t: 'instance', node: head.decl, file: this };
    return undefined;
  }

  memberOf(v: Value | undefined, name: string): Value | undefined {
    if (!v) return undefined;
    switch (v.t) {
      case 'lib': {
        const member = v.spec.ns?.[name];
        if (member) return { t: 'lib', lib: v.lib, spec: member, name };
        if (v.spec.kind) return this.memberOf({ t: 'db', kind: v.spec.kind }, name);
        return undefined;
      }
      case 'db': {
        const spec = KINDS[v.kind];
        if (!spec) return undefined;
        const m = spec.methods?.[name];
        if (m) return { t: 'method', kind: v.kind, name, spec: m };
        const p = spec.props?.[name];
        if (p) return { t: 'db', kind: p };
        if (spec.chain) return { t: 'method', kind: v.kind, name, spec: spec.terminals?.includes(name) ? { role: 'query', async: true } : { returns: v.kind } };
        if (spec.anyProp && !name.startsWith('$') && !name.startsWith('_')) return { t: 'db', kind: spec.anyProp };
        return undefined;
      }
      case 'instance':
        return this.ask(v, `|i${name}`, () => detach(v.file.classMember(v.node, name, false), this.project));
      case 'class': {
        const m = this.ask(v, `|s${name}`, () => detach(v.file.classMember(v.node, name, true), this.project));
        if (m) return m;
        const base = this.baseKind(v);
        return base ? this.memberOf({ t: 'db', kind: base }, name) : undefined;
      }
      case 'object':
        return this.ask(v, `|o${name}`, () => detach(v.file.objectMember(v.node, name), this.project));
      case 'module':
        return this.project.exportValueOf(pathOf(v), name);
      default:
        return undefined;
    }
  }

  /** Members of a class declared in this file. */
  classMember(cls: ts.ClassLikeDeclaration, name: string, isStatic: boolean, depth = 0): Value | undefined {
    for (const m of cls.members) {
      const mStatic = !!ts.getCombinedModifierFlags(m as ts.Declaration) && (ts.getCombinedModifierFlags(m as ts.Declaration) & ts.ModifierFlags.Static) !== 0;
      if (mStatic !== isStatic) continue;
      if (!m.name || propertyNameText(m.name) !== name) continue;
      if (ts.isMethodDeclaration(m) || ts.isGetAccessorDeclaration(m)) {
        if (ts.isGetAccessorDeclaration(m)) return m.type ? this.valueOfType(m.type) : undefined;
        return { t: 'fn', node: m, file: this };
      }
      if (ts.isPropertyDeclaration(m)) {
        if (m.type) {
          const v = this.valueOfType(m.type);
          if (v) return v;
        }
        if (m.initializer) return this.valueOf(m.initializer);
        return this.valueOfThisAssignment(cls, name);
      }
    }
    if (!isStatic) {
      const ctor = cls.members.find(ts.isConstructorDeclaration);
      if (ctor) {
        for (const p of ctor.parameters) {
          if (ts.isIdentifier(p.name) && p.name.text === name && ts.getModifiers(p)?.length) {
            return p.type ? this.valueOfType(p.type) : undefined;
          }
        }
      }
      const assigned = this.valueOfThisAssignment(cls, name);
      if (assigned) return assigned;
    }
    if (depth < 5) {
      const base = this.baseClass(cls);
      if (base && base.t === 'class')
        return this.ask(base, `|${isStatic ? 's' : 'i'}${name}`, () => detach(base.file.classMember(base.node, name, isStatic, depth + 1), this.project));
    }
    return undefined;
  }

  /**
   * An answer about a node value (its members, what it returns…) kept by the project (`Project.fact`): asked again,
   * by this file or another, it needs no parse of the value's file.
   */
  private ask<T>(v: Extract<Value, { node: ts.Node }>, what: string, compute: () => T | undefined): T | undefined {
    return this.project.nodeFact(v, what, () => {
      try {
        return compute();
      } catch {
        return undefined;
      }
    });
  }

  private passThrough(fn: Extract<Value, { t: 'fn' }>): ReturnType<typeof passThroughOf> {
    return this.ask(fn, '|g', () => passThroughOf(fn.node));
  }

  /** What a project function returns (see `returnValueOf`), kept by the project. */
  returnValue(fn: Extract<Value, { t: 'fn' }>): Value | undefined {
    return this.ask(fn, '|r', () => detach(fn.file.returnValueOf(fn.node), this.project));
  }

  private baseKind(cls: Extract<Value, { t: 'class' }>): string | undefined {
    return this.ask(cls, '|b', () => cls.file.baseKindOfClass(cls.node));
  }

  private valueOfThisAssignment(cls: ts.ClassLikeDeclaration, name: string): Value | undefined {
    const ctor = cls.members.find(ts.isConstructorDeclaration);
    if (!ctor?.body) return undefined;
    for (const st of ctor.body.statements) {
      if (!ts.isExpressionStatement(st) || !ts.isBinaryExpression(st.expression)) continue;
      const { left, right, operatorToken } = st.expression;
      if (operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(left) && left.expression.kind === ts.SyntaxKind.ThisKeyword && left.name.text === name)
        return this.valueOf(right);
    }
    return undefined;
  }

  private baseClass(cls: ts.ClassLikeDeclaration): Value | undefined {
    const ext = cls.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
    return ext ? this.valueOf(ext.expression) : undefined;
  }

  /** `class User extends Model {}` (Sequelize): the class's static side is a model. */
  baseKindOfClass(cls: ts.ClassLikeDeclaration): string | undefined {
    const base = this.baseClass(cls);
    if (base?.t === 'lib' && base.spec.baseClass) return base.spec.baseClass;
    if (base?.t === 'class') return this.baseKind(base);
    return undefined;
  }

  objectMember(obj: ts.ObjectLiteralExpression, name: string): Value | undefined {
    for (const p of obj.properties) {
      if (!p.name || propertyNameText(p.name) !== name) continue;
      if (ts.isPropertyAssignment(p)) return this.valueOf(p.initializer);
      if (ts.isShorthandPropertyAssignment(p)) return this.valueOf(p.name);
      if (ts.isMethodDeclaration(p)) return { t: 'fn', node: p, file: this };
    }
    return undefined;
  }

  private callResult(call: ts.CallExpression): Value | undefined {
    const req = requireSpecifier(call);
    if (req !== undefined) return this.moduleValue(req, '*');
    const callee = this.valueOf(call.expression);
    if (!callee) return undefined;
    if (callee.t === 'lib') {
      if (callee.spec.factory) {
        const f = callee.spec.factory;
        return f.returns ? wrap({ t: 'db', kind: f.returns }, f.async) : undefined;
      }
      return undefined;
    }
    if (callee.t === 'method') {
      const s = callee.spec;
      if (s.returns) return wrap({ t: 'db', kind: s.returns }, s.async);
      if (s.role === 'query') return { t: 'promise', of: { t: 'db', kind: 'pg.Result' } };
      return undefined;
    }
    if (callee.t === 'db') {
      const s = KINDS[callee.kind]?.call;
      return s?.returns ? wrap({ t: 'db', kind: s.returns }, s.async) : undefined;
    }
    if (callee.t === 'fn') return this.passedThrough(call, callee) ?? this.returnValue(callee);
    return undefined;
  }

  /**
   * What a generic project function returns when its type says it hands back what it was given:
   * `remember<T>(name: string, make: () => T): T` (a singleton cache), `once<T>(value: T): T`. TypeScript infers
   * `T` from that one argument, so the call's value is the argument's value, or what the callback returns. Only when
   * the return type is `T` (or `Promise<T>`) and exactly one parameter mentions `T`, as `T` or as a function returning
   * `T` / `Promise<T>`; anything else is unknown.
   */
  private passedThrough(call: ts.CallExpression, callee: Extract<Value, { t: 'fn' }>): Value | undefined {
    const how = this.passThrough(callee);
    if (!how) return undefined;
    const { index, via, promised } = how;
    const arg = index >= 0 ? call.arguments[index] : undefined;
    if (!arg || ts.isSpreadElement(arg)) return undefined;
    let value: Value | undefined;
    if (via === 'value') value = this.valueOf(arg);
    else {
      const made = this.valueOf(arg);
      if (made?.t !== 'fn') return undefined;
      value = this.returnValue(made);
      if (via === 'promise-callback') value = unwrapPromise(value);
    }
    if (!value) return undefined;
    return promised ? { t: 'promise', of: unwrapPromise(value)! } : value;
  }

  /** What a project function returns, when all its returns agree on a database value or a project value. */
  returnValueOf(fn: ts.FunctionLikeDeclaration): Value | undefined {
    if (fn.type) {
      const t = this.valueOfType(fn.type);
      if (t) return t;
    }
    if (!fn.body) return undefined;
    const isAsync = !!ts.getModifiers(fn)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
    let result: Value | undefined;
    let conflict = false;
    const consider = (e: ts.Expression | undefined): void => {
      if (!e || conflict) return;
      const v = unwrapPromise(this.valueOf(e));
      if (!v) {
        conflict = true;
        return;
      }
      if (result && !sameValue(result, v)) conflict = true;
      result = v;
    };
    if (!ts.isBlock(fn.body)) consider(fn.body);
    else forEachReturn(fn.body, (r) => consider(r.expression));
    if (conflict || !result) return undefined;
    return isAsync ? { t: 'promise', of: result } : result;
  }

  private newResult(e: ts.NewExpression): Value | undefined {
    const ctor = this.valueOf(e.expression);
    if (!ctor) return undefined;
    if (ctor.t === 'lib' && ctor.spec.ctor) return { t: 'db', kind: ctor.spec.ctor };
    if (ctor.t === 'class') return instanceOf(ctor);
    return undefined;
  }

  // ── exports ─────────────────────────────────────────────────────────────────

  exportValue(name: string): Value | undefined {
    return this.project.exportValueOf(this.path, name);
  }

  /** Export `name`, detached (for `Project.exportValueOf`, which keeps it); an exception reads as unknown. */
  computeExport(name: string): Value | undefined {
    try {
      return detach(this.findExport(name), this.project);
    } catch {
      return undefined;
    }
  }

  private findExport(name: string): Value | undefined {
    const sf = this.sourceFile;
    for (const st of sf.statements) {
      const exported = ts.canHaveModifiers(st) && ts.getModifiers(st)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
      const isDefault = ts.canHaveModifiers(st) && ts.getModifiers(st)?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
      if (exported) {
        if (isDefault && name === 'default') {
          if (ts.isFunctionDeclaration(st)) return { t: 'fn', node: st, file: this };
          if (ts.isClassDeclaration(st)) return { t: 'class', node: st, file: this };
        }
        if (ts.isVariableStatement(st)) {
          for (const d of st.declarationList.declarations) {
            if (ts.isIdentifier(d.name) && d.name.text === name) return this.valueOf(d.name);
          }
        } else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name?.text === name && !isDefault) {
          return ts.isFunctionDeclaration(st) ? { t: 'fn', node: st, file: this } : { t: 'class', node: st, file: this };
        }
      }
      if (ts.isExportAssignment(st) && !st.isExportEquals && name === 'default') return this.valueOf(st.expression);
      if (ts.isExportAssignment(st) && st.isExportEquals) return this.memberOrSelf(this.valueOf(st.expression), name);
      if (ts.isExportDeclaration(st)) {
        const from = st.moduleSpecifier ? moduleText(st.moduleSpecifier) : undefined;
        if (st.exportClause && ts.isNamedExports(st.exportClause)) {
          for (const spec of st.exportClause.elements) {
            if (spec.name.text !== name) continue;
            const local = (spec.propertyName ?? spec.name).text;
            if (from !== undefined) return this.moduleValue(from, local);
            const b = resolveName(local, st);
            return b ? this.valueOfBinding(b) : undefined;
          }
        } else if (!st.exportClause && from !== undefined && name !== 'default') {
          // `export * from './x'`: a barrel of many modules is asked for one name; a module whose text cannot
          // export it is not parsed (logto's @logto/schemas index re-exports dozens).
          const target = this.project.libraryFor(from) ? undefined : this.project.resolvePath(this.path, from);
          if (target && !this.project.mayExport(target, name)) continue;
          const v = this.moduleValue(from, name);
          if (v) return v;
        }
      }
      // CommonJS: module.exports = …; module.exports.x = …; exports.x = …
      if (ts.isExpressionStatement(st) && ts.isBinaryExpression(st.expression) && st.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
        const left = st.expression.left;
        const target = commonJsExportTarget(left);
        if (target === '') {
          const v = this.valueOf(st.expression.right);
          if (name === 'default') return v;
          const m = this.memberOrSelf(v, name);
          if (m) return m;
        } else if (target === name) {
          return this.valueOf(st.expression.right);
        }
      }
    }
    return undefined;
  }

  private memberOrSelf(v: Value | undefined, name: string): Value | undefined {
    if (!v) return undefined;
    if (name === 'default' || name === '*') return v;
    return this.memberOf(v, name);
  }

  /** What the type a type alias names stands for; an alias met again while following it is unknown (`type A = B; type B = A`, across modules too). */
  valueOfAlias(aliased: ts.TypeNode): Value | undefined {
    if (ALIASES_FOLLOWED.has(aliased)) return undefined;
    ALIASES_FOLLOWED.add(aliased);
    try {
      return this.valueOfType(aliased);
    } finally {
      ALIASES_FOLLOWED.delete(aliased);
    }
  }

  /** The value an entity name stands for in a type (`typeof db`, `typeof api.client`). */
  private valueOfEntity(name: ts.EntityName, at: ts.Node): Value | undefined {
    if (ts.isIdentifier(name)) {
      const b = resolveName(name.text, at);
      return b ? this.valueOfBinding(b) : undefined;
    }
    return this.memberOf(this.valueOfEntity(name.left, at), name.right.text);
  }

  exportedTypeAlias(name: string): ts.TypeNode | undefined {
    for (const st of this.sourceFile.statements) {
      if (ts.isTypeAliasDeclaration(st) && st.name.text === name) return st.type;
    }
    return undefined;
  }

  // ── database calls ──────────────────────────────────────────────────────────

  /**
   * Every database call of the file, in source order, cached: from the calls the full parse's parent walk collected
   * (`ParseResult.calls`), or from a walk after an incremental reparse.
   */
  dbCalls(): DbCall[] {
    if (this.calls) return this.calls;
    const out: DbCall[] = [];
    const all: ts.CallExpression[] = [];
    const take = (n: ts.CallExpression | ts.TaggedTemplateExpression): void => {
      if (ts.isCallExpression(n)) all.push(n);
      const c = this.classify(n);
      if (c) out.push(c);
    };
    if (this.parsedCalls) {
      for (const n of this.parsedCalls) take(n);
      this.parsedCalls = undefined;
    } else {
      const visit = (n: ts.Node): void => {
        if (ts.isCallExpression(n) || ts.isTaggedTemplateExpression(n)) take(n);
        ts.forEachChild(n, visit);
      };
      visit(this.sourceFile);
    }
    this.calls = out;
    this.allCalls = all;
    this.callIndex = new Map(out.map((c) => [c.node, c]));
    return out;
  }

  /**
   * Every call expression of the file, database calls or not, in source order (pre-order, as a walk meets them):
   * gathered with `dbCalls()`, so rules that follow calls into project functions need no walk of their own.
   */
  callExpressions(): readonly ts.CallExpression[] {
    this.dbCalls();
    return this.allCalls!;
  }

  dbCallAt(node: ts.Node): DbCall | undefined {
    this.dbCalls();
    return this.callIndex!.get(node);
  }

  private classify(n: ts.CallExpression | ts.TaggedTemplateExpression): DbCall | undefined {
    if (ts.isTaggedTemplateExpression(n)) {
      const tag = this.valueOf(n.tag);
      if (!tag) return undefined;
      const spec = tagSpec(tag);
      if (!spec) return undefined;
      const kind = tag.t === 'db' ? tag.kind : tag.t === 'method' ? tag.kind : tag.t === 'lib' && tag.spec.kind ? tag.spec.kind : '?';
      const lib = KINDS[kind]?.lib;
      if (!lib) return undefined;
      const role = spec.role ?? 'chain';
      return { node: n, lib, kind, method: tag.t === 'method' ? tag.name : '`tag`', spec, role, executes: role === 'query', op: spec.op };
    }
    const callee = this.valueOf(n.expression);
    if (!callee) return undefined;
    let spec: MethodSpec | undefined;
    let kind: string;
    let method: string;
    if (callee.t === 'method') {
      spec = callee.spec;
      kind = callee.kind;
      method = callee.name;
    } else if (callee.t === 'db') {
      spec = KINDS[callee.kind]?.call;
      kind = callee.kind;
      method = '()';
    } else if (callee.t === 'lib' && callee.spec.factory) {
      spec = callee.spec.factory;
      kind = spec.returns ?? `${callee.lib}.${callee.name}`;
      method = callee.name;
      if (spec.role !== 'raw') return undefined; // factories (new pools) are not calls to the database
    } else return undefined;
    if (!spec) return undefined;
    const kspec: KindSpec | undefined = KINDS[kind];
    const lib = kspec?.lib ?? (callee.t === 'lib' ? callee.lib : undefined);
    if (!lib) return undefined;
    let role: DbCall['role'] | undefined = spec.role;
    const resultKind = spec.returns;
    const resultIsChain = resultKind ? !!KINDS[resultKind]?.chain : false;
    if (!role && resultIsChain) role = 'chain';
    if (!role && kspec?.chain) role = 'chain';
    if (!role) return undefined;
    let executes = role === 'query' && !resultIsChain;
    if ((role === 'chain' || role === 'builder' || resultIsChain) && isChainEnd(n)) {
      executes = isExecutedPosition(n) || (role === 'query');
    }
    // A thenable builder runs only when awaited or then'd: `q.count('id')` as a statement adds a column to it.
    if (executes && kspec?.lazy && isDiscarded(n)) executes = false;
    // knex.raw(…) handed back to the caller is most often a piece of another query (select(…), where(…)): only an
    // await runs it.
    if (executes && resultKind && KINDS[resultKind]?.fragment && isHandedBack(n)) executes = false;
    let sqlArg = spec.sqlArg !== undefined ? n.arguments[spec.sqlArg] : undefined;
    let valuesFromConfig: ts.Expression | undefined;
    if (sqlArg && ts.isObjectLiteralExpression(sqlArg)) {
      // pg query config: { text, values }
      const textProp = sqlArg.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && propertyNameText(p.name) === 'text');
      const valuesProp = sqlArg.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && propertyNameText(p.name) === 'values');
      sqlArg = textProp?.initializer;
      valuesFromConfig = valuesProp?.initializer;
    }
    const valuesArg = valuesFromConfig ?? (typeof spec.valuesArg === 'number' ? n.arguments[spec.valuesArg] : undefined);
    return { node: n, lib, kind, method, spec, role, sqlArg, valuesArg, executes, op: spec.op ?? opOfChain(n) };
  }

  /** Calls that execute a query (what N+1 counts): direct queries and executed builder chains. */
  queryCalls(): DbCall[] {
    return this.dbCalls().filter((c) => c.executes);
  }

  /** The project function a call invokes, if pglint can resolve it. */
  calledFunction(call: ts.CallExpression | ts.NewExpression): FunctionRef | undefined {
    const v = this.valueOf(call.expression);
    if (ts.isNewExpression(call)) {
      if (v?.t !== 'class') return undefined;
      return this.ask(v, '|c', () => {
        const ctor = v.node.members.find(ts.isConstructorDeclaration);
        return ctor ? (detach({ t: 'fn', node: ctor, file: v.file }, this.project) as Extract<Value, { t: 'fn' }>) : undefined;
      });
    }
    // A function of another file is detached (values.ts): its node and file are parsed again only if read.
    if (v?.t === 'fn') return v;
    return undefined;
  }

  private readonly nodesAt = new Map<string, ts.Node>();

  /** The node of this file with that range and kind (what a detached value names). */
  nodeAt(pos: number, end: number, kind: ts.SyntaxKind): ts.Node {
    const key = `${pos}.${end}.${kind}`;
    let found = this.nodesAt.get(key);
    if (found) return found;
    let cur: ts.Node = this.sourceFile;
    while (!found) {
      if (cur.pos === pos && cur.end === end && cur.kind === kind) found = cur;
      else {
        const next: ts.Node | undefined = ts.forEachChild(cur, (c) => (c.pos <= pos && c.end >= end ? c : undefined));
        if (!next) throw new Error(`no node ${kind} at ${pos}-${end} in ${this.path}`);
        cur = next;
      }
    }
    this.nodesAt.set(key, found);
    return found;
  }

  isIterationCallback(fn: ts.Node): ts.CallExpression | undefined {
    return iterationCallOf(fn);
  }
}

/** How a generic project function hands back what it is given (see `FileModel.passedThrough`), or undefined. */
function passThroughOf(fn: ts.FunctionLikeDeclaration): { index: number; via: 'value' | 'callback' | 'promise-callback'; promised: boolean } | undefined {
  if (!fn.typeParameters?.length || !fn.type) return undefined;
  const promised = promiseArgument(fn.type);
  const name = typeParameterName(promised ?? fn.type, fn);
  if (name === undefined) return undefined;
  let index = -1;
  let via: 'value' | 'callback' | 'promise-callback' = 'value';
  for (let i = 0; i < fn.parameters.length; i++) {
    const p = fn.parameters[i]!;
    if (!p.type || !mentionsName(p.type, name)) continue;
    if (index >= 0 || p.dotDotDotToken) return undefined; // inferred from more than one place
    index = i;
    let t = p.type;
    while (ts.isParenthesizedTypeNode(t)) t = t.type;
    if (typeParameterName(t, fn) === name) via = 'value';
    else if (ts.isFunctionTypeNode(t) && !t.parameters.some((q) => q.type && mentionsName(q.type, name))) {
      const inner = promiseArgument(t.type);
      if (typeParameterName(t.type, fn) === name) via = 'callback';
      else if (inner && typeParameterName(inner, fn) === name) via = 'promise-callback';
      else return undefined;
    } else return undefined;
  }
  return { index, via, promised: !!promised };
}

/** `(x as T)`, `x!`, `(x)`, `x satisfies T`, `<T>x`: the expression inside. */
export function skipOuterExpressions(e: ts.Expression): ts.Expression {
  let x = e;
  while (ts.isParenthesizedExpression(x) || ts.isAsExpression(x) || ts.isNonNullExpression(x) || ts.isSatisfiesExpression(x) || ts.isTypeAssertionExpression(x)) x = x.expression;
  return x;
}

/** A call as a finding names it: its callee without spaces (`repo.findById`), the last 40 characters of a long one. */
export function callLabel(call: ts.Node, sf: ts.SourceFile): string {
  let node: ts.Node = call;
  if (ts.isCallExpression(node)) node = node.expression;
  if (ts.isTaggedTemplateExpression(node)) node = node.tag;
  const text = node.getText(sf).replace(/\s+/g, '');
  return text.length > 40 ? `…${text.slice(-38)}` : text;
}

// ── helpers ───────────────────────────────────────────────────────────────────

/**
 * Memoised value resolution. A key being computed reads as unknown (null), which cuts cycles
 * (`const a = b; const b = a;`, mutually recursive exports); an exception counts as unknown too.
 */
function memo<K>(cache: Map<K, Value | null>, key: K, compute: () => Value | undefined): Value | undefined {
  const cached = cache.get(key);
  if (cached !== undefined) return cached ?? undefined;
  cache.set(key, null);
  let v: Value | undefined;
  try {
    v = compute();
  } catch {
    v = undefined;
  }
  cache.set(key, v ?? null);
  return v;
}

/** The type aliases being followed right now (`FileModel.valueOfAlias`). */
const ALIASES_FOLLOWED = new Set<ts.Node>();

/** `X` of a type written `Promise<X>`. */
function promiseArgument(type: ts.TypeNode): ts.TypeNode | undefined {
  while (ts.isParenthesizedTypeNode(type)) type = type.type;
  return ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && type.typeName.text === 'Promise' && type.typeArguments?.length === 1
    ? type.typeArguments[0]
    : undefined;
}

/** The name of a type written as a bare type parameter of `fn` (`T`), else undefined. */
function typeParameterName(type: ts.TypeNode, fn: ts.FunctionLikeDeclaration): string | undefined {
  while (ts.isParenthesizedTypeNode(type)) type = type.type;
  if (!ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName) || type.typeArguments) return undefined;
  const name = type.typeName.text;
  return fn.typeParameters?.some((tp) => tp.name.text === name) ? name : undefined;
}

/** Whether a type mentions the type named `name` anywhere. */
function mentionsName(type: ts.Node, name: string): boolean {
  if (ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && type.typeName.text === name) return true;
  return !!ts.forEachChild(type, (c) => mentionsName(c, name) || undefined);
}

function wrap(v: Value, async: boolean | undefined): Value {
  return async ? { t: 'promise', of: v } : v;
}

function tagSpec(tag: Value): MethodSpec | undefined {
  if (tag.t === 'db') return KINDS[tag.kind]?.tag;
  if (tag.t === 'method') return tag.spec.safeTag || tag.spec.role === 'query' ? tag.spec : undefined;
  if (tag.t === 'lib' && tag.spec.kind) return KINDS[tag.spec.kind]?.tag;
  return undefined;
}

function sameValue(a: Value, b: Value): boolean {
  if (a.t !== b.t) return false;
  switch (a.t) {
    case 'db':
      return a.kind === (b as typeof a).kind;
    case 'promise':
      return sameValue(a.of, (b as typeof a).of);
    case 'lib':
      return a.spec === (b as typeof a).spec;
    case 'method':
      return a.kind === (b as typeof a).kind && a.name === (b as typeof a).name;
    case 'module':
      return pathOf(a) === pathOf(b as typeof a);
    default:
      return nodeKey(a) === nodeKey(b as typeof a);
  }
}

function followPath(model: FileModel, v: Value | undefined, path: (string | number)[]): Value | undefined {
  let cur = v;
  for (const key of path) {
    if (!cur) return undefined;
    if (typeof key === 'number' || key === '...' || key === '?') return undefined;
    cur = model.memberOf(unwrapPromise(cur), key);
  }
  return cur;
}

export function moduleText(e: ts.Expression): string | undefined {
  return ts.isStringLiteralLike(e) ? e.text : undefined;
}

export function requireSpecifier(e: ts.Expression): string | undefined {
  let x = e;
  while (ts.isParenthesizedExpression(x) || ts.isAwaitExpression(x)) x = x.expression;
  if (ts.isCallExpression(x) && x.arguments.length === 1) {
    const c = x.expression;
    const isRequire = ts.isIdentifier(c) && c.text === 'require';
    const isDynamicImport = c.kind === ts.SyntaxKind.ImportKeyword;
    if ((isRequire || isDynamicImport) && ts.isStringLiteralLike(x.arguments[0]!)) return (x.arguments[0] as ts.StringLiteral).text;
  }
  return undefined;
}

function commonJsExportTarget(left: ts.Expression): string | undefined {
  // module.exports
  if (ts.isPropertyAccessExpression(left) && ts.isIdentifier(left.expression) && left.expression.text === 'module' && left.name.text === 'exports') return '';
  if (ts.isPropertyAccessExpression(left)) {
    const o = left.expression;
    if (ts.isIdentifier(o) && o.text === 'exports') return left.name.text;
    if (ts.isPropertyAccessExpression(o) && ts.isIdentifier(o.expression) && o.expression.text === 'module' && o.name.text === 'exports') return left.name.text;
  }
  return undefined;
}

export function propertyNameText(n: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isNumericLiteral(n) || ts.isPrivateIdentifier(n)) return n.text;
  return undefined;
}

function entityNameParts(n: ts.EntityName): string[] {
  return ts.isIdentifier(n) ? [n.text] : [...entityNameParts(n.left), n.right.text];
}

export function enclosingClass(n: ts.Node): ts.ClassLikeDeclaration | undefined {
  let cur: ts.Node | undefined = n.parent;
  while (cur) {
    if (ts.isClassLike(cur)) return cur;
    // `this` inside a non-arrow function that is not a method refers to something else
    if ((ts.isFunctionDeclaration(cur) || ts.isFunctionExpression(cur)) && !ts.isClassLike(cur.parent)) return undefined;
    cur = cur.parent;
  }
  return undefined;
}

export function enclosingFunctionOrFile(n: ts.Node): ts.Node {
  let cur: ts.Node | undefined = n.parent;
  while (cur) {
    if (ts.isFunctionLike(cur) || ts.isSourceFile(cur)) return cur;
    cur = cur.parent;
  }
  return n.getSourceFile();
}

function isReassignedAnywhere(b: Binding, sf: ts.SourceFile): boolean {
  const scope = enclosingFunctionOrFile(b.decl) ?? sf;
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(n.left) && n.left.text === b.name.text) {
      if (resolveIdentifier(n.left)?.decl === b.decl) found = true;
    }
    ts.forEachChild(n, visit);
  };
  visit(scope);
  return found;
}

export function forEachReturn(body: ts.Node, cb: (r: ts.ReturnStatement) => void): void {
  const visit = (n: ts.Node): void => {
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) return;
    if (ts.isReturnStatement(n)) cb(n);
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(body, visit);
}

/** True when the call is the last link of a method chain (its result is not used as `.x()` receiver). */
function isChainEnd(n: ts.CallExpression): boolean {
  const p = n.parent;
  return !(ts.isPropertyAccessExpression(p) && p.expression === n && ts.isCallExpression(p.parent) && p.parent.expression === p);
}

/** `n` with the parentheses, `as` and `!` around it: the node whose parent uses its value. */
function outermost(n: ts.Expression): ts.Node {
  let cur: ts.Node = n;
  while (ts.isParenthesizedExpression(cur.parent) || ts.isAsExpression(cur.parent) || ts.isNonNullExpression(cur.parent)) cur = cur.parent;
  return cur;
}

/** `n` is what its function returns: `return n;` or an arrow's expression body. */
function isHandedBack(n: ts.Expression): boolean {
  const cur = outermost(n);
  const p = cur.parent;
  return ts.isReturnStatement(p) || (ts.isArrowFunction(p) && p.body === cur);
}

/** The value of `n` is dropped: an expression statement of its own, or `void n`. */
function isDiscarded(n: ts.Expression): boolean {
  const p = outermost(n).parent;
  return ts.isExpressionStatement(p) || ts.isVoidExpression(p);
}

/** A builder whose chain ends here is executed if awaited, returned, yielded or handed to Promise.all. */
function isExecutedPosition(n: ts.Expression): boolean {
  const cur = outermost(n);
  const p = cur.parent;
  if (ts.isAwaitExpression(p) || isHandedBack(n) || ts.isYieldExpression(p)) return true;
  if (ts.isArrayLiteralExpression(p) && ts.isCallExpression(p.parent) && /^Promise\.(all|allSettled|race|any)$/.test(p.parent.expression.getText())) return true;
  if (ts.isForOfStatement(p) && p.expression === cur && p.awaitModifier) return true;
  return false;
}

function opOfChain(n: ts.CallExpression): 'read' | 'write' | undefined {
  // Walk down to the chain's root call to find an op (selectFrom → read, insertInto → write).
  let cur: ts.Expression = n;
  let op: 'read' | 'write' | undefined;
  while (ts.isCallExpression(cur) && ts.isPropertyAccessExpression(cur.expression)) {
    const name = cur.expression.name.text;
    if (/^(insert|update|del|delete|upsert|increment|decrement|merge|onConflict)/i.test(name)) op = 'write';
    cur = cur.expression.expression;
  }
  return op ?? 'read';
}

/** If `fn` is a callback passed to an iteration method (xs.map(fn), Array.from(xs, fn)), that call. */
export function iterationCallOf(fn: ts.Node): ts.CallExpression | undefined {
  if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return undefined;
  const call = fn.parent;
  if (!ts.isCallExpression(call) || !call.arguments.includes(fn as ts.Expression)) return undefined;
  const callee = call.expression;
  if (ts.isPropertyAccessExpression(callee)) {
    const name = callee.name.text;
    if (ITERATION_METHODS.has(name) && call.arguments[0] === fn) return call;
    if (name === 'from' && ts.isIdentifier(callee.expression) && callee.expression.text === 'Array' && call.arguments[1] === fn) return call;
  }
  return undefined;
}

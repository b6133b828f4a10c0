/**
 * Lightweight name resolution on the TypeScript AST, without a type checker (a checker costs a whole
 * program; the rules need only "which declaration does this identifier name").
 * Scopes: source file, blocks, functions (parameters), for-statements, catch clauses, class expressions.
 */
import * as ts from 'typescript';

export type BindingKind = 'var' | 'param' | 'function' | 'class' | 'import' | 'catch' | 'enum';

export interface Binding {
  kind: BindingKind;
  name: ts.Identifier;
  /** The declaring node: VariableDeclaration, ParameterDeclaration, FunctionDeclaration, ClassDeclaration, Import*, … */
  decl: ts.Node;
  /** Property names from the declaration's root to the binding inside a destructuring pattern. */
  path: (string | number)[];
  /** `const` variable, import, function or class: its value never changes after declaration. */
  constant: boolean;
}

function addBindingName(
  map: Map<string, Binding>,
  name: ts.BindingName,
  kind: BindingKind,
  decl: ts.Node,
  constant: boolean,
  path: (string | number)[] = [],
): void {
  if (ts.isIdentifier(name)) {
    if (!map.has(name.text)) map.set(name.text, { kind, name, decl, path, constant });
    return;
  }
  if (ts.isObjectBindingPattern(name)) {
    for (const el of name.elements) {
      if (el.dotDotDotToken) {
        addBindingName(map, el.name, kind, decl, constant, [...path, '...']);
        continue;
      }
      const prop = el.propertyName ?? el.name;
      const key = ts.isIdentifier(prop) || ts.isStringLiteral(prop) || ts.isNumericLiteral(prop) ? prop.text : '?';
      addBindingName(map, el.name, kind, decl, constant, [...path, key]);
    }
    return;
  }
  name.elements.forEach((el, i) => {
    if (ts.isBindingElement(el)) addBindingName(map, el.name, kind, decl, constant, [...path, el.dotDotDotToken ? '...' : i]);
  });
}

function collectStatements(map: Map<string, Binding>, statements: readonly ts.Statement[]): void {
  for (const st of statements) {
    if (ts.isVariableStatement(st)) {
      const constant = (st.declarationList.flags & ts.NodeFlags.Const) !== 0;
      for (const d of st.declarationList.declarations) addBindingName(map, d.name, 'var', d, constant);
    } else if (ts.isFunctionDeclaration(st) && st.name) {
      if (!map.has(st.name.text) || !(map.get(st.name.text)!.decl as ts.FunctionDeclaration).body)
        map.set(st.name.text, { kind: 'function', name: st.name, decl: st, path: [], constant: true });
    } else if (ts.isClassDeclaration(st) && st.name) {
      map.set(st.name.text, { kind: 'class', name: st.name, decl: st, path: [], constant: true });
    } else if (ts.isEnumDeclaration(st)) {
      map.set(st.name.text, { kind: 'enum', name: st.name, decl: st, path: [], constant: true });
    } else if (ts.isImportDeclaration(st) && st.importClause) {
      const ic = st.importClause;
      if (ic.name) map.set(ic.name.text, { kind: 'import', name: ic.name, decl: ic, path: [], constant: true });
      const nb = ic.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) map.set(nb.name.text, { kind: 'import', name: nb.name, decl: nb, path: [], constant: true });
      if (nb && ts.isNamedImports(nb))
        for (const spec of nb.elements) map.set(spec.name.text, { kind: 'import', name: spec.name, decl: spec, path: [], constant: true });
    } else if (ts.isImportEqualsDeclaration(st)) {
      map.set(st.name.text, { kind: 'import', name: st.name, decl: st, path: [], constant: true });
    } else if (ts.isLabeledStatement(st)) {
      collectStatements(map, [st.statement]);
    } else if (ts.isExportDeclaration(st)) {
      // re-exports bind nothing locally
    }
  }
}

/**
 * A scope's bindings are kept on the scope node itself (`pglintScope`), so they go with the tree. A module-level
 * `WeakMap` keyed by node did the same job but, as measured, held every tree through young-generation collections
 * (the map is old, and each value points back into its key's tree): every tree was promoted and waited for a full
 * collection (bench/RESULTS.md, ninth session: scavenges took 2.9 s of a 9 s run on the generated corpus, 0.5 s after).
 */
type ScopeNode = ts.Node & { pglintScope?: ReadonlyMap<string, Binding> };

/** Declarations a node introduces for its own scope, or undefined if the node is not a scope. */
function scopeBindings(node: ts.Node): ReadonlyMap<string, Binding> | undefined {
  // Whether a node is a scope depends only on its kind (but for a class expression's name): most ancestors
  // walked by resolveName are not, and are answered without a cache lookup.
  if (notScopeKinds[node.kind]) return undefined;
  const cached = (node as ScopeNode).pglintScope;
  if (cached) return cached;
  let map: Map<string, Binding> | undefined;
  if (ts.isSourceFile(node) || ts.isBlock(node) || ts.isModuleBlock(node)) {
    const hoists = ts.isBlock(node) && !!node.parent && ts.isFunctionLike(node.parent) && mayDeclareVar(node);
    if (!hoists && !node.statements.some(mayDeclare)) return ((node as ScopeNode).pglintScope = NO_BINDINGS);
    map = new Map();
    collectStatements(map, node.statements);
    // `var` anywhere in the function body is hoisted; collect nested var statements shallowly.
    if (hoists) collectHoistedVars(map, node as ts.Block);
  } else if (ts.isCaseBlock(node)) {
    map = new Map();
    for (const clause of node.clauses) collectStatements(map, clause.statements);
  } else if (ts.isFunctionLike(node)) {
    map = new Map();
    for (const p of node.parameters) addBindingName(map, p.name, 'param', p, false);
    if ((ts.isFunctionExpression(node) || ts.isClassExpression(node)) && node.name && ts.isIdentifier(node.name))
      map.set(node.name.text, { kind: 'function', name: node.name, decl: node, path: [], constant: true });
  } else if (ts.isForStatement(node) || ts.isForOfStatement(node) || ts.isForInStatement(node)) {
    map = new Map();
    const init = node.initializer;
    if (init && ts.isVariableDeclarationList(init)) {
      const constant = (init.flags & ts.NodeFlags.Const) !== 0;
      for (const d of init.declarations) addBindingName(map, d.name, 'var', d, constant);
    }
  } else if (ts.isCatchClause(node)) {
    map = new Map();
    if (node.variableDeclaration) addBindingName(map, node.variableDeclaration.name, 'catch', node.variableDeclaration, false);
  } else if (ts.isClassExpression(node) && node.name) {
    map = new Map([[node.name.text, { kind: 'class' as const, name: node.name, decl: node, path: [], constant: true }]]);
  }
  // Most scopes (a callback's body, an `if` block) declare nothing: they share one empty map.
  if (map) (node as ScopeNode).pglintScope = map.size ? map : NO_BINDINGS;
  else if (node.kind !== ts.SyntaxKind.ClassExpression) notScopeKinds[node.kind] = true;
  return map && (map.size ? map : NO_BINDINGS);
}
const notScopeKinds: boolean[] = [];
const NO_BINDINGS: ReadonlyMap<string, Binding> = new Map();

/** Whether a statement is of a kind `collectStatements` may take a binding from. */
function mayDeclare(st: ts.Statement): boolean {
  switch (st.kind) {
    case ts.SyntaxKind.VariableStatement:
    case ts.SyntaxKind.FunctionDeclaration:
    case ts.SyntaxKind.ClassDeclaration:
    case ts.SyntaxKind.EnumDeclaration:
    case ts.SyntaxKind.ImportDeclaration:
    case ts.SyntaxKind.ImportEqualsDeclaration:
    case ts.SyntaxKind.LabeledStatement:
      return true;
    default:
      return false;
  }
}

/**
 * Whether the file of a node may hold a `var` declaration: its text has the word `var` (comments and strings
 * included). Most TypeScript has none, and its function bodies need no walk for hoisted declarations.
 */
function mayDeclareVar(node: ts.Node): boolean {
  const sf = node.getSourceFile() as ts.SourceFile & { pglintHasVar?: boolean };
  return (sf.pglintHasVar ??= VAR_WORD.test(sf.text));
}
const VAR_WORD = /\bvar\b/;

function collectHoistedVars(map: Map<string, Binding>, body: ts.Block): void {
  const visit = (n: ts.Node): void => {
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) return;
    if (ts.isVariableStatement(n) && !(n.declarationList.flags & ts.NodeFlags.BlockScoped)) {
      for (const d of n.declarationList.declarations) addBindingName(map, d.name, 'var', d, false);
    }
    ts.forEachChild(n, visit);
  };
  for (const st of body.statements) if (!ts.isVariableStatement(st)) ts.forEachChild(st, visit);
}

/** The declaration `name` refers to at `from`, walking out through enclosing scopes. */
export function resolveName(name: string, from: ts.Node): Binding | undefined {
  let node: ts.Node | undefined = from;
  while (node) {
    const b = scopeBindings(node);
    if (b) {
      const hit = b.get(name);
      if (hit) return hit;
    }
    node = node.parent;
  }
  return undefined;
}

export function resolveIdentifier(id: ts.Identifier): Binding | undefined {
  return resolveName(id.text, id);
}

/** The initializer that gives a binding its value, if any (variables only). */
export function bindingInitializer(b: Binding): ts.Expression | undefined {
  if (ts.isVariableDeclaration(b.decl) || ts.isParameter(b.decl)) return b.decl.initializer;
  return undefined;
}

/** Identifier references to `binding` inside `root` (same name resolving to the same declaration). */
export function referencesTo(binding: Binding, root: ts.Node): ts.Identifier[] {
  const out: ts.Identifier[] = [];
  const name = binding.name.text;
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n) && n.text === name && n !== binding.name) {
      const p = n.parent;
      const isPropName =
        (ts.isPropertyAccessExpression(p) && p.name === n) ||
        (ts.isPropertyAssignment(p) && p.name === n) ||
        (ts.isMethodDeclaration(p) && p.name === n) ||
        (ts.isPropertyDeclaration(p) && p.name === n);
      if (!isPropName && resolveIdentifier(n)?.decl === binding.decl) out.push(n);
    }
    ts.forEachChild(n, visit);
  };
  visit(root);
  return out;
}

/** True if the binding is ever reassigned (`x = …`, `x += …`, `x++`) inside `root`. */
export function isReassigned(binding: Binding, root: ts.Node): boolean {
  if (binding.constant) return false;
  for (const ref of referencesTo(binding, root)) {
    const p = ref.parent;
    if (ts.isBinaryExpression(p) && p.left === ref && isAssignmentOperator(p.operatorToken.kind)) return true;
    if ((ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p)) &&
      (p.operator === ts.SyntaxKind.PlusPlusToken || p.operator === ts.SyntaxKind.MinusMinusToken)) return true;
  }
  return false;
}

export function isAssignmentOperator(kind: ts.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

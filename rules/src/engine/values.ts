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

/** What a detached value needs of the project: a file's model, parsed again if it was released. */
export interface ModelSource {
  model(absPath: string): FileModel | undefined;
}

type NodeValueKind = 'fn' | 'class' | 'instance' | 'object';
type NodeValue = Extract<Value, { node: ts.Node }>;

/** A file's model through the project (parsed again if it was released); an error if the file cannot be read. */
function modelOf(source: ModelSource, path: string): FileModel {
  const m = source.model(path);
  if (!m) throw new Error(`${path} is no longer readable`);
  return m;
}

/**
 * A node of a project file named without holding the file's tree: `node` and `file` resolve through the project on
 * each use, parsing the file again if its model was released.
 */
export class NodeRef {
  constructor(readonly path: string, readonly pos: number, readonly end: number, readonly kind: ts.SyntaxKind, readonly source: ModelSource) {}

  get file(): FileModel {
    return modelOf(this.source, this.path);
  }

  get node(): ts.Node {
    return this.file.nodeAt(this.pos, this.end, this.kind);
  }
}

/**
 * A value naming a node of a project file without holding the file's tree (a `NodeRef`). What the project remembers
 * across lints (`Project.fact`: exports, members, summaries) holds these, so a file's tree can go once the file is
 * linted.
 */
export class DetachedNode extends NodeRef {
  private keyText?: string;
  private localText?: string;
  constructor(readonly t: NodeValueKind, path: string, pos: number, end: number, kind: ts.SyntaxKind, source: ModelSource) {
    super(path, pos, end, kind, source);
  }

  /** The node's identity across parses of the same text. */
  get key(): string {
    return (this.keyText ??= nodeKeyOf(this.path, this.pos, this.end, this.kind));
  }

  /** The node's identity within its file (facts are kept by file: `Project.fact`). */
  get localKey(): string {
    return (this.localText ??= localKeyOf(this.pos, this.end, this.kind));
  }
}

/** `import * as m from './m'` without holding m's tree. */
export class DetachedModule {
  readonly t = 'module';
  constructor(readonly path: string, private readonly source: ModelSource) {}
  get file(): FileModel {
    return modelOf(this.source, this.path);
  }
}

function localKeyOf(pos: number, end: number, kind: ts.SyntaxKind): string {
  return `${pos}.${end}.${kind}`;
}

function nodeKeyOf(path: string, pos: number, end: number, kind: ts.SyntaxKind): string {
  return `${path}#${localKeyOf(pos, end, kind)}`;
}

/** The path of the file a node value or module value lives in, without parsing it. */
export function pathOf(v: NodeValue | Extract<Value, { t: 'module' }>): string {
  return v instanceof DetachedNode || v instanceof DetachedModule ? v.path : v.file.path;
}

/** A node value's identity within its file (its node's range and kind), the same for its detached copy. */
export function localKey(v: NodeValue): string {
  return v instanceof DetachedNode ? v.localKey : localKeyOf(v.node.pos, v.node.end, v.node.kind);
}

/** A node value's identity (its file and its node's range and kind), the same for its detached copy. */
export function nodeKey(v: NodeValue): string {
  return v instanceof DetachedNode ? v.key : nodeKeyOf(v.file.path, v.node.pos, v.node.end, v.node.kind);
}

/** `v` with every node and module it names detached (see DetachedNode): safe to keep after its files are released. */
export function detach(v: Value | undefined, source: ModelSource): Value | undefined {
  if (!v) return v;
  switch (v.t) {
    case 'promise': {
      const of = detach(v.of, source)!;
      return of === v.of ? v : { t: 'promise', of };
    }
    case 'fn':
    case 'class':
    case 'instance':
    case 'object':
      return v instanceof DetachedNode ? v : (new DetachedNode(v.t, v.file.path, v.node.pos, v.node.end, v.node.kind, source) as unknown as Value);
    case 'module':
      return v instanceof DetachedModule ? v : (new DetachedModule(v.file.path, source) as unknown as Value);
    default:
      return v;
  }
}

/** The instances of a class value, detached when it is. */
export function instanceOf(cls: Extract<Value, { t: 'class' }>): Value {
  if (cls instanceof DetachedNode) return new DetachedNode('instance', cls.path, cls.pos, cls.end, cls.kind, cls.source) as unknown as Value;
  return { t: 'instance', node: cls.node, file: cls.file };
}

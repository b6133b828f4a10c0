/**
 * Parsing: TypeScript's own parser (`ts.createSourceFile`), once per file and per text version.
 * We work on the TypeScript AST directly rather than typescript-estree's ESTree conversion: the conversion
 * costs several times the parse itself and the rules need nothing it adds (see bench/RESULTS.md).
 */
import * as ts from 'typescript';
import { diffRange } from './text';

export const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'] as const;

export function isSourceFile(path: string): boolean {
  if (path.endsWith('.d.ts') || path.endsWith('.d.mts') || path.endsWith('.d.cts')) return false;
  return SOURCE_EXTENSIONS.some((ext) => path.endsWith(ext));
}

const TEST_FILE = /(\.(test|spec)\.[cm]?[jt]sx?$)|([\\/](__tests__|__mocks__|test|tests|spec|e2e)[\\/])/;

/** Test code (`*.test.ts`, `__tests__/`, `test/`…): rules that judge production behaviour go easier on it. */
export function isTestFile(path: string): boolean {
  return TEST_FILE.test(path);
}

export function scriptKindOf(path: string): ts.ScriptKind {
  if (path.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (path.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (path.endsWith('.js') || path.endsWith('.mjs') || path.endsWith('.cjs')) return ts.ScriptKind.JSX;
  return ts.ScriptKind.TS;
}

export interface ParseResult {
  sourceFile: ts.SourceFile;
  /** Syntax errors TypeScript reported while parsing (the tree is still usable: the parser recovers). */
  syntaxErrors: { start: number; end: number; message: string }[];
  /**
   * Set when the file is nested too deeply to analyse (the parser or the rules would run out of stack):
   * `sourceFile` is then an empty file and this says why. The file is skipped, never a crash.
   */
  tooDeep?: string;
  /**
   * The file's calls and tagged templates in source order (pre-order), collected by the full parse's parent walk so
   * that `FileModel.dbCalls` needs no walk of its own; undefined after an incremental reparse.
   */
  calls?: (ts.CallExpression | ts.TaggedTemplateExpression)[];
}

/**
 * Deepest syntax tree pglint analyses. TypeScript's parser and the rules recurse once or more per level: the
 * parser overflows Node's default stack at ~1,000 nested parentheses, the rules at ~5,000 levels of call chains
 * (tests/fuzz). Hand-written code stays far below (a few dozen levels).
 */
export const MAX_NESTING_DEPTH = 1000;

/**
 * Parses a file. With `previous` (the tree of an earlier version of the same file, which must not be used
 * afterwards), TypeScript's incremental parser reuses the unchanged parts: an edit in the editor costs a
 * fraction of a full parse (bench: 3 ms instead of 15 ms on a 3,000-line file).
 */
export function parse(path: string, text: string, previous?: ts.SourceFile): ParseResult {
  let sourceFile: ts.SourceFile | undefined;
  let fullDepth: number | undefined;
  let calls: (ts.CallExpression | ts.TaggedTemplateExpression)[] | undefined;
  // One pass over both texts finds the edited span (used by the reparse and by the depth-check shortcut).
  const diff = previous ? diffRange(previous.text, text) : undefined;
  const previousLength = previous?.text.length ?? 0;
  try {
    if (previous && diff && previous.text !== text) sourceFile = reparse(previous, text, diff);
    if (!sourceFile) {
      // A full parse without TypeScript's own parent pass: one walk of ours sets the parents and measures the
      // depth (bench/RESULTS.md: about half the time of TypeScript's pass plus a separate depth walk).
      // JSDoc is not parsed: no rule reads it (suppression comments are read from the text).
      const options: ts.CreateSourceFileOptions = { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone };
      sourceFile = ts.createSourceFile(path, text, options, false, scriptKindOf(path));
      calls = [];
      fullDepth = bindParents(sourceFile, MAX_NESTING_DEPTH, calls);
    }
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    return tooDeep(path, `nested too deeply to parse (${err.message})`);
  }
  // The depth check walks the whole tree: skip it when the previous version passed and the edit is small
  // (an edit of n characters cannot nest more than n levels deeper).
  // (`previous` must not be read after the reparse: TypeScript's incremental parser reuses its nodes.)
  const changed = diff ? Math.abs(text.length - previousLength) + Math.max(diff.endOld - diff.start, diff.endNew - diff.start) : Infinity;
  const depth = fullDepth ?? (changed < 64 ? 0 : nestingDepth(sourceFile, MAX_NESTING_DEPTH));
  if (depth > MAX_NESTING_DEPTH) return tooDeep(path, `syntax nested more than ${MAX_NESTING_DEPTH} levels deep`);
  const diags = (sourceFile as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  const syntaxErrors = diags.map((d) => ({
    start: d.start,
    end: d.start + Math.max(d.length, 0),
    message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  }));
  // The walk meets nodes last child first: back to source order (an enclosing call starts where its callee does, and ends later).
  calls?.sort((a, b) => a.pos - b.pos || b.end - a.end);
  return { sourceFile, syntaxErrors, calls };
}

function reparse(previous: ts.SourceFile, text: string, { start, endOld, endNew }: { start: number; endOld: number; endNew: number }): ts.SourceFile | undefined {
  try {
    return ts.updateSourceFile(previous, text, { span: { start, length: endOld - start }, newLength: endNew - start });
  } catch (err) {
    if (err instanceof RangeError) throw err;
    return undefined; // fall back to a full parse
  }
}

function tooDeep(path: string, why: string): ParseResult {
  return { sourceFile: ts.createSourceFile(path, '', ts.ScriptTarget.Latest, true, scriptKindOf(path)), syntaxErrors: [], tooDeep: why };
}

/** Depth of the syntax tree, without recursion; stops counting past `limit`. */
export function nestingDepth(root: ts.Node, limit = Infinity): number {
  return walkTree(root, limit, false);
}

/**
 * Sets every node's `parent` (as `createSourceFile(…, setParentNodes = true)` does, JSDoc included) and returns
 * the tree's depth, in one walk without recursion; stops past `limit` (the tree is then not used). With `calls`,
 * pushes every call expression and tagged template met onto it (in walk order, not source order).
 */
export function bindParents(root: ts.Node, limit = Infinity, calls?: ts.Node[]): number {
  return walkTree(root, limit, true, calls);
}

// Two parallel stacks and callbacks made once per walk: no allocation per node (a tuple per node made the
// depth walk cost more than the parse itself).
function walkTree(root: ts.Node, limit: number, bind: boolean, calls?: ts.Node[]): number {
  const nodes: ts.Node[] = [root];
  const depths: number[] = [0];
  let parent: ts.Node = root;
  let d = 0;
  let max = 0;
  const visit = (child: ts.Node): undefined => {
    if (bind) (child as { parent: ts.Node }).parent = parent;
    if (calls && (child.kind === ts.SyntaxKind.CallExpression || child.kind === ts.SyntaxKind.TaggedTemplateExpression)) calls.push(child);
    nodes.push(child);
    depths.push(d + 1);
    return undefined;
  };
  const visitArray = (children: ts.NodeArray<ts.Node>): undefined => {
    for (let i = 0; i < children.length; i++) visit(children[i]!);
    return undefined;
  };
  while (nodes.length) {
    parent = nodes.pop()!;
    d = depths.pop()!;
    if (d > max) {
      max = d;
      if (max > limit) return max;
    }
    ts.forEachChild(parent, visit, visitArray);
    if (bind) {
      const docs = (parent as { jsDoc?: ts.Node[] }).jsDoc;
      if (docs) for (const doc of docs) visit(doc);
    }
  }
  return max;
}

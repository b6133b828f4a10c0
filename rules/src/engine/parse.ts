/**
 * Parsing: TypeScript's own parser (`ts.createSourceFile`), once per file and per text version.
 * We work on the TypeScript AST directly rather than typescript-estree's ESTree conversion: the conversion
 * costs several times the parse itself and the rules need nothing it adds (see bench/RESULTS.md).
 */
import * as ts from 'typescript';

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
}

/**
 * Deepest syntax tree pglint analyses. TypeScript's parser and the rules recurse once or more per level: the
 * parser overflows Node's default stack at ~1,000 nested parentheses, the rules at ~5,000 levels of call chains
 * (tests/fuzz). Hand-written code stays far below (a few dozen levels).
 */
export const MAX_NESTING_DEPTH = 1000;

export function parse(path: string, text: string): ParseResult {
  let sourceFile: ts.SourceFile;
  try {
    sourceFile = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, scriptKindOf(path));
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    return tooDeep(path, `nested too deeply to parse (${err.message})`);
  }
  const depth = nestingDepth(sourceFile, MAX_NESTING_DEPTH);
  if (depth > MAX_NESTING_DEPTH) return tooDeep(path, `syntax nested more than ${MAX_NESTING_DEPTH} levels deep`);
  const diags = (sourceFile as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  const syntaxErrors = diags.map((d) => ({
    start: d.start,
    end: d.start + Math.max(d.length, 0),
    message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  }));
  return { sourceFile, syntaxErrors };
}

function tooDeep(path: string, why: string): ParseResult {
  return { sourceFile: ts.createSourceFile(path, '', ts.ScriptTarget.Latest, true, scriptKindOf(path)), syntaxErrors: [], tooDeep: why };
}

/** Depth of the syntax tree, without recursion; stops counting past `limit`. */
export function nestingDepth(root: ts.Node, limit = Infinity): number {
  let max = 0;
  const stack: [ts.Node, number][] = [[root, 0]];
  while (stack.length) {
    const [node, d] = stack.pop()!;
    if (d > max) {
      max = d;
      if (max > limit) return max;
    }
    ts.forEachChild(node, (child) => {
      stack.push([child, d + 1]);
    });
  }
  return max;
}

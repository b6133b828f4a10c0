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
}

export function parse(path: string, text: string): ParseResult {
  const sourceFile = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, scriptKindOf(path));
  const diags = (sourceFile as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  const syntaxErrors = diags.map((d) => ({
    start: d.start,
    end: d.start + Math.max(d.length, 0),
    message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  }));
  return { sourceFile, syntaxErrors };
}

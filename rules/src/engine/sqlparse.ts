/**
 * The real PostgreSQL parser (libpg-query, WASM). Its module loads asynchronously once
 * (`await initSqlParser()`, done by the CLI and the server at start); after that parsing is synchronous.
 * Engine code asks `parseSql` and treats `undefined` (parser not loaded) as "unknown".
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
import * as pgq from 'libpg-query';

let loaded = false;
let loading: Promise<void> | undefined;

export function initSqlParser(): Promise<void> {
  if (loaded) return Promise.resolve();
  loading ??= pgq.loadModule().then(() => {
    loaded = true;
  });
  return loading;
}

export function isSqlParserReady(): boolean {
  return loaded;
}

export type SqlParseResult = { ok: true; ast: { stmts: unknown[] } } | { ok: false; message: string; position?: number };

/**
 * Parses SQL; undefined when the parser is not loaded yet. Results are shared between equal texts (the same
 * query appears in many places, and again on every keystroke in the editor): callers must not modify them.
 */
export function parseSql(sql: string): SqlParseResult | undefined {
  if (!loaded) return undefined;
  const hit = parsed.get(sql);
  if (hit) return hit;
  let result: SqlParseResult;
  try {
    result = { ok: true, ast: pgq.parseSync(sql) as { stmts: unknown[] } };
  } catch (err) {
    const e = err as { message?: string; sqlDetails?: { cursorPosition?: number } };
    result = { ok: false, message: e.message ?? String(err), position: e.sqlDetails?.cursorPosition };
  }
  if (parsed.size >= MAX_PARSED) parsed.clear();
  parsed.set(sql, result);
  return result;
}
const parsed = new Map<string, SqlParseResult>();
const MAX_PARSED = 10_000;

/** Visits every node of a libpg-query JSON AST with the path of keys leading to it. */
export function walkSqlAst(node: unknown, visit: (key: string, value: Record<string, unknown>, parents: string[]) => void, parents: string[] = []): void {
  if (Array.isArray(node)) {
    for (const item of node) walkSqlAst(item, visit, parents);
    return;
  }
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (value && typeof value === 'object' && !Array.isArray(value)) visit(key, value as Record<string, unknown>, parents);
    walkSqlAst(value, visit, [...parents, key]);
  }
}

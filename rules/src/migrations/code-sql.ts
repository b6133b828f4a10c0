/**
 * Bridges the engine's file model and the migrated schema for no-missing-migration: SQL text arguments of
 * database calls whose text is static are checked, and problems are mapped back into the TS source.
 */
import * as ts from 'typescript';
import type { Language, Finding } from '../engine/types';
import type { Problem, Schema } from './types';
import { checkSqlAgainstSchema, type CheckSqlOptions } from './check-sql';
import { problemMessage, MISSING_RULE_ID } from './lint';

/** Sync check of one SQL text from application code (parser must be loaded: `await ensureParser()`). */
export function checkCodeSql(sql: string, schema: Schema, opts?: CheckSqlOptions): Problem[] {
  return checkSqlAgainstSchema(sql, schema, opts);
}

/**
 * Static SQL of a string-like argument and how to map an offset in that SQL back to the source file.
 * Plain literals map exactly; templates whose interpolations are parameters are not handled here
 * (the engine's sqltext helpers know those), so they return undefined.
 */
export function literalSql(arg: ts.Expression, sf: ts.SourceFile): { sql: string; toFile: (offset: number) => number } | undefined {
  if (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) {
    const start = arg.getStart(sf) + 1;
    const raw = sf.text.slice(start, arg.end - 1);
    if (raw === arg.text) return { sql: arg.text, toFile: (o) => start + o };
    // Escapes inside the literal: map to the whole literal.
    return { sql: arg.text, toFile: () => start };
  }
  return undefined;
}

/** Findings for the SQL string arguments of a file, given `(sqlArg) => sql + mapping` pairs. */
export function codeSqlFindings(
  file: string,
  sites: { sql: string; toFile: (offset: number) => number }[],
  schema: Schema,
  options: { language?: Language; severity?: 'warn' | 'error'; tempTables?: CheckSqlOptions['tempTables'] } = {},
): Finding[] {
  const out: Finding[] = [];
  for (const s of sites) {
    for (const p of checkSqlAgainstSchema(s.sql, schema, { tempTables: options.tempTables })) {
      const m = problemMessage(p, options.language ?? 'en');
      const start = s.toFile(p.start);
      const end = Math.max(start, s.toFile(p.end));
      out.push({ ruleId: MISSING_RULE_ID, messageId: m.messageId, message: m.message, severity: options.severity ?? 'error', file, start, end, data: m.data });
    }
  }
  return out;
}

/** Turns migration checks into engine Findings (rule ids no-unsafe-migration, no-invalid-migration, no-missing-migration). */
import type { Finding, Language, Localized } from '../engine/types';
import { formatMessage } from '../engine/rule';
import type { MigrationSet, Problem, SchemaBuild } from './types';
import { INVALID_MESSAGES, MISSING_MESSAGES, SUGGESTION, UNSAFE_MESSAGES } from './messages';
import { checkUnsafe, ensureParser, type UnsafeOptions } from './unsafe';

export const UNSAFE_RULE_ID = 'no-unsafe-migration';
export const INVALID_RULE_ID = 'no-invalid-migration';
export const MISSING_RULE_ID = 'no-missing-migration';

export interface LintMigrationsOptions extends UnsafeOptions {
  language?: Language;
  /** Severity per rule id ('off' drops the rule). */
  severity?: Partial<Record<string, 'off' | 'warn' | 'error'>>;
}

function msg(l: Localized, language: Language, data: Record<string, string>): string {
  return formatMessage(l[language], data);
}

/** Findings on the migration files: statements that fail to apply, and unsafe changes. Loads the SQL parser if needed. */
export async function lintMigrations(set: MigrationSet, build: SchemaBuild | undefined, options: LintMigrationsOptions = {}): Promise<Finding[]> {
  await ensureParser();
  return lintMigrationsSync(set, build, options);
}

/** Same as lintMigrations, once `ensureParser()` has resolved. */
export function lintMigrationsSync(set: MigrationSet, build: SchemaBuild | undefined, options: LintMigrationsOptions = {}): Finding[] {
  const language = options.language ?? 'en';
  const sev = (id: string, def: 'warn' | 'error') => options.severity?.[id] ?? def;
  const out: Finding[] = [];
  const invalidSev = sev(INVALID_RULE_ID, 'error');
  if (invalidSev !== 'off' && build)
    for (const e of build.errors) {
      const data = { message: e.message };
      out.push({ ruleId: INVALID_RULE_ID, messageId: 'failed', message: msg(INVALID_MESSAGES.failed, language, data), severity: invalidSev, file: e.file, start: e.start, end: e.end, data });
    }
  const unsafeSev = sev(UNSAFE_RULE_ID, 'warn');
  if (unsafeSev !== 'off')
    for (const p of checkUnsafe(set, build, options)) {
      const severity = p.messageId === 'concurrentlyInTransaction' ? 'error' : unsafeSev;
      out.push({
        ruleId: UNSAFE_RULE_ID,
        messageId: p.messageId,
        message: msg(UNSAFE_MESSAGES[p.messageId], language, p.data),
        severity,
        file: p.file,
        start: p.start,
        end: p.end,
        data: p.data,
        ...(p.related ? { related: p.related } : {}),
      });
    }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.start - b.start));
}

/** Message of a SQL problem (from checkSql / checkSqlAgainstSchema) in the wanted language. */
export function problemMessage(p: Problem, language: Language = 'en'): { messageId: string; message: string; data: Record<string, string> } {
  const suggestion = p.suggestion ? formatMessage(SUGGESTION[language], { s: p.suggestion }) : '';
  const data = { name: p.name, table: p.table ?? '', suggestion };
  const messageId = p.kind === 'missing-relation' ? 'missingRelation' : p.kind === 'missing-column' ? 'missingColumn' : 'missingFromEntry';
  return { messageId, message: msg(MISSING_MESSAGES[messageId], language, data), data };
}

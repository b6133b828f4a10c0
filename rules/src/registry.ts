/** Every rule pglint runs, by id. An explicit list: no globbing at run time. */
import type { Rule } from './engine/rule';
import noQueryInLoop from './rules/no-query-in-loop';
import noUnreleasedClient from './rules/no-unreleased-client';
import noSqlConcatenation from './rules/no-sql-concatenation';
import noMissingMigration from './rules/no-missing-migration';
import noUnsafeMigration from './rules/no-unsafe-migration';
import noInvalidMigration from './rules/no-invalid-migration';

export const RULES: Record<string, Rule> = {
  'no-query-in-loop': noQueryInLoop as Rule,
  'no-unreleased-client': noUnreleasedClient as Rule,
  'no-sql-concatenation': noSqlConcatenation as Rule,
  'no-missing-migration': noMissingMigration as Rule,
  'no-unsafe-migration': noUnsafeMigration as Rule,
  'no-invalid-migration': noInvalidMigration as Rule,
};

export type RuleId = keyof typeof RULES;

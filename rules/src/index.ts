/** The engine's public API, for the CLI and the language server. */
export { Project, defaultConfig, MAX_FILE_BYTES, type FileResult, type LintFileOptions, type ProjectOptions } from './engine/project';
export { RULES } from './registry';
export { LineIndex } from './engine/text';
export { initSqlParser } from './engine/sqlparse';
export { applyFixes } from './engine/fixes';
export type { Finding, Fix, FixSafety, TextEdit, RelatedLocation, Language, RuleSeverity } from './engine/types';
export type { Rule, RuleMeta, RuleDocs } from './engine/rule';
export { CHAPTERS, chapter, chapterUrl, DEFAULT_DOCS_BASE_URL, type ChapterId } from './chapters';
export type { ResolvedConfig, UserConfig, RuleSetting } from './config-types';

/**
 * pglint — migrations side of the engine (no LSP/CLI knowledge). Public API:
 *
 * Discovery
 *   discoverMigrations(root, configuredPaths?) -> MigrationSet
 *     Finds Flyway (V<n>__ / R__), dbmate (-- migrate:up/down), golang-migrate (*.up.sql / *.down.sql), numbered
 *     *.sql, Prisma (prisma/migrations/<folder>/migration.sql), drizzle-kit (--> statement-breakpoint, ordered by
 *     meta/_journal.json), node-pg-migrate, knex and TypeORM migrations, ordered as their tool does. JS/TS files are
 *     parsed statically (never executed) and their builder calls turned into SQL. Each Migration has its up
 *     statements with file offsets (`exact` when the SQL sits verbatim in the file, e.g. inside a string), hasDown,
 *     transactional, notes (skipped builder calls...). Never throws: problems become `set.notes`.
 *   DEFAULT_MIGRATION_DIRS — folders looked at without configuration.
 *
 * Schema
 *   buildSchema(set, {cacheDir?, pglite?, keepDatabase?}) -> Promise<BuildResult>
 *     Applies the up SQL in an in-process PGlite statement by statement; failures become MigrationError
 *     {file,start,end,message} with Postgres's message, and the replay goes on. Result: Schema (tables, views,
 *     columns with type/nullability/default), errors, relationsBefore (per migration), key. Cached as JSON under
 *     <root>/node_modules/.cache/pglint/ (or the OS temp dir) keyed by pglint version + migrations' content: a
 *     second build with unchanged migrations does not start PGlite (`fromCache: true`). keepDatabase returns `db`,
 *     the PGlite holding the schema (for checkSql). openSchemaDatabase(set) rebuilds such a db after a cache hit.
 *   startPglite() -> {db, ms}; PGlite's first start measured at ~2.5-3.5 s on this machine (10 s under load).
 *
 * SQL from application code
 *   await ensureParser() once, then:
 *   checkSqlAgainstSchema(sql, schema, {tempTables?, searchPath?}) -> Problem[]   (sync, libpg-query AST)
 *   checkCodeSql(sql, schema) -> Problem[]                                        (same, named for the engine)
 *   checkSql(sql, schema, db?, opts?) -> Promise<Problem[]>
 *     With db, Postgres describes each statement inside a rolled-back transaction: message and position are
 *     Postgres's own; AST doubts on statements Postgres accepts are dropped.
 *   Problem {kind, start, end (offsets inside the SQL text), name, table?, suggestion?, message, source}.
 *   problemMessage(problem, language) -> {messageId, message, data} for no-missing-migration findings.
 *   literalSql(expr, sourceFile), codeSqlFindings(file, sites, schema) — map problems back into TS source.
 *
 * Models
 *   checkModels(files: {file,text}[], schema, {typeormNaming?}) -> ModelProblem[]
 *     Drizzle pgTable/pgSchema().table, TypeORM @Entity/@Column/@ManyToOne (+@JoinColumn), Prisma models
 *     (@map/@@map/@@schema). Each problem has the range of the model table name or field, and `missing` data for
 *     planMigration. modelColumns(files, table) lists a model's columns (to create a missing table whole).
 *
 * Migration safety and findings
 *   lintMigrations(set, build, {language?, severity?, usages?}) -> Promise<Finding[]>
 *     no-invalid-migration (build.errors) and no-unsafe-migration findings (Finding from engine/types).
 *     `usages(table, column?) => Location[]` adds `related` locations to DROP/RENAME findings.
 *   lintMigrationsSync(...) — same after ensureParser().
 *   checkUnsafe(set, build, {usages?}) -> UnsafeProblem[] — raw data behind the findings.
 *
 * "Create migration" fix
 *   planMigration(set, missing: {table, column?, type?, schema?}[], {schema?, dir?, now?, tableColumns?})
 *     -> {file, text, files, tool}: a new migration in the project's own format (next Flyway version,
 *     dbmate timestamp, golang-migrate up/down pair, numbered SQL, Prisma folder, drizzle file + journal entry,
 *     node-pg-migrate / knex JS or TS file, TypeORM class). Throws a clear Error when there is no migrations folder.
 *
 * Code side of no-missing-migration (missing.ts)
 *   collectSqlSites(fileModel) -> SqlSite[] {sql, toFile(offset, isEnd?)}: static SQL of db calls, tagged templates
 *   (interpolations -> $n), const variables, project wrappers; builderProblems(fileModel, schema) for knex/kysely;
 *   codeProblems(fileModel, schema) -> Problem[] at file offsets; createMigrationFix(set, schema, items) -> Fix.
 *   project-hooks.ts: prismaModelFindings / projectModelOptions / codeUsages, used by Project.prepare().
 *
 * Live database (live.ts, opt-in)
 *   checkLiveDatabase(project, url, {timeoutMs?, files?, language?}) -> Promise<{findings, warnings}>
 *     unapplied migrations (tool history tables), code SQL PREPAREd inside BEGIN READ ONLY ... ROLLBACK,
 *     pool sizes vs max_connections - reserved. Never writes, never throws; redactUrl(url) hides the password.
 *
 * Messages (en/fr) live in messages.ts and are shared with rules/src/rules/no-{unsafe,missing,invalid}-migration.ts.
 */
export * from './types';
export { discoverMigrations, detectLayout, DEFAULT_MIGRATION_DIRS } from './discover';
export { readJsMigration } from './js-builders';
export { splitSql } from './sql-split';
export { buildSchema, startPglite, openSchemaDatabase, readSchema, migrationsKey, defaultCacheDir, type BuildOptions, type BuildResult } from './schema-build';
export { checkSql, checkSqlAgainstSchema, type CheckSqlOptions } from './check-sql';
export { checkCodeSql, literalSql, codeSqlFindings } from './code-sql';
export { checkModels, modelColumns, declaredModels, type ModelFile, type ModelProblem, type ModelOptions } from './models';
export { checkUnsafe, ensureParser, TOOLS_WITH_DOWN, type UnsafeProblem, type UnsafeOptions, type Location } from './unsafe';
export { lintMigrations, lintMigrationsSync, problemMessage, UNSAFE_RULE_ID, INVALID_RULE_ID, MISSING_RULE_ID, type LintMigrationsOptions } from './lint';
export { planMigration, type MissingItem, type MigrationPlan, type PlanOptions, type PlannedFile } from './plan';
export { UNSAFE_MESSAGES, INVALID_MESSAGES, MISSING_MESSAGES } from './messages';
export { levenshtein, closest } from './util';
export { collectSqlSites, sqlSiteOf, codeProblems, builderProblems, tempTablesOf, createMigrationFix, missingItemOf, modelMessage, type SqlSite } from './missing';
export { prismaModelFindings, prismaSchemaFiles, projectModelOptions, codeUsages } from './project-hooks';
export { checkLiveDatabase, redactUrl, poolSites, LIVE_RULE_ID, type LiveResult, type LiveOptions, type LiveProject } from './live';
export { LIVE_MESSAGES } from './messages';

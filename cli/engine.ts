/**
 * The heavy half of the CLI: the engine (TypeScript's parser, the rules, the SQL parser, PGlite).
 * Bundled on its own (dist/engine.js) and loaded only when some file misses the result cache, so a warm
 * run never loads TypeScript. `loadEngine()` (cli/engine-loader.ts) is the only way the CLI reaches it.
 */
export { checkLiveDatabase } from '../rules/src/migrations/live';

export { Project, RULES, initSqlParser, type FileResult } from '../rules/src';

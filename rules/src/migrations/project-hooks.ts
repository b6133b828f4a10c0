/**
 * What Project.prepare() needs from the migrations side beyond the schema: Prisma schema findings (a
 * schema.prisma is not a TS file, so no rule runs on it), project-wide model options, and the places in the
 * code that use a table or column (related locations of DROP / RENAME findings).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding, Language } from '../engine/types';
import type { FileModel } from '../engine/model';
import { discoverFiles } from '../engine/discover';
import { isSourceFile } from '../engine/parse';
import type { MigrationSet, Schema } from './types';
import { checkModels, modelColumns } from './models';
import { collectSqlSites, createMigrationFix, modelMessage } from './missing';
import { MISSING_RULE_ID } from './lint';

/** What of Project these helpers use (kept structural to avoid an import cycle). */
export interface ProjectLike {
  root: string;
  /** The project's files as `discoverFiles(root, [root], ignores)` lists them, when known without a walk. */
  knownProjectFiles?(): readonly string[] | undefined;
  textOf(absPath: string): string | undefined;
  reachesDatabase(absPath: string): boolean;
  model(absPath: string): FileModel | undefined;
}

/** schema.prisma files of the project: prisma/schema.prisma, schema.prisma, next to each Prisma migrations folder, prisma/schema/*.prisma. */
export function prismaSchemaFiles(set: MigrationSet, exists: (p: string) => boolean, listDir: (dir: string) => string[] = () => []): string[] {
  const out = new Set<string>();
  const cands = [path.join(set.root, 'prisma', 'schema.prisma'), path.join(set.root, 'schema.prisma')];
  for (const g of set.groups) if (g.tool === 'prisma') cands.push(path.join(path.dirname(g.dir), 'schema.prisma'));
  for (const c of cands) if (exists(c)) out.add(path.resolve(c));
  for (const f of listDir(path.join(set.root, 'prisma', 'schema'))) if (f.endsWith('.prisma')) out.add(path.resolve(set.root, 'prisma', 'schema', f));
  return [...out].sort();
}

/** no-missing-migration findings on Prisma models, keyed by their schema.prisma file. */
export function prismaModelFindings(set: MigrationSet, schema: Schema, textOf: (p: string) => string | undefined, language: Language, severity: 'warn' | 'error'): Finding[] {
  const files = prismaSchemaFiles(set, (p) => textOf(p) !== undefined, (dir) => {
    try {
      return fs.readdirSync(dir);
    } catch {
      return [];
    }
  }).map((file) => ({ file, text: textOf(file)! }));
  const out: Finding[] = [];
  for (const p of checkModels(files, schema)) {
    const m = modelMessage(p, language);
    const tableColumns = p.missing.column ? undefined : { [p.missing.table]: modelColumns(files, p.missing.table) };
    const fix = createMigrationFix(set, schema, [p.missing], language, { preferTool: 'prisma', tableColumns });
    out.push({ ruleId: MISSING_RULE_ID, messageId: m.messageId, message: m.message, severity, file: p.file, start: p.start, end: p.end, data: m.data, ...(fix ? { fixes: [fix] } : {}) });
  }
  return out;
}

/**
 * TypeORM naming strategy of the project (SnakeNamingStrategy anywhere in its sources → 'snake').
 * `textOf` reads a file (the Project's reader: texts it already holds are not read again).
 */
export function projectModelOptions(
  root: string,
  ignores: readonly string[],
  textOf: (file: string) => string | undefined = (f) => {
    try {
      return fs.readFileSync(f, 'utf8');
    } catch {
      return undefined;
    }
  },
  /** The project's files, when the caller already listed them (see ProjectLike.knownProjectFiles). */
  known?: readonly string[],
): { typeormNaming?: 'default' | 'snake' } {
  try {
    const files = known ?? discoverFiles(root, [root], ignores).files;
    for (const f of files) {
      if (isSourceFile(f) && textOf(f)?.includes('SnakeNamingStrategy')) return { typeormNaming: 'snake' };
    }
  } catch {
    // discovery problems: default naming
  }
  return {};
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `(table, column?) => locations` of the code's static SQL texts naming that table (and column). The project's
 * source files are indexed lazily, on the first question (only DROP / RENAME findings ask).
 */
export function codeUsages(project: ProjectLike, ignores: readonly string[]): (table: string, column?: string) => { file: string; start: number; end: number }[] {
  let index: { file: string; sql: string; toFile: (o: number, isEnd?: boolean) => number }[] | undefined;
  const build = () => {
    index = [];
    let files: string[] = [];
    try {
      files = (project.knownProjectFiles?.() ?? discoverFiles(project.root, [project.root], ignores).files).filter((f) => isSourceFile(f));
    } catch {
      return;
    }
    for (const f of files.slice(0, 5000)) {
      try {
        if (!project.reachesDatabase(f)) continue;
        const m = project.model(f);
        if (!m || m.syntaxErrors.length) continue;
        for (const s of collectSqlSites(m)) index.push({ file: m.path, sql: s.sql, toFile: s.toFile });
      } catch {
        // a file that cannot be analysed gives no usage
      }
    }
  };
  return (table, column) => {
    if (!index) build();
    const bare = table.includes('.') ? table.slice(table.lastIndexOf('.') + 1) : table;
    const tRe = new RegExp(`(^|[^\\w$"])"?${escapeRe(bare)}"?(?![\\w$])`, 'i');
    const out: { file: string; start: number; end: number }[] = [];
    for (const s of index!) {
      if (!tRe.test(s.sql)) continue;
      const re = new RegExp(`(^|[^\\w$"])"?(${escapeRe(column ?? bare)})"?(?![\\w$])`, 'gi');
      for (const m of s.sql.matchAll(re)) {
        const at = m.index! + m[1]!.length + (s.sql[m.index! + m[1]!.length] === '"' ? 1 : 0);
        const start = s.toFile(at);
        out.push({ file: s.file, start, end: Math.max(start, s.toFile(at + m[2]!.length, true)) });
        if (out.length >= 20) return out;
      }
    }
    return out;
  };
}

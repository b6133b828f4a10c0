/**
 * Project: the engine's entry point for adapters (CLI, language server). It owns the files (disk or
 * editor overlays), resolves imports between them, keeps one FileModel per file version, and lints.
 * It never executes workspace code.
 */
import * as path from 'node:path';
import * as ts from 'typescript';
import { foldComponents } from './graph';
import { parse, isSourceFile } from './parse';
import { callLabel, FileModel, iterationCallOf, type FunctionRef } from './model';
import { staticText } from './sqltext';
import { localKey, NodeRef, pathOf, type Value } from './values';
import { resolveIdentifier } from './scope';
import { DB_MODULES, libraryForModule, type LibId, type LibraryModel } from './libraries';
import { formatMessage, type ReportDescriptor, type Rule, type RuleContext } from './rule';
import type { Finding, Language } from './types';
import type { ResolvedConfig } from '../config-types';
import { DEFAULT_DOCS_BASE_URL } from '../chapters';
import { applySuppressions } from './suppress';
import { RULES } from '../registry';
import { initSqlParser } from './sqlparse';
import { discoverMigrations, buildSchema, ensureParser, lintMigrationsSync, type MigrationSet, type Schema, type SchemaBuild } from '../migrations';
import { prismaModelFindings, projectModelOptions, codeUsages } from '../migrations/project-hooks';
import { simulateMigrations } from '../migrations/simulate';
import { hasCachedSchema } from '../migrations/schema-build';
import { childPath, listDirOnDisk, readTextFile } from './read';
import { readWorkspacePackages, workspaceCandidates, type WorkspacePackage } from './workspaces';

export const MAX_FILE_BYTES = 2 * 1024 * 1024;

export interface FileResult {
  file: string;
  findings: Finding[];
  /** Why the file was not analysed (too large, binary, unreadable), if it was not. */
  skipped?: string;
  /** Exceptions raised by rules on this file (logged by adapters; never fatal). */
  errors?: string[];
  /** The file was analysed (it can reach a database module). */
  analysed?: boolean;
  /**
   * A migration file whose findings depend on the code too (a DROP or RENAME asked where the code uses what it
   * removes): a cache must key it on every source file. Other migration files depend on the migrations only.
   */
  readsCode?: boolean;
}

export interface LintFileOptions {
  /** With `lintFileAsync`: the result is no longer wanted (checked at each step). */
  isCancelled?: () => boolean;
  /** What `lintFileEarly` found: only the rules that read the migrations' schema run now, and the two are merged. */
  early?: EarlyLint;
  reportUnusedDisables?: boolean;
}

export interface ProjectOptions {
  root: string;
  config?: ResolvedConfig;
  /** Reads a file's text; undefined when it does not exist. Defaults to the disk. */
  readFile?: (absPath: string) => string | undefined;
  /**
   * Names in a folder, so resolving an import does not try to read each candidate file (`./x` → x.ts, x.tsx,
   * x.js, … x/index.ts): one listing per folder instead. null when the path is not a folder (missing, or a file:
   * `./styles.scss` tried as a folder holding index.ts), so nothing under it exists; undefined when it cannot be
   * listed (each candidate is then read). Defaults to the disk when `readFile` does too; give it with a
   * `readFile` that reads the disk.
   */
  listDir?: (absDir: string) => readonly string[] | null | undefined;
  rules?: Record<string, Rule>;
  /**
   * Every file of the project as `discoverFiles(root, [root], config.ignores)` lists it, when the caller has that
   * list (the CLI discovered the whole project): the migrations' checks then need no walk of their own (they look
   * for the naming strategy and for SQL naming a dropped table across the project). Undefined: they walk it.
   */
  projectFiles?: () => readonly string[] | undefined;
}

interface FileEntry {
  text: string;
  model?: FileModel;
  /** Why the file is not analysed although it was read (see ParseResult.tooDeep). */
  tooDeep?: string;
  imports?: string[];
  /** Resolved project-relative imports (absolute paths). */
  deps?: string[];
  /** Kept by `releaseAll` until `release` (`pin`). */
  pinned?: boolean;
  /** How many times it was parsed: more than once when asked for again after its model was released. */
  parses?: number;
  /** The names its export statements name (`scanExports`), or 'all' when it may export anything. */
  exportNames?: ReadonlySet<string> | 'all';
}

export function defaultConfig(): ResolvedConfig {
  return { rules: {}, ignores: [], migrations: { paths: [] }, docs: { baseUrl: DEFAULT_DOCS_BASE_URL, language: 'en' } };
}

/** The part of a lint done before the migrations' schema exists (`Project.lintFileEarly`). */
export interface EarlyLint {
  file: string;
  /** Findings of the rules that do not read the schema, not yet sorted or filtered by suppression comments. */
  findings: Finding[];
  errors: string[];
  /** The whole result already (the file was not analysed, or does not parse): nothing is left to run. */
  done?: FileResult;
}

/** See `Project.preparedState()`. */
export interface PreparedState {
  set: MigrationSet;
  build?: SchemaBuild;
  error?: string;
}

/**
 * `path.resolve` for the paths the project is asked about, which are almost always absolute and normalised
 * already: those are returned as they are (path.resolve was ≈ 75 ms of a 2.8 s profile of a cold run on outline).
 */
function absolute(p: string): string {
  return path.sep === '/' && p.charCodeAt(0) === 47 && !ODD_SEGMENT.test(p) ? p : path.resolve(p);
}
const ODD_SEGMENT = /\/\.{0,2}(?:\/|$)/;

/** What the early phase of `lintSteps` returns when the rules that read the schema are still to run. */
const PARTIAL = Symbol('partial lint');
/** `Project.fact`: a key worked out to nothing, and a key being worked out. */
const NO_ANSWER = Symbol('no answer');
const IN_PROGRESS = Symbol('in progress');

/**
 * `export * from`, `export =`, a destructuring export, several declarators on the export's line
 * (`export const a = 1, b = 2`), CommonJS exports: names a scan cannot list. (Declarators on later lines are not
 * seen: the module is then not searched for them, and a value it exports is unknown.)
 */
const EXPORT_ANY = /\bexport\s*[*=]|\bexport\s+(?:declare\s+)?(?:const|let|var)\s*[{[]|\bexport\s+(?:declare\s+)?(?:const|let|var)\s[^;\n]*,\s*[A-Za-z_$][\w$]*\s*[=:]|\bexports\b/;
/** `export function f`, `export default class C`, `export const enum E`, `export import N =`: the declared name. */
const EXPORT_DECL = /\bexport\s+(?:declare\s+)?(?:default\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\s*\*?\s*|(?:const\s+enum|const|let|var|class|enum|namespace|module|type|interface|import)\s+)([A-Za-z_$][\w$]*)/g;
/** `export { a, b as c }`, `export type { T } from './x'`: the list. */
const EXPORT_LIST = /\bexport\s*(?:type\s*)?\{([^}]*)\}/g;

/**
 * The names a module's export statements name, from its text (no parse): declarations, and each entry of an export
 * list by the name it is exported as (`a as b` → b). 'all' when it may export names no scan can list.
 */
export function scanExports(text: string): ReadonlySet<string> | 'all' {
  if (EXPORT_ANY.test(text)) return 'all';
  const names = new Set<string>();
  for (const m of text.matchAll(EXPORT_DECL)) names.add(m[1]!);
  for (const m of text.matchAll(EXPORT_LIST)) {
    for (const part of m[1]!.split(',')) {
      const words = part.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '').trim().split(/\s+/).filter((w) => w && w !== 'type');
      const exported = words[words.length - 1];
      if (exported) names.add(exported.replace(/^['"]|['"]$/g, ''));
    }
  }
  return names;
}
/** `import(` or `require(` of something other than a quoted name (a template literal may hold a computed path). */
const COMPUTED_LOAD = /\b(?:import|require)\s*\(\s*(?!['"])/;
const RESOLVE_EXTS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
/** `./x.js` in TypeScript source names x.ts (or x.tsx): the extensions tried first for each written one. */
const MAPPED_EXTS: Record<string, readonly string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };
const DB_MODULE_SET = new Set(DB_MODULES);

export class Project {
  readonly root: string;
  config: ResolvedConfig;
  private readonly files = new Map<string, FileEntry | null>();
  private readonly overlays = new Map<string, string>();
  private readonly readFileFn: (p: string) => string | undefined;
  private readonly listDirFn?: (dir: string) => readonly string[] | null | undefined;
  /** Per folder: its names, exact and lower-cased (`listDir`); null when it cannot be listed. */
  private readonly dirNames = new Map<string, ReadonlySet<string> | null>();
  /**
   * `resolvePath` answers (null: unresolved): for a relative specifier by importing folder, for an alias or bare
   * one by the config that governs the importing folder ('' for none). Two levels, so a lookup builds no key.
   */
  private readonly resolvedRelative = new Map<string, Map<string, string | null>>();
  private readonly resolvedBare = new Map<string, Map<string, string | null>>();
  /** Workspace package imports by specifier (they resolve the same from every folder). */
  private readonly resolvedWorkspace = new Map<string, string | null>();
  private rules: Record<string, Rule>;
  private reachCache = new Map<string, boolean>();
  /** `mayLoadCodeAtRunTime` answers; cleared on every edit (they are read from the texts). */
  private loadsCodeCache = new Map<string, boolean>();
  /** Path aliases by config file (tsconfig.json / jsconfig.json), and the config that governs each folder. */
  private readonly aliasesByConfig = new Map<string, PathAliases>();
  private readonly configOfDir = new Map<string, string | null>();
  /** Every file read to work out path aliases (configs and what they extend) and workspace packages: the CLI keys its cache on them. */
  private readonly aliasConfigFiles = new Set<string>();
  /** The monorepo's workspace packages by name (engine/workspaces.ts), read on the first bare import. */
  private workspaces?: Map<string, WorkspacePackage>;
  /**
   * What the project worked out about a file's values and functions that other files ask for (exports, members,
   * what a function returns, its first query), by the file it is about: plain data and detached values (values.ts
   * `detach`), so the file's tree can be released once linted and later importers still get their answers without
   * parsing it again. A file's facts go when it or a file it imports (directly or not) changes.
   */
  private facts = new Map<string, Map<string, unknown>>();
  /** Models parsed and not released (so `releaseAll` need not go over every file). */
  private readonly alive = new Set<FileEntry>();
  /**
   * Models `releaseAll` keeps, least recently used first: files parsed a third time, because files linted after
   * them asked twice for something no fact answered (a hub: a base class, the models' index, a barrel). Most files
   * are asked again once or not at all; keeping those would only age their trees into the old generation.
   */
  private readonly kept = new Set<FileEntry>();
  /** How many such models `releaseAll` keeps at most, and after how many parses (bench/RESULTS.md, ninth session). */
  static readonly KEPT_MODELS = 64;
  static readonly KEEP_AFTER_PARSES = 3;

  /** Files parsed so far (for benchmarks and debugging: `PGLINT_DEBUG=1` prints it per thread). */
  parsed = 0;

  private migrations?: { set: MigrationSet; build?: SchemaBuild; findings?: Map<string, Finding[]>; readsCode?: Set<string>; files?: Set<string>; error?: string };

  constructor(options: ProjectOptions) {
    this.root = path.resolve(options.root);
    this.config = options.config ?? defaultConfig();
    this.readFileFn = options.readFile ?? readTextFile;
    this.listDirFn = options.listDir ?? (options.readFile ? undefined : listDirOnDisk);
    this.rules = options.rules ?? RULES;
    this.projectFilesFn = options.projectFiles;
  }

  private readonly projectFilesFn?: () => readonly string[] | undefined;

  /** The project's files when the caller listed them (`ProjectOptions.projectFiles`), else undefined. */
  knownProjectFiles(): readonly string[] | undefined {
    return this.projectFilesFn?.();
  }

  setConfig(config: ResolvedConfig): void {
    const librariesChanged = JSON.stringify(config.libraries ?? {}) !== JSON.stringify(this.config.libraries ?? {});
    this.config = config;
    // Another module read as a database library changes which files reach one, and what their values are.
    if (librariesChanged) {
      for (const [f, e] of this.files) {
        this.release(f);
        if (e) e.deps = undefined; // a specifier now read as a library is no longer a project import
      }
      this.reachCache.clear();
      this.loadsCodeCache.clear();
      this.facts.clear();
    }
  }

  /** The database library a module specifier names: one pglint knows, or one the configuration maps to one. */
  libraryFor(specifier: string): LibraryModel | undefined {
    return libraryForModule(this.config.libraries?.[specifier] ?? specifier);
  }

  private isDatabaseModule(specifier: string): boolean {
    return DB_MODULE_SET.has(specifier) || this.config.libraries?.[specifier] !== undefined;
  }

  /**
   * Loads the SQL parser and builds the schema the project's migrations produce (PGlite, cached by the
   * migrations' content). Call once before linting, and again when a migration file changes.
   * Never throws: a failure becomes `migrationError()` and the code rules still run.
   */
  async prepare(options: { cacheDir?: string | false } = {}): Promise<void> {
    await initSqlParser();
    try {
      await ensureParser();
      const set = this.discovered ?? discoverMigrations(this.root, this.config.migrations.paths);
      this.discovered = undefined;
      let build: SchemaBuild | undefined;
      if (set.migrations.length) build = await buildSchema(set, { cacheDir: options.cacheDir });
      if (build && set.migrations.length) set.modelOptions = projectModelOptions(this.root, this.config.ignores, (f) => this.peekText(f), this.knownProjectFiles());
      // The findings on the migration files themselves are worked out when a lint first asks for them
      // (`migrationFindings`): a CLI run whose migration files all hit its cache never does.
      this.migrations = { set, build };
    } catch (err) {
      this.migrations = { set: { root: this.root, groups: [], migrations: [], notes: [] }, findings: new Map(), readsCode: new Set(), error: (err as Error).message };
    }
  }

  private isMigrationFile(file: string): boolean {
    const m = this.migrations;
    if (!m) return false;
    m.files ??= new Set(m.set.migrations.map((x) => x.file));
    return m.files.has(file);
  }

  /**
   * Findings on migration files (statements that fail, unsafe changes) and on Prisma schemas (models ahead of the
   * migrations), by file; worked out once, on first use after `prepare()`. Also fills `readsCode`.
   */
  private migrationFindings(): Map<string, Finding[]> {
    const m = this.migrations;
    if (!m) return new Map();
    if (m.findings) return m.findings;
    const findings = new Map<string, Finding[]>();
    const readsCode = new Set<string>();
    m.findings = findings;
    m.readsCode = readsCode;
    const { set, build } = m;
    const enabled = (id: string): 'warn' | 'error' | undefined => {
      const sev = this.config.rules[id]?.severity ?? this.rules[id]?.meta.defaultSeverity;
      return sev === 'off' || sev === undefined ? undefined : sev;
    };
    const add = (f: Finding): void => {
      const list = findings.get(f.file) ?? [];
      list.push(f);
      findings.set(f.file, list);
    };
    try {
      if (set.migrations.length) {
        const usages = codeUsages(this, this.config.ignores);
        const all = lintMigrationsSync(set, build, {
          language: this.config.docs.language,
          usages: (table, column, from) => {
            readsCode.add(from);
            return [...this.usagesOf(table, column), ...usages(table, column)];
          },
        });
        for (const f of all) {
          const sev = enabled(f.ruleId);
          if (!sev) continue;
          if (f.severity !== 'error') f.severity = sev;
          add(f);
        }
      }
      const sev = enabled('no-missing-migration');
      if (build && set.migrations.length && sev) for (const f of prismaModelFindings(set, build.schema, (p) => this.textOf(p), this.config.docs.language, sev)) add(f);
    } catch (err) {
      findings.clear();
      m.error ??= (err as Error).message;
    }
    return findings;
  }

  /**
   * The migration files `prepare()` will read (absolute, sorted), found without building anything; the discovery
   * is kept for the next `prepare()`. Empty when they cannot be read (`prepare()` then says why).
   */
  migrationFiles(): string[] {
    try {
      this.discovered ??= discoverMigrations(this.root, this.config.migrations.paths);
      return [...new Set(this.discovered.migrations.map((m) => m.file))].sort();
    } catch {
      return [];
    }
  }
  private discovered?: MigrationSet;

  /**
   * Whether `prepare({ cacheDir })` will start PGlite to replay the migrations: false when there are none, when an
   * earlier run cached their schema there, or when their statements are all ones whose effect is worked out
   * without it (rules/src/migrations/simulate.ts).
   */
  async needsDatabaseReplay(options: { cacheDir?: string | false } = {}): Promise<boolean> {
    if (!this.migrationFiles().length || !this.discovered) return false;
    if (hasCachedSchema(this.discovered, options.cacheDir)) return false;
    await initSqlParser();
    return !simulateMigrations(this.discovered);
  }

  /**
   * What `prepare()` found, as plain data another Project over the same root can adopt (a CLI worker thread):
   * the migration set and its schema, without the findings on migration files (the preparing Project reports
   * those) and without replaying anything.
   */
  preparedState(): PreparedState | undefined {
    const m = this.migrations;
    return m && { set: m.set, build: m.build, error: m.error };
  }

  /** Takes over another Project's `preparedState()` instead of running `prepare()`. */
  async adoptPrepared(state: PreparedState): Promise<void> {
    await initSqlParser();
    await ensureParser();
    this.migrations = { set: state.set, build: state.build, error: state.error, findings: new Map(), readsCode: new Set() };
  }

  /** The migration files (and other non-source files with migration findings) `prepare()` reports on. */
  migrationReportFiles(): string[] {
    const m = this.migrations;
    if (!m) return [];
    return [...new Set([...m.set.migrations.map((x) => x.file), ...this.migrationFindings().keys()])];
  }

  /** The schema built from the migrations, once `prepare()` has run and found migrations. */
  migrationSchema(): Schema | undefined {
    return this.migrations?.build?.schema;
  }

  migrationSet(): MigrationSet | undefined {
    return this.migrations?.set;
  }

  /** Why the migrations could not be read or applied, if they could not. */
  migrationError(): string | undefined {
    return this.migrations?.error;
  }

  /** Places in the code that name a table (and column): for DROP/RENAME findings. Filled by adapters that know the files. */
  usagesOf: (table: string, column?: string) => { file: string; start: number; end: number }[] = () => [];

  /** Trees of the previous version of edited files, reused by the incremental parser. */
  private readonly previousTrees = new Map<string, ts.SourceFile>();

  setOverlay(absPath: string, text: string | undefined): void {
    const p = absolute(absPath);
    if (text !== undefined && this.overlays.get(p) === text) return; // unchanged: keep the model
    const before = this.files.get(p);
    const old = before?.model?.sourceFile;
    if (text === undefined) this.overlays.delete(p);
    else this.overlays.set(p, text);
    // An edit that keeps the file's import list changes no file's resolved imports and no file's reach.
    const imports = text !== undefined && before?.imports ? scanImports(text) : undefined;
    const sameImports = !!imports && imports.length === before!.imports!.length && imports.every((s, i) => s === before!.imports![i]);
    this.invalidate(p, sameImports);
    if (sameImports) this.files.set(p, { text: text!, imports, deps: before!.deps });
    if (old && text !== undefined) this.previousTrees.set(p, old);
    // A tree not reparsed yet (several edits between two parses) stays the base of the next incremental parse.
    else if (text === undefined) this.previousTrees.delete(p);
  }

  /** Forgets what the project derived from a file. `sameImports`: its import list did not change (an edit). */
  invalidate(absPath: string, sameImports = false): void {
    this.invalidateMany([absPath], sameImports);
  }

  /**
   * `invalidate` for several files at once (what a branch switch or a formatter changed on disk): one pass over the
   * import graph, where a call per file would go over it once per file.
   */
  invalidateMany(absPaths: readonly string[], sameImports = false): void {
    const paths = [...new Set(absPaths.map(absolute))];
    // Read from the texts, not the import lists: any edit may change it.
    this.loadsCodeCache.clear();
    // Files that import these (transitively) hold values resolved through them: drop their models too.
    // Files they import are unaffected, so an edit re-parses only the file and its dependents.
    const known = paths.filter((p) => this.files.has(p));
    const dependents = known.length ? this.dependentsOfAll(known) : [];
    for (const p of paths) {
      const e = this.files.get(p);
      if (e) {
        this.alive.delete(e);
        this.kept.delete(e);
      }
      this.files.delete(p);
      this.facts.delete(p);
    }
    for (const d of dependents) this.forget(d);
    // Resolved imports may change when a file appears or disappears, reach when its imports change.
    if (!sameImports) {
      // What each parsed file's imports resolved to (the memo still answers as its model saw it).
      const before: [string, string[]][] = [];
      for (const [f, e] of this.files) if (e?.model) before.push([f, this.depsOf(f)]);
      for (const e of this.files.values()) if (e) e.deps = undefined;
      this.reachCache.clear();
      this.dirNames.clear();
      this.resolvedRelative.clear();
      this.resolvedBare.clear();
      this.resolvedWorkspace.clear();
      // A tsconfig.json may have appeared, gone or changed (its path aliases).
      this.configOfDir.clear();
      this.aliasesByConfig.clear();
      this.workspaces = undefined;
      this.discovered = undefined;
      // A module that appears where an import found nothing (or goes, or is shadowed: x.ts before x/index.ts)
      // changes what that import means: such a file's model and its importers' models go too.
      const changed = before.filter(([f, old]) => {
        const now = this.depsOf(f);
        return now.length !== old.length || now.some((d, i) => d !== old[i]);
      }).map(([f]) => f);
      if (changed.length) for (const d of [...changed, ...this.dependentsOfAll(changed)]) this.forget(d);
    }
  }

  /**
   * Lets the garbage collector take a file's parsed model (its tree, values and summaries): the text, imports and
   * reach stay, and so do its facts (`fact`); the file is no longer pinned (`pin`). Asking for the model again parses
   * the file again. A batch lint releases models as it goes (cli/run.ts `lintAllHere`, `releaseAll`).
   */
  release(absPath: string): void {
    const e = this.files.get(absolute(absPath));
    if (e) e.pinned = undefined;
    if (e?.model) {
      e.model = undefined;
      e.tooDeep = undefined;
      this.alive.delete(e);
      this.kept.delete(e);
    }
  }

  /** `release`, and what the project learnt of the file (its facts): for a file whose imports changed meaning. */
  private forget(absPath: string): void {
    this.release(absPath);
    this.facts.delete(absolute(absPath));
  }

  /**
   * Keeps a file's model through `releaseAll` until `release(absPath)`: a file many others import (a base class,
   * the models' index), which each importer asks something else (cli/run.ts `lintAllHere`).
   */
  pin(absPath: string): void {
    const e = this.entry(absPath);
    if (e) e.pinned = true;
  }

  /** Undoes `pin`: the model goes at the next `releaseAll`. */
  unpin(absPath: string): void {
    const e = this.files.get(absolute(absPath));
    if (e) e.pinned = undefined;
  }

  /**
   * Releases the models, keeping the facts (a batch lint, between two files): what later files ask of these is
   * answered from the facts, or by parsing the file again. Pinned files stay, and so do the files asked for again
   * and again (`kept`), up to `KEPT_MODELS`.
   */
  releaseAll(): void {
    for (const e of this.alive) {
      if (this.kept.has(e) || e.pinned) continue;
      e.model = undefined;
      e.tooDeep = undefined;
      this.alive.delete(e);
    }
    for (const e of this.kept) {
      if (this.kept.size <= Project.KEPT_MODELS) break;
      this.kept.delete(e);
      this.alive.delete(e);
      e.model = undefined;
      e.tooDeep = undefined;
    }
  }

  /**
   * The answer to `key` about file `file`, worked out once by `compute` (which must return plain data or detached
   * values). A key asked again while being worked out reads as undefined, which cuts cycles; an exception leaves
   * nothing behind.
   */
  fact<T>(file: string, key: string, compute: () => T | undefined): T | undefined {
    let byKey = this.facts.get(file);
    if (!byKey) this.facts.set(file, (byKey = new Map()));
    const known = byKey.get(key);
    if (known !== undefined) return known === NO_ANSWER || known === IN_PROGRESS ? undefined : (known as T);
    byKey.set(key, IN_PROGRESS);
    let answer: T | undefined;
    try {
      answer = compute();
    } catch (err) {
      byKey.delete(key);
      throw err;
    }
    byKey.set(key, answer === undefined ? NO_ANSWER : answer);
    return answer;
  }

  /** The value of export `name` of a project file (a fact: see `fact`). */
  exportValueOf(absPath: string, name: string): Value | undefined {
    return this.fact(absPath, `x${name}`, () => this.model(absPath)?.computeExport(name));
  }

  /** The text of a file (overlay first), or undefined. */
  textOf(absPath: string): string | undefined {
    return this.entry(absPath)?.text;
  }

  /** The text of a file without keeping it: the project's copy when it holds one, else a read. */
  peekText(absPath: string): string | undefined {
    const p = absolute(absPath);
    if (this.files.has(p)) return this.files.get(p)?.text;
    return this.overlays.get(p) ?? this.readFileFn(p);
  }

  private entry(absPath: string): FileEntry | undefined {
    const p = absolute(absPath);
    if (this.files.has(p)) return this.files.get(p) ?? undefined;
    const text = this.overlays.get(p) ?? this.readFileFn(p);
    const e = text === undefined ? null : { text };
    this.files.set(p, e);
    return e ?? undefined;
  }

  /** Parsed model of a file (cached per text version). */
  model(absPath: string): FileModel | undefined {
    const p = absolute(absPath);
    const e = this.entry(p);
    if (!e) return undefined;
    if (!e.model) {
      const previous = this.previousTrees.get(p);
      this.previousTrees.delete(p);
      const { sourceFile, syntaxErrors, tooDeep, calls } = parse(p, e.text, previous);
      this.parsed++;
      e.parses = (e.parses ?? 0) + 1;
      if (e.parses >= Project.KEEP_AFTER_PARSES) this.kept.add(e);
      e.tooDeep = tooDeep;
      // A file too deep to analyse gets an empty model: importers see no exports instead of crashing on it.
      e.model = new FileModel(p, tooDeep ? '' : e.text, sourceFile, this, syntaxErrors, calls);
      this.alive.add(e);
    } else if (this.kept.has(e)) {
      // Most recently used last.
      this.kept.delete(e);
      this.kept.add(e);
    }
    return e.model;
  }

  /**
   * Whether a module can export `name`, without parsing it: its export statements name it (`scanExports`), or it
   * may export anything (`export *`, `export =`, CommonJS exports, a destructuring export). False only when it
   * certainly cannot.
   */
  mayExport(absPath: string, name: string): boolean {
    const e = this.entry(absPath);
    if (!e) return false;
    e.exportNames ??= scanExports(e.text);
    return e.exportNames === 'all' || e.exportNames.has(name);
  }

  /** Resolves an import specifier from a file to a project file's model. */
  resolveImport(fromFile: string, specifier: string): FileModel | undefined {
    const target = this.resolvePath(fromFile, specifier);
    return target ? this.model(target) : undefined;
  }

  resolvePath(fromFile: string, specifier: string): string | undefined {
    // Memoised per folder and specifier, or for an alias or bare specifier per tsconfig.json that governs the
    // importing folder (packages of a monorepo each map `#src/*` to their own folder): a project's files import
    // the same modules many times over. Cleared whenever a file may appear or disappear.
    const dir = path.dirname(fromFile);
    const byScope = specifier.startsWith('.') ? this.resolvedRelative : this.resolvedBare;
    const scope = byScope === this.resolvedRelative ? dir : (this.configFor(dir) ?? '');
    let memo = byScope.get(scope);
    if (!memo) byScope.set(scope, (memo = new Map()));
    const known = memo.get(specifier);
    if (known !== undefined) return known ?? undefined;
    const found = this.resolveUncached(fromFile, specifier);
    memo.set(specifier, found ?? null);
    return found;
  }

  private resolveUncached(fromFile: string, specifier: string): string | undefined {
    let bases: string[] = [];
    if (specifier.startsWith('.') || specifier.startsWith('/')) {
      bases = [path.resolve(path.dirname(fromFile), specifier)];
    } else {
      bases = this.aliasCandidates(path.dirname(fromFile), specifier);
      for (const base of bases) {
        const hit = this.probe(base);
        if (hit) return hit;
      }
      // A package of the same monorepo (`@acme/db`), after path aliases as TypeScript does. The same from every
      // folder: memoised by specifier alone.
      const known = this.resolvedWorkspace.get(specifier);
      if (known !== undefined) return known ?? undefined;
      this.workspaces ??= readWorkspacePackages(this.root, (f) => {
        this.aliasConfigFiles.add(f);
        return this.readFileFn(f);
      }, (dir) => (this.listDirFn ? this.listDirFn(dir) : undefined));
      let found: string | undefined;
      for (const base of workspaceCandidates(this.workspaces, specifier)) if ((found = this.probe(base))) break;
      this.resolvedWorkspace.set(specifier, found ?? null);
      return found;
    }
    for (const base of bases) {
      const hit = this.probe(base);
      if (hit) return hit;
    }
    return undefined;
  }

  /** Whether a file exists: known texts and overlays first, then the folder's listing, then a read. */
  private exists(p: string): boolean {
    return this.existsIn(path.dirname(p), path.basename(p), p);
  }

  /**
   * Whether `name` exists in `dir` (`full`: the joined path, when the caller has it): known texts and overlays first,
   * then the folder's listing, then a read. Import resolution asks this for up to 19 candidates per import: a
   * candidate the listing lacks costs no path string.
   */
  private existsIn(dir: string, name: string, full?: string): boolean {
    let names: ReadonlySet<string> | null | undefined;
    if (this.listDirFn) {
      names = this.dirNames.get(dir);
      if (names === undefined) {
        // Lower-cased too: on a case-insensitive disk './Db' finds db.ts (then the read below decides).
        const list = this.listDirFn(dir);
        names = list ? new Set([...list, ...list.map((n) => n.toLowerCase())]) : list === null ? NO_NAMES : null;
        this.dirNames.set(dir, names);
      }
    }
    const listed = !names || names.has(name) || names.has(name.toLowerCase());
    if (!listed && this.overlays.size === 0) return false;
    const p = full ?? childPath(dir, name);
    if (this.overlays.has(p)) return true;
    const known = this.files.get(p);
    if (known !== undefined) return known !== null;
    if (!listed) return false;
    return this.entry(p) !== undefined;
  }

  private probe(base: string): string | undefined {
    if (isSourceFile(base) && this.exists(base)) return base;
    const dir = path.dirname(base);
    const name = path.basename(base);
    const ext = path.extname(name);
    if (ext) {
      const stem = name.slice(0, -ext.length);
      for (const alt of MAPPED_EXTS[ext] ?? []) if (this.existsIn(dir, stem + alt)) return childPath(dir, stem + alt);
    }
    for (const e of RESOLVE_EXTS) if (this.existsIn(dir, name + e)) return childPath(dir, name + e);
    // base/index.ts…: base is the folder (`./lib` or `./lib/`: path.resolve leaves no trailing separator).
    for (const e of RESOLVE_EXTS) if (this.existsIn(base, 'index' + e)) return childPath(base, 'index' + e);
    return undefined;
  }

  private aliasCandidates(dir: string, specifier: string): string[] {
    const config = this.configFor(dir);
    const aliases = config ? this.aliasesOf(config) : undefined;
    if (!aliases) return [];
    const { baseUrl, pathsBase, paths } = aliases;
    const out: string[] = [];
    for (const [pattern, targets] of paths) {
      const star = pattern.indexOf('*');
      if (star < 0) {
        if (pattern === specifier) out.push(...targets.map((t) => path.resolve(pathsBase, t)));
        continue;
      }
      const pre = pattern.slice(0, star);
      const post = pattern.slice(star + 1);
      if (specifier.startsWith(pre) && specifier.endsWith(post)) {
        const mid = specifier.slice(pre.length, specifier.length - post.length);
        out.push(...targets.map((t) => path.resolve(pathsBase, t.replace('*', mid))));
      }
    }
    if (baseUrl) out.push(path.resolve(baseUrl, specifier));
    return out;
  }

  /**
   * The tsconfig.json (or jsconfig.json) that governs a folder: the nearest one in it or above it, up to the
   * project root, as TypeScript's editor support finds a file's project. Each package of a monorepo has its own.
   */
  private configFor(dir: string): string | undefined {
    const walked: string[] = [];
    let found: string | null = null;
    for (let d = dir; ; d = path.dirname(d)) {
      const known = this.configOfDir.get(d);
      if (known !== undefined) {
        found = known;
        break;
      }
      walked.push(d);
      const config = CONFIG_NAMES.map((n) => path.join(d, n)).find((f) => this.exists(f));
      if (config) {
        found = config;
        break;
      }
      if (d === this.root || path.dirname(d) === d || !isWithin(this.root, d)) break;
    }
    for (const d of walked) this.configOfDir.set(d, found);
    return found ?? undefined;
  }

  private aliasesOf(config: string): PathAliases {
    let aliases = this.aliasesByConfig.get(config);
    if (!aliases) {
      aliases = readPathAliases(config, (f) => {
        this.aliasConfigFiles.add(f);
        return this.readFileFn(f);
      });
      this.aliasesByConfig.set(config, aliases);
    }
    return aliases;
  }

  /** The config files read so far to work out path aliases (tsconfig.json files and the files they extend). */
  aliasConfigs(): string[] {
    return [...this.aliasConfigFiles];
  }

  // ── import graph (cheap scan, no parse) ────────────────────────────────────

  /** Module specifiers a file imports, from a regex scan of its text. */
  importsOf(absPath: string): string[] {
    const e = this.entry(absPath);
    if (!e) return [];
    if (!e.imports) e.imports = scanImports(e.text);
    return e.imports;
  }

  /** Project files this file imports (resolved). */
  depsOf(absPath: string): string[] {
    const e = this.entry(absPath);
    if (!e) return [];
    if (!e.deps) {
      const out: string[] = [];
      for (const s of this.importsOf(absPath)) {
        if (this.isDatabaseModule(s)) continue;
        const r = this.resolvePath(absolute(absPath), s);
        if (r) out.push(r);
      }
      e.deps = out;
    }
    return e.deps;
  }

  /**
   * Whether a file can reach a database module through its imports (transitively). Files that cannot are not
   * analysed. Answered for the file's whole import closure at once (one pass per strongly connected component,
   * rules/src/engine/graph.ts), so asking for every file of a project costs time linear in files + imports.
   */
  reachesDatabase(absPath: string): boolean {
    return this.reachAll([absolute(absPath)]).get(absolute(absPath))!;
  }

  /** Records that these files reach a database module (found by another Project over the same files). */
  assumeReachesDatabase(files: Iterable<string>): void {
    for (const f of files) this.reachCache.set(absolute(f), true);
  }

  /** `reachesDatabase` for many files at once (absolute, resolved paths). */
  reachAll(files: Iterable<string>): Map<string, boolean> {
    const found = foldComponents<boolean>(
      files,
      (f) => this.depsOf(f),
      (members, imported) => imported.includes(true) || members.some((m) => this.importsOf(m).some((s) => this.isDatabaseModule(s))),
      (f) => this.reachCache.get(f),
    );
    for (const [f, v] of found) this.reachCache.set(f, v);
    return found;
  }

  /**
   * Whether a file, or a file it imports (transitively), may load code at run time: its text has `import(` or
   * `require(` followed by something other than a quoted name. A cheap, conservative answer (a comment counts): when
   * it is no, no function the file can call loads code at run time, and no-query-in-loop skips looking for one.
   */
  mayLoadCodeAtRunTime(absPath: string): boolean {
    const file = absolute(absPath);
    const found = foldComponents<boolean>(
      [file],
      (f) => this.depsOf(f),
      (members, imported) => imported.includes(true) || members.some((m) => COMPUTED_LOAD.test(this.entry(m)?.text ?? '')),
      (f) => this.loadsCodeCache.get(f),
    );
    for (const [f, v] of found) this.loadsCodeCache.set(f, v);
    return found.get(file)!;
  }

  /** Files (among those known to the project) whose findings may change when `absPath` changes. */
  dependentsOf(absPath: string, knownFiles: Iterable<string> = this.files.keys()): string[] {
    return this.dependentsOfAll([absolute(absPath)], knownFiles);
  }

  /**
   * `dependentsOf` for several files at once, in one pass. One of them is in the answer when it imports another
   * (a file that only imports itself, through a cycle, may be too).
   */
  dependentsOfMany(absPaths: readonly string[]): string[] {
    return this.dependentsOfAll(absPaths.map(absolute));
  }

  private dependentsOfAll(targets: readonly string[], knownFiles: Iterable<string> = this.files.keys()): string[] {
    const reverse = new Map<string, string[]>();
    for (const f of knownFiles) {
      for (const d of this.depsOf(f)) {
        const list = reverse.get(d) ?? [];
        list.push(f);
        reverse.set(d, list);
      }
    }
    const out = new Set<string>();
    const isTarget = new Set(targets);
    const stack = [...targets];
    while (stack.length) {
      const f = stack.pop()!;
      for (const dep of reverse.get(f) ?? []) {
        if (!out.has(dep) && (targets.length > 1 || !isTarget.has(dep))) {
          out.add(dep);
          stack.push(dep);
        }
      }
    }
    return [...out].sort();
  }

  // ── function summaries ─────────────────────────────────────────────────────

  /** The first query a project function performs, directly or through the functions it calls (across files). */
  querySiteOf(fn: FunctionRef): QuerySite | undefined {
    return this.nodeFact(fn, '|q', () => computeQuerySite(fn.node, fn.file, this));
  }

  /**
   * A fact (see `fact`) about a node value or a project function, `what` naming the question: `compute` works it out
   * from the node; asked again, by any file, it needs no parse of the node's file. The answer must be plain data or
   * detached values.
   */
  nodeFact<T>(v: Extract<Value, { node: ts.Node }> | FunctionRef, what: string, compute: () => T | undefined): T | undefined {
    const value = v as Extract<Value, { node: ts.Node }>;
    return this.fact(pathOf(value), localKey(value) + what, compute);
  }

  /**
   * The first query of a function written in a call's arguments that the called function runs
   * (`withClient(async (c) => c.query(…))`): the call performs it, although the called function alone does not.
   */
  callbackQuerySite(call: ts.CallExpression | ts.NewExpression, file: FileModel): QuerySite | undefined {
    for (const arg of call.arguments ?? []) {
      let fn: ts.Expression = arg;
      while (ts.isParenthesizedExpression(fn)) fn = fn.expression;
      if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && runsWithEnclosing(fn, file)) {
        const site = this.querySiteOf({ node: fn, file });
        if (site) return site;
      }
    }
    return undefined;
  }

  // ── linting ────────────────────────────────────────────────────────────────

  lintFile(absPath: string, options: LintFileOptions = {}): FileResult {
    const steps = this.lintSteps(absPath, options);
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value as FileResult;
    }
  }

  /**
   * `lintFile` in steps for an editor: after the parse and between rules it awaits `yieldTo()` (which lets queued
   * messages in, e.g. a newer version of the file), then stops with undefined when `isCancelled()` says the
   * result is no longer wanted. Never returns partial findings.
   */
  async lintFileAsync(absPath: string, options: LintFileOptions & { yieldTo: () => Promise<void> }): Promise<FileResult | undefined> {
    const steps = this.lintSteps(absPath, options);
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value as FileResult;
      await options.yieldTo();
      if (options.isCancelled?.()) return undefined;
    }
  }

  /**
   * The first half of a lint, before `prepare()` has built the migrations' schema: the parse and the rules that
   * do not read the schema. `lintFile(file, { early })` runs the rest once it exists; the result is the same as
   * one `lintFile` after `prepare()` (a CLI worker lints while the main thread replays the migrations).
   */
  lintFileEarly(absPath: string): EarlyLint {
    const file = absolute(absPath);
    const partial: { findings: Finding[]; errors: string[] } = { findings: [], errors: [] };
    const steps = this.lintSteps(file, {}, 'early', partial);
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value === PARTIAL ? { file, ...partial } : { file, findings: [], errors: [], done: step.value };
    }
  }

  /** The lint, pausing (yield) after the parse and after each rule. */
  private *lintSteps(
    absPath: string, options: LintFileOptions, phase: 'all' | 'early' = 'all', partial?: { findings: Finding[]; errors: string[] },
  ): Generator<void, FileResult | typeof PARTIAL> {
    if (options.early?.done) return options.early.done;
    const file = absolute(absPath);
    const result: FileResult = { file, findings: [] };
    let text: string | undefined;
    try {
      text = this.textOf(file);
    } catch (err) {
      return { ...result, skipped: `cannot read: ${(err as Error).message}` };
    }
    if (text === undefined) return { ...result, skipped: 'file not found' };
    if (text.length > MAX_FILE_BYTES) return { ...result, skipped: `larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB` };
    if (text.includes('\u0000')) return { ...result, skipped: 'binary file' };
    // Only migration files and other files (a Prisma schema) have findings of their own from the migrations.
    const mayHaveMigrationFindings = !isSourceFile(file) || this.isMigrationFile(file);
    const migrationFindings = mayHaveMigrationFindings ? this.migrationFindings().get(file) ?? [] : [];
    if (mayHaveMigrationFindings && this.migrations?.readsCode?.has(file)) result.readsCode = true;
    if (!isSourceFile(file) || !this.reachesDatabase(file)) {
      if (!migrationFindings.length) return result;
      const suppressed = applySuppressions(text, migrationFindings.map((f) => ({ ...f })), { reportUnused: !!options.reportUnusedDisables, file });
      return { ...result, findings: [...suppressed.findings, ...suppressed.unused].sort((a, b) => a.start - b.start) };
    }
    const model = this.model(file)!;
    yield;
    const tooDeep = this.entry(file)?.tooDeep;
    if (tooDeep) return { ...result, skipped: `not analysed: ${tooDeep}` };
    result.analysed = true;
    if (model.syntaxErrors.length) {
      const e = model.syntaxErrors[0]!;
      result.findings.push({
        ruleId: 'parse-error', messageId: 'parseError', severity: 'error', file,
        start: e.start, end: Math.max(e.end, e.start), message: `Parsing error: ${e.message}`,
      });
      return result;
    }
    const language: Language = this.config.docs.language;
    const errors: string[] = [...(options.early?.errors ?? [])];
    if (options.early) result.findings.push(...options.early.findings);
    for (const [id, rule] of Object.entries(this.rules)) {
      // Early: every rule but those that read the schema; after an early lint: only those.
      if (rule.meta.needsSchema ? phase === 'early' : options.early) continue;
      const setting = this.config.rules[id];
      const severity = setting?.severity ?? rule.meta.defaultSeverity;
      if (severity === 'off') continue;
      const ruleOptions = { ...rule.meta.defaultOptions, ...(setting?.options ?? {}) };
      const ctx: RuleContext = {
        file: model,
        project: this,
        options: ruleOptions,
        language,
        report: (d: ReportDescriptor<string>) => {
          const start = d.start ?? d.node!.getStart(model.sourceFile);
          const end = d.end ?? d.node!.getEnd();
          const template = rule.meta.messages[d.messageId]?.[language] ?? d.messageId;
          result.findings.push({
            ruleId: id,
            messageId: d.messageId,
            message: formatMessage(template, d.data),
            severity: d.severity === 'error' ? 'error' : severity,
            file, start, end,
            related: d.related,
            fixes: d.fixes,
            data: d.data,
          });
        },
      };
      try {
        rule.check(ctx);
      } catch (err) {
        errors.push(`rule ${id} failed on ${file}: ${(err as Error).stack ?? String(err)}`);
      }
      yield;
    }
    if (phase === 'early') {
      partial!.findings = result.findings;
      partial!.errors = errors;
      return PARTIAL;
    }
    if (errors.length) result.errors = errors;
    result.findings.push(...migrationFindings.map((f) => ({ ...f })));
    result.findings.sort((a, b) => a.start - b.start || a.ruleId.localeCompare(b.ruleId));
    const suppressed = applySuppressions(text, result.findings, { reportUnused: !!options.reportUnusedDisables, file });
    result.findings = [...suppressed.findings, ...suppressed.unused].sort((a, b) => a.start - b.start);
    return result;
  }
}

/**
 * A query a function performs (its summary): where it is and what it is, as plain data a finding can use once the
 * file is released (`file` and `node`, from `NodeRef`, parse it again).
 */
export class QuerySite extends NodeRef {
  /** Where the call starts, trivia excluded. */
  readonly start: number;
  /** How a finding names the call (`callLabel`). */
  readonly label: string;
  /** The database call: its library, kind of receiver, method and whether it reads or writes. */
  readonly call?: { lib: LibId; kind: string; method: string; op?: 'read' | 'write' };
  /** Its SQL text when known statically, or a tagged template's text up to its first value. */
  readonly sql?: string;

  /** `batched`: a query the library batches when several are made in the same tick (Prisma's findUnique). */
  constructor(file: FileModel, node: ts.Node, readonly batched?: boolean) {
    super(file.path, node.pos, node.end, node.kind, file.project);
    this.start = node.getStart(file.sourceFile);
    this.label = callLabel(node, file.sourceFile);
    const call = file.dbCallAt(node);
    if (call) {
      this.call = { lib: call.lib, kind: call.kind, method: call.method, op: call.op };
      if (call.sqlArg) this.sql = staticText(call.sqlArg, file);
      else if (ts.isTaggedTemplateExpression(call.node)) {
        const t = call.node.template;
        this.sql = ts.isNoSubstitutionTemplateLiteral(t) ? t.text : t.head.text;
      }
    }
  }
}

/**
 * Whether a function written inside another runs when the outer one runs: called on the spot (`(() => …)()`), or
 * handed to an iteration method (`xs.map(fn)`), to `new Promise(fn)`, to a database library's call that runs it
 * (`pool.transaction(fn)`) or to a project function that calls that parameter (`withTransaction(pool, fn)`). Any
 * other is only defined there (a route handler registered, a closure returned or stored, a method): it runs when
 * something else calls it, and a call to it by name is followed as a call.
 */
function runsWithEnclosing(fn: ts.Node, file: FileModel, followProjectFunctions = true): boolean {
  let node: ts.Node = fn;
  while (ts.isParenthesizedExpression(node.parent)) node = node.parent;
  const parent = node.parent;
  if (ts.isCallExpression(parent) && parent.expression === node) return true;
  if (iterationCallOf(fn)) return true;
  if (ts.isNewExpression(parent) && ts.isIdentifier(parent.expression) && parent.expression.text === 'Promise') return true;
  if (!ts.isCallExpression(parent)) return false;
  const at = parent.arguments.indexOf(node as ts.Expression);
  if (at < 0) return false;
  if (file.dbCallAt(parent) !== undefined) return true;
  if (!followProjectFunctions) return false;
  const target = file.calledFunction(parent);
  const param = target?.node.parameters[at];
  return !!target?.node.body && !!param && !param.dotDotDotToken && ts.isIdentifier(param.name) &&
    callsName(target.node, param.name.text, target.file);
}

/**
 * Whether `fn` calls the function named `name` (`name(…)`, `name.call(…)`, `name.apply(…)`) when it runs: not
 * from a closure it only defines (`(req, res) => name(req, res)` returned as a handler).
 */
function callsName(fn: ts.FunctionLikeDeclaration, name: string, file: FileModel): boolean {
  const visit = (n: ts.Node): boolean => {
    if (ts.isFunctionLike(n) && !runsWithEnclosing(n, file, false)) return false;
    if (ts.isCallExpression(n)) {
      let callee = n.expression;
      if (ts.isPropertyAccessExpression(callee) && (callee.name.text === 'call' || callee.name.text === 'apply')) callee = callee.expression;
      if (ts.isIdentifier(callee) && callee.text === name) return true;
    }
    return ts.forEachChild(n, visit) ?? false;
  };
  return fn.body !== undefined && visit(fn.body);
}

/**
 * The module-level variable a lazy initialiser guards, when `cond` is `x`, `x !== undefined`, `x != null` or
 * `x !== null` (`negated`: `!x`, `x === undefined`, `x == null`, `x === null`) and `x` resolves to a `let` or `var` of
 * the file's top level (a local of the same name does not).
 */
function guardedModuleVariable(cond: ts.Expression, negated: boolean): ts.VariableDeclaration | undefined {
  while (ts.isParenthesizedExpression(cond)) cond = cond.expression;
  let name: ts.Expression | undefined;
  if (ts.isPrefixUnaryExpression(cond) && cond.operator === ts.SyntaxKind.ExclamationToken) {
    if (negated) name = cond.operand;
  } else if (ts.isBinaryExpression(cond)) {
    const op = cond.operatorToken.kind;
    const empty = (e: ts.Expression): boolean => e.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(e) && e.text === 'undefined');
    const isNot = op === ts.SyntaxKind.ExclamationEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken;
    const isEq = op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsToken;
    if ((negated ? isEq : isNot) && empty(cond.right)) name = cond.left;
  } else if (!negated) name = cond;
  if (!name || !ts.isIdentifier(name)) return undefined;
  const decl = resolveIdentifier(name)?.decl;
  if (!decl || !ts.isVariableDeclaration(decl) || !ts.isIdentifier(decl.name)) return undefined;
  const list = decl.parent;
  const topLevel = ts.isVariableDeclarationList(list) && !(list.flags & ts.NodeFlags.Const) && ts.isVariableStatement(list.parent) && ts.isSourceFile(list.parent.parent);
  return topLevel ? decl : undefined;
}

/** Whether `e` names the variable `decl` declares. */
function namesVariable(e: ts.Expression | undefined, decl: ts.VariableDeclaration): boolean {
  return !!e && ts.isIdentifier(e) && resolveIdentifier(e)?.decl === decl;
}

/** Whether `scope` assigns the variable `decl` declares (`x = …`, `x ??= …`). */
function assigns(scope: ts.Node, decl: ts.VariableDeclaration): boolean {
  const visit = (n: ts.Node): boolean => {
    if (ts.isBinaryExpression(n) && (n.operatorToken.kind === ts.SyntaxKind.EqualsToken || n.operatorToken.kind === ts.SyntaxKind.QuestionQuestionEqualsToken) &&
      namesVariable(n.left, decl)) return true;
    return ts.forEachChild(n, visit) ?? false;
  };
  return visit(scope);
}

/**
 * A lazy initialiser's one-time part: the body after `if (cached) return cached;`, or the block of
 * `if (!cached) { cached = create(); … }`, where `cached` is a module-level variable the function assigns. Its
 * queries (a connection check when a pool is first made) run on the first call only, not on each call.
 */
function onceOnly(fn: ts.FunctionLikeDeclaration): { fromStatement?: ts.Statement; blocks: Set<ts.Node> } {
  const blocks = new Set<ts.Node>();
  let fromStatement: ts.Statement | undefined;
  const body = fn.body;
  if (!body || !ts.isBlock(body)) return { blocks };
  const single = (st: ts.Statement): ts.Statement | undefined => (ts.isBlock(st) ? (st.statements.length === 1 ? st.statements[0] : undefined) : st);
  body.statements.forEach((st, i) => {
    if (!ts.isIfStatement(st) || st.elseStatement) return;
    const early = single(st.thenStatement);
    const cached = guardedModuleVariable(st.expression, false);
    if (cached && !fromStatement && early && ts.isReturnStatement(early) && namesVariable(early.expression, cached) && assigns(body, cached)) {
      fromStatement = body.statements[i + 1];
      return;
    }
    const missing = guardedModuleVariable(st.expression, true);
    if (missing && assigns(st.thenStatement, missing)) blocks.add(st.thenStatement);
  });
  return { fromStatement, blocks };
}

function computeQuerySite(fn: ts.FunctionLikeDeclaration, file: FileModel, project: Project): QuerySite | undefined {
  if (!fn.body) return undefined;
  let found: QuerySite | undefined;
  // A query the library batches by itself is named only when the function runs no other: the finding's related
  // location then points at the query that really runs once per call (`findUnique` first, `update` after).
  let batched: QuerySite | undefined;
  const once = onceOnly(fn);
  let onceFrom = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (n === once.fromStatement) onceFrom = true;
    if (onceFrom || once.blocks.has(n)) return;
    if (ts.isFunctionLike(n) && !runsWithEnclosing(n, file)) return;
    if (ts.isCallExpression(n) || ts.isTaggedTemplateExpression(n)) {
      const c = file.dbCallAt(n);
      if (c?.executes) {
        if (!c.spec.autoBatched) {
          found = new QuerySite(file, n);
          return;
        }
        batched ??= new QuerySite(file, n, true);
      }
      if (ts.isCallExpression(n)) {
        const target = file.calledFunction(n);
        // The function itself reads as no query (Project.fact cuts the cycle).
        if (target) {
          const inner = project.querySiteOf(target);
          if (inner && !inner.batched) {
            found = inner;
            return;
          }
          if (inner) batched ??= inner;
        }
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(fn.body);
  return found ?? batched;
}

const IMPORT_RE = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+|\bexport\s*\*\s*from\s*)['"]([^'"\n]+)['"]/gm;

export function scanImports(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(IMPORT_RE)) out.add(m[1]!);
  return [...out];
}


interface PathAliases {
  baseUrl?: string;
  /** Where `paths` targets are resolved from: baseUrl, else the folder of the config that sets `paths`. */
  pathsBase: string;
  paths: [string, string[]][];
}

const CONFIG_NAMES = ['tsconfig.json', 'jsconfig.json'];
/** The names under a path that is not a folder. */
const NO_NAMES: ReadonlySet<string> = new Set();

function isWithin(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * `compilerOptions.paths` and `baseUrl` of a config file, with `extends` followed (relative files and packages,
 * as TypeScript resolves them: its own config parser does it). A config that cannot be read or parsed has no
 * aliases; a base that cannot be found (its package not installed) leaves what the file itself sets.
 */
function readPathAliases(file: string, read: (p: string) => string | undefined): PathAliases {
  const none: PathAliases = { pathsBase: path.dirname(file), paths: [] };
  try {
    const text = read(file);
    if (text === undefined) return none;
    const json = ts.parseConfigFileTextToJson(file, text).config as unknown;
    if (!json || typeof json !== 'object') return none;
    const host: ts.ParseConfigHost = {
      useCaseSensitiveFileNames: ts.sys?.useCaseSensitiveFileNames ?? true,
      // The file list is not wanted: only the options.
      readDirectory: () => [],
      fileExists: (p) => read(p) !== undefined,
      readFile: read,
    };
    const options = ts.parseJsonConfigFileContent(json, host, path.dirname(file), undefined, file).options;
    const baseUrl = typeof options.baseUrl === 'string' ? path.resolve(path.dirname(file), options.baseUrl) : undefined;
    // pathsBasePath: the folder of the config (in the `extends` chain) that set `paths` (TypeScript >= 4.1).
    const pathsBasePath = (options as { pathsBasePath?: unknown }).pathsBasePath;
    const pathsBase = baseUrl ?? (typeof pathsBasePath === 'string' ? pathsBasePath : path.dirname(file));
    const paths = Object.entries(options.paths ?? {}).filter((e): e is [string, string[]] => Array.isArray(e[1]));
    return { baseUrl, pathsBase, paths };
  } catch {
    return none;
  }
}


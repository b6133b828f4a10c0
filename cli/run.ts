/**
 * The `pglint` command: reads arguments and configuration, finds the files, runs the engine, formats.
 * No analysis happens here: every finding comes from `Project.lintFile` (rules/src/engine/project.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { closest, ConfigError, findProjectRoot, loadConfig, mergeCliRuleOverrides, type KnownRule } from '../rules/src/config';
import type { ResolvedConfig } from '../rules/src/config-types';
import { BaselineError, filterByBaseline, readBaseline, writeBaseline } from '../rules/src/engine/baseline';
import { discoverFiles } from '../rules/src/engine/discover';
import { isSourceFile } from '../rules/src/engine/parse';
import type { Finding } from '../rules/src/engine/types';
import type { Rule } from '../rules/src/engine/rule';
import { version as packageVersion } from '../package.json';
import { HELP, parseCliArgs, UsageError, type CliOptions } from './args';
import { explainRule } from './explain';
import { applyFixesOnce } from './fix';
import { format } from './formatters';
import { countSeverities, withFindings, type FileReport, type LintReport } from './report';
import { CACHE_FORMAT, configHash, configsUnchanged, contentHash, defaultCacheDir, fileKeys, folderSignature, foldersUnchanged, globalKey, listFolder, ResultCache, sha, type CacheData, type CachedFile, type CachedResult } from './cache';
import { engineLoad, initSqlParserBaseline, loadEngine, loadRules, type Engine } from './engine-loader';
import { dropReplay, replayKey, saveReplay, stampOf, statOf, tryReplay } from './replay';
import { claim, lintToResult, partition, sharedRanges, WorkerPool, workerFile, type WorkerFileResult } from './worker';
import { readTextFile } from '../rules/src/engine/read';

export const VERSION: string = packageVersion;
const MAX_FIX_PASSES = 10;

export interface CliIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: { write(s: string | Uint8Array): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown };
}

export function knownRules(rules: Record<string, Rule>): KnownRule[] {
  return Object.values(rules).map((r) => ({ id: r.meta.id, defaultSeverity: r.meta.defaultSeverity, defaultOptions: r.meta.defaultOptions }));
}

/** Runs the command; resolves to the exit code. Never throws. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await runOrThrow(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`pglint: ${error.message}\nRun "pglint --help" for usage.\n`);
      return 2;
    }
    if (error instanceof ConfigError || error instanceof BaselineError) {
      io.stderr.write(`pglint: ${error.message}\n`);
      return 2;
    }
    const e = error as Error;
    io.stderr.write(`pglint: internal error: ${e?.message ?? String(error)}\n`);
    if (io.env.PGLINT_DEBUG === '1' && e?.stack) io.stderr.write(`${e.stack}\n`);
    return 2;
  }
}

async function runOrThrow(argv: readonly string[], io: CliIo): Promise<number> {
  // (`io` is wrapped below when the run's output is recorded for a replay; a file changed after this instant
  // makes the record untrustworthy.)
  const startedAt = Date.now();
  const options = parseCliArgs(argv);
  if (options.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (options.version) {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  }
  // Rule metadata without the engine (dist/rules-meta.json): a warm run never loads TypeScript.
  const { rules: RULES, buildId } = await loadRules();
  const rulesMeta = knownRules(RULES);
  const absPaths = options.paths.map((p) => path.resolve(io.cwd, p));
  const explicitConfig = options.config !== undefined ? path.resolve(io.cwd, options.config) : undefined;
  const loaded = loadConfig(configStart(io.cwd, absPaths), explicitConfig, rulesMeta);
  let config: ResolvedConfig = mergeCliRuleOverrides(loaded.config, options.rules, rulesMeta);
  if (options.lang) config = { ...config, docs: { ...config.docs, language: options.lang } };
  const root = loaded.root;

  if (options.explain !== undefined) {
    const rule = RULES[options.explain];
    if (!rule) {
      const hint = closest(options.explain, Object.keys(RULES));
      throw new UsageError(`Unknown rule "${options.explain}"${hint ? ` (did you mean "${hint}"?)` : ''}. Rules: ${Object.keys(RULES).sort().join(', ')}.`);
    }
    io.stdout.write(explainRule(rule, config.docs.language, config.docs.baseUrl));
    return 0;
  }

  const cacheDir = options.cache ? (options.cacheLocation !== undefined ? path.resolve(io.cwd, options.cacheLocation) : defaultCacheDir(root)) : undefined;
  const databaseUrl = options.databaseUrl === 'env' ? io.env.DATABASE_URL : (options.databaseUrl ?? config.database?.url);

  // Replay (cli/replay.ts): when nothing this very command read has changed since it last ran, print what it
  // printed then. Only for a plain lint of the whole project to stdout with the metadata cache.
  const replay = cacheDir !== undefined && options.cacheStrategy === 'metadata' && !options.fix && options.output === undefined &&
    options.writeBaseline === undefined && options.baseline === undefined && !databaseUrl &&
    absPaths.length === 1 && absPaths[0] === root && io.env.PGLINT_DEBUG !== '1'
    ? { key: replayKey({ version: VERSION, buildId, argv, cwd: io.cwd, root, config, color: useColor(options, io) }), stdout: [] as string[], stderr: [] as string[] }
    : undefined;
  // Stats taken before anything is read (the cache's metadata check): the next replay record reuses them.
  const statted = new Map<string, fs.Stats | undefined>();
  // PGLINT_DEBUG_CACHE=1 says whether the output was replayed, and records nothing (its lines would be replayed).
  const debugCache = io.env.PGLINT_DEBUG_CACHE === '1';
  if (replay) {
    const stored = tryReplay(cacheDir!, replay.key, root);
    if (stored) {
      io.stdout.write(stored.stdout);
      io.stderr.write(stored.stderr);
      if (debugCache) io.stderr.write('cache: replayed the output of the previous run\n');
      return stored.code;
    }
    if (debugCache) io.stderr.write('cache: no replay\n');
    const outer = io;
    io = {
      ...outer,
      stdout: { isTTY: outer.stdout.isTTY, write: (t: string | Uint8Array) => (replay.stdout.push(typeof t === 'string' ? t : Buffer.from(t).toString('utf8')), outer.stdout.write(t)) },
      stderr: { write: (t: string) => (replay.stderr.push(t), outer.stderr.write(t)) },
    };
  }

  // Files.
  for (let i = 0; i < absPaths.length; i++) {
    if (!fs.existsSync(absPaths[i]!)) throw new UsageError(`No such file or folder: ${options.paths[i]}`);
  }
  const discovered = discoverFiles(root, absPaths, config.ignores, io.cwd);
  for (const w of discovered.warnings) io.stderr.write(`pglint: warning: ${w}\n`);

  // Lint (and fix): cached results first; the engine only for the files that miss.
  const linter = new Linter({
    root, config, io, buildId,
    ruleIds: Object.keys(RULES),
    reportUnusedDisables: options.reportUnusedDisable,
    cacheDir,
    cacheStrategy: options.cacheStrategy,
    listings: discovered.listings,
    statted,
    // The whole project discovered: the engine's migration checks take this list instead of walking it again.
    projectFiles: absPaths.length === 1 && absPaths[0] === root ? discovered.files : undefined,
  });
  const lintAll = (): Promise<{ reports: FileReport[]; crashed: number }> => linter.lintAll(discovered.files);
  let { reports, crashed } = await lintAll();

  // Live database checks: opt-in (a URL on the command line or in the config), read-only, never cached.
  if (options.databaseUrl === 'env' && !databaseUrl) io.stderr.write('pglint: warning: --database-url env given but DATABASE_URL is not set\n');
  if (databaseUrl) reports = await withLiveFindings(reports, await linter.preparedProject(), databaseUrl, discovered.files, io);
  if (options.fix) {
    for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
      const byFile = new Map(reports.map((r) => [r.file, r]));
      const { written } = applyFixesOnce(
        reports.flatMap((r) => r.findings),
        { unsafe: options.unsafeFixes },
        (file) => byFile.get(file)?.text ?? readTextOrEmpty(file),
      );
      if (written.length === 0) break;
      linter.invalidate(written);
      ({ reports, crashed } = await lintAll());
    }
  }
  linter.dispose();

  // Baselines.
  if (options.writeBaseline !== undefined) {
    const target = path.resolve(io.cwd, options.writeBaseline);
    const baseline = writeBaseline(target, root, reports);
    const count = Object.values(baseline.files).reduce((n, entries) => n + entries.reduce((m, e) => m + e.count, 0), 0);
    io.stderr.write(`pglint: wrote ${count} finding${count === 1 ? '' : 's'} from ${Object.keys(baseline.files).length} file(s) to ${options.writeBaseline}\n`);
    return crashed > 0 ? 2 : 0;
  }
  if (options.baseline !== undefined) {
    const baseline = readBaseline(path.resolve(io.cwd, options.baseline));
    reports = reports.map((r) => (r.findings.length ? withFindings(r, filterByBaseline(baseline, root, r.file, r.text, r.findings)) : r));
  }
  if (options.quiet) reports = reports.map((r) => withFindings(r, r.findings.filter((f: Finding) => f.severity === 'error')));

  // Output.
  const report: LintReport = {
    root,
    cwd: io.cwd,
    files: reports,
    rules: RULES,
    docsBaseUrl: config.docs.baseUrl,
    language: config.docs.language,
    version: VERSION,
  };
  const color = useColor(options, io);
  const text = format(options.format, report, { color });
  if (options.output !== undefined) {
    const target = path.resolve(io.cwd, options.output);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
  } else if (text) {
    io.stdout.write(text);
  }
  if (discovered.files.length === 0) io.stderr.write('pglint: warning: no files to lint\n');

  const { errors, warnings } = countSeverities(reports);
  let code = 0;
  if (crashed > 0) code = 2;
  else if (errors > 0) code = 1;
  else if (options.maxWarnings >= 0 && warnings > options.maxWarnings) {
    io.stderr.write(`pglint found too many warnings (maximum: ${options.maxWarnings}).\n`);
    code = 1;
  }
  if (replay && !debugCache) {
    // What the output depends on: the folders listed (and their .gitignore), every file read or stamped. A folder
    // whose listing has no .gitignore covers its creation (its own stamp changes): no stat of a missing file.
    const hasGitignore = (d: string): boolean => discovered.listings.get(d)?.some((e) => e.name === '.gitignore') ?? true;
    const inputs = [...discovered.folders.flatMap((d) => (hasGitignore(d) ? [d, path.join(d, '.gitignore')] : [d])), ...linter.inputs()];
    if (crashed > 0) dropReplay(cacheDir!, replay.key);
    else saveReplay(cacheDir!, replay.key, root, inputs, { stdout: replay.stdout.join(''), stderr: replay.stderr.join(''), code }, startedAt, statted);
  }
  return code;
}

/**
 * Where to look for the project root and config: from the folder the linted paths share, upwards, so
 * `pglint services/billing` uses that package's own config and migrations (like a monorepo package),
 * and `pglint` with no path uses the working folder's project.
 */
function configStart(cwd: string, absPaths: readonly string[]): string {
  if (absPaths.length === 0) return cwd;
  const dirs = absPaths.map((p) => {
    try {
      return fs.statSync(p).isDirectory() ? p : path.dirname(p);
    } catch {
      return path.dirname(p);
    }
  });
  let common = dirs[0]!;
  for (const d of dirs.slice(1)) {
    while (path.relative(common, d).startsWith('..') || path.isAbsolute(path.relative(common, d))) {
      const parent = path.dirname(common);
      if (parent === common) break;
      common = parent;
    }
  }
  return common;
}

function useColor(options: CliOptions, io: CliIo): boolean {
  if (!options.color || options.output !== undefined || options.format !== 'stylish') return false;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') return true;
  return io.stdout.isTTY === true;
}

function readTextOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

// ── the lint loop: result cache, engine on demand, worker threads ───────────────────────────────

type EngineProject = InstanceType<Engine['Project']>;

/** Below this many files to analyse, threads cost more than they save (engine load per worker). */
const WORKER_THRESHOLD = 200;
/**
 * Without migrations to replay in PGlite meanwhile, threads need this many files that reach a database, and more than two
 * cores, to pay off. On two cores one thread is faster at any size measured: the second thread's engine load, the
 * files both parse to follow calls and two heaps' garbage collection cost more than it saves (generated corpus
 * without its migrations, 2,104 files: 8.5–8.8 s and 13.2–13.7 s of CPU with two threads, 7.3–8.3 s and 9.0–10.1 s
 * with one; bench/RESULTS.md).
 */
const PARALLEL_MIN_FILES = 1_500;
const PARALLEL_MIN_THREADS = 3;

interface LinterSettings {
  root: string;
  config: ResolvedConfig;
  io: CliIo;
  buildId: string;
  ruleIds: string[];
  reportUnusedDisables: boolean;
  /** Undefined with --no-cache. */
  cacheDir?: string;
  cacheStrategy: 'metadata' | 'content';
  /** The folders the discovery listed: import resolution and the cache's folder checks read them (`listFolder`). */
  listings?: ReadonlyMap<string, fs.Dirent[]>;
  /** Stats the cache's metadata check takes before reading (see `hashOf`); the replay record reuses them. */
  statted: Map<string, fs.Stats | undefined>;
  /** Every file of the project (`discoverFiles(root, [root], config.ignores)`), when the run discovered them all. */
  projectFiles?: readonly string[];
}

/** Adds the live-database findings (by file) to the reports; warnings (unreachable, wrong password) go to stderr. */
async function withLiveFindings(
  reports: FileReport[], project: EngineProject, url: string, files: readonly string[], io: CliIo,
): Promise<FileReport[]> {
  const engine = await loadEngine();
  const live = await engine.checkLiveDatabase(project, url, { files: [...files] });
  for (const w of live.warnings) io.stderr.write(`pglint: warning: ${w}\n`);
  if (!live.findings.length) return reports;
  const byFile = new Map(reports.map((r) => [r.file, r]));
  for (const f of live.findings) {
    const r = byFile.get(f.file);
    if (r) r.findings = [...r.findings, f].sort((a, b) => a.start - b.start);
    else {
      const nr: FileReport = { file: f.file, findings: [f], get text() { return readTextOrEmpty(f.file); } };
      byFile.set(f.file, nr);
      reports = [...reports, nr];
    }
  }
  return reports;
}

/**
 * `files` ordered so that each file comes right after the files it imports (depth-first post-order from the files
 * nothing imports): a contiguous range then holds a vertical slice of the code (a route, its service, their
 * repositories), and a worker parses fewer files outside its range to follow calls (bench/RESULTS.md).
 */
export function dependenciesFirst(files: readonly string[], deps: (file: string) => readonly string[]): string[] {
  const wanted = new Set(files);
  const imported = new Set<string>();
  for (const f of files) for (const d of deps(f)) if (d !== f) imported.add(d);
  const seen = new Set<string>();
  const out: string[] = [];
  const visit = (start: string): void => {
    if (seen.has(start)) return;
    seen.add(start);
    const stack: [string, number][] = [[start, 0]];
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const ds = deps(top[0]);
      if (top[1] < ds.length) {
        const d = ds[top[1]++]!;
        if (!seen.has(d)) {
          seen.add(d);
          stack.push([d, 0]);
        }
        continue;
      }
      stack.pop();
      if (wanted.has(top[0])) out.push(top[0]);
    }
  };
  for (const f of files) if (!imported.has(f)) visit(f);
  for (const f of files) visit(f); // import cycles nothing outside imports
  return out;
}

/** How many of the linted files must import a file for its model to stay until the last of them is linted. */
export const HUB_IMPORTERS = 8;
/**
 * How many of the files linted last keep their models (bench/RESULTS.md, ninth session: 2 saves a quarter of the
 * parses on the generated corpus; 4 saves a little more there but costs logto 75 MB of peak memory, and 8 keeps
 * trees long enough to age into the old generation everywhere).
 */
export const RECENT_MODELS = 2;

class Linter {
  private engine?: Engine;
  private project?: EngineProject;
  private prepared = false;
  /** Workers started early on a cold run (they load the engine while this thread works out their jobs). */
  private pool?: WorkerPool;
  private texts = new Map<string, string | undefined>();
  private buffers = new Map<string, Buffer | undefined>();
  private readonly cache?: ResultCache;
  private warnedMigrations = false;

  constructor(private readonly s: LinterSettings) {
    if (s.cacheDir) this.cache = new ResultCache(s.cacheDir, s.root);
  }

  private rel(abs: string): string {
    return path.relative(this.s.root, abs).split(path.sep).join('/');
  }

  private abs(rel: string): string {
    return path.resolve(this.s.root, rel);
  }

  /**
   * Every path this run's results depend on and that it read or stamped, for the replay record (cli/replay.ts):
   * the files hashed, the files the engine read, the migrations and their folders.
   */
  inputs(): string[] {
    const out = new Set(this.inputPaths);
    const migrations = [...this.migrationRels.map((r) => this.abs(r)), ...(this.project?.migrationFiles() ?? [])];
    // A migration's folder and the one above: tools that keep one folder per migration (Prisma) add a folder.
    for (const f of migrations) out.add(f).add(path.dirname(f)).add(path.dirname(path.dirname(f)));
    return [...out];
  }
  private readonly inputPaths = new Set<string>();
  private migrationRels: string[] = [];

  /** File bytes (undefined when unreadable); hashed as bytes, decoded only when the engine or a report needs the text. */
  private bytes(abs: string): Buffer | undefined {
    this.inputPaths.add(abs);
    if (this.buffers.has(abs)) return this.buffers.get(abs);
    let b: Buffer | undefined;
    try {
      b = fs.readFileSync(abs);
    } catch {
      b = undefined;
    }
    this.buffers.set(abs, b);
    return b;
  }

  private text(abs: string): string | undefined {
    if (this.texts.has(abs)) return this.texts.get(abs);
    const t = this.bytes(abs)?.toString('utf8');
    this.texts.set(abs, t);
    return t;
  }

  /**
   * Import resolution's folder listings, recorded (folders: CacheData.folders; their paths: the replay's inputs).
   * A folder that cannot be listed is recorded with its ancestors up to one that can: a module created there
   * adds an entry to that one.
   */
  private listFolderForResolution(dir: string): string[] | null | undefined {
    const listed = listFolder(dir, this.s.listings);
    // A path that cannot be listed because it is missing or is a file (`./styles.scss` tried as a folder holding
    // index.ts) is covered by the listable ancestor noted below: creating it, or replacing the file by a folder,
    // changes that folder's entries. Only a folder that exists but cannot be listed is an input itself.
    if (listed !== null) this.noteFolder(dir, listed ?? null);
    else this.resolutionFolders.set(dir, null);
    if (!listed) {
      for (let d = path.dirname(dir); !this.resolutionFolders.has(d); d = path.dirname(d)) {
        const up = listFolder(d, this.s.listings);
        this.noteFolder(d, up ?? null);
        if (up || path.dirname(d) === d) break;
      }
    }
    // Nothing exists under a path that is not a folder: import resolution then reads no candidate there.
    return listed === null ? null : listed?.map((e) => e.name);
  }
  private noteFolder(dir: string, entries: fs.Dirent[] | null): void {
    this.resolutionFolders.set(dir, entries);
    this.inputPaths.add(dir);
  }
  /** The folders import resolution listed, with their entries (null: not listed); signatures only when a cache is written. */
  private readonly resolutionFolders = new Map<string, fs.Dirent[] | null>();

  private async ensureProject(): Promise<EngineProject> {
    if (!this.project) {
      this.engine = await loadEngine();
      if (this.s.io.env.PGLINT_DEBUG === '1') {
      // bin/pglint.js says how it compiled dist/cli.js (nothing when the bundle was run directly).
      const cli = (globalThis as Record<symbol, unknown>)[Symbol.for('pglint.cliCodeCache')];
      this.s.io.stderr.write(`pglint: engine loaded in ${engineLoad.ms ?? '?'} ms (code cache: ${engineLoad.codeCache ?? 'not used'}${cli ? `; cli code cache: ${String(cli)}` : ''})\n`);
    }
      await initSqlParserBaseline(this.engine);
      // The project reads the texts this run already read (and hashed); other files from the disk, kept for the
      // report: findings' offsets are turned into lines with the very text that was linted, even if the file has
      // changed or gone since.
      this.project = new this.engine.Project({
        root: this.s.root,
        config: this.s.config,
        readFile: (p) => {
          this.inputPaths.add(p);
          if (this.texts.has(p) || this.buffers.get(p) !== undefined) return this.text(p);
          const t = readTextFile(p);
          this.texts.set(p, t);
          return t;
        },
        listDir: (dir) => this.listFolderForResolution(dir),
        projectFiles: () => this.s.projectFiles,
      });
    }
    return this.project;
  }

  /** The run's engine project with its migrations schema (built once per run, or read from the cache). */
  async preparedProject(): Promise<EngineProject> {
    const project = await this.ensureProject();
    await this.prepare(project);
    return project;
  }

  private async prepare(project: EngineProject): Promise<void> {
    if (this.prepared) return;
    this.prepared = true;
    // PGlite's WebAssembly runs each migration statement once: V8's background tier-up compiles its hot functions
    // again with TurboFan, ≈ 1.3 s of CPU on a 2,000-statement replay that the other threads' lint needs more
    // (the same replay's wall time does not change; bench/RESULTS.md). Set before PGlite compiles its module;
    // node:v8 is loaded only here (a replayed run never needs it). `require`, not `import()`: bin/pglint.js runs this
    // bundle as a vm.Script (for its code cache), which has no loader for dynamic imports.
    (require('node:v8') as typeof import('node:v8')).setFlagsFromString('--liftoff-only');
    if (this.s.io.env.PGLINT_DEBUG === '1') this.s.io.stderr.write('pglint: building the migrations schema\n');
    await project.prepare({ cacheDir: this.s.cacheDir ?? false });
  }

  invalidate(files: readonly string[]): void {
    for (const f of files) {
      this.texts.delete(f);
      this.buffers.delete(f);
      // Its stamp too: the cache's metadata check must see the file as written now.
      this.s.statted.delete(f);
      this.project?.invalidate(f);
    }
  }

  /** Threads that lint `misses` files (this one included): PGLINT_WORKERS=N, else one per core (at most 4) above a threshold. */
  private workerCount(misses: number): number {
    const env = this.s.io.env.PGLINT_WORKERS;
    const forced = env !== undefined && env !== '' ? Number(env) : undefined;
    if (forced !== undefined && Number.isFinite(forced)) return Math.floor(forced);
    const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    return misses > WORKER_THRESHOLD ? Math.min(cores, 4) : 1;
  }

  /** PGLINT_WORKERS=N set: threads are used as told, whatever pays off. */
  private forcedThreads(): boolean {
    return this.s.io.env.PGLINT_WORKERS !== undefined && this.s.io.env.PGLINT_WORKERS !== '';
  }

  private startPool(misses: number): WorkerPool | undefined {
    const file = workerFile();
    const count = this.workerCount(misses);
    // This thread lints too (after building the schema): count - 1 workers.
    return file && count >= 2 ? new WorkerPool(file, count - 1) : undefined;
  }

  /**
   * Lints `files` in this thread: the files that reach a database dependencies first, every model released as soon
   * as its own file is linted. What a later file asks of a released one (an export's value, a member, what a
   * function returns, its first query) the project keeps as plain facts (`Project.fact`), most of them worked out
   * while the file itself was linted; a question not asked before parses the file again. The heap then holds about
   * one file's tree at a time, which young-generation collections reclaim cheaply (bench/RESULTS.md, ninth session).
   */
  private lintAllHere(project: EngineProject, files: readonly string[], results: Map<string, CachedResult & { crash?: string }>): void {
    const reach = project.reachAll(files.filter((f) => isSourceFile(f)).map((f) => path.resolve(f)));
    const analysed = files.filter((f) => reach.get(path.resolve(f)) === true);
    const order = dependenciesFirst(analysed, (f) => project.depsOf(f));
    const inOrder = new Set(order);
    for (const file of files) if (!inOrder.has(file)) this.lintHere(project, file, results);
    // A file imported by many of them is asked something different by each (a model's members, a barrel's names):
    // it stays parsed until the last of them is linted.
    const importers = new Map<string, number>();
    const lastImporter = new Map<string, number>();
    order.forEach((f, i) => {
      for (const d of project.depsOf(f)) {
        importers.set(d, (importers.get(d) ?? 0) + 1);
        lastImporter.set(d, i);
      }
    });
    const unpinAfter: string[][] = order.map(() => []);
    for (const [f, n] of importers) {
      if (n < HUB_IMPORTERS) continue;
      project.pin(f);
      unpinAfter[lastImporter.get(f)!]!.push(f);
    }
    // The files just linted stay a little too: in dependencies-first order a file's first importer most often
    // comes right after it, and asks what the file's own lint did not work out.
    const hubs = new Set(unpinAfter.flat());
    const recent: string[] = [];
    order.forEach((file, i) => {
      this.lintHere(project, file, results);
      for (const hub of unpinAfter[i]!) project.release(hub);
      if (!hubs.has(file)) {
        project.pin(file);
        recent.push(file);
        if (recent.length > RECENT_MODELS) project.unpin(recent.shift()!);
      }
      project.releaseAll();
    });
    if (this.s.io.env.PGLINT_DEBUG === '1') this.s.io.stderr.write(`pglint: one thread: ${project.parsed} files parsed for ${order.length} analysed, each model released after its lint\n`);
  }

  private lintHere(project: EngineProject, file: string, results: Map<string, CachedResult & { crash?: string }>): void {
    const { file: _file, stack, ...result } = lintToResult(project, file, { reportUnusedDisables: this.s.reportUnusedDisables });
    results.set(file, result);
    if (stack && this.s.io.env.PGLINT_DEBUG === '1') this.s.io.stderr.write(`${stack}\n`);
  }

  /**
   * Lints `misses` with the workers (see cli/worker.ts): they take the source files that reach a database
   * module; this thread builds the schema, then lints migration files and files that reach no database (no parse)
   * while they work. Returns the files left for this thread (a failed worker's, files with migration findings).
   */
  private async lintWithWorkers(
    pool: WorkerPool, project: EngineProject, misses: readonly string[], results: Map<string, CachedResult & { crash?: string }>,
  ): Promise<string[]> {
    const { root, config } = this.s;
    const t0 = Date.now();
    const reach = project.reachAll(misses.filter((f) => isSourceFile(f)).map((f) => path.resolve(f)));
    const migrationFiles = new Set(project.migrationFiles());
    const workerFiles = dependenciesFirst(
      misses.filter((f) => reach.get(path.resolve(f)) === true && !migrationFiles.has(f)),
      (f) => project.depsOf(f),
    );
    // Threads pay for themselves when PGlite replays migrations meanwhile or when there are many files: below that, their
    // engine load and the files both threads parse to follow calls cost more than they save (bench/RESULTS.md).
    const forced = this.forcedThreads();
    // Few files (a warm run after an edit: the edited file, its importers and the migration files) never do.
    const withoutReplayTooFew = workerFiles.length < PARALLEL_MIN_FILES || pool.size + 1 < PARALLEL_MIN_THREADS;
    if (!forced && (workerFiles.length < WORKER_THRESHOLD || (withoutReplayTooFew && !(await project.needsDatabaseReplay({ cacheDir: this.s.cacheDir ?? false }))))) {
      await pool.terminate();
      await this.prepare(project);
      return [...misses];
    }
    // One range per worker, and an empty one for this thread: it takes files from the others' ranges once the
    // schema is built and its own files are done (no core idles while files are left).
    const ranges = sharedRanges([
      ...partition(workerFiles, pool.size, (f) => 1_000 + (this.text(f)?.length ?? 0)),
      [workerFiles.length, workerFiles.length],
    ]);
    pool.assign(Array.from({ length: pool.size }, (_, index) => ({
      root, config, reportUnusedDisables: this.s.reportUnusedDisables, files: workerFiles, ranges, index,
    })));
    const t1 = Date.now();
    let running: Promise<WorkerFileResult[]> | undefined;
    try {
      // The schema (PGlite) is built here once and handed to the workers as plain data.
      await this.prepare(project);
      running = pool.run(project.preparedState());
    } finally {
      if (!running) await pool.terminate();
    }
    const t2 = Date.now();
    const workerSet = new Set(workerFiles);
    for (const file of misses) if (!workerSet.has(file)) this.lintHere(project, file, results);
    for (let r = claim(ranges, pool.size); r; r = claim(ranges, pool.size)) {
      for (let i = r[0]; i < r[1]; i++) {
        this.lintHere(project, workerFiles[i]!, results);
        project.releaseAll();
      }
    }
    const t3 = Date.now();
    for (const { text, ...r } of await running) {
      if (!workerSet.has(r.file)) continue;
      results.set(r.file, r);
      if (text !== undefined) this.texts.set(r.file, text);
    }
    if (this.s.io.env.PGLINT_DEBUG === '1' || this.s.io.env.PGLINT_DEBUG_CACHE === '1') {
      this.s.io.stderr.write(`workers: ${pool.size + 1} threads (main + ${pool.size}) for ${workerFiles.length} files; files parsed: main ${project.parsed}, workers ${pool.parsed.join(' + ')}\n`);
      this.s.io.stderr.write(`workers: main thread: reach ${t1 - t0} ms, schema ${t2 - t1} ms, lint ${t3 - t2} ms, then waited ${Date.now() - t3} ms\n`);
    }
    const rest = new Set(workerFiles.filter((f) => !results.has(f)));
    if (rest.size && this.s.io.env.PGLINT_DEBUG === '1') this.s.io.stderr.write(`pglint: ${rest.size} files left by a failed worker are linted in the main thread\n`);
    for (const f of project.migrationReportFiles()) if (workerSet.has(f)) rest.add(f);
    return [...rest];
  }

  dispose(): void {
    void this.pool?.terminate();
    this.pool = undefined;
  }

  private warnMigrations(message: string | undefined): void {
    if (!message || this.warnedMigrations) return;
    this.warnedMigrations = true;
    this.s.io.stderr.write(`pglint: warning: migrations could not be analysed: ${message}\n`);
  }

  async lintAll(files: readonly string[]): Promise<{ reports: FileReport[]; crashed: number }> {
    const { io, root } = this.s;
    const debug = io.env.PGLINT_DEBUG === '1';
    // Content hashes. With the metadata strategy, a file whose size, modification time and inode match the cache
    // keeps its cached hash and is not read (read later only if a report shows its text).
    const hashes = new Map<string, string | undefined>();
    const stamps = new Map<string, string | undefined>();
    const hashOf = (rel: string): string | undefined => {
      if (hashes.has(rel)) return hashes.get(rel);
      const abs = this.abs(rel);
      this.inputPaths.add(abs);
      let stamp: string | undefined;
      if (this.cache && this.s.cacheStrategy === 'metadata') {
        const { statted } = this.s;
        const st = statted.has(abs) ? statted.get(abs) : statOf(abs);
        statted.set(abs, st);
        stamp = st && stampOf(st);
      }
      stamps.set(rel, stamp);
      const cached = stamp !== undefined ? data?.files[rel] : undefined;
      if (cached?.m === stamp && cached?.h !== undefined) {
        hashes.set(rel, cached.h);
        return cached.h;
      }
      reread++;
      const b = this.bytes(abs);
      const h = b === undefined ? undefined : contentHash(b);
      hashes.set(rel, h);
      return h;
    };
    let reread = 0;
    const rels = files.map((f) => this.rel(f));
    let setContentKey: string | undefined;
    /** Hash of every linted file's path and content (what a migration file's findings read when they name usages). */
    const fileSetContentKey = (): string => (setContentKey ??= sha(rels.map((r) => `${r}\u0000${hashOf(r) ?? ''}`).sort()));

    // 1. Keys: content hashes, the import graph (cached with the hashes), the migrations.
    let data: CacheData | undefined;
    let keys: Map<string, string> | undefined;
    let graph: Map<string, string[]> | undefined;
    let migrationFiles: string[] = [];
    let graphFromCache = false;
    /** Folder signatures behind the cached imports this run kept (CacheData.folders). */
    let keptFolders: Record<string, string | null> | undefined;
    const G = globalKey({
      version: VERSION,
      buildId: this.s.buildId,
      config: this.s.config,
      ruleIds: this.s.ruleIds,
      options: { reportUnusedDisables: this.s.reportUnusedDisables },
      projectFiles: [this.text(path.join(root, 'tsconfig.json')), this.text(path.join(root, 'package.json'))],
    });
    const fileSetKey = sha([...rels].sort());
    if (this.cache) {
      data = this.cache.load();
      if (data && data.globalKey !== G) data = undefined;
      // A tsconfig.json edited (its paths), or one it extends: imports may resolve elsewhere.
      if (data && !configsUnchanged(data.configs, (r) => this.text(this.abs(r)))) data = undefined;
    }
    // A cold run: start the workers now, they load the engine while this thread reads the import graph. With fewer
    // threads than PARALLEL_MIN_THREADS they only pay off when PGlite replays migrations meanwhile, which the engine tells
    // (step 3): they start then.
    if (!data && !this.prepared && !this.pool && this.workerCount(files.length) >= PARALLEL_MIN_THREADS) this.pool = this.startPool(files.length);
    if (this.cache) {
      // The cached graph: with the same file list and the same folder listings, a file whose content is unchanged
      // imports what it imported; only the files whose content changed (and modules new to the closure) have their
      // imports resolved again, by the engine. Otherwise the engine works the whole graph out.
      if (data && data.fileSetKey === fileSetKey && foldersUnchanged(data.folders, (r) => this.abs(r), this.s.listings)) {
        const cachedGraph = new Map<string, string[]>();
        const stack = [...rels];
        let recomputed = 0;
        while (stack.length) {
          const r = stack.pop()!;
          if (cachedGraph.has(r)) continue;
          const entry = data.files[r];
          let deps: string[];
          if (entry && Array.isArray(entry.deps) && entry.h === hashOf(r)) deps = entry.deps;
          else {
            const project = await this.ensureProject();
            deps = hashOf(r) === undefined ? [] : project.depsOf(this.abs(r)).map((d) => this.rel(d));
            recomputed++;
          }
          cachedGraph.set(r, deps);
          stack.push(...deps);
        }
        graph = cachedGraph;
        graphFromCache = recomputed === 0;
        keptFolders = data.folders;
        // The folders resolution listed are inputs of this run too (the replay stamps them).
        for (const r of Object.keys(data.folders ?? {})) this.inputPaths.add(this.abs(r));
        migrationFiles = graphFromCache ? data.migrationFiles : this.project!.migrationFiles().map((f) => this.rel(f));
        if (this.s.io.env.PGLINT_DEBUG_CACHE === '1' && recomputed) io.stderr.write(`cache: imports resolved again for ${recomputed} files\n`);
      }
      if (!graph) {
        const project = await this.ensureProject();
        graph = new Map();
        const stack = [...rels];
        while (stack.length) {
          const r = stack.pop()!;
          if (graph.has(r)) continue;
          const deps = hashOf(r) === undefined ? [] : project.depsOf(this.abs(r)).map((d) => this.rel(d));
          graph.set(r, deps);
          stack.push(...deps);
        }
        migrationFiles = project.migrationFiles().map((f) => this.rel(f));
      }
      this.migrationRels = migrationFiles;
      const g = graph;
      // Nothing changed (same files, same settings, no file re-read): every key is the one stored.
      const unchanged = graphFromCache && reread === 0 && data?.fileSetKey === fileSetKey && rels.every((r) => data!.files[r]?.key !== undefined);
      keys = unchanged ? new Map(rels.map((r) => [r, data!.files[r]!.key!])) : fileKeys({
        files: rels,
        globalKey: G,
        deps: (r) => g.get(r) ?? [],
        hash: hashOf,
        isSource: (r) => isSourceFile(r),
        migrationFiles,
        fileSetContentKey: fileSetContentKey(),
      });
    }

    // 2. Hits and misses.
    const results = new Map<string, CachedResult & { crash?: string }>();
    const misses: string[] = [];
    for (let i = 0; i < files.length; i++) {
      const key = keys?.get(rels[i]!);
      const entry = key !== undefined ? data?.files[rels[i]!] : undefined;
      const codeHolds = !entry?.result?.readsCode || entry.codeKey === fileSetContentKey();
      if (key !== undefined && entry?.key === key && entry.result && Array.isArray(entry.result.findings) && codeHolds) results.set(files[i]!, entry.result);
      else misses.push(files[i]!);
    }
    const debugCache = io.env.PGLINT_DEBUG_CACHE === '1';
    if (debugCache) {
      io.stderr.write(`cache: ${files.length - misses.length} hits, ${misses.length} misses, ${reread} files read to hash\n`);
      for (const f of misses) io.stderr.write(`cache: miss ${this.rel(f)}\n`);
    }
    if (data && misses.length === 0) this.warnMigrations(data.migrationError);

    // 3. The engine for the misses: in this thread, or in workers when there are many.
    if (misses.length) {
      let pool = this.pool;
      this.pool = undefined;
      const threads = this.workerCount(misses.length);
      if (pool && (this.prepared || threads < 2)) {
        await pool.terminate();
        pool = undefined;
      }
      // Before the engine loads when threads pay off anyway; after, only when PGlite will replay migrations.
      if (!pool && !this.prepared && threads >= PARALLEL_MIN_THREADS) pool = this.startPool(misses.length);
      const project = await this.ensureProject();
      if (!pool && !this.prepared && threads >= 2 && (this.forcedThreads() || (await project.needsDatabaseReplay({ cacheDir: this.s.cacheDir ?? false })))) pool = this.startPool(misses.length);
      let rest = misses;
      if (pool) {
        rest = await this.lintWithWorkers(pool, project, misses, results);
      } else {
        await this.prepare(project);
      }
      if (pool) for (const file of rest) this.lintHere(project, file, results);
      else this.lintAllHere(project, rest, results);
      this.warnMigrations(project.migrationError());
    }

    // 4. Store (only clean results: a crash is retried next time).
    if (this.cache && keys && graph && misses.length) {
      const entries: Record<string, CachedFile> = { ...(data?.files ?? {}) };
      for (const [r, deps] of graph) {
        const h = hashOf(r);
        if (h === undefined) continue;
        const old = entries[r];
        const m = stamps.get(r);
        entries[r] = { h, deps, ...(m !== undefined ? { m } : {}), ...(old && old.h === h && old.key !== undefined && !keys.has(r) ? { key: old.key, result: old.result } : {}) };
      }
      for (let i = 0; i < rels.length; i++) {
        const r = rels[i]!;
        const key = keys.get(r);
        const result = results.get(files[i]!);
        if (key === undefined || !result || result.crash !== undefined || !entries[r]) continue;
        const { codeKey: _old, ...entry } = entries[r]!;
        entries[r] = {
          ...entry, key, result: { findings: result.findings, skipped: result.skipped, errors: result.errors, ...(result.readsCode ? { readsCode: true } : {}) },
          ...(result.readsCode ? { codeKey: fileSetContentKey() } : {}),
        };
      }
      this.cache.save({
        format: CACHE_FORMAT,
        globalKey: G,
        fileSetKey,
        migrationFiles,
        migrationError: this.project?.migrationError() ?? data?.migrationError,
        files: entries,
        // The folders behind the cached imports kept (still valid: checked above), and those listed by this run.
        folders: { ...(keptFolders ?? {}), ...Object.fromEntries([...this.resolutionFolders].map(([d, entries]) => [this.rel(d), entries ? folderSignature(entries) : null])) },
        // Likewise the config files behind path aliases.
        configs: {
          ...(data?.configs ?? {}),
          ...Object.fromEntries((this.project?.aliasConfigs() ?? []).map((f) => [this.rel(f), configHash(this.text(f))])),
        },
      });
    }

    // 5. Reports, in the discovery order.
    const reports: FileReport[] = [];
    let crashed = 0;
    for (const file of files) {
      const r = results.get(file);
      if (!r) continue;
      if (r.crash !== undefined) {
        crashed++;
        io.stderr.write(`pglint: internal error while linting ${file}: ${r.crash}\n`);
        continue;
      }
      for (const message of r.errors ?? []) io.stderr.write(`pglint: warning: ${debug ? message : message.split('\n')[0]}\n`);
      if (r.skipped) io.stderr.write(`pglint: warning: ${path.relative(io.cwd, file) || file}: skipped, ${r.skipped}\n`);
      if (r.skipped && r.findings.length === 0) continue;
      // Offsets become lines with the text that was linted (kept when this run read it); a file with findings
      // that has gone since (a cached result, a checkout beside the run) is not reported at made-up lines.
      if (r.findings.length && this.text(file) === undefined) {
        io.stderr.write(`pglint: warning: ${path.relative(io.cwd, file) || file}: skipped, removed during the run\n`);
        continue;
      }
      // The text is decoded only if a formatter asks (files with findings): clean files cost a hash, no decode.
      const text = (f: string): string => this.text(f) ?? '';
      reports.push({ file, findings: r.findings, get text() { return text(file); } });
    }
    return { reports, crashed };
  }
}


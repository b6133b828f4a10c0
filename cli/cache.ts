/**
 * The CLI's result cache: per-file findings keyed by a hash of everything they can depend on.
 *
 * A file's key hashes: the pglint version and engine build, the resolved configuration, the rule ids and the
 * lint options (the "global key"); the file's path and content; the path, content and resolved imports of every
 * project file it imports, transitively (its findings may follow calls into them), folded into one Merkle key per
 * import cycle (see `fileKeys`: linear in the number of imports); for source files, the migrations' content
 * (the schema the SQL is checked against); for other non-source files (a Prisma schema), the content of the whole
 * file set. A migration file's result depends on the code only when its findings named places in it
 * (`CachedResult.readsCode`): it then holds only while the file set's content key is the one stored with it.
 *
 * The import graph itself is cached with each file's content hash and the signatures of the folders import
 * resolution listed (`CacheData.folders`) and the hashes of the config files path aliases came from
 * (`CacheData.configs`: a change there sets the cache aside), so a warm run re-reads and hashes the files but
 * never parses one and never loads the engine; after an edit, only the edited files' imports are resolved again.
 * One JSON file per project root holds everything, written atomically; a missing, corrupt or foreign file is
 * ignored (cold run).
 */
import { createHash, fnv1a64 } from '../rules/src/engine/hash';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { foldComponents } from '../rules/src/engine/graph';
import type { Finding } from '../rules/src/engine/types';

export const CACHE_FORMAT = 1;

export interface CachedResult {
  findings: Finding[];
  skipped?: string;
  errors?: string[];
  /** A migration file's findings named places in the code (see FileResult.readsCode): `CachedFile.codeKey` holds. */
  readsCode?: boolean;
}

export interface CachedFile {
  /** Content hash. */
  h: string;
  /** Size, modification and change times (ns) and inode when `h` was computed ("metadata" strategy: unchanged → not re-read). */
  m?: string;
  /** Resolved project imports (paths relative to the root), as Project.depsOf found them for this content. */
  deps: string[];
  /** Key of `result`. */
  key?: string;
  /** With a result that reads the code: the file set's content key it was computed with (`fileKeys`). */
  codeKey?: string;
  result?: CachedResult;
}

export interface CacheData {
  format: number;
  globalKey: string;
  /** Hash of the sorted list of linted files: another list may resolve imports differently. */
  fileSetKey: string;
  /** Migration files (relative), as the engine found them. */
  migrationFiles: string[];
  /** Why the migrations could not be analysed (repeated as a warning on warm runs). */
  migrationError?: string;
  files: Record<string, CachedFile>;
  /**
   * The folders import resolution listed to find the imports of `files` (relative paths), each with its
   * `folderSignature` (null: it could not be listed, and then its ancestors up to one that could are here too).
   * The cached graph holds only while they are unchanged: a module can appear where an import found nothing,
   * outside the linted files (another folder, an ignored one) or where a file stood.
   */
  folders?: Record<string, string | null>;
  /**
   * The config files the engine read for path aliases (each tsconfig.json that governs a folder and the files it
   * extends; relative paths), each with its content hash (null: missing). One that changes can change what any
   * import resolves to: the whole cache is then set aside.
   */
  configs?: Record<string, string | null>;
}

/** Whether every config file recorded with the cache still has the content it had (see CacheData.configs). */
export function configsUnchanged(configs: Record<string, string | null> | undefined, read: (rel: string) => string | undefined): boolean {
  // No record: the engine read no config (or the cache predates the field, and then another build wrote it,
  // which the global key already rejects).
  if (configs === undefined) return true;
  if (!configs || typeof configs !== 'object') return false;
  for (const [rel, hash] of Object.entries(configs)) if (configHash(read(rel)) !== hash) return false;
  return true;
}

/** A config file's entry in CacheData.configs: the hash of the text the engine read, null when it was missing. */
export function configHash(text: string | undefined): string | null {
  return text === undefined ? null : contentHash(text);
}

export function sha(parts: readonly string[]): string {
  const h = createHash('sha256');
  for (const p of parts) {
    h.update(p);
    h.update('\u0000');
  }
  return h.digest('hex');
}

/**
 * A folder's entries (for import resolution: their names), as listed now. null when the path is not a folder
 * (missing, or a file), undefined when it cannot be listed for another reason (as `listDirOnDisk`).
 */
export function listFolder(dir: string, listed?: ReadonlyMap<string, fs.Dirent[]>): fs.Dirent[] | null | undefined {
  // `listed`: the folders this run's discovery already listed (the same moment's view, without a second readdir).
  const known = listed?.get(dir);
  if (known) return known;
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? null : undefined;
  }
}

/**
 * The signature of what import resolution can see in a folder (CacheData.folders): every entry's name and whether
 * it is a folder (a file replaced by a folder of the same name changes it). Worked out only when a cache is
 * written or checked: a run without one lists folders for resolution alone.
 */
export function folderSignature(entries: readonly fs.Dirent[]): string {
  return contentHash(entries.map((e) => `${e.isDirectory() ? 'd' : e.isSymbolicLink() ? 'l' : 'f'}${e.name}`).sort().join('\0'));
}

/** Whether every folder recorded with a cached graph still has the signature it had (see CacheData.folders). */
export function foldersUnchanged(
  folders: Record<string, string | null> | undefined, abs: (rel: string) => string, listed?: ReadonlyMap<string, fs.Dirent[]>,
): boolean {
  if (!folders || typeof folders !== 'object') return false;
  for (const [rel, signature] of Object.entries(folders)) {
    const entries = listFolder(abs(rel), listed);
    if ((entries ? folderSignature(entries) : null) !== signature) return false;
  }
  return true;
}

export function contentHash(text: string | Buffer): string {
  return createHash('sha1').update(text).digest('hex');
}

/** `<root>/node_modules/.cache/pglint`, or a folder per root under the OS temporary folder. */
export function defaultCacheDir(root: string): string {
  const nm = path.join(root, 'node_modules');
  if (fs.existsSync(nm)) return path.join(nm, '.cache', 'pglint');
  // FNV-1a, not `sha`: a replay finds its folder without loading node:crypto.
  return path.join(os.tmpdir(), 'pglint-cache', fnv1a64(path.resolve(root)));
}

export function globalKey(parts: {
  version: string;
  buildId: string;
  config: unknown;
  ruleIds: readonly string[];
  options: unknown;
  /** Project files every analysis reads (the root tsconfig.json and package.json; the other config files path aliases come from are checked through CacheData.configs). */
  projectFiles: readonly (string | undefined)[];
}): string {
  return sha([
    `pglint-cache-${CACHE_FORMAT}`,
    parts.version,
    parts.buildId,
    JSON.stringify(parts.config),
    [...parts.ruleIds].sort().join(','),
    JSON.stringify(parts.options),
    ...parts.projectFiles.map((t) => t ?? '\u0001missing'),
  ]);
}

/** Reads and writes the cache file of one project root. */
export class ResultCache {
  readonly file: string;
  constructor(readonly dir: string, root: string) {
    this.file = path.join(dir, `results-${sha([path.resolve(root)]).slice(0, 16)}.json`);
  }

  /** The stored data, or undefined when missing, unreadable, corrupt or of another format. */
  load(): CacheData | undefined {
    try {
      const data = JSON.parse(fs.readFileSync(this.file, 'utf8')) as CacheData;
      if (!data || typeof data !== 'object' || data.format !== CACHE_FORMAT) return undefined;
      if (typeof data.globalKey !== 'string' || typeof data.fileSetKey !== 'string') return undefined;
      if (!Array.isArray(data.migrationFiles) || !data.files || typeof data.files !== 'object') return undefined;
      return data;
    } catch {
      return undefined;
    }
  }

  /** Writes atomically (temp file + rename); a failure only costs the next run its cache. */
  save(data: CacheData): boolean {
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      const tmp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(data));
      fs.renameSync(tmp, this.file);
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * Computes per-file keys from content hashes and the import graph, in time linear in files + imports.
 * `deps(rel)` gives a file's resolved imports (relative paths); `hash(rel)` its content hash (undefined when
 * unreadable).
 *
 * A file's findings may depend on everything it imports, transitively. Rather than hashing each file's whole
 * import closure (O(files × closure): hundreds of files deep in a React app), the graph is condensed into its
 * strongly connected components (Tarjan, iterative: no recursion, so a 100,000-deep import chain is fine), and in
 * reverse topological order each component gets a Merkle key: hash(its members' paths, contents and resolved
 * imports, + the keys of the components it imports). A change to any file therefore changes the key of its own
 * component and of every component that reaches it (its dependents), and nothing else. Files of one import cycle
 * share a component key, so a change anywhere in a cycle, or in anything the cycle imports, invalidates the whole
 * cycle.
 */
export function fileKeys(input: {
  files: readonly string[];
  globalKey: string;
  deps: (rel: string) => readonly string[];
  hash: (rel: string) => string | undefined;
  isSource: (rel: string) => boolean;
  migrationFiles: readonly string[];
  /** Hash of every linted file's path and content. */
  fileSetContentKey: string;
}): Map<string, string> {
  const migrationSet = new Set(input.migrationFiles);
  const migrationKey = sha([...input.migrationFiles].sort().flatMap((m) => [m, input.hash(m) ?? '\u0001missing']));
  const sccKey = componentKeys(input.files, input.deps, input.hash);
  const keys = new Map<string, string>();
  for (const rel of input.files) {
    const own = input.hash(rel);
    if (own === undefined) continue; // unreadable: always analysed (the engine says why)
    const parts = [input.globalKey, rel, own, sccKey.get(rel)!];
    if (input.isSource(rel)) parts.push('migrations', migrationKey);
    // A migration file depends on the code only when its lint asked where the code uses what it drops or renames
    // (CachedResult.readsCode, checked against CachedFile.codeKey); other files that are not source files
    // (a Prisma schema) on the whole file set.
    if (!migrationSet.has(rel) && !input.isSource(rel)) parts.push('project', input.fileSetContentKey);
    keys.set(rel, sha(parts));
  }
  return keys;
}

/**
 * The Merkle key of each node's strongly connected component, for every node reachable from `roots`:
 * hash(the members' paths, contents and resolved imports, + the keys of the components it imports), folded in
 * reverse topological order by `foldComponents` (rules/src/engine/graph.ts).
 */
export function componentKeys(
  roots: readonly string[],
  deps: (node: string) => readonly string[],
  hash: (node: string) => string | undefined,
): Map<string, string> {
  return foldComponents<string>(roots, deps, (members, imported, depsOf) => {
    const parts: string[] = ['scc'];
    for (const member of members) parts.push(member, hash(member) ?? '\u0001missing', [...new Set(depsOf(member))].sort().join('\u0002'));
    parts.push('imports', ...[...imported].sort());
    return sha(parts);
  });
}

/**
 * The CLI's result cache: per-file findings keyed by a hash of everything they can depend on.
 *
 * A file's key hashes: the pglint version and engine build, the resolved configuration, the rule ids and the
 * lint options (the "global key"); the file's path and content; the path and content hash of every project file
 * it imports, transitively (its findings may follow calls into them); for source files, the migrations' content
 * (the schema the SQL is checked against); for migration files and other non-source files, the content of the
 * whole file set (their findings may name usages anywhere in the code).
 *
 * The import graph itself is cached with each file's content hash, so a warm run re-reads and hashes the files
 * but never parses one and never loads the engine. One JSON file per project root holds everything, written
 * atomically; a missing, corrupt or foreign file is ignored (cold run).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Finding } from '../rules/src/engine/types';

export const CACHE_FORMAT = 1;

export interface CachedResult {
  findings: Finding[];
  skipped?: string;
  errors?: string[];
}

export interface CachedFile {
  /** Content hash. */
  h: string;
  /** Resolved project imports (paths relative to the root), as Project.depsOf found them for this content. */
  deps: string[];
  /** Key of `result`. */
  key?: string;
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
}

export function sha(parts: readonly string[]): string {
  const h = createHash('sha256');
  for (const p of parts) {
    h.update(p);
    h.update('\u0000');
  }
  return h.digest('hex');
}

export function contentHash(text: string | Buffer): string {
  return createHash('sha1').update(text).digest('hex');
}

/** `<root>/node_modules/.cache/pglint`, or a folder per root under the OS temporary folder. */
export function defaultCacheDir(root: string): string {
  const nm = path.join(root, 'node_modules');
  if (fs.existsSync(nm)) return path.join(nm, '.cache', 'pglint');
  return path.join(os.tmpdir(), 'pglint-cache', sha([path.resolve(root)]).slice(0, 16));
}

export function globalKey(parts: {
  version: string;
  buildId: string;
  config: unknown;
  ruleIds: readonly string[];
  options: unknown;
  /** Project files every analysis reads (tsconfig.json for path aliases, package.json). */
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
 * Computes per-file keys from content hashes and the import graph.
 * `deps(rel)` gives a file's resolved imports (relative paths); `hash(rel)` its content hash (undefined when
 * unreadable).
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
  const keys = new Map<string, string>();
  for (const rel of input.files) {
    const own = input.hash(rel);
    if (own === undefined) continue; // unreadable: always analysed (the engine says why)
    const closure = new Set<string>();
    const stack = [...input.deps(rel)];
    while (stack.length) {
      const d = stack.pop()!;
      if (closure.has(d) || d === rel) continue;
      closure.add(d);
      for (const dd of input.deps(d)) stack.push(dd);
    }
    const parts = [input.globalKey, rel, own];
    for (const d of [...closure].sort()) parts.push(d, input.hash(d) ?? '\u0001missing');
    if (input.isSource(rel)) parts.push('migrations', migrationKey);
    if (migrationSet.has(rel) || !input.isSource(rel)) parts.push('project', input.fileSetContentKey);
    keys.set(rel, sha(parts));
  }
  return keys;
}

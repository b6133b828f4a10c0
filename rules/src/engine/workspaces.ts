/**
 * Workspace packages of a monorepo (npm, yarn and pnpm workspaces): `import { prisma } from '@acme/db'` names a
 * folder of the same repository, which TypeScript finds through node_modules links once the dependencies are
 * installed. pglint reads the workspace list instead (it never needs node_modules), so such an import is followed
 * into the project like a relative one.
 *
 * Read: the root package.json's `workspaces` (an array, or `{ packages: [...] }`) and pnpm-workspace.yaml's
 * `packages` list; patterns are folder paths whose segments may be `*` (any one folder) and a final `**` (any depth),
 * `!` excludes. Each matched folder with a package.json that has a `name` is a package. An import of the package
 * resolves through its `exports` (the `.` entry or the subpath, patterns with `*` included; conditions tried in the
 * order types, import, module, default, require, node), then `types`, `main` and `module`, then its index file; a
 * subpath without `exports` is a path inside the package folder. Targets are tried as written and with the
 * TypeScript source they are built from (`./dist/index.js` → `./index.ts`, `./src/index.ts`); an entry that
 * resolves to nothing in the repository (a build output) leaves the import unresolved, as before.
 */
import * as path from 'node:path';
import { childPath } from './read';

export interface WorkspacePackage {
  name: string;
  dir: string;
  manifest: PackageManifest;
}

interface PackageManifest {
  name?: unknown;
  main?: unknown;
  module?: unknown;
  types?: unknown;
  typings?: unknown;
  exports?: unknown;
  workspaces?: unknown;
}

const CONDITIONS = ['types', 'import', 'module', 'default', 'require', 'node'];
/** Folders a `**` pattern never walks into. */
const SKIPPED = new Set(['node_modules', '.git', 'dist', 'build', 'coverage']);
/** Deepest folder a `**` pattern walks to, below its prefix. */
const MAX_DEPTH = 4;

/**
 * The workspace packages under `root`, by name. `read` returns a file's text (undefined when missing), `list` a
 * folder's entry names (null or undefined when it cannot be listed). Never throws: a broken manifest is skipped.
 */
export function readWorkspacePackages(
  root: string, read: (file: string) => string | undefined, list: (dir: string) => readonly string[] | null | undefined,
): Map<string, WorkspacePackage> {
  const patterns = [...npmWorkspaces(read(childPath(root, 'package.json'))), ...pnpmWorkspaces(read(childPath(root, 'pnpm-workspace.yaml')))];
  const out = new Map<string, WorkspacePackage>();
  if (!patterns.length) return out;
  const excluded = patterns.filter((p) => p.startsWith('!')).map((p) => normalise(p.slice(1)));
  for (const pattern of patterns) {
    if (pattern.startsWith('!')) continue;
    for (const rel of expand(root, normalise(pattern), list)) {
      if (excluded.some((x) => matches(rel, x))) continue;
      const dir = rel ? path.join(root, rel) : root;
      const text = read(childPath(dir, 'package.json'));
      if (text === undefined) continue;
      let manifest: PackageManifest;
      try {
        manifest = JSON.parse(text) as PackageManifest;
      } catch {
        continue;
      }
      if (!manifest || typeof manifest.name !== 'string' || !manifest.name || out.has(manifest.name)) continue;
      out.set(manifest.name, { name: manifest.name, dir, manifest });
    }
  }
  return out;
}

/** The paths to try for `specifier` (an exact package name, or one followed by a subpath), most likely first. */
export function workspaceCandidates(packages: ReadonlyMap<string, WorkspacePackage>, specifier: string): string[] {
  if (!packages.size) return [];
  // `@scope/name/sub/path` or `name/sub/path`.
  const parts = specifier.split('/');
  const nameParts = specifier.startsWith('@') ? 2 : 1;
  const pkg = packages.get(parts.slice(0, nameParts).join('/'));
  if (!pkg) return [];
  const sub = parts.slice(nameParts).join('/');
  const { manifest, dir } = pkg;
  const targets: string[] = [];
  if (manifest.exports !== undefined && manifest.exports !== null) {
    targets.push(...exportTargets(manifest.exports, sub ? `./${sub}` : '.'));
  } else if (sub) {
    targets.push(`./${sub}`);
  }
  if (!sub) {
    for (const field of [manifest.types, manifest.typings, manifest.main, manifest.module]) if (typeof field === 'string') targets.push(field);
    targets.push('./index', './src/index');
  }
  const out: string[] = [];
  for (const t of targets) {
    const full = path.resolve(dir, t);
    if (!isWithin(dir, full)) continue;
    out.push(full);
    // A build output named in the manifest: the source it is built from.
    const built = /^(?:\.\/)?(?:dist|build|lib|out)\/(.+?)(?:\.d)?\.(?:[mc]?js|[mc]?ts)$/.exec(t);
    if (built) out.push(path.resolve(dir, built[1]!), path.resolve(dir, 'src', built[1]!));
  }
  return [...new Set(out)];
}

/** The targets `exports` gives a subpath ('.' or './x'), conditions in CONDITIONS order. */
function exportTargets(exportsField: unknown, subpath: string): string[] {
  let map: Record<string, unknown>;
  if (typeof exportsField === 'string' || Array.isArray(exportsField)) map = { '.': exportsField };
  else if (typeof exportsField === 'object' && exportsField) {
    const keys = Object.keys(exportsField);
    // Conditions at the top level (`{ "import": "./x.js" }`) stand for '.'.
    map = keys.length && keys.every((k) => !k.startsWith('.')) ? { '.': exportsField } : (exportsField as Record<string, unknown>);
  } else return [];
  const exact = map[subpath];
  if (exact !== undefined) return conditionTargets(exact);
  for (const [key, value] of Object.entries(map)) {
    const star = key.indexOf('*');
    if (star < 0) continue;
    const pre = key.slice(0, star);
    const post = key.slice(star + 1);
    if (subpath.startsWith(pre) && subpath.endsWith(post) && subpath.length >= pre.length + post.length) {
      const mid = subpath.slice(pre.length, subpath.length - post.length);
      return conditionTargets(value).map((t) => t.split('*').join(mid));
    }
  }
  return [];
}

function conditionTargets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(conditionTargets);
  if (!value || typeof value !== 'object') return [];
  const v = value as Record<string, unknown>;
  return [...CONDITIONS.filter((c) => c in v), ...Object.keys(v).filter((c) => !CONDITIONS.includes(c))].flatMap((c) => conditionTargets(v[c]));
}

function npmWorkspaces(text: string | undefined): string[] {
  if (text === undefined) return [];
  try {
    const manifest = JSON.parse(text) as PackageManifest;
    const w = manifest?.workspaces;
    const list = Array.isArray(w) ? w : w && typeof w === 'object' && Array.isArray((w as { packages?: unknown }).packages) ? (w as { packages: unknown[] }).packages : [];
    return list.filter((p): p is string => typeof p === 'string');
  } catch {
    return [];
  }
}

/**
 * The `packages` list of a pnpm-workspace.yaml: a block sequence of scalars (`  - "packages/*"`) or a flow sequence
 * (`packages: [a, b]`). Only this key is read; any other YAML in the file is ignored.
 */
export function pnpmWorkspaces(text: string | undefined): string[] {
  if (text === undefined) return [];
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => /^packages\s*:/.test(l));
  if (start < 0) return [];
  const unquote = (s: string): string => s.trim().replace(/\s+#.*$/, '').replace(/^(['"])(.*)\1$/, '$2');
  const inline = /^packages\s*:\s*\[(.*)\]\s*(?:#.*)?$/.exec(lines[start]!);
  if (inline) return inline[1]!.split(',').map(unquote).filter(Boolean);
  const out: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^\s*(?:#.*)?$/.test(line)) continue;
    const item = /^\s+-\s+(.+)$/.exec(line);
    if (!item) break;
    const value = unquote(item[1]!);
    if (value) out.push(value);
  }
  return out;
}

/** A pattern without a leading './' or trailing '/', with '/' separators. */
function normalise(pattern: string): string {
  return pattern.trim().replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
}

/** Whether a folder path (relative, '/'-separated) matches a pattern of literal, `*` and final `**` segments. */
function matches(rel: string, pattern: string): boolean {
  const a = rel ? rel.split('/') : [];
  const b = pattern ? pattern.split('/') : [];
  for (let i = 0; i < b.length; i++) {
    if (b[i] === '**') return i === b.length - 1 && a.length >= i;
    if (i >= a.length || (b[i] !== '*' && b[i] !== a[i])) return false;
  }
  return a.length === b.length;
}

/** The folders (relative to root) a pattern names. */
function expand(root: string, pattern: string, list: (dir: string) => readonly string[] | null | undefined): string[] {
  const segments = pattern ? pattern.split('/') : [];
  if (segments.some((s) => s === '..' || (s.includes('*') && s !== '*' && s !== '**'))) return []; // outside, or a partial glob
  let current = [''];
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const next: string[] = [];
    for (const rel of current) {
      const here = rel ? path.join(root, rel) : root;
      if (seg === '**') {
        if (i !== segments.length - 1) return [];
        walk(root, rel, list, MAX_DEPTH, next);
      } else if (seg === '*') {
        for (const name of list(here) ?? []) if (!name.startsWith('.') && !SKIPPED.has(name) && list(childPath(here, name))) next.push(rel ? `${rel}/${name}` : name);
      } else {
        next.push(rel ? `${rel}/${seg}` : seg);
      }
    }
    current = next;
  }
  return current;
}

function walk(root: string, rel: string, list: (dir: string) => readonly string[] | null | undefined, depth: number, out: string[]): void {
  out.push(rel);
  if (depth === 0) return;
  const here = rel ? path.join(root, rel) : root;
  for (const name of list(here) ?? []) {
    if (name.startsWith('.') || SKIPPED.has(name)) continue;
    const child = rel ? `${rel}/${name}` : name;
    if (list(path.join(root, child))) walk(root, child, list, depth - 1, out);
  }
}

function isWithin(dir: string, p: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
